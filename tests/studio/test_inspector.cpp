// The layer inspector fed by a real Session: the details of a layer from its
// spec, the statistics the session published, formatted as shown, the three
// histograms with the session's bin counts, and no redraw without a new step.
#include <QScrollArea>
#include <QFontMetrics>
#include <QLabel>
#include <QTest>
#include <cmath>
#include <qcustomplot.h>

#include "editor/layer_catalog.h"
#include "gradscope/presets.h"
#include "gradscope/session.h"
#include "inspector/histogram_plot.h"
#include "inspector/layer_inspector.h"

using namespace gs::studio;

namespace {

// Trains a preset for some steps and returns its newest layer statistics.
std::vector<gs::LayerStats> train(gs::ModelSpec spec, long steps) {
    gs::SessionOptions o;
    // Statistics after every step, whatever the timing (the budget is a
    // fraction of the measured step time): the test wants them at the last one.
    o.stats_budget = 1e9;
    o.stats_min_interval_ms = 0;
    gs::Session s(spec, gs::prepare_data(spec), gs::cpu_backend(), o);
    if (!s.step(steps) || !s.wait_until_settled(120)) return {};
    gs::TelemetryStore store;
    s.drain(store);
    return store.layers();
}

std::vector<double> counts(const gs::LayerStats::Histogram& h) {
    return std::vector<double>(std::begin(h.counts), std::end(h.counts));
}

double sum(const std::vector<double>& v) {
    double s = 0;
    for (double x : v) s += x;
    return s;
}

QString percent(float f) { return QString("%1%").arg(std::lround(100.0 * f)); }

}  // namespace

class TestInspector : public QObject {
    Q_OBJECT
private slots:
    void formatsNumbersShortly();
    void showsTheLayerFromTheSpecBeforeAnyStatistics();
    void showsASessionsStatisticsAndHistograms();
    void deadUnitsOfAReluInWords();
    void redrawsOnlyWhenTheStepChanges();
    void clearForgetsEverything();
    void oneValueHistogramHasOneReadableTick();
    void showsTheLayerAskedForBeforeItsModel();
    void fitsANarrowDock();
    void noRatioVerdictUnderAdam();
};

void TestInspector::formatsNumbersShortly() {
    QCOMPARE(format_field_number(0.000123), QString("1.23e-4"));
    QCOMPARE(format_field_number(-0.000123), QString("-1.23e-4"));
    QCOMPARE(format_field_number(12.345), QString("12.3"));
    QCOMPARE(format_field_number(0.5), QString("0.5"));
    QCOMPARE(format_field_number(123456.0), QString("1.23e5"));
    QCOMPARE(format_field_number(0.0), QString("0"));
    QCOMPARE(format_field_number(NAN), QString("NaN"));
}

void TestInspector::showsTheLayerFromTheSpecBeforeAnyStatistics() {
    LayerInspector in;
    QCOMPARE(in.title_text(), QString("No model"));
    in.set_model(gs::load_preset("spiral-tanh"));
    in.show_layer(0);
    QCOMPARE(in.title_text(), QString("Layer 1 · Dense"));
    QVERIFY(in.details_text().contains("8 units · xavier_uniform · with bias"));
    QVERIFY(in.details_text().contains("in 2 → out 8"));
    QVERIFY(in.details_text().contains("24 parameters (16 weights + 8 biases)"));
    QVERIFY(in.status_text().startsWith("No statistics yet"));
    QVERIFY(in.stat_text("weight_norm").isEmpty());
    // Entries with step 0 are "none yet" as well.
    in.update_stats(std::vector<gs::LayerStats>(6));
    QVERIFY(in.status_text().startsWith("No statistics yet"));

    in.set_model(gs::load_preset("cnn-fashion"));
    in.show_layer(2);
    QCOMPARE(in.title_text(), QString("Layer 3 · MaxPool2D"));
    QVERIFY(in.details_text().contains("kernel 2×2 · stride 2 · padding 0"));
    QVERIFY(in.details_text().contains("in 32x26x26 → out 32x13x13"));
    QVERIFY(in.details_text().contains("no parameters"));
    in.show_layer(99);
    QCOMPARE(in.title_text(), QString("No layer selected"));
}

