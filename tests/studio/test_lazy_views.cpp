// The views the first frame does not show are built when first shown (the
// studio's first frame, issue 21): "What the network learned" (tabbed behind
// the gradient flow), the step-through and the data drawer (hidden docks).
// Each is not built before it is shown, and shows the run so far when it is.
#include <QAction>
#include <QDockWidget>
#include <QSettings>
#include <QStandardPaths>
#include <QtTest>

#include "bridge/classroom_service.h"
#include "bridge/data_map_service.h"
#include "bridge/session_bridge.h"
#include "canvas/draw_data.h"
#include "canvas/feature_inputs.h"
#include "canvas/step_through.h"
#include "canvas/step_through_panel.h"
#include "learned_views_support.h"
#include "views/confusion_view.h"
#include "views/data_map_view.h"
#include "views/histograms_view.h"
#include "views/item_gallery.h"
#include "views/learned_views.h"
#include "views/mistakes_view.h"
#include "window/classroom.h"
#include "window/main_window.h"

using namespace gs::studio;
using namespace gs::studio::testing;

namespace {

QDockWidget* dock(MainWindow& w, const char* name) {
    return w.findChild<QDockWidget*>(QString::fromLatin1(name));
}

// The window on screen with spiral-tanh's data given three input features
// (x1, x2, x1^2), loaded: what the step-through and the drawer must show.
bool open_with_three_inputs(MainWindow& w) {
    w.resize(1280, 720);
    w.show();
    if (!QTest::qWaitForWindowExposed(&w) || !w.open_preset(QStringLiteral("spiral-tanh")) || !loaded(*w.bridge()))
        return false;
    gs::DataSpec data = w.current_project().spec.data;
    data.features = {"x1", "x2", "x1^2"};
    w.apply_classroom_data(data);
    return loaded(*w.bridge());
}

}  // namespace

