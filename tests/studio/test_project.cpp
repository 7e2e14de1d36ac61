// Project files: what is saved comes back equal; broken files give errors
// that say what is wrong.
#include <QTemporaryDir>
#include <QtTest>

#include "gradscope/error.h"
#include "gradscope/io.h"
#include "gradscope/presets.h"
#include "project/project.h"

using namespace gs::studio;

class TestProject : public QObject {
    Q_OBJECT

private slots:
    void round_trip_keeps_everything() {
        Project p;
        p.spec = gs::load_preset("cnn-fashion");
        p.spec.optimizer.lr = 0.0025f;
        p.spec.data.limit = 1000;
        p.backend = QStringLiteral("cuda:0");
        p.stop_on_nonfinite = false;
        p.steps_per_second = 100;
        p.breakpoints = {{"loss_above", 3.5}, {"grad_norm_above", 1e3}};
        p.view.geometry = QByteArray("\x01\x02geometry\xff", 11);
        p.view.state = QByteArray("state bytes");
        p.view.smoothing = 0.85;
        p.view.log_scale = true;
        p.view.show_test_points = true;
        p.view.show_gradients = true;
        p.view.presentation = true;
        p.view.probe = 17;
        const Project q = project_from_json(project_to_json(p));
        QVERIFY(q == p);
        QCOMPARE(q.spec.optimizer.lr, 0.0025f);
        QCOMPARE(q.spec.data.limit, 1000);
        QCOMPARE(q.view.geometry, p.view.geometry);
        QCOMPARE(q.view.probe, 17);
        QCOMPARE(q.steps_per_second, 100.0);
        QCOMPARE(q.breakpoints.at("loss_above"), 3.5);
        // And a change is noticed.
        Project r = q;
        r.spec.layers[0].filters += 1;
        QVERIFY(!(r == p));
    }

    void saved_file_reopens_equal() {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("spiral.gradscope"));
        Project p;
        p.spec = gs::load_preset("spiral-tanh");
        save_project(path, p);
        QVERIFY(load_project(path) == p);
        const std::string text = gs::read_file(path.toStdString());
        QVERIFY(text.find("\"format\": \"gradscope-project-1\"") != std::string::npos);
    }

    void broken_files_say_what_is_wrong() {
        auto message = [](const std::string& text) -> std::string {
            try {
                project_from_json(text);
            } catch (const gs::Error& e) {
                return e.what();
            }
            return "no error";
        };
        QCOMPARE(message("[1, 2]"), std::string("not a Gradscope project (expected a JSON object)"));
        QCOMPARE(message("{}"), std::string("not a Gradscope project (no \"format\")"));
        QCOMPARE(message(R"({"format": "gradscope-project-9"})"),
                 std::string("unknown project format 'gradscope-project-9' (this version reads gradscope-project-1)"));
        QCOMPARE(message(R"({"format": "gradscope-project-1"})"), std::string("the project has no \"spec\" object"));
        const std::string bad_layer = message(
            R"({"format": "gradscope-project-1", "spec": {"input": [2], "layers": [{"type": "Dense", "units": 0}]}})");
        QVERIFY2(bad_layer.rfind("its model does not validate:\nlayer 1 (Dense): units", 0) == 0, bad_layer.c_str());
        QVERIFY(message("{\"format\": ").rfind("not valid JSON: ", 0) == 0);
        QCOMPARE(message(R"({"format": "gradscope-project-1", "spec": {"input": [2], "layers": [{"type": "Dense", "units": 2}]}, "backend": 3})"),
                 std::string("\"backend\" has the wrong type"));
        QCOMPARE(message(R"({"format": "gradscope-project-1", "spec": {"input": [2], "layers": [{"type": "Dense", "units": 2}]}, "breakpoints": {"loss_above": "high"}})"),
                 std::string("breakpoint \"loss_above\" needs a number"));
        // Found by fuzz_project: a number too large for a double escaped as
        // nlohmann's out_of_range, and a probe of 1e300 converted to int was
        // undefined behaviour; both are errors in words now.
        const std::string ok = R"({"format": "gradscope-project-1", "spec": {"input": [2], "layers": [{"type": "Dense", "units": 2}]})";
        QVERIFY(message(ok + R"(, "steps_per_second": 1e999})").rfind("not valid JSON: ", 0) == 0);
        for (const char* probe : {"1e300", "-1", "2.5", "2147483648"})
            QCOMPARE(message(ok + R"(, "view": {"probe": )" + probe + "}}"),
                     std::string("\"probe\" must be a whole number from 0 to 2147483647"));
        QCOMPARE(project_from_json(ok + R"(, "view": {"probe": 2147483647}})").view.probe, 2147483647);
        // A missing file names itself.
        try {
            load_project(QStringLiteral("/nonexistent/x.gradscope"));
            QFAIL("no error");
        } catch (const gs::Error& e) {
            QVERIFY(std::string(e.what()).find("/nonexistent/x.gradscope") != std::string::npos);
        }
    }
};

QTEST_MAIN(TestProject)
#include "test_project.moc"