void TestInspector::showsASessionsStatisticsAndHistograms() {
    const gs::ModelSpec spec = gs::load_preset("spiral-tanh");
    const auto stats = train(spec, 40);
    // The final Sigmoid is fused with the loss in training: no statistics of its own.
    QCOMPARE(stats.size(), spec.layers.size() - 1);
    const gs::LayerStats& d = stats[0];
    QCOMPARE(d.step, 40L);
    QVERIFY(d.has_weights && d.weight_norm > 0 && d.grad_norm > 0);

    LayerInspector in;
    in.set_model(spec);
    in.show_layer(0);
    in.update_stats(stats);
    QCOMPARE(in.status_text(), QString("Statistics at step 40"));
    QCOMPARE(in.stat_text("weight_norm"), format_field_number(d.weight_norm));
    QCOMPARE(in.stat_text("grad_norm"), format_field_number(d.grad_norm));
    QCOMPARE(in.stat_text("grad_mean_abs"), format_field_number(d.grad_mean_abs));
    QCOMPARE(in.stat_text("grad_max_abs"), format_field_number(d.grad_max_abs));
    QVERIFY(in.stat_text("update_ratio").startsWith(format_field_number(d.update_ratio)));
    QCOMPARE(in.stat_text("activations"),
             QString("mean %1 · std %2").arg(format_field_number(d.act_mean), format_field_number(d.act_std)));
    QVERIFY(in.stat_text("dead").isEmpty());  // a Dense layer has no dead fraction
    // Histograms: kBins bars with the session's counts; 16 weights (2x8), and
    // a batch of 10 items x 8 outputs.
    const auto w = in.weights_plot()->bar_values();
    QCOMPARE(w.size(), size_t{gs::LayerStats::kBins});
    QCOMPARE(w, counts(d.weights));
    QCOMPARE(sum(w), 16.0);
    QCOMPARE(in.grads_plot()->bar_values(), counts(d.grads));
    QCOMPARE(in.acts_plot()->bar_values(), counts(d.acts));
    QCOMPARE(sum(in.acts_plot()->bar_values()), 80.0);
    QVERIFY(in.weights_plot()->title().startsWith("Weights · 16 values in ["));

    // The Tanh after it: saturation in words, no weights.
    const gs::LayerStats& t = stats[1];
    QVERIFY(t.saturated_fraction >= 0);
    in.show_layer(1);
    QCOMPARE(in.stat_text("saturated"),
             percent(t.saturated_fraction) + " of outputs saturated (within 1% of the limits)");
    QVERIFY(in.stat_text("weight_norm").isEmpty());
    QVERIFY(in.weights_plot()->bar_values().empty());
    QCOMPARE(in.acts_plot()->bar_values(), counts(t.acts));
    in.show_layer(5);
    QCOMPARE(in.status_text(), QString("No statistics for this layer: in training it is fused "
                                       "with the loss."));
}

void TestInspector::deadUnitsOfAReluInWords() {
    gs::ModelSpec spec = gs::load_preset("mlp-fashion");
    spec.data.limit = 640;
    spec.data.test_limit = 64;
    const auto stats = train(spec, 3);
    QVERIFY(stats.size() >= 2);
    const gs::LayerStats& r = stats[1];  // the ReLU after the first Dense
    QVERIFY(r.dead_fraction >= 0);
    LayerInspector in;
    in.set_model(spec);
    in.show_layer(1);
    in.update_stats(stats);
    QCOMPARE(in.title_text(), QString("Layer 2 · ReLU"));
    const QString expected = (r.dead_fraction > 0 && r.dead_fraction < 0.01f ? QString("<1%") : percent(r.dead_fraction)) +
                             " of units dead (never positive on this batch)";
    QCOMPARE(in.stat_text("dead"), expected);
    QCOMPARE(sum(in.acts_plot()->bar_values()), 64.0 * 256);  // batch 64 x 256 units
    in.show_layer(0);
    QVERIFY(in.details_text().contains("200,960 parameters (200,704 weights + 256 biases)"));
    QCOMPARE(sum(in.weights_plot()->bar_values()), 784.0 * 256);
}