class TestLazyViews : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        QSettings().clear();  // the default layout: no dock of these shown by a saved one
    }

    void what_the_network_learned_is_built_on_first_show_with_the_run_so_far() {
        MainWindow w;
        w.resize(1400, 900);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QVERIFY(w.open_preset(QStringLiteral("spiral-tanh")));
        SessionBridge* b = w.bridge();
        QVERIFY(loaded(*b));
        // What a histograms view there from the start would hold.
        HistogramsView reference;
        reference.set_spec(b->spec());
        QObject::connect(b, &SessionBridge::telemetryUpdated, &reference, [&] { reference.add(b->store().layers()); });
        // Step by step (statistics samples of many steps); eight epochs of
        // 25 steps: a data map too.
        for (int i = 0; i < 20; ++i) QVERIFY(trained(*b, 10));
        DataMapService* service = w.learned_views()->data_map_service();
        QVERIFY(wait_for([&] { service->poll(); return service->map() && service->map()->step == b->steps_done(); }, 20000));
        w.refresh_now();
        // Trained, but never shown: nothing of the four views exists.
        QVERIFY(!w.learned_views()->views_built());
        QVERIFY(w.findChildren<ConfusionView*>().isEmpty());
        QCOMPARE(w.findChildren<HistogramsView*>().size(), 0);

        QDockWidget* learned = dock(w, "dock_learned");
        QVERIFY(learned);
        learned->raise();  // its tab in front of the gradient flow's
        QVERIFY(wait_for([&] { return learned->isVisible(); }, 5000));
        QVERIFY(w.learned_views()->views_built());
        QCOMPARE(w.findChildren<ConfusionView*>().size(), 1);

        const auto snap = b->snapshot();
        QVERIFY(snap && snap->classes >= 2 && !snap->confusion.empty());
        LearnedViews* lv = w.learned_views();
        QCOMPARE(lv->confusion()->record().step, snap->confusion_step);
        QCOMPARE(lv->confusion()->record().counts, snap->confusion);
        const auto& items = lv->mistakes()->gallery()->items();
        QCOMPARE(items.size(), snap->mistakes.size());
        QVERIFY(!items.empty());
        for (size_t i = 0; i < items.size(); ++i) QCOMPARE(items[i].item, snap->mistakes[i].item);
        // The histograms' history from the first statistics on, not from the show.
        const auto samples = lv->histograms()->history().samples(0, HistogramKind::Weights);
        const auto expected = reference.history().samples(0, HistogramKind::Weights);
        QVERIFY(expected.size() >= 2);
        QCOMPARE(samples.size(), expected.size());
        for (size_t i = 0; i < samples.size(); ++i) QCOMPARE(samples[i]->step, expected[i]->step);
        QCOMPARE(lv->data_map()->map(), service->map());

        // Built, the views go on following the run (statistics samples come
        // ever more sparsely: train until the next one).
        const size_t kept = expected.size();
        for (int i = 0; i < 40 && reference.history().samples(0, HistogramKind::Weights).size() == kept; ++i)
            QVERIFY(trained(*b, 10));
        w.refresh_now();
        const auto later = lv->histograms()->history().samples(0, HistogramKind::Weights);
        const auto later_expected = reference.history().samples(0, HistogramKind::Weights);
        QVERIFY(later_expected.size() > kept);
        QCOMPARE(later.size(), later_expected.size());
        QCOMPARE(later.back()->step, later_expected.back()->step);
        QCOMPARE(lv->confusion()->record().step, b->snapshot()->confusion_step);
    }

    void the_step_through_is_built_on_first_show_for_the_data_of_the_run() {
        MainWindow w;
        QVERIFY(open_with_three_inputs(w));  // the names it must show
        QCOMPARE(int(w.bridge()->spec().input.numel()), 3);
        QVERIFY(!w.classroom()->step_through_built());
        QVERIFY(w.findChildren<StepThroughPanel*>().isEmpty());

        w.classroom()->step_dock()->toggleViewAction()->trigger();  // Classroom > Step through
        QVERIFY(wait_for([&] { return w.classroom()->step_dock()->isVisible(); }, 5000));
        QVERIFY(w.classroom()->step_through_built());
        QCOMPARE(w.classroom()->step_dock()->widget(), w.classroom()->step_through());
        // The run's three inputs, named as the session's data names them.
        const QStringList names = w.classroom()->step_through()->view()->input_names();
        QCOMPARE(names, input_labels(w.bridge()->spec().data, 3));
        QCOMPARE(names.size(), 3);
        QVERIFY(w.classroom()->start_step_through());
        QVERIFY(wait_for([&] { w.refresh_now(); return w.classroom()->step_through()->view()->trace() != nullptr; },
                         30000));
    }

    void the_data_drawer_is_built_on_first_show_with_the_projects_features() {
        MainWindow w;
        QVERIFY(open_with_three_inputs(w));  // the features the drawer must show checked
        QVERIFY(!w.classroom()->drawer_built());
        QVERIFY(w.findChildren<DataDrawer*>().isEmpty());

        QAction* draw = w.classroom()->draw_dock()->toggleViewAction();  // Classroom > Draw data
        QCOMPARE(draw->text(), QStringLiteral("Draw data"));
        draw->trigger();
        QVERIFY(wait_for([&] { return w.classroom()->draw_dock()->isVisible(); }, 5000));
        QVERIFY(w.classroom()->drawer_built());
        DataDrawer* d = w.classroom()->drawer();
        QCOMPARE(w.classroom()->draw_dock()->widget(), d);
        // The project's data, as the menu gives it: the spiral with its three features.
        const std::vector<std::string> features = d->features();
        QCOMPARE(features.size(), size_t(3));
        QVERIFY(std::find(features.begin(), features.end(), "x1^2") != features.end());
    }

    void a_saved_layout_restores_docks_not_yet_built() {
        QByteArray state;
        {
            MainWindow w;
            w.resize(1280, 720);
            w.show();
            QVERIFY(QTest::qWaitForWindowExposed(&w));
            w.classroom()->draw_dock()->show();  // built, then saved shown
            QVERIFY(wait_for([&] { return w.classroom()->draw_dock()->isVisible(); }, 5000));
            state = w.saveState();
        }
        MainWindow again;
        again.resize(1280, 720);
        QVERIFY(!again.classroom()->drawer_built());
        QVERIFY(again.restoreState(state));
        again.show();
        QVERIFY(QTest::qWaitForWindowExposed(&again));
        QVERIFY(wait_for([&] { return again.classroom()->draw_dock()->isVisible(); }, 5000));
        QVERIFY(again.classroom()->drawer_built());  // shown by the layout: built then
    }
};

QTEST_MAIN(TestLazyViews)
#include "test_lazy_views.moc"
