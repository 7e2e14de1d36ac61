// The gauges in the studio: the learning-rate finder (Training > Find
// learning rate...: runs the range test through the bridge, plots the loss
// against the rate on a log axis, applies the suggestion, and leaves the
// run's state as it was) and the Gauges view (sharpness against 2/lr and
// the noise scale, with their words), in the real main window. With
// GS_SCREENSHOT_DIR set, the dialog and the view are saved there
// as PNGs (README: the pictures of the views).
#include <qcustomplot.h>

#include <QAction>
#include <QDockWidget>
#include <QLabel>
#include <QMenuBar>
#include <QtTest>
#include <cmath>

#include "bridge/gauges_bridge.h"
#include "gauges/gauges_hook.h"
#include "gauges/gauges_view.h"
#include "gauges/lr_finder_dialog.h"
#include "window/main_window.h"
#include "window/scripted_run.h"

using namespace gs::studio;

namespace {

void save_shot(QWidget& w, const char* name) {
    const QByteArray dir = qgetenv("GS_SCREENSHOT_DIR");
    if (dir.isEmpty()) return;
    QVERIFY(w.grab().save(QString::fromUtf8(dir) + QLatin1Char('/') + QLatin1String(name), "PNG"));
}

QAction* find_action(QMainWindow& w) {
    for (QAction* menu : w.menuBar()->actions())
        if (menu->menu() && menu->text().contains(QStringLiteral("Training")))
            for (QAction* a : menu->menu()->actions())
                if (a->text().startsWith(QStringLiteral("Find learning rate"))) return a;
    return nullptr;
}

// The window at 1500x1000 on spiral-tanh, its session made.
bool open_spiral(MainWindow& w) {
    w.resize(1500, 1000);
    w.show();
    return w.open_preset(QStringLiteral("spiral-tanh")) &&
           wait_for([&] { return !w.bridge()->is_loading() && w.bridge()->has_session(); }, 30000);
}

// n steps more trained, the run paused after them.
bool train_and_pause(MainWindow& w, long n) {
    const long last = w.bridge()->steps_done() + n;
    return w.bridge()->step(n) && wait_for([&] { return w.bridge()->store().last_step().step == last &&
                                                       w.bridge()->state() == gs::SessionState::Paused; },
                                             120000);
}

// Trains in runs of 1000 steps (paused after each) until the store holds at
// least `n` sharpness estimates, at most 20,000 steps. The gauges space
// themselves by the wall-clock cost of an estimate against a step's, so a
// busy machine (tests running side by side) gets fewer per 1000 steps.
bool train_until_sharpness(MainWindow& w, size_t n) {
    for (int runs = 0; runs < 20; ++runs) {
        if (!train_and_pause(w, 1000)) return false;
        w.bridge()->tick();
        if (w.bridge()->store().sharpness().points().size() >= n) return true;
    }
    return false;
}

}  // namespace

class TestGauges : public QObject {
    Q_OBJECT

private slots:
    void finder_from_the_training_menu_suggests_and_applies_a_rate() {
        MainWindow w;
        w.resize(1400, 900);
        w.show();
        QVERIFY(w.open_preset(QStringLiteral("spiral-tanh")));
        QVERIFY(wait_for([&] { return !w.bridge()->is_loading() && w.bridge()->has_session(); }, 30000));
        QVERIFY(w.bridge()->step(30));
        QVERIFY(wait_for([&] { return w.bridge()->steps_done() == 30 && w.bridge()->state() == gs::SessionState::Paused; }, 30000));
        QAction* action = find_action(w);
        QVERIFY(action);
        action->trigger();
        GaugesUi* ui = gauges_ui(&w);
        QVERIFY(ui);
        LrFinderDialog* d = w.findChild<LrFinderDialog*>();
        QVERIFY(d && d->isVisible());
        QSignalSpy ready(ui->bridge(), &GaugesBridge::lrRangeReady);
        d->run();
        QVERIFY(wait_for([&] { return ready.count() == 1; }, 60000));
        const double lr = d->suggested_lr();
        QVERIFY(lr > 1e-5 && lr < 10);
        QVERIFY(d->plot()->graph(0)->dataCount() > 20);
        QVERIFY(d->plot()->xAxis->scaleType() == QCPAxis::stLogarithmic);
        QCOMPARE(w.bridge()->steps_done(), 30L);  // the state is put back
        QVERIFY(d->findChild<QLabel*>(QStringLiteral("lrFinderVerdict"))->text().contains(QStringLiteral("suggested")));
        save_shot(*d, "lr_finder.png");
        QVERIFY(d->apply());
        QVERIFY(std::abs(w.bridge()->spec().optimizer.lr - lr) <= 1e-6 * lr);
        // The next steps train at the new rate.
        QVERIFY(w.bridge()->step(5));
        QVERIFY(wait_for([&] { return w.bridge()->store().last_step().step == 35; }, 30000));
        QVERIFY(std::abs(w.bridge()->store().last_step().lr - lr) <= 1e-6 * lr);
    }

