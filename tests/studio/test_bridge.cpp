// The bridge between Qt and the engine, driven as the studio drives it:
// a real Session on real presets, telemetry drained on the timer.
#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include "bridge/session_bridge.h"
#include "gradscope/data_pipeline.h"
#include "gradscope/presets.h"
#include "window/scripted_run.h"

using namespace gs::studio;

namespace {

gs::ModelSpec spiral() { return gs::load_preset("spiral-tanh"); }

bool loaded(SessionBridge& b) {
    return wait_for([&] { return !b.is_loading() && b.has_session(); }, 30000);
}

bool settled(SessionBridge& b, long steps) {
    return wait_for([&] { return b.steps_done() >= steps && b.state() != gs::SessionState::Running; }, 30000) &&
           wait_for([&] { return static_cast<long>(b.store().loss().total_added()) >= steps; }, 5000);
}

}  // namespace

class TestBridge : public QObject {
    Q_OBJECT

private slots:
    void steps_reach_the_store_through_the_timer() {
        SessionBridge b;
        QSignalSpy changed(&b, &SessionBridge::sessionChanged);
        QSignalSpy updated(&b, &SessionBridge::telemetryUpdated);
        b.load(spiral());
        QVERIFY(loaded(b));
        QVERIFY(changed.count() >= 1);
        QVERIFY(b.step(25));
        QVERIFY(settled(b, 25));
        QCOMPARE(b.store().loss().total_added(), size_t(25));
        QCOMPARE(b.store().last_step().step, 25L);
        QVERIFY(updated.count() >= 1);
        QCOMPARE(b.state(), gs::SessionState::Paused);
        // A snapshot of the last step follows on its own.
        QVERIFY(wait_for([&] { return b.snapshot() && b.snapshot()->step == 25; }, 10000));
        QCOMPARE(b.snapshot()->grid, 64);
    }

    void the_worker_s_account_of_its_time_comes_through() {
        SessionBridge b;
        QCOMPARE(b.worker_time().steps, 0L);  // no session: nothing to account for
        b.load(spiral());
        QVERIFY(loaded(b));
        QVERIFY(b.step(25));
        QVERIFY(settled(b, 25));
        // The worker publishes its account with each snapshot it makes.
        QVERIFY(wait_for([&] { return b.snapshot() && b.snapshot()->step == 25; }, 10000));
        const gs::WorkerTime t = b.worker_time();
        QCOMPARE(t.steps, 25L);
        QVERIFY(t.steps_ms > 0);
        QVERIFY(t.snapshots >= 1);
        QVERIFY(t.snapshots_ms > 0);
    }

    void play_pause_toggle_and_reset() {
        SessionBridge b;
        QSignalSpy states(&b, &SessionBridge::stateChanged);
        b.load(spiral());
        QVERIFY(loaded(b));
        QVERIFY(b.toggle());
        QVERIFY(wait_for([&] { return b.state() == gs::SessionState::Running && b.steps_done() > 100; }, 10000));
        QVERIFY(b.toggle());
        QVERIFY(wait_for([&] { return b.state() == gs::SessionState::Paused; }, 10000));
        b.tick();
        QVERIFY(b.store().loss().total_added() > 0);
        QVERIFY(b.elapsed_seconds() > 0);
        QVERIFY(b.reset());
        QCOMPARE(b.store().loss().total_added(), size_t(0));
        QVERIFY(wait_for([&] { return b.steps_done() == 0 && b.state() == gs::SessionState::Idle; }, 5000));
        // Nothing of the old run arrives after the reset.
        wait_for([] { return false; }, 200);
        QCOMPARE(b.store().loss().total_added(), size_t(0));
        QCOMPARE(b.elapsed_seconds(), 0.0);
        QVERIFY(b.step(3));
        QVERIFY(settled(b, 3));
        QCOMPARE(b.store().loss().total_added(), size_t(3));
        QVERIFY(states.count() >= 3);
    }

