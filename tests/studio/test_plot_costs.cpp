// What keeps the loss and accuracy plot's replots cheap (issue 21), and
// that it draws the same thing: a long validation line is drawn through
// the means of runs of its points (2,048 at most), while the read-out and
// the CSV keep every point; StampGraph's markers land where QCPGraph
// strokes them, and the stamp is made once, not on every replot; the
// replot benchmark (--bench-replot) measures both shapes of run it says,
// and takes its percentiles as --bench-ui does.
#include <qcustomplot.h>

#include <QFile>
#include <QImage>
#include <QTemporaryDir>
#include <QtTest>
#include <cmath>

#include "gradscope/telemetry.h"
#include "plots/stamp_graph.h"
#include "plots/training_plot.h"
#include "window/replot_bench.h"
#include "window/scripted_run.h"
#include "plot_support.h"

using namespace gs::studio;

namespace {

// n steps, each validated (loss 1 + step / 1000, accuracy step % 100 / 100).
gs::TelemetryStore validated_every_step(long n) {
    gs::TelemetryStore store;
    for (long s = 1; s <= n; ++s) {
        gs::StepRecord r;
        r.step = s;
        r.loss = 1.0f;
        r.accuracy = 0.5f;
        store.add(r);
        gs::EpochRecord e;
        e.epoch = static_cast<int>(s);
        e.step = s;
        e.has_validation = true;
        e.val_loss = 1.0f + static_cast<float>(s) / 1000.0f;
        e.val_accuracy = static_cast<float>(s % 100) / 100.0f;
        store.add(e);
    }
    return store;
}

// Pixels of the image within 60 (each channel) of colour c.
int pixels_like(const QImage& img, const QColor& c) {
    int n = 0;
    for (int y = 0; y < img.height(); ++y)
        for (int x = 0; x < img.width(); ++x) {
            const QColor p = img.pixelColor(x, y);
            n += std::abs(p.red() - c.red()) <= 60 && std::abs(p.green() - c.green()) <= 60 &&
                 std::abs(p.blue() - c.blue()) <= 60;
        }
    return n;
}

// A plot of eight ringed points on a line-less graph: StampGraph or QCPGraph.
QImage rings(bool stamped, StampGraph** made = nullptr) {
    QCustomPlot p;
    p.resize(300, 200);
    QCPGraph* g = stamped ? new StampGraph(p.xAxis, p.yAxis) : p.addGraph();
    if (made) *made = qobject_cast<StampGraph*>(g);
    g->setLineStyle(QCPGraph::lsNone);
    g->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, QPen(QColor(200, 40, 40), 1.5), QBrush(Qt::white), 10));
    for (int i = 0; i < 8; ++i) g->addData(i, (i * 37) % 11);
    p.xAxis->setRange(-1, 8);
    p.yAxis->setRange(-1, 11);
    p.replot(QCustomPlot::rpImmediateRefresh);
    return p.toPixmap(300, 200).toImage();
}

}  // namespace

class TestPlotCosts : public QObject {
    Q_OBJECT

private slots:
    void aLongValidationLineIsDrawnThroughMeans() {
        const gs::TelemetryStore store = validated_every_step(10000);
        TrainingPlot p;
        p.update_from(store);
        // 10,000 points: runs of 8 (the first power of two that leaves at most 2,048), 1,250 of them.
        QCOMPARE(p.validation_point_count(), 1250);
        QCOMPARE(p.validation_accuracy_point_count(), 1250);
        QCPGraph* loss = p.plot()->graph(4);
        QCOMPARE(loss->name(), QStringLiteral("validation"));
        // The first run: steps 1..8, losses 1.001..1.008: their means.
        QVERIFY(std::abs(loss->data()->at(0)->key - 4.5) < 1e-9);
        QVERIFY(std::abs(loss->data()->at(0)->value - 1.0045) < 1e-6);
        // Growing: appended epochs regroup what is drawn, and at most 2,048 stay.
        gs::TelemetryStore more = validated_every_step(20000);
        p.update_from(more);
        QCOMPARE(p.validation_point_count(), 1250);  // 20,000 in runs of 16
        QVERIFY(std::abs(loss->data()->at(loss->dataCount() - 1)->key - (19985 + 20000) / 2.0) < 1e-9);
        // Short lines are drawn point by point, as before.
        const gs::TelemetryStore few = validated_every_step(2048);
        TrainingPlot q;
        q.update_from(few);
        QCOMPARE(q.validation_point_count(), 2048);
        QCOMPARE(q.plot()->graph(4)->data()->at(99)->key, 100.0);
    }