    void gauges_view_shows_sharpness_against_two_over_lr_and_the_noise_scale() {
        MainWindow w;
        QVERIFY(open_spiral(w));
        GaugesUi* ui = gauges_ui(&w);
        QVERIFY(ui);
        ui->dock()->show();
        ui->dock()->raise();
        ui->view()->set_intervals(40, 10);
        QVERIFY(train_and_pause(w, 3000));
        w.bridge()->tick();
        ui->view()->refresh();
        QVERIFY(ui->view()->sharpness_plot()->graph(0)->dataCount() >= 3);
        QVERIFY(ui->view()->sharpness_plot()->graph(1)->dataCount() >= 3);
        QVERIFY(ui->view()->noise_plot()->graph(0)->dataCount() >= 20);
        QVERIFY(ui->view()->sharpness_text().contains(QStringLiteral("2/lr")));
        QVERIFY(ui->view()->sharpness_text().contains(QStringLiteral("cost")));
        QVERIFY(ui->view()->noise_text().contains(QStringLiteral("batch size")));
        // Kept for the next session (a reset makes one).
        QCOMPARE(ui->bridge()->sharpness_every(), 40L);
        ui->dock()->resize(1100, 800);
        save_shot(*ui->dock(), "gauges_view.png");
    }

    // Issue 21: the Gauges dock starts tabbed behind the gradient flow, and
    // its view is made when the dock is first shown, with the run so far.
    void gauges_view_is_made_on_first_show_with_the_run_so_far() {
        MainWindow w;
        QVERIFY(open_spiral(w));
        GaugesUi* ui = gauges_ui(&w);
        QVERIFY(ui);
        QVERIFY(!ui->has_view());
        QVERIFY(!w.findChild<GaugesView*>());
        QVERIFY(ui->bridge()->set_gauges(40, 10));
        QVERIFY(train_until_sharpness(w, 3));
        QVERIFY(!ui->has_view());  // telemetry came; nothing was built for it
        const gs::TelemetryStore& store = w.bridge()->store();
        QVERIFY(store.noise_scale().points().size() >= 20);
        QVERIFY(store.sharpness().points().size() >= 3);
        ui->dock()->show();
        ui->dock()->raise();
        QVERIFY(wait_for([&] { return ui->has_view() && w.findChild<GaugesView*>() &&
                                      w.findChild<GaugesView*>()->isVisible(); }, 10000));
        GaugesView* v = w.findChild<GaugesView*>();
        QCOMPARE(v, ui->view());
        // Every measured value a log axis can show (positive, finite).
        auto drawable = [](const gs::Series& s) {
            int n = 0;
            for (const gs::SeriesPoint& p : s.points()) n += p.mean > 0 && std::isfinite(p.mean);
            return n;
        };
        QVERIFY(drawable(store.noise_scale()) >= 3);
        QCOMPARE(v->noise_plot()->graph(0)->dataCount(), drawable(store.noise_scale()));
        QCOMPARE(v->sharpness_plot()->graph(0)->dataCount(), drawable(store.sharpness()));
        QVERIFY(v->sharpness_text().contains(QStringLiteral("2/lr")));
        QVERIFY(v->noise_text().contains(QStringLiteral("batch size")));
    }
};

QTEST_MAIN(TestGauges)
#include "test_gauges.moc"