    void hyperparameters_change_live_and_stay_in_the_spec() {
        SessionBridge b;
        b.load(spiral());
        QVERIFY(loaded(b));
        QVERIFY(b.set_hyperparameter(QStringLiteral("lr"), 0.125));
        QCOMPARE(b.spec().optimizer.lr, 0.125f);
        QVERIFY(b.step(2));
        QVERIFY(settled(b, 2));
        QCOMPARE(b.store().last_step().lr, 0.125f);
        gs::OptimizerSpec sgd = b.spec().optimizer;
        sgd.type = "sgd";
        QVERIFY(b.set_optimizer(sgd));
        QCOMPARE(b.spec().optimizer.type, std::string("sgd"));
        // A refused value is reported and leaves the spec alone.
        QSignalSpy messages(&b, &SessionBridge::message);
        QVERIFY(!b.set_hyperparameter(QStringLiteral("lr"), -1));
        QCOMPARE(b.spec().optimizer.lr, 0.125f);
        QCOMPARE(messages.count(), 1);
    }

    void a_slow_pace_outlives_a_rebuilt_session() {
        SessionBridge b;
        b.load(spiral());
        QVERIFY(loaded(b));
        QVERIFY(b.set_hyperparameter(QStringLiteral("steps_per_second"), 20));
        gs::ModelSpec s = spiral();
        s.layers[0].units = 6;  // a new session, the same pace
        b.load(s);
        QVERIFY(b.has_session());
        QElapsedTimer ran;
        ran.start();
        QVERIFY(b.play());
        QVERIFY(wait_for([&] { return b.steps_done() >= 1; }, 30000));  // however long a busy machine takes
        wait_for([] { return false; }, 500);
        QVERIFY(b.pause());
        const double seconds = ran.elapsed() / 1000.0;  // what really passed, 0.5 s or more
        QVERIFY(wait_for([&] { return b.state() == gs::SessionState::Paused; }, 30000));
        // 20 a second for that time, plus the first step and the catch-up the
        // pacing allows (0.1 s); the new session unpaced does thousands.
        const long most = static_cast<long>(20 * (seconds + 0.1)) + 1;
        QVERIFY2(b.steps_done() <= most, qPrintable(QStringLiteral("%1 steps in %2 s").arg(b.steps_done()).arg(seconds)));
    }

    void checkpoints_save_without_waiting_and_report_back() {
        QTemporaryDir dir;
        SessionBridge b;
        QSignalSpy messages(&b, &SessionBridge::message);
        b.load(spiral());
        QVERIFY(loaded(b));
        QVERIFY(b.play());
        const QString path = dir.filePath(QStringLiteral("run.safetensors"));
        QVERIFY(b.save_checkpoint(path));  // pauses, then saves between steps
        QVERIFY(wait_for([&] { return QFile::exists(path); }, 10000));
        QVERIFY(wait_for([&] { return messages.count() > 0; }, 5000));
        QCOMPARE(messages.last().first().toString(), QStringLiteral("Checkpoint saved: ") + path);
        QCOMPARE(b.state(), gs::SessionState::Paused);
        // A path that cannot be written: said in words, the run goes on.
        QVERIFY(b.save_checkpoint(QStringLiteral("/nonexistent/dir/x.safetensors")));
        QVERIFY(wait_for([&] {
            return messages.last().first().toString().startsWith(QStringLiteral("could not save the checkpoint: "));
        }, 5000));
        QVERIFY(b.step(2));
        QVERIFY(wait_for([&] { return b.state() == gs::SessionState::Paused; }, 5000));
        QVERIFY(b.state() != gs::SessionState::Failed);
    }

    void the_same_data_is_not_opened_twice() {
        SessionBridge b;
        QSignalSpy loading(&b, &SessionBridge::loadingChanged);
        b.load(spiral());
        QVERIFY(loaded(b));
        const int before = loading.count();
        auto data = b.data();
        gs::ModelSpec s = spiral();
        s.layers[0].units = 4;  // a structural edit: new session, same data
        b.load(s);
        QVERIFY(b.has_session());
        QCOMPARE(loading.count(), before);
        QCOMPARE(b.data().get(), data.get());
        QCOMPARE(b.spec().layers[0].units, 4);
    }

