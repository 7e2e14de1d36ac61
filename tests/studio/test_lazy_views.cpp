// The views the first frame does not show are built when first shown (the
// studio's first frame, issue 21): "What the network learned" (tabbed behind
// the gradient flow), the step-through and the data drawer (hidden docks).
// Each is not built before it is shown, and shows the run so far when it is.
#include <QAction>
#include <QDockWidget>
#include <QtTest>

#include "bridge/classroom_service.h"
#include "bridge/data_map_service.h"
#include "bridge/session_bridge.h"
#include "canvas/draw_data.h"
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

}  // namespace

class TestLazyViews : public QObject {
    Q_OBJECT

private slots:
    void what_the_network_learned_is_built_on_first_show_with_the_run_so_far() {
        MainWindow w;
        w.resize(1400, 900);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QVERIFY(w.open_preset(QStringLiteral("spiral-tanh")));
        SessionBridge* b = w.bridge();
        QVERIFY(loaded(*b));
        QVERIFY(trained(*b, 100));  // four epochs of 25 steps: a data map too
        DataMapService* service = w.learned_views()->data_map_service();
        QVERIFY(wait_for([&] { service->poll(); return service->map() && service->map()->step == 100; }, 20000));
        w.refresh_now();
        // Trained, but never shown: nothing of the four views exists.
        QVERIFY(!w.learned_views()->views_built());
        QVERIFY(w.findChildren<ConfusionView*>().isEmpty());
        QVERIFY(w.findChildren<HistogramsView*>().isEmpty());

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
        QVERIFY(samples.size() >= 2);
        QVERIFY(samples.front()->step < 50);
        QCOMPARE(lv->data_map()->map(), service->map());

        // Built, the views go on following the run.
        QVERIFY(trained(*b, 10));
        w.refresh_now();
        QVERIFY(lv->histograms()->history().samples(0, HistogramKind::Weights).back()->step > samples.back()->step);
    }

    void the_step_through_is_built_on_first_show_for_the_data_of_the_run() {
        MainWindow w;
        w.resize(1280, 720);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QVERIFY(w.open_preset(QStringLiteral("spiral-tanh")));
        QVERIFY(loaded(*w.bridge()));
        gs::DataSpec data = w.current_project().spec.data;
        data.features = {"x1", "x2", "x1^2"};
        w.apply_classroom_data(data);  // three inputs: the names it must show
        QVERIFY(loaded(*w.bridge()));
        QCOMPARE(int(w.bridge()->spec().input.numel()), 3);
        QVERIFY(!w.classroom()->step_through_built());
        QVERIFY(w.findChildren<StepThroughPanel*>().isEmpty());

        w.classroom()->step_dock()->toggleViewAction()->trigger();  // Classroom > Step through
        QVERIFY(wait_for([&] { return w.classroom()->step_dock()->isVisible(); }, 5000));
        QVERIFY(w.classroom()->step_through_built());
        QCOMPARE(w.classroom()->step_dock()->widget(), w.classroom()->step_through());
        const QStringList names = w.classroom()->step_through()->view()->input_names();
        QCOMPARE(names.size(), 3);
        QVERIFY2(names.last().contains(QStringLiteral("x1")), qPrintable(names.join(QLatin1Char(','))));
        QVERIFY(w.classroom()->start_step_through());
        QVERIFY(wait_for([&] { w.refresh_now(); return w.classroom()->step_through()->view()->trace() != nullptr; },
                         30000));
    }

    void the_data_drawer_is_built_on_first_show_with_the_projects_data() {
        MainWindow w;
        w.resize(1280, 720);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QVERIFY(w.open_preset(QStringLiteral("spiral-tanh")));
        QVERIFY(loaded(*w.bridge()));
        gs::DataSpec data = w.current_project().spec.data;
        data.features = {"x1", "x2", "x1^2"};
        w.apply_classroom_data(data);  // the features the drawer must show checked
        QVERIFY(loaded(*w.bridge()));
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
