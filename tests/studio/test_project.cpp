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

    // Issue 14, item 9: 100,000 nested arrays are an error in words, not a
    // stack overflow (reading and writing JSON recurse once per level).
    void deep_nesting_is_refused_in_words() {
        std::string deep = R"({"format": "gradscope-project-1", "spec": {"input": [2], "description": )";
        deep += std::string(100000, '[') + std::string(100000, ']');
        deep += R"(, "layers": [{"type": "Dense", "units": 2}]}})";
        try {
            project_from_json(deep);
            QFAIL("no error");
        } catch (const gs::Error& e) {
            const std::string m = e.what();
            QVERIFY2(m.find("nest more than 64 levels") != std::string::npos, m.c_str());
            QVERIFY2(m.find("line 1") != std::string::npos, m.c_str());
        }
        // Brackets inside strings are text, not nesting.
        Project p;
        p.spec = gs::load_preset("spiral-tanh");
        p.spec.description = std::string(1000, '[');
        QCOMPARE(project_from_json(project_to_json(p)).spec.description, p.spec.description);
    }

    // A project saved with its run: the weights' file name, the step and
    // the curves come back; a project without one still reads.
    void a_saved_run_round_trips() {
        Project p;
        p.spec = gs::load_preset("spiral-tanh");
        SavedRun run;
        run.weights = QStringLiteral("lesson.weights.safetensors");
        run.step = 50;
        for (int i = 1; i <= 50; ++i) {
            gs::SeriesPoint x;
            x.x = i;
            x.mean = x.min = x.max = 1.0f / static_cast<float>(i);
            run.history.loss.push_back(x);
            x.mean = x.min = x.max = 0.5f;
            run.history.accuracy.push_back(x);
        }
        gs::EpochRecord e;
        e.epoch = 2;
        e.step = 50;
        e.has_validation = true;
        e.val_loss = 0.4f;
        run.history.epochs.push_back(e);
        run.history.events.push_back(gs::EventRecord{20, "hyperparameter", "lr", 0.05, "lr set to 0.05"});
        p.run = run;
        const Project q = project_from_json(project_to_json(p));
        QVERIFY(q == p);
        QVERIFY(q.run.has_value());
        QCOMPARE(q.run->weights, run.weights);
        QCOMPARE(q.run->step, 50L);
        QCOMPARE(q.run->history.loss.size(), size_t(50));
        QCOMPARE(q.run->history.loss[9].mean, 0.1f);
        QCOMPARE(q.run->history.epochs.front().val_loss, 0.4f);
        QCOMPARE(q.run->history.events.front().name, std::string("lr"));
        QCOMPARE(run_weights_path(QStringLiteral("/x/y/lesson.gradscope"), *q.run),
                 QStringLiteral("/x/y/lesson.weights.safetensors"));
        QCOMPARE(weights_name_for(QStringLiteral("/x/y/lesson.gradscope")), QStringLiteral("lesson.weights.safetensors"));
        // Replayed into a store: the curves and the epoch.
        gs::TelemetryStore store;
        replay(q.run->history, store);
        QCOMPARE(store.loss().total_added(), size_t(50));
        QCOMPARE(store.last_step().epoch, 1);  // 0-based: the epoch that ended at step 50
        // Older projects have no run.
        Project plain;
        plain.spec = p.spec;
        QVERIFY(!project_from_json(project_to_json(plain)).run.has_value());
    }
};

QTEST_MAIN(TestProject)
#include "test_project.moc"