    void a_bad_data_path_fails_in_words() {
        SessionBridge b;
        QSignalSpy failed(&b, &SessionBridge::loadFailed);
        gs::ModelSpec s = spiral();
        s.data.name = "idx";
        s.data.path = "/nonexistent/mnist";
        b.load(s);
        QVERIFY(wait_for([&] { return !b.is_loading(); }, 30000));
        QCOMPARE(failed.count(), 1);
        const QString why = failed.first().first().toString();
        QVERIFY2(why.contains(QStringLiteral("/nonexistent/mnist")), qPrintable(why));
        QVERIFY(!b.has_session());
        QVERIFY(!b.play());  // refused with a reason, not a crash
    }

    void the_input_follows_what_the_data_has() {
        SessionBridge b;
        gs::ModelSpec s = spiral();
        s.input = gs::Shape{5};
        b.load(s);
        QVERIFY(loaded(b));
        QCOMPARE(b.spec().input.numel(), size_t(2));
    }

    void a_nan_breakpoint_is_reported_once_with_its_layer() {
        SessionBridge b;
        QSignalSpy hits(&b, &SessionBridge::breakpointHit);
        gs::ModelSpec s = gs::load_preset("mlp-fashion");
        s.data.name = "synthetic";
        s.data.samples = 256;
        s.data.test_fraction = 0;
        s.optimizer.lr = 1e30f;
        s.optimizer.momentum = 0;
        b.load(s);
        QVERIFY(loaded(b));
        QVERIFY(b.play());
        QVERIFY(wait_for([&] { return hits.count() > 0; }, 30000));
        QCOMPARE(b.last_break().kind, std::string("nonfinite"));
        QVERIFY(b.last_break().layer.rfind("layer ", 0) == 0);
        wait_for([] { return false; }, 200);
        QCOMPARE(hits.count(), 1);
        // After a reset, pausing after plain steps is not mistaken for the old break.
        QVERIFY(b.reset());
        QVERIFY(b.set_hyperparameter(QStringLiteral("lr"), 1e-3));
        QVERIFY(b.step(5));
        QVERIFY(settled(b, 5));
        wait_for([] { return false; }, 200);
        QCOMPARE(hits.count(), 1);
        QVERIFY(b.last_break().kind.empty());
        // Stepping into a NaN from Paused is reported too (paused -> running
        // -> paused within one tick).
        QVERIFY(b.set_hyperparameter(QStringLiteral("lr"), 1e30));
        QVERIFY(b.step(3));
        QVERIFY(wait_for([&] { return hits.count() == 2; }, 30000));
        QCOMPARE(b.last_break().kind, std::string("nonfinite"));
    }

    void switching_back_to_open_data_ends_the_loading_state() {
        SessionBridge b;
        b.load(spiral());
        QVERIFY(loaded(b));
        gs::ModelSpec other = spiral();
        other.data.name = "moons";
        other.data.samples = 90000;  // takes a moment to make
        b.load(other);
        QVERIFY(b.is_loading());
        b.load(spiral());  // back to the open data before moons is ready
        QVERIFY(!b.is_loading());
        QVERIFY(b.has_session());
        const auto spiral_data = b.data();
        QVERIFY(spiral_data->two_d);
        QCOMPARE(spiral_data->train_size + spiral_data->test_size, size_t(spiral().data.samples));
        // The moons result arrives and is dropped: making the same data here
        // takes as long as the loader's thread does (the machine is as busy
        // for both), and then its queued result is delivered.
        QCOMPARE(gs::prepare_data(other).train->name(), std::string("moons"));
        wait_for([] { return false; }, 200);
        QVERIFY(!b.is_loading());
        QCOMPARE(b.spec().data.name, std::string("spiral"));
        QCOMPARE(b.data().get(), spiral_data.get());  // the spiral's data is still the open data
    }

    void a_checkpoint_that_does_not_load_keeps_the_session() {
        SessionBridge b;
        QSignalSpy failed(&b, &SessionBridge::loadFailed);
        b.load(spiral());
        QVERIFY(loaded(b));
        QVERIFY(b.step(4));
        QVERIFY(settled(b, 4));
        b.load_checkpoint(QStringLiteral("/nonexistent/run.safetensors"));
        QCOMPARE(failed.count(), 1);
        QVERIFY(failed.first().first().toString().contains(QStringLiteral("/nonexistent/run.safetensors")));
        QVERIFY(b.has_session());
        QCOMPARE(b.steps_done(), 4L);
    }
};

QTEST_MAIN(TestBridge)
#include "test_bridge.moc"
