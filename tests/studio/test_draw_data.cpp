// Drawing data and input features (issue 19): clicks and drags add points
// of the chosen class, Shift erases; the drawn multi-class set trains and
// round-trips through the project file; input features change the
// network's input width, are drawn as input neurons, and train.
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>
#include <cmath>

#include "bridge/session_bridge.h"
#include "canvas/draw_data.h"
#include "canvas/feature_inputs.h"
#include "canvas/network_canvas.h"
#include "window/classroom.h"
#include "window/classroom_shots.h"
#include "window/main_window.h"
#include "window/scripted_run.h"

using namespace gs::studio;

namespace {

bool loaded(MainWindow& w) {
    return wait_for([&] { w.refresh_now(); return !w.bridge()->is_loading() && w.bridge()->has_session(); }, 30000);
}

// Three clusters of a class each, drawn through the plane.
void draw_three_clusters(DataDrawer& d) {
    const QPointF centres[3] = {{-3, -3}, {3, -3}, {0, 3}};
    for (int c = 0; c < 3; ++c) {
        d.set_class(c);
        for (int i = 0; i < 12; ++i) {
            const float x = static_cast<float>(centres[c].x() + 0.4 * std::cos(i)),
                        y = static_cast<float>(centres[c].y() + 0.4 * std::sin(i * 1.7));
            d.plane()->add_at(d.plane()->to_widget(x, y));
        }
    }
}

}  // namespace

