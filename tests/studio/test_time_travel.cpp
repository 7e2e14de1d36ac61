// Time travel in the studio, on the offscreen platform: dragging the
// timeline to a past step makes the canvas, the inspector and the gradient
// flow show that step (the canvas draws exactly the Snapshot the session
// produced when the run was there), a marker stands on the curves, and L
// goes live again; the confusion matrix and the mistakes ("What the network
// learned") show the past step too, as the session made them at that step,
// and follow the live run again with End; after a non-finite value the banner offers a rewind to
// the last healthy step and a fork with a lower learning rate, and both do
// what they say.
#include <QPushButton>
#include <QSlider>
#include <QStandardPaths>
#include <QtTest>
#include <cmath>

#include "bridge/data_map_service.h"
#include "bridge/run_family.h"
#include "bridge/session_bridge.h"
#include "canvas/network_canvas.h"
#include "gradscope/presets.h"
#include "gradscope/session.h"
#include "inspector/layer_inspector.h"
#include "plots/gradient_flow.h"
#include "plots/run_overlay.h"
#include "views/confusion_view.h"
#include "views/data_map_view.h"
#include "views/item_gallery.h"
#include "views/learned_views.h"
#include "views/mistakes_view.h"
#include "window/main_window.h"
#include "window/scripted_run.h"
#include "window/time_travel.h"
#include "window/timeline.h"

using namespace gs::studio;

namespace {

bool ready(MainWindow& w) {
    return wait_for([&] { return !w.bridge()->is_loading() && w.bridge()->has_session(); }, 60000);
}

bool trained(MainWindow& w, long steps) {
    SessionBridge* b = w.bridge();
    return wait_for(
        [&] {
            w.refresh_now();
            return b->steps_done() >= steps && b->state() != gs::SessionState::Running &&
                   static_cast<long>(b->store().loss().total_added()) >= steps;
        },
        120000);
}

bool snapshot_at(MainWindow& w, long step) {
    return wait_for([&] {
        w.refresh_now();
        return w.bridge()->snapshot() && w.bridge()->snapshot()->step == step && w.canvas()->snapshot_step() == step;
    }, 30000);
}

}  // namespace

class TestTimeTravel : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void scrubbing_shows_the_past_step_in_every_view() {
        MainWindow w;
        w.resize(1400, 900);
        w.show();
        QVERIFY(w.open_preset(QStringLiteral("spiral-tanh")));
        QVERIFY(ready(w));
        QVERIFY(w.bridge()->step(40));
        QVERIFY(trained(w, 40));
        QVERIFY(snapshot_at(w, 40));
        // What the session produced when the run was at step 40.
        const std::shared_ptr<const gs::Snapshot> at40 = w.bridge()->snapshot();
        QVERIFY(w.bridge()->step(60));
        QVERIFY(trained(w, 100));
        QVERIFY(snapshot_at(w, 100));
        w.select_layer(0);