void TestInspector::redrawsOnlyWhenTheStepChanges() {
    const gs::ModelSpec spec = gs::load_preset("spiral-tanh");
    auto stats = train(spec, 5);
    LayerInspector in;
    in.set_model(spec);
    in.show_layer(0);
    in.update_stats(stats);
    const int drawn = in.redraws();
    QCOMPARE(in.shown_step(), 5L);
    for (int i = 0; i < 20; ++i) in.update_stats(stats);
    QCOMPARE(in.redraws(), drawn);
    for (auto& s : stats) s.step = 6;
    stats[0].weight_norm = 123.0f;
    in.update_stats(stats);
    QCOMPARE(in.redraws(), drawn + 1);
    QCOMPARE(in.stat_text("weight_norm"), QString("123"));
    QCOMPARE(in.status_text(), QString("Statistics at step 6"));
}

void TestInspector::clearForgetsEverything() {
    const gs::ModelSpec spec = gs::load_preset("spiral-tanh");
    LayerInspector in;
    in.set_model(spec);
    in.show_layer(0);
    in.update_stats(train(spec, 2));
    QVERIFY(!in.stat_text("weight_norm").isEmpty());
    in.clear();
    QCOMPARE(in.title_text(), QString("No model"));
    QVERIFY(in.stat_text("weight_norm").isEmpty());
    QCOMPARE(in.layer(), -1);
}

// A layer with one weight (linear regression's Dense 1 on one input): the
// engine's histogram range is [w, w + 1e-6]. The axis shows the value once,
// not four ticks printing the same digits over each other.
void TestInspector::oneValueHistogramHasOneReadableTick() {
    HistogramPlot h("Weights");
    h.resize(260, 160);
    h.show();
    gs::LayerStats::Histogram one;
    one.lo = 0.926733f;
    one.hi = 0.926734f;
    one.counts[0] = 1;
    h.set_histogram(one);
    h.plot()->replot(QCustomPlot::rpImmediateRefresh);
    const QStringList labels = h.plot()->xAxis->tickVectorLabels().toList();
    QVERIFY(!labels.isEmpty());
    QCOMPARE(QSet<QString>(labels.begin(), labels.end()).size(), labels.size());  // pairwise distinct
    const QFontMetrics fm(h.plot()->xAxis->tickLabelFont());
    int width = 0;
    for (const QString& l : labels) width += fm.horizontalAdvance(l);
    QVERIFY2(width < h.plot()->axisRect()->width(), qPrintable(labels.join(" | ")));
    QVERIFY(!h.title().contains("1 values"));
    QCOMPARE(h.title(), QString("Weights · 1 value: 0.927"));
    QCOMPARE(h.bar_values(), std::vector<double>{1.0});
    // All-zero activations: the same, in words.
    gs::LayerStats::Histogram zeros;
    zeros.lo = 0;
    zeros.hi = 1e-6f;
    zeros.counts[0] = 80;
    h.set_histogram(zeros);
    QCOMPARE(h.title(), QString("Weights · 80 values, all 0"));
    // A real spread of tiny values keeps its bins and its range.
    gs::LayerStats::Histogram tiny;
    tiny.lo = -2e-8f;
    tiny.hi = 2e-8f;
    for (int i = 0; i < gs::LayerStats::kBins; ++i) tiny.counts[i] = 3;
    h.set_histogram(tiny);
    QCOMPARE(h.bar_values().size(), size_t{gs::LayerStats::kBins});
    QVERIFY(h.title().contains("96 values in ["));
}

// The editor selects a new layer before the inspector has the new model
// (and the main window may wire it in any order): the inspector still shows it.
void TestInspector::showsTheLayerAskedForBeforeItsModel() {
    gs::ModelSpec spec = gs::load_preset("spiral-tanh");
    LayerInspector in;
    in.set_model(spec);
    in.show_layer(static_cast<int>(spec.layers.size()));  // the row about to be inserted
    gs::LayerSpec relu;
    relu.type = "ReLU";
    spec.layers.push_back(relu);
    in.set_model(spec);
    QCOMPARE(in.layer(), static_cast<int>(spec.layers.size()) - 1);
    QCOMPARE(in.title_text(), QString("Layer 7 · ReLU"));
}

