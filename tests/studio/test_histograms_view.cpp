// Histograms over time: the bounded history the view keeps per layer (the
// store keeps only the newest), its percentile bands and stacked curves,
// on scripted statistics and on a real run (spiral-tanh).
#include <QComboBox>
#include <QtTest>
#include <algorithm>

#include "gradscope/distributions.h"
#include "gradscope/explanations.h"
#include "learned_views_support.h"
#include "views/histograms_view.h"

using namespace gs::studio;
using namespace gs::studio::testing;

namespace {

// Layer statistics of `step` whose weights histogram has all its counts in
// one bin of [-1, 1], moving with the step; no gradients histogram.
gs::LayerStats stats(int layer, long step) {
    gs::LayerStats s;
    s.layer = layer;
    s.step = step;
    s.has_weights = true;
    s.weights.lo = -1;
    s.weights.hi = 1;
    s.weights.counts[step % gs::LayerStats::kBins] = 10;
    s.acts.lo = 0;
    s.acts.hi = static_cast<float>(step + 1);
    s.acts.counts[0] = 3;
    s.acts.counts[31] = 1;
    return s;
}

}  // namespace

class TestHistogramsView : public QObject {
    Q_OBJECT

private slots:
    void the_history_is_bounded_and_spans_the_whole_run() {
        HistogramHistory h(64);
        for (long step = 1; step <= 1000; ++step) h.add(std::vector<gs::LayerStats>{stats(0, step), stats(1, step)});
        h.add(stats(0, 1000));  // the same sample again: kept once
        for (int layer = 0; layer < 2; ++layer) {
            const auto s = h.samples(layer, HistogramKind::Weights);
            QVERIFY(s.size() <= 64);
            QVERIFY(s.size() >= 32);
            QCOMPARE(s.front()->step, 1L);    // the oldest stays
            QCOMPARE(s.back()->step, 1000L);  // and the newest
            for (size_t i = 1; i < s.size(); ++i) QVERIFY(s[i - 1]->step < s[i]->step);
            for (const auto* x : s) {
                const auto p = gs::distribution_percentiles(x->h);
                for (size_t q = 0; q < 9; ++q) QCOMPARE(x->percentiles[q], p[q]);
                // All in one bin: the median inside that bin.
                const float bin_lo = -1 + 2.0f * static_cast<float>(x->step % 32) / 32;
                QVERIFY(x->percentiles[4] >= bin_lo - 1e-6f && x->percentiles[4] <= bin_lo + 2.0f / 32 + 1e-6f);
            }
        }
        QVERIFY(!h.has(0, HistogramKind::Gradients));  // never taken
        QVERIFY(h.has(0, HistogramKind::Activations));
        // A step before the newest (a reset or rewind): that layer starts over.
        h.add(stats(0, 5));
        QCOMPARE(h.samples(0, HistogramKind::Weights).size(), size_t(1));
        QCOMPARE(h.samples(1, HistogramKind::Weights).back()->step, 1000L);
    }

    void bands_and_stacked_curves_from_scripted_samples() {
        HistogramsView v;
        v.resize(700, 420);
        v.show();
        gs::ModelSpec spec;
        spec.layers.resize(2);
        spec.layers[0].type = "Dense";
        spec.layers[1].type = "Tanh";
        v.set_spec(spec);
        for (long step = 1; step <= 100; ++step) v.add({stats(0, step), stats(1, step)});
        v.select(1, HistogramKind::Activations, false);
        QCOMPARE(v.layer(), 1);
        // The bands span the lowest minimum to the highest maximum.
        const auto [lo, hi] = v.plot()->value_range();
        QCOMPARE(lo, 0.0f);
        QCOMPARE(hi, 101.0f);
        QCOMPARE(v.explanation(),
                 QString::fromStdString(gs::explanation_text(gs::explanation_of(gs::ExplainedView::Distributions))));
        v.select(1, HistogramKind::Activations, true);
        QCOMPARE(v.plot()->curves_drawn(), HistogramsPlot::kMaxCurves);
        QCOMPARE(v.explanation(),
                 QString::fromStdString(gs::explanation_text(gs::explanation_of(gs::ExplainedView::Histograms))));
        QVERIFY(!v.plot()->grab().isNull());
        // The combo boxes drive the same.
        auto combos = v.findChildren<QComboBox*>();
        QCOMPARE(combos.size(), 3);
        combos[1]->setCurrentIndex(static_cast<int>(HistogramKind::Weights));
        QCOMPARE(v.kind(), HistogramKind::Weights);
    }

    void a_real_run_fills_the_history_of_every_layer() {
        SessionBridge b;
        b.load(gs::load_preset("spiral-tanh"));
        QVERIFY(loaded(b));
        HistogramsView v;
        v.set_spec(b.spec());
        QObject::connect(&b, &SessionBridge::telemetryUpdated, &v, [&] { v.add(b.store().layers()); });
        // Step by step, so that statistics samples of many steps reach the view.
        for (int i = 0; i < 20; ++i) QVERIFY(trained(b, 10));
        const auto w = v.history().samples(0, HistogramKind::Weights);
        QVERIFY(w.size() >= 2);
        QVERIFY(w.back()->step > w.front()->step);
        QVERIFY(v.history().has(0, HistogramKind::Gradients));
        QVERIFY(v.history().has(1, HistogramKind::Activations));
        // Every weight of the first Dense layer (2 inputs x 8 units) is counted
        // in each of its samples, within its range.
        const auto& shape = b.snapshot()->parameter_shapes[0];
        QCOMPARE(shape, (std::vector<int>{8, 2}));
        for (const HistogramSample* x : w) {
            uint32_t total = 0;
            for (uint32_t c : x->h.counts) total += c;
            QCOMPARE(total, 16u);
            QVERIFY(x->percentiles[0] >= x->h.lo && x->percentiles[8] <= x->h.hi);
        }
    }
};

QTEST_MAIN(TestHistogramsView)
#include "test_histograms_view.moc"