        TimeTravel* tt = w.time_travel();
        Timeline* timeline = tt->timeline();
        QCOMPARE(timeline->last(), 100L);
        QCOMPARE(timeline->slider()->value(), 100);
        timeline->slider()->setValue(40);  // as dragging and letting go does
        QVERIFY(wait_for([&] {
            w.refresh_now();
            return tt->family()->past() && tt->family()->past()->step == 40 && w.canvas()->snapshot_step() == 40;
        }, 30000));
        const auto past = tt->family()->past();
        // The canvas has the past snapshot, equal to the one the session made at step 40.
        QCOMPARE(tt->shown_snapshot().get(), &past->snapshot);
        QCOMPARE(past->snapshot.weights, at40->weights);
        QCOMPARE(past->snapshot.biases, at40->biases);
        QCOMPARE(past->snapshot.grid_units, at40->grid_units);
        QCOMPARE(past->snapshot.probe_activations, at40->probe_activations);
        // ... and draws it as it drew the run at step 40.
        NetworkCanvas fresh;
        fresh.set_model(w.bridge()->spec());
        fresh.set_data(*w.bridge()->data());
        fresh.set_theme(w.theme());
        fresh.select_layer(w.selected_layer());
        fresh.update_snapshot(at40);
        const QSize size(900, 540);
        QCOMPARE(w.canvas()->render_image(size), fresh.render_image(size));
        // A live step 100 is drawn differently (the picture really moved).
        fresh.update_snapshot(w.bridge()->snapshot());
        QVERIFY(w.canvas()->render_image(size) != fresh.render_image(size));
        // The inspector and the gradient flow show step 40's statistics.
        QVERIFY(!past->layers.empty());
        QCOMPARE(w.inspector()->shown_step(), 40L);
        const std::vector<int> bar_layers = w.gradient_flow()->bar_layers();
        const std::vector<double> bars = w.gradient_flow()->mean_bar_values();
        QVERIFY(!bar_layers.empty());
        for (size_t i = 0; i < bar_layers.size(); ++i)
            for (const gs::LayerStats& s : past->layers)
                if (s.layer == bar_layers[i]) QCOMPARE(bars[i], static_cast<double>(s.grad_mean_abs));
        // Where the views stand: a marker on the curves, the timeline's label.
        QCOMPARE(tt->overlay()->marker_x(), 40.0);
        QVERIFY(timeline->label_text().contains(QStringLiteral("step 40")));
        // New telemetry of the live run does not take the views back.
        w.refresh_now();
        QCOMPARE(w.canvas()->snapshot_step(), 40L);
        // L: live again.
        QTest::keyClick(&w, Qt::Key_L);
        QVERIFY(!tt->family()->showing_past());
        QCOMPARE(w.canvas()->snapshot_step(), 100L);
        QVERIFY(std::isnan(tt->overlay()->marker_x()));
        QCOMPARE(timeline->slider()->value(), 100);
        QVERIFY(w.inspector()->shown_step() != 40L);
    }

    void the_confusion_matrix_and_mistakes_follow_the_scrubbed_step() {
        MainWindow w;
        w.resize(1400, 900);
        w.show();
        QVERIFY(w.open_preset(QStringLiteral("spiral-tanh")));
        QVERIFY(ready(w));
        QVERIFY(w.bridge()->step(40));
        QVERIFY(trained(w, 40));
        // What the session produces at step 40 when asked for a fresh
        // confusion matrix (a pass over the validation split then).
        gs::Session* session = w.bridge()->session();
        gs::SnapshotRequest q = w.bridge()->snapshot_request();
        q.fresh_confusion = true;
        QVERIFY(session->request_snapshot(q));
        std::shared_ptr<const gs::Snapshot> at40;
        QVERIFY(wait_for([&] {
            at40 = session->latest_snapshot();
            return at40 && at40->step == 40 && at40->confusion_step == 40;
        }, 30000));
        QVERIFY(at40->classes >= 2);
        QVERIFY(!at40->mistakes.empty());
        QVERIFY(w.bridge()->step(60));
        QVERIFY(trained(w, 100));
        QVERIFY(snapshot_at(w, 100));
        ConfusionView* confusion = w.learned_views()->confusion();
        MistakesView* mistakes = w.learned_views()->mistakes();
        const long live_step = w.bridge()->snapshot()->confusion_step;
        QVERIFY(live_step > 40);
        QCOMPARE(confusion->record().step, live_step);
        const std::vector<uint32_t> live_counts = confusion->record().counts;
        QVERIFY(live_counts != at40->confusion);  // the run really moved on
        // The data map is the run's as it stands; scrubbed, it says so.
        DataMapView* map_view = w.learned_views()->data_map();
        DataMapService* service = w.learned_views()->data_map_service();
        QVERIFY(wait_for([&] { service->poll(); w.refresh_now(); return map_view->map() != nullptr; }, 20000));
        const QString not_back = QStringLiteral("does not follow the timeline");
        QVERIFY(!map_view->summary().contains(not_back));

        TimeTravel* tt = w.time_travel();
        tt->timeline()->slider()->setValue(40);  // dragged there and let go
        QVERIFY(wait_for([&] {
            w.refresh_now();
            return confusion->record().step == 40;
        }, 30000));
        QCOMPARE(confusion->record().counts, at40->confusion);
        QVERIFY(confusion->summary().contains(QStringLiteral("step 40")));
        const std::vector<GalleryItem>& shown = mistakes->gallery()->items();
        QCOMPARE(shown.size(), at40->mistakes.size());
        for (size_t i = 0; i < shown.size(); ++i) {
            QCOMPARE(shown[i].item, at40->mistakes[i].item);
            QCOMPARE(shown[i].predicted, at40->mistakes[i].predicted);
        }
        QVERIFY(mistakes->gallery()->caption().contains(QStringLiteral("step 40")));
        QVERIFY2(map_view->summary().contains(not_back), qPrintable(map_view->summary()));
        // A new snapshot of the live run does not take them back.
        w.bridge()->request_snapshot();
        QVERIFY(wait_for([&] {
            w.refresh_now();
            return w.bridge()->snapshot() && w.bridge()->snapshot().get() != at40.get() &&
                   w.bridge()->snapshot()->step == 100;
        }, 30000));
        w.refresh_now();
        QCOMPARE(confusion->record().step, 40L);
        // End: live again, the live run's matrix and mistakes.
        QTest::keyClick(&w, Qt::Key_End);
        QVERIFY(!tt->family()->showing_past());
        QCOMPARE(confusion->record().step, live_step);
        QCOMPARE(confusion->record().counts, live_counts);
        QVERIFY(mistakes->gallery()->caption().contains(QStringLiteral("step %1").arg(live_step)));
        QVERIFY(!map_view->summary().contains(not_back));
    }

    void after_a_nan_the_banner_offers_a_rewind_and_a_fork_with_a_lower_rate() {
        MainWindow w;
        w.show();
        gs::ModelSpec s = gs::load_preset("mlp-fashion");
        s.data.name = "synthetic";
        s.data.samples = 256;
        s.data.test_fraction = 0;
        s.optimizer.momentum = 0;
        w.open_spec(s);
        QVERIFY(ready(w));
        QVERIFY(w.bridge()->step(12));
        QVERIFY(trained(w, 12));
        const float lr = 1e30f;
        QVERIFY(w.bridge()->set_hyperparameter(QStringLiteral("lr"), lr));
        QVERIFY(w.bridge()->play());
        QVERIFY(wait_for([&] {
            w.refresh_now();
            return !w.bridge()->last_break().kind.empty();
        }, 30000));
        const gs::BreakInfo k = w.bridge()->last_break();
        QCOMPARE(k.kind, std::string("nonfinite"));
        QVERIFY(k.last_healthy_step > 0);
        QVERIFY(w.bridge()->steps_done() > k.last_healthy_step);
        TimeTravel* tt = w.time_travel();
        QVERIFY(tt->rewind_offer() && tt->fork_offer());
        QVERIFY(tt->rewind_offer()->isVisible());
        QVERIFY(tt->fork_offer()->isVisible());

        // Fork with a lower rate: a new run from the last healthy step, active.
        QTest::mouseClick(tt->fork_offer(), Qt::LeftButton);
        RunFamily* f = tt->family();
        QCOMPARE(f->ids().size(), size_t{2});
        const uint32_t fork = f->ids()[1];
        const gs::RunInfo info = f->info(fork);
        QCOMPARE(info.fork_step, k.last_healthy_step);
        QCOMPARE(f->active(), fork);
        QVERIFY(wait_for([&] {
            w.refresh_now();
            return !f->info(fork).changes.empty();
        }, 30000));
        bool lower = false;
        for (const gs::RunChange& c : f->info(fork).changes)
            if (c.name == "lr") lower = std::stod(c.new_value) < static_cast<double>(lr);  // than the rate that broke
        QVERIFY2(lower, gs::describe_changes(f->info(fork).changes).c_str());
        QCOMPARE(f->steps_done(fork), k.last_healthy_step);

        // Rewind: the first run goes back to the last healthy step.
        QVERIFY(!tt->fork_offer()->isVisible());
        QVERIFY(tt->rewind_offer()->isVisible());
        QTest::mouseClick(tt->rewind_offer(), Qt::LeftButton);
        QCOMPARE(f->active(), 0u);
        QVERIFY(wait_for([&] {
            w.refresh_now();
            return w.bridge()->steps_done() == k.last_healthy_step;
        }, 30000));
        QVERIFY(!tt->rewind_offer()->isVisible());
    }
};

QTEST_MAIN(TestTimeTravel)
#include "test_time_travel.moc"
