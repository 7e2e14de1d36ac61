// ReplotThrottle (plots/replot_throttle.h): a burst of data updates redraws
// the plot once at once and once more after the interval, and what is on
// screen then is the latest data (the same pixels as an immediate replot);
// a plot behind another tab is not redrawn until it is shown; the views that
// use it (TrainingPlot) show their latest data once the interval has passed.
// No timing is asserted: the waits only let the throttle's timer run.
#include <qcustomplot.h>

#include <QImage>
#include <QTabWidget>
#include <QtTest>
#include <memory>

#include "gradscope/presets.h"
#include "gradscope/session.h"
#include "plots/replot_throttle.h"
#include "plots/training_plot.h"

using namespace gs::studio;

namespace {

// A line of n points: y = x * x.
void set_line(QCustomPlot& p, int n) {
    QVector<double> x, y;
    for (int i = 0; i < n; ++i) {
        x.push_back(i);
        y.push_back(double(i) * i);
    }
    p.graph(0)->setData(x, y, true);
    p.rescaleAxes();
}

// What the widget shows now (its paint buffer, as the last replot left it).
QImage on_screen(QWidget& w) { return w.grab().toImage(); }

// The plot's graphs of this name, in the order added (the loss's first).
std::vector<QCPGraph*> graphs_named(const TrainingPlot& view, const char* name) {
    std::vector<QCPGraph*> out;
    for (int g = 0; g < view.plot()->graphCount(); ++g)
        if (view.plot()->graph(g)->name() == QLatin1String(name)) out.push_back(view.plot()->graph(g));
    return out;
}

// Every point of a graph, as text (a mismatch shows where).
QStringList points_of(const QCPGraph* g) {
    QStringList out;
    for (auto it = g->data()->constBegin(); it != g->data()->constEnd(); ++it)
        out << QStringLiteral("%1:%2").arg(it->key, 0, 'g', 17).arg(it->value, 0, 'g', 9);
    return out;
}

// Epochs first..last of 5 steps each, validated but for every seventh; the
// loss of each step too (so the series move with them); in the session's
// run `run` (rewinds before it), whose validation losses are `shift` higher.
void add_epochs(gs::TelemetryStore& store, int first, int last, uint32_t run = 0, float shift = 0) {
    for (int e = first; e <= last; ++e) {
        gs::StepRecord s;
        s.run = run;
        s.step = 5L * e;
        s.loss = 1.0f / static_cast<float>(e);
        s.accuracy = 0.5f;
        store.add(s);
        gs::EpochRecord r;
        r.epoch = e;
        r.step = 5L * e;
        r.has_validation = e % 7 != 0;
        r.run = run;
        r.val_loss = 2.0f / static_cast<float>(e) + static_cast<float>(e % 3) + shift;
        r.val_accuracy = static_cast<float>(e % 10) / 10.0f;
        store.add(r);
    }
}

// The validation loss and accuracy graphs of a plot that took the store
// piece by piece are those of a plot that took it at once.
void same_validation(const TrainingPlot& pieces, const gs::TelemetryStore& store) {
    TrainingPlot whole;
    whole.update_from(store);
    const auto a = graphs_named(pieces, "validation"), b = graphs_named(whole, "validation");
    QCOMPARE(a.size(), size_t{2});
    QCOMPARE(b.size(), size_t{2});
    for (size_t i = 0; i < 2; ++i) {
        QVERIFY(b[i]->dataCount() > 0);
        QCOMPARE(points_of(a[i]), points_of(b[i]));
    }
}

}  // namespace

class TestReplotThrottle : public QObject {
    Q_OBJECT

private slots:
    void aBurstReplotsTwiceAndEndsOnTheLatestData() {
        QCustomPlot plot;
        plot.addGraph();
        plot.resize(400, 300);
        plot.show();
        QVERIFY(QTest::qWaitForWindowExposed(&plot));
        int replots = 0;
        connect(&plot, &QCustomPlot::afterReplot, this, [&] { ++replots; });
        ReplotThrottle throttle(&plot, 200);
        set_line(plot, 2);
        throttle.request();  // the first: at once (queued to the event loop)
        QCoreApplication::processEvents();
        QCOMPARE(replots, 1);
        for (int n = 3; n <= 20; ++n) {  // a burst: coalesced
            set_line(plot, n);
            throttle.request();
            QCoreApplication::processEvents();
        }
        QVERIFY(throttle.pending() || replots == 2);  // a machine slower than the burst may have replotted once more
        QTRY_VERIFY(!throttle.pending());
        QCoreApplication::processEvents();
        QVERIFY2(replots <= 3, qPrintable(QString::number(replots)));
        QCOMPARE(throttle.replots(), static_cast<long>(replots));
        // On screen: the 20-point line, exactly as an immediate replot draws it.
        const QImage shown = on_screen(plot);
        plot.replot(QCustomPlot::rpImmediateRefresh);
        QCOMPARE(shown, on_screen(plot));
        // And not the 2-point line it started with.
        set_line(plot, 2);
        plot.replot(QCustomPlot::rpImmediateRefresh);
        QVERIFY(shown != on_screen(plot));
    }