// In a dock as narrow as a 1280x720 screen leaves (the main window's docks
// scroll vertically only), nothing of the inspector is laid out wider than
// what shows: long histogram titles wrap.
void TestInspector::fitsANarrowDock() {
    QScrollArea dock;
    dock.setWidgetResizable(true);
    dock.setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    auto* in = new LayerInspector;
    dock.setWidget(in);
    dock.resize(175, 700);  // the Inspector of a 1280x720 window
    dock.show();
    gs::ModelSpec spec = gs::load_preset("cnn-fashion");
    in->set_model(spec);
    in->show_layer(0);
    std::vector<gs::LayerStats> stats(spec.layers.size());
    for (size_t i = 0; i < stats.size(); ++i) {
        gs::LayerStats& st = stats[i];
        st.step = 1200;
        st.layer = static_cast<int>(i);
        st.has_weights = i == 0;
        st.weight_norm = 12.5f;
        st.grad_norm = 0.0123f;
        st.grad_mean_abs = 0.00991f;
        st.grad_max_abs = 4.56e-3f;
        st.update_ratio = 3.64e-5f;
        st.act_mean = 0.0106f;
        st.act_std = 1.2345f;
        for (gs::LayerStats::Histogram* h : {&st.weights, &st.grads, &st.acts}) {
            h->lo = -4.82f;
            h->hi = 7.12f;
            for (int b = 0; b < gs::LayerStats::kBins; ++b) h->counts[b] = 43264;  // 1,384,448 in all
        }
        st.weights.lo = -0.703f;  // ticks every 0.25 would overprint ("-0.50.25 0 0.250.5")
        st.weights.hi = 0.567f;
    }
    in->update_stats(stats);
    QCoreApplication::processEvents();
    QVERIFY(in->acts_plot()->title().contains("1,384,448"));
    QList<QScrollArea*> areas = in->findChildren<QScrollArea*>();
    areas << &dock;
    for (QScrollArea* a : areas) {
        if (!a->isVisible() || !a->widget()) continue;
        QVERIFY2(a->widget()->width() <= a->viewport()->width(),
                 qPrintable(QString("content %1 px wide in a viewport of %2 px")
                                .arg(a->widget()->width())
                                .arg(a->viewport()->width())));
    }
    // The histograms' value ticks do not overprint.
    for (HistogramPlot* h : in->findChildren<HistogramPlot*>()) {
        if (!h->isVisible()) continue;
        h->plot()->replot(QCustomPlot::rpImmediateRefresh);
        const QFontMetrics fm(h->plot()->xAxis->tickLabelFont());
        int sum = 0;
        for (const QString& l : h->plot()->xAxis->tickVectorLabels()) sum += fm.horizontalAdvance(l) + 6;
        QVERIFY2(sum <= h->plot()->axisRect()->width(),
                 qPrintable(h->plot()->xAxis->tickVectorLabels().toList().join(" | ")));
    }
    // No number is broken across lines ("0." over "00991"): each value label
    // is wide enough for its first word.
    for (QLabel* l : in->findChildren<QLabel*>()) {
        if (!l->isVisible() || l->text().isEmpty() || !l->text().at(0).isDigit()) continue;
        const QString first = l->text().section(QLatin1Char(' '), 0, 0);
        QVERIFY2(l->width() >= QFontMetrics(l->font()).horizontalAdvance(first),
                 qPrintable(QString("'%1' in %2 px").arg(l->text()).arg(l->width())));
    }
}

// Adam's step is not lr x |grad| / |w|: a tiny ratio is no sign of a layer
// that barely learns there. Under SGD it is.
void TestInspector::noRatioVerdictUnderAdam() {
    gs::ModelSpec spec = gs::load_preset("spiral-tanh");
    std::vector<gs::LayerStats> stats(1);
    stats[0].step = 3;
    stats[0].has_weights = true;
    stats[0].weight_norm = 2;
    stats[0].grad_norm = 1e-6f;
    stats[0].update_ratio = 1e-8f;
    LayerInspector in;
    in.set_model(spec);
    in.show_layer(0);
    in.update_stats(stats);
    QVERIFY(in.stat_text("update_ratio").contains("barely learns"));
    spec.optimizer.type = "adam";
    in.set_model(spec);
    in.update_stats(stats);
    QVERIFY2(!in.stat_text("update_ratio").contains("barely learns"), qPrintable(in.stat_text("update_ratio")));
    QVERIFY(in.stat_text("update_ratio").contains("adam scales each step itself"));
}

QTEST_MAIN(TestInspector)
#include "test_inspector.moc"