    void theReadoutAndTheCsvKeepEveryValidation() {
        const gs::TelemetryStore store = validated_every_step(5000);
        TrainingPlot p;
        QVERIFY(gs::studio::testing::show_plot_of(p, store));
        p.show_readout_at(1236);
        // Step 1236's own validation accuracy (36%), not the mean of its run
        // of four drawn (steps 1233..1236: 34.5%).
        QVERIFY2(p.readout().contains(QStringLiteral("accuracy 36%  (epoch 1236, step 1236)")), qPrintable(p.readout()));
        QTemporaryDir dir;
        const QString csv = dir.filePath("v.csv");
        QVERIFY(p.save_csv(csv));
        QFile f(csv);
        QVERIFY(f.open(QIODevice::ReadOnly | QIODevice::Text));
        const QStringList lines = QString::fromUtf8(f.readAll()).split('\n', Qt::SkipEmptyParts);
        QCOMPARE(lines.size(), 5001);
        int with_validation = 0;
        for (int i = 1; i < lines.size(); ++i) with_validation += !lines[i].split(',').value(8).isEmpty();
        QCOMPARE(with_validation, 5000);
        QCOMPARE(lines[1234].split(QLatin1Char(',')).value(8).toFloat(), 1.0f + 1234 / 1000.0f);
    }

    void stampedMarkersLandWhereStrokedOnesDo() {
        StampGraph* g = nullptr;
        const QImage stamped = rings(true, &g);
        const QImage stroked = rings(false);
        QVERIFY(g);
        const QColor red(200, 40, 40);
        const int a = pixels_like(stamped, red), b = pixels_like(stroked, red);
        QVERIFY2(b > 8 * 20, qPrintable(QString::number(b)));  // eight rings drawn
        QVERIFY2(std::abs(a - b) <= b / 5, qPrintable(QStringLiteral("%1 against %2").arg(a).arg(b)));
        // Ring by ring: the same pixels, give or take the half pixel a stamp
        // is rounded to (a pixel's difference of colour on the edges).
        int far = 0;
        for (int y = 0; y < stamped.height(); ++y)
            for (int x = 0; x < stamped.width(); ++x) {
                if (pixels_like(stamped.copy(x, y, 1, 1), red) == 0) continue;
                bool near = false;
                for (int dy = -1; dy <= 1 && !near; ++dy)
                    for (int dx = -1; dx <= 1 && !near; ++dx)
                        near = stroked.rect().contains(x + dx, y + dy) &&
                               pixels_like(stroked.copy(x + dx, y + dy, 1, 1), red) == 1;
                far += !near;
            }
        QVERIFY2(far <= a / 20, qPrintable(QStringLiteral("%1 of %2 stamped pixels far from a stroked ring").arg(far).arg(a)));
    }

    void theStampIsMadeOnceAndRemadeWhenTheStyleChanges() {
        QCustomPlot p;
        p.resize(300, 200);
        auto* g = new StampGraph(p.xAxis, p.yAxis);
        g->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, QColor(0, 0, 200), 8));
        for (int i = 0; i < 5; ++i) g->addData(i, i);
        p.rescaleAxes();
        for (int i = 0; i < 4; ++i) p.replot(QCustomPlot::rpImmediateRefresh);
        QCOMPARE(g->stamps_made(), 1L);
        g->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssSquare, QColor(0, 0, 200), 8));
        p.replot(QCustomPlot::rpImmediateRefresh);
        p.replot(QCustomPlot::rpImmediateRefresh);
        QCOMPARE(g->stamps_made(), 2L);
        // A PDF is vector output: rings are drawn as QCPGraph draws them, no stamp.
        QTemporaryDir dir;
        QVERIFY(p.savePdf(dir.filePath("x.pdf"), 300, 200));
        QCOMPARE(g->stamps_made(), 2L);
    }

    void percentilesAreTakenByNearestRank() {
        // The benchmarks' percentiles (--bench-ui's frames, --bench-replot):
        // the smallest value with at least q of all at or below it.
        std::vector<double> ten;
        for (int i = 1; i <= 10; ++i) ten.push_back(i);
        QCOMPARE(nearest_rank(ten, 0.5), 5.0);
        QCOMPARE(nearest_rank(ten, 0.9), 9.0);
        QCOMPARE(nearest_rank(ten, 0.99), 10.0);
        QCOMPARE(nearest_rank(ten, 0.01), 1.0);
        QCOMPARE(nearest_rank({}, 0.5), 0.0);
        const FrameTimes f = summarize_frames({3, 1, 2, 40});
        QCOMPARE(f.median_ms, 2.0);
        QCOMPARE(f.p99_ms, 40.0);
        QCOMPARE(f.max_ms, 40.0);
        QCOMPARE(f.frames, size_t(4));
    }

    void theReplotBenchMeasuresBothShapes() {
        const std::vector<ReplotTimes> t = bench_replots(3);
        QCOMPARE(t.size(), size_t(2));
        QCOMPARE(t[0].name, QStringLiteral("dense"));
        QCOMPARE(t[0].validation_points, 1563);  // 25,000 validations in runs of 16
        QVERIFY(t[0].train_points > 4000 && t[0].train_points <= 8192);  // the store's decimation
        QCOMPARE(t[1].name, QStringLiteral("sparse"));
        QCOMPARE(t[1].validation_points, 20);
        QCOMPARE(t[1].train_points, 2000);
        for (const ReplotTimes& r : t) QVERIFY(r.median_ms > 0 && r.p90_ms >= r.median_ms && r.mean_ms > 0);
    }
};

QTEST_MAIN(TestPlotCosts)
#include "test_plot_costs.moc"
