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
};

QTEST_MAIN(TestReplotThrottle)
#include "test_replot_throttle.moc"