class TestDrawData : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void clicks_add_points_of_the_class_and_shift_erases() {
        DataDrawer d;
        d.resize(320, 420);
        d.show();
        QVERIFY(QTest::qWaitForWindowExposed(&d));
        DrawPlane* p = d.plane();
        const QPoint a = p->to_widget(-2, 1).toPoint(), b = p->to_widget(2.5f, -1).toPoint();
        QTest::mouseClick(p, Qt::LeftButton, {}, a);
        d.set_class(2);
        QTest::mouseClick(p, Qt::LeftButton, {}, b);
        QCOMPARE(p->points().size(), size_t(2));
        QCOMPARE(p->points()[0].label, 0);
        QCOMPARE(p->points()[1].label, 2);
        QVERIFY(std::fabs(p->points()[0].x - (-2)) < 0.1 && std::fabs(p->points()[0].y - 1) < 0.1);
        // A drag adds a trail of points.
        QTest::mousePress(p, Qt::LeftButton, {}, p->to_widget(0, 0).toPoint());
        for (int i = 1; i <= 10; ++i) {
            QMouseEvent move(QEvent::MouseMove, p->to_widget(0.3f * i, 0), p->mapToGlobal(p->to_widget(0.3f * i, 0)),
                             Qt::NoButton, Qt::LeftButton, Qt::NoModifier);
            QApplication::sendEvent(p, &move);
        }
        QTest::mouseRelease(p, Qt::LeftButton, {}, p->to_widget(3, 0).toPoint());
        QVERIFY(p->points().size() >= 6);
        // Shift erases the points under the brush, and only those.
        const size_t n = p->points().size();
        QTest::mouseClick(p, Qt::LeftButton, Qt::ShiftModifier, a);
        QCOMPARE(p->points().size(), n - 1);
        QCOMPARE(p->points()[0].label, 2);
        const gs::DataSpec spec = d.data_spec();
        QCOMPARE(spec.name, std::string("points"));
        QCOMPARE(spec.classes, 3);
        QVERIFY(spec.features.empty());  // x₁ and x₂: the point itself
    }

    void a_drawn_multi_class_set_trains_and_round_trips_through_the_project() {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("drawn.gradscope"));
        std::vector<gs::DataPoint> drawn;
        {
            MainWindow w;
            QVERIFY(w.open_preset(QStringLiteral("spiral-tanh")));
            QVERIFY(loaded(w));
            DataDrawer* d = w.classroom()->drawer();
            d->set_data_spec(gs::DataSpec{});
            d->resize(320, 420);
            draw_three_clusters(*d);
            drawn = d->plane()->points();
            QCOMPARE(drawn.size(), size_t(36));
            w.apply_classroom_data(d->data_spec());
            QVERIFY(loaded(w));
            const gs::ModelSpec& s = w.bridge()->spec();
            QCOMPARE(s.data.name, std::string("points"));
            QCOMPARE(s.data.classes, 3);
            QCOMPARE(s.layers[s.layers.size() - 2].units, 3);  // one output per class
            QCOMPARE(s.loss, std::string("softmax_cross_entropy"));
            QVERIFY(w.bridge()->step(200));
            QVERIFY(wait_for([&] { w.refresh_now(); return w.bridge()->steps_done() == 200 &&
                                                           w.bridge()->state() != gs::SessionState::Running; }, 30000));
            QVERIFY(std::isfinite(w.bridge()->store().last_step().loss));
            QString error;
            QVERIFY2(w.save_project_as(path, &error), qPrintable(error));
        }
        MainWindow again;
        QString error;
        QVERIFY2(again.open_project(path, &error), qPrintable(error));
        QCOMPARE(again.current_project().spec.data.points, drawn);
        QCOMPARE(again.current_project().spec.data.classes, 3);
        QVERIFY(loaded(again));
        QCOMPARE(again.bridge()->data()->classes, 3);
    }

    void input_features_change_the_input_width_are_drawn_and_train() {
        MainWindow w;
        w.resize(1400, 900);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QVERIFY(w.open_preset(QStringLiteral("spiral-tanh")));
        QVERIFY(loaded(w));
        QCOMPARE(int(w.bridge()->spec().input.numel()), 2);
        DataDrawer* d = w.classroom()->drawer();
        d->set_data_spec(w.current_project().spec.data);
        d->set_feature("x1^2", true);
        d->set_feature("x2^2", true);
        d->set_feature("sin(x1)", true);
        gs::DataSpec data = w.current_project().spec.data;  // the spiral itself, with features
        data.features = d->features();
        QCOMPARE(data.features.size(), size_t(5));
        w.apply_classroom_data(data);
        QVERIFY(loaded(w));
        QCOMPARE(int(w.bridge()->spec().input.numel()), 5);
        QVERIFY(w.bridge()->step(100));
        QVERIFY(wait_for([&] { w.refresh_now(); return w.bridge()->snapshot() && w.bridge()->snapshot()->step == 100; },
                         30000));
        QVERIFY(std::isfinite(w.bridge()->store().last_step().loss));
        // Five input neurons, labelled by their features, each with a map.
        w.refresh_now();
        w.canvas()->repaint();
        QVERIFY(!w.canvas()->neuron_rect(-1, 4).isEmpty());
        QCOMPARE(input_labels(w.bridge()->spec().data, 5),
                 (QStringList{"x₁", "x₂", "x₁²", "x₂²", "sin x₁"}));
        const auto snap = w.bridge()->snapshot();
        const auto maps = input_heatmaps(w.bridge()->spec().data, 5, snap->grid, snap->lo, snap->hi, w.theme());
        QCOMPARE(int(maps.size()), 5);
        QVERIFY(maps[2] != maps[3]);  // x₁² and x₂² differ
    }

    // `--classroom-shot draw --size 1280x720` wrote 886x720: showing the
    // drawer's dock had shrunk the window.
    void the_drawn_set_picture_has_the_size_asked_for() {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString png = dir.filePath(QStringLiteral("draw.png"));
        MainWindow w;
        const QString error = classroom_screenshot(w, QStringLiteral("draw"), png, QSize(1280, 720));
        QVERIFY2(error.isEmpty(), qPrintable(error));
        const QImage picture(png);
        QCOMPARE(picture.size(), QSize(1280, 720));
        QVERIFY(w.bridge()->steps_done() >= 400);  // trained on the drawn set
        QCOMPARE(w.bridge()->data()->classes, 4);
    }
};

QTEST_MAIN(TestDrawData)
#include "test_draw_data.moc"