    void aPlotBehindATabWaitsUntilShown() {
        QTabWidget tabs;
        auto* front = new QWidget;
        auto* plot = new QCustomPlot;
        plot->addGraph();
        tabs.addTab(front, QStringLiteral("front"));
        tabs.addTab(plot, QStringLiteral("plot"));
        tabs.resize(400, 300);
        tabs.show();
        QVERIFY(QTest::qWaitForWindowExposed(&tabs));
        QVERIFY(!plot->isVisible());
        int replots = 0;
        connect(plot, &QCustomPlot::afterReplot, this, [&] { ++replots; });
        ReplotThrottle throttle(plot, 50);
        for (int n = 2; n < 6; ++n) {
            set_line(*plot, n);
            throttle.request();
            QTest::qWait(60);  // past the interval each time
        }
        QCOMPARE(replots, 0);
        QVERIFY(throttle.pending());
        tabs.setCurrentWidget(plot);  // shown: drawn once, with the latest line
        QTRY_COMPARE(replots, 1);
        QVERIFY(!throttle.pending());
        const QImage shown = on_screen(*plot);
        plot->replot(QCustomPlot::rpImmediateRefresh);
        QCOMPARE(shown, on_screen(*plot));
    }

    void trainingPlotShowsTheLatestStepAfterTheInterval() {
        gs::ModelSpec s = gs::load_preset("spiral-tanh");
        gs::Session session(s, gs::prepare_data(s), gs::cpu_backend());
        gs::TelemetryStore store;
        TrainingPlot view;
        view.resize(700, 400);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        QCustomPlot* p = view.plot();
        int replots = 0;
        connect(p, &QCustomPlot::afterReplot, this, [&] { ++replots; });
        // Updates far more often than the throttle lets it redraw.
        for (int i = 0; i < 8; ++i) {
            QVERIFY(session.step(5));
            QVERIFY(session.wait_until_settled(60));
            session.drain(store);
            view.update_from(store);
            QCoreApplication::processEvents();
        }
        QTRY_VERIFY(!view.plot()->findChild<ReplotThrottle*>()->pending());
        QCoreApplication::processEvents();
        // The raw loss curve ends at the last step trained (40).
        QCPGraph* raw = nullptr;
        for (int g = 0; g < p->graphCount(); ++g)
            if (!raw && p->graph(g)->name() == QLatin1String("train (raw)")) raw = p->graph(g);  // the loss's
        QVERIFY(raw);
        QCOMPARE(raw->data()->at(raw->dataCount() - 1)->key, double(store.loss().points().back().x));
        // On screen: that data, the same pixels as an immediate replot.
        const QImage shown = on_screen(*p);
        p->replot(QCustomPlot::rpImmediateRefresh);
        QCOMPARE(shown, on_screen(*p));
        QVERIFY(replots >= 1);
    }

    // A plot that follows a store takes what is new when it replots, not at
    // every refresh(): a burst of refreshes within the interval takes the
    // store fewer times than it is refreshed, and once the throttle is done
    // the plot holds the store's latest (as a plot that took it at once).
    void aFollowingPlotTakesTheStoreAtItsOwnPace() {
        gs::TelemetryStore store;
        TrainingPlot view;
        view.resize(700, 400);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        view.follow(&store);
        auto* throttle = view.plot()->findChild<ReplotThrottle*>();
        QVERIFY(throttle);
        QTRY_VERIFY(!throttle->pending());
        const long takes0 = view.takes();
        int refreshes = 0;
        for (int chunk = 0; chunk < 20; ++chunk) {  // 20 refreshes with news, well within one 100 ms interval
            add_epochs(store, chunk * 10 + 1, chunk * 10 + 10);
            view.refresh();
            ++refreshes;
        }
        QVERIFY2(view.takes() - takes0 < refreshes, qPrintable(QString::number(view.takes() - takes0)));
        view.refresh();  // nothing new: no take is owed for it
        QTRY_VERIFY(!throttle->pending());
        QCOMPARE(graphs_named(view, "train (raw)").front()->data()->at(graphs_named(view, "train (raw)").front()->dataCount() - 1)->key,
                 200.0 * 5);
        same_validation(view, store);
        const long settled = view.takes();
        view.refresh();  // nothing new
        QTest::qWait(150);
        QCOMPARE(view.takes(), settled);
        view.follow(nullptr);
    }

    // Validation points appended epoch by epoch are those of a rebuild, also
    // after the store went back (a rewind), after it went back and on past
    // the epochs taken, and after it forgot its oldest half.
    void validationTakenPieceByPieceIsTheSameAsAtOnce() {
        gs::TelemetryStore store;
        TrainingPlot view;
        for (int chunk = 0; chunk < 6; ++chunk) {
            add_epochs(store, chunk * 4 + 1, chunk * 4 + 4);
            view.update_from(store);
        }
        same_validation(view, store);
        store.truncate_after(5L * 10);  // back to epoch 10 (a rewind: run 1)
        view.update_from(store);
        same_validation(view, store);
        add_epochs(store, 11, 30, 1, 0.25f);  // on past the 24 epochs taken before
        view.update_from(store);
        same_validation(view, store);
        // Back to epoch 20 and on to 40 before the plot looks again (as a
        // following plot may): epochs 21..30 are the new run's, not those taken.
        store.truncate_after(5L * 20);
        add_epochs(store, 21, 40, 2, 0.5f);
        view.update_from(store);
        same_validation(view, store);
        // Past kMaxEpochs: the store forgets its oldest half.
        add_epochs(store, 41, static_cast<int>(gs::TelemetryStore::kMaxEpochs) + 40, 2, 0.5f);
        QVERIFY(store.epochs().front().epoch > 1);
        view.update_from(store);
        same_validation(view, store);
        add_epochs(store, static_cast<int>(gs::TelemetryStore::kMaxEpochs) + 41,
                   static_cast<int>(gs::TelemetryStore::kMaxEpochs) + 50, 2, 0.5f);
        view.update_from(store);
        same_validation(view, store);
    }
};

QTEST_MAIN(TestReplotThrottle)
#include "test_replot_throttle.moc"
