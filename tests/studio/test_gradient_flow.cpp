// Gradient flow: the diagnosis rules on hand-made layer statistics
// (vanishing, exploding, NaN, dead ReLU, saturated Sigmoid, healthy), and
// GradientFlowView fed by a real cnn-fashion session: one bar pair per layer
// with weights, equal to the LayerStats; clicking a bar selects its layer.
// Set GS_PLOT_SHOTS=DIR to keep the rendered PNGs for looking at.
#include <qcustomplot.h>

#include <QFile>
#include <QImage>
#include <QLabel>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>
#include <cmath>
#include <memory>

#include "gradscope/presets.h"
#include "gradscope/session.h"
#include "plots/gradient_flow.h"
#include "plots/gradient_health.h"
#include "plots/number_format.h"

using namespace gs::studio;

namespace {

// Dense, Sigmoid, Dense, ReLU, Dense: three layers with weights.
gs::ModelSpec small_spec() {
    gs::ModelSpec s;
    for (const char* t : {"Dense", "Sigmoid", "Dense", "ReLU", "Dense"}) {
        gs::LayerSpec l;
        l.type = t;
        l.units = 4;
        s.layers.push_back(l);
    }
    return s;
}

// Healthy statistics for that spec, at step 10.
std::vector<gs::LayerStats> healthy_stats() {
    std::vector<gs::LayerStats> v(5);
    for (int i = 0; i < 5; ++i) {
        gs::LayerStats& s = v[static_cast<size_t>(i)];
        s.step = 10;
        s.layer = i;
        if (i % 2 == 0) {
            s.has_weights = true;
            s.weight_norm = 2;
            s.grad_norm = 0.05f;
            s.grad_mean_abs = 2e-3f;
            s.grad_max_abs = 2e-2f;
            s.update_ratio = 1e-3f;
        }
    }
    v[1].saturated_fraction = 0.1f;
    v[3].dead_fraction = 0.05f;
    return v;
}

bool mentions(const LayerDiagnosis& d, const char* what) { return d.text.find(what) != std::string::npos; }

QString shot_dir() { return qEnvironmentVariable("GS_PLOT_SHOTS"); }

// The view as the user sees it, after a full replot.
QImage picture(GradientFlowView& v) {
    QCoreApplication::processEvents();
    v.plot()->replot(QCustomPlot::rpImmediateRefresh);
    return v.grab().toImage();
}

bool same_colour(QRgb p, const QColor& c, int tolerance = 3) {
    return std::abs(qRed(p) - c.red()) <= tolerance && std::abs(qGreen(p) - c.green()) <= tolerance &&
           std::abs(qBlue(p) - c.blue()) <= tolerance;
}

// `c` drawn with `alpha` over `under`, as the faint max bars are.
QColor over(const QColor& c, int alpha, const QColor& under) {
    auto mix = [&](int a, int b) { return (a * alpha + b * (255 - alpha) + 127) / 255; };
    return QColor(mix(c.red(), under.red()), mix(c.green(), under.green()), mix(c.blue(), under.blue()));
}

// The colour a slot's bars have for a layer's diagnosis (see apply_styles).
QColor bar_colour(const Theme& t, LayerHealth h) {
    return health_is_error(h) ? t.error : health_is_problem(h) ? t.warning : t.train;
}

// Geometry of one bar in the picture: its pixel column, the row its value
// maps to on the log axis, and the bottom of the bars' plot.
struct BarPixels {
    int x = 0, top = 0, bottom = 0, rect_top = 0;
};

BarPixels bar_pixels(const GradientFlowView& v, const QImage& img, int slot, bool max_bar, double value) {
    const double dpr = img.devicePixelRatio();
    const QPoint origin = v.plot()->mapTo(&v, QPoint(0, 0));
    QCPAxis* x = v.bars_rect()->axis(QCPAxis::atBottom);
    QCPAxis* y = v.bars_rect()->axis(QCPAxis::atLeft);
    const double key = slot + (max_bar ? GradientFlowView::kBarOffset : -GradientFlowView::kBarOffset);
    const QRect r = v.bars_rect()->rect();
    BarPixels b;
    b.x = static_cast<int>(std::lround((x->coordToPixel(key) + origin.x()) * dpr));
    b.top = static_cast<int>(std::lround((y->coordToPixel(value) + origin.y()) * dpr));
    b.bottom = static_cast<int>(std::lround((r.bottom() + origin.y()) * dpr));
    b.rect_top = static_cast<int>(std::lround((r.top() + origin.y()) * dpr));
    return b;
}

// The share of pixels in column x, rows [y0, y1], that are colour c.
double share(const QImage& img, int x, int y0, int y1, const QColor& c) {
    int n = 0, hit = 0;
    for (int y = std::max(0, y0); y <= std::min(img.height() - 1, y1); ++y, ++n) hit += same_colour(img.pixel(x, y), c);
    return n ? static_cast<double>(hit) / n : 0;
}

// The top of an opaque bar as drawn: going up column x from the bottom of
// the bars' plot, the last row of the run of colour c (-1: no run).
int drawn_top(const QImage& img, const BarPixels& b, const QColor& c) {
    int y = b.bottom;
    while (y > b.bottom - 4 && !same_colour(img.pixel(b.x, y), c)) --y;  // past the axis line
    if (!same_colour(img.pixel(b.x, y), c)) return -1;
    while (y - 1 >= b.rect_top && same_colour(img.pixel(b.x, y - 1), c)) --y;
    return y;
}

// Checks that slot's mean bar (opaque) and max bar (faint, over `under`)
// are drawn in the colour for its status, from the bottom of the plot up to
// their values.
void expect_bars_drawn(const GradientFlowView& v, const QImage& img, int slot, double mean, double max,
                       const QColor& colour, const QColor& under, const QString& what) {
    const BarPixels m = bar_pixels(v, img, slot, false, mean);
    QVERIFY2(m.top > m.rect_top + 4 && m.top < m.bottom - 4, qPrintable(what));
    const int top = drawn_top(img, m, colour);
    QVERIFY2(std::abs(top - m.top) <= 2,
             qPrintable(QStringLiteral("%1: mean bar of slot %2 drawn up to row %3, its value is at row %4")
                            .arg(what).arg(slot).arg(top).arg(m.top)));
    // The max bar, faint (grid lines show through it), and nothing of it above its value.
    const BarPixels x = bar_pixels(v, img, slot, true, max);
    const QColor faint = over(colour, 90, under);
    QVERIFY2(share(img, x.x, x.top + 2, x.bottom - 2, faint) > 0.8,
             qPrintable(QStringLiteral("%1: max bar of slot %2").arg(what).arg(slot)));
    QVERIFY2(share(img, x.x, x.rect_top, x.top - 3, faint) < 0.05,
             qPrintable(QStringLiteral("%1: above the max bar of slot %2").arg(what).arg(slot)));
}

// Pixels of colour c inside rect r of the picture (view coordinates).
int count_colour(const QImage& img, const QRect& r, const QColor& c) {
    const double dpr = img.devicePixelRatio();
    const QRect px(QPoint(static_cast<int>(r.left() * dpr), static_cast<int>(r.top() * dpr)),
                   QPoint(static_cast<int>(r.right() * dpr), static_cast<int>(r.bottom() * dpr)));
    int n = 0;
    for (int y = std::max(0, px.top()); y <= std::min(img.height() - 1, px.bottom()); ++y)
        for (int x = std::max(0, px.left()); x <= std::min(img.width() - 1, px.right()); ++x)
            n += same_colour(img.pixel(x, y), c, 6);
    return n;
}

// A slot's column in the bars' plot, in view coordinates.
QRect slot_column(const GradientFlowView& v, int slot) {
    QCPAxis* x = v.bars_rect()->axis(QCPAxis::atBottom);
    const QRect r = v.bars_rect()->rect().translated(v.plot()->mapTo(&v, QPoint(0, 0)));
    const int x0 = static_cast<int>(std::ceil(x->coordToPixel(slot - 0.45))) + r.left() - v.bars_rect()->rect().left();
    const int x1 = static_cast<int>(std::floor(x->coordToPixel(slot + 0.45))) + r.left() - v.bars_rect()->rect().left();
    return QRect(QPoint(x0, r.top()), QPoint(x1, r.bottom()));
}

std::unique_ptr<gs::Session> cnn_session() {
    gs::ModelSpec s = gs::load_preset("cnn-fashion");
    s.data.limit = 512;  // fast: the shapes and statistics are what matter here
    s.data.test_limit = 128;
    return std::make_unique<gs::Session>(s, gs::prepare_data(s), gs::cpu_backend());
}

}  // namespace

class TestGradientFlow : public QObject {
    Q_OBJECT

private slots:
    void healthyLayers() {
        const auto d = diagnose_gradients(healthy_stats(), small_spec());
        QCOMPARE(d.size(), size_t(5));
        for (const LayerDiagnosis& x : d) QCOMPARE(x.status, LayerHealth::Healthy);
        QCOMPARE(d[0].text, std::string("Layer 1 (Dense): healthy — mean |grad| 0.002, update/weight ratio 0.001."));
        QCOMPARE(d[3].text, std::string("Layer 4 (ReLU): healthy — 5% dead units."));
    }

    void noStatisticsYet() {
        const auto d = diagnose_gradients({}, small_spec());
        QCOMPARE(d.size(), size_t(5));
        for (const LayerDiagnosis& x : d) QCOMPARE(x.status, LayerHealth::NoData);
        QCOMPARE(d[2].text, std::string("Layer 3 (Dense): no statistics yet."));
    }

    void vanishingRelativeToTheLastLayer() {
        auto s = healthy_stats();
        s[0].grad_mean_abs = 2e-9f;  // 1,000,000x smaller than layer 5's 2e-3
        s[2].grad_mean_abs = 2e-7f;  // 10,000x smaller
        const auto d = diagnose_gradients(s, small_spec());
        QCOMPARE(d[0].status, LayerHealth::Vanishing);
        QCOMPARE(d[2].status, LayerHealth::Vanishing);
        QCOMPARE(d[4].status, LayerHealth::Healthy);
        QVERIFY(mentions(d[2], "Layer 3 (Dense): gradients vanishing — mean |grad| 2e-7, 10,000x smaller than the last layer's."));
        QVERIFY(mentions(d[0], "1,000,000x smaller"));
        QVERIFY(mentions(d[0], "He initialization"));
        // 500x smaller is not yet vanishing.
        s = healthy_stats();
        s[0].grad_mean_abs = 4e-6f;
        QCOMPARE(diagnose_gradients(s, small_spec())[0].status, LayerHealth::Healthy);
    }

    void vanishingAbsoluteAndByUpdateRatio() {
        auto s = healthy_stats();
        for (size_t i : {0u, 2u, 4u}) s[i].grad_mean_abs = 5e-8f;  // all tiny: no relative gap
        auto d = diagnose_gradients(s, small_spec());
        QCOMPARE(d[4].status, LayerHealth::Vanishing);
        QVERIFY(mentions(d[4], "Layer 5 (Dense): gradients vanishing — mean |grad| 5e-8, below 1e-7."));
        s = healthy_stats();
        s[2].update_ratio = 3e-7f;
        d = diagnose_gradients(s, small_spec());
        QCOMPARE(d[2].status, LayerHealth::Vanishing);
        QVERIFY(mentions(d[2], "update/weight ratio 3e-7"));
        // A ratio of exactly 0 is lr = 0, not a vanishing gradient.
        s = healthy_stats();
        s[2].update_ratio = 0;
        QCOMPARE(diagnose_gradients(s, small_spec())[2].status, LayerHealth::Healthy);
    }

    void exploding() {
        auto s = healthy_stats();
        s[2].update_ratio = 0.4f;
        auto d = diagnose_gradients(s, small_spec());
        QCOMPARE(d[2].status, LayerHealth::Exploding);
        QVERIFY(health_is_error(d[2].status));
        QVERIFY(mentions(d[2], "Layer 3 (Dense): gradients exploding — update/weight ratio 0.4"));
        QVERIFY(mentions(d[2], "40%"));
        QVERIFY(mentions(d[2], "gradient clipping (clip_norm)"));
        s = healthy_stats();
        s[0].grad_mean_abs = 5.0f;  // 2,500x the last layer's
        d = diagnose_gradients(s, small_spec());
        QCOMPARE(d[0].status, LayerHealth::Exploding);
        QVERIFY(mentions(d[0], "2,500x larger than the last layer's"));
        s = healthy_stats();
        for (size_t i : {0u, 2u, 4u}) s[i].grad_mean_abs = 2e3f;  // all huge
        QCOMPARE(diagnose_gradients(s, small_spec())[4].status, LayerHealth::Exploding);
    }

    void nanIsExploding() {
        auto s = healthy_stats();
        s[2].grad_mean_abs = NAN;
        s[2].grad_max_abs = INFINITY;
        const auto d = diagnose_gradients(s, small_spec());
        QCOMPARE(d[2].status, LayerHealth::Exploding);
        QVERIFY(mentions(d[2], "Layer 3 (Dense): gradients are NaN or infinite"));
        QVERIFY(mentions(d[2], "lower learning rate"));
        // The other layers are still judged (the relative rule uses layer 5).
        QCOMPARE(d[0].status, LayerHealth::Healthy);
    }

    void deadReluAndSaturatedSigmoid() {
        auto s = healthy_stats();
        s[3].dead_fraction = 0.8f;
        s[1].saturated_fraction = 0.7f;
        const auto d = diagnose_gradients(s, small_spec());
        QCOMPARE(d[3].status, LayerHealth::DeadUnits);
        QVERIFY(mentions(d[3], "Layer 4 (ReLU): 80% of units are dead"));
        QVERIFY(mentions(d[3], "LeakyReLU"));
        QCOMPARE(d[1].status, LayerHealth::Saturated);
        QVERIFY(mentions(d[1], "Layer 2 (Sigmoid): 70% of outputs saturated (near 0 or 1)"));
        QVERIFY(!health_is_error(d[1].status) && health_is_problem(d[1].status));
    }

    void numbersForPeople() {
        QCOMPARE(format_number(2e-9), std::string("2e-9"));
        QCOMPARE(format_number(0.000996), std::string("1e-3"));
        QCOMPARE(format_number(0.25), std::string("0.25"));
        QCOMPARE(format_number(NAN), std::string("NaN"));
        // Thousands as whole numbers, grouped like the factors (not "1e+03").
        QCOMPARE(format_number(1000), std::string("1,000"));
        QCOMPARE(format_number(12345.6), std::string("12,346"));
        QCOMPARE(format_number(999.7), std::string("1,000"));
        QCOMPARE(format_number(-2500), std::string("-2,500"));
        QCOMPARE(format_number(123.4), std::string("123"));
        QCOMPARE(format_number(1e5), std::string("1e5"));
        QCOMPARE(format_factor(12345), std::string("12,000x"));
        QCOMPARE(format_factor(10000), std::string("10,000x"));
        QCOMPARE(format_factor(3.5), std::string("3.5x"));
        QCOMPARE(format_percent(0.623), std::string("62%"));
    }

    void barsEqualTheRealStatistics() {
        auto s = cnn_session();
        gs::TelemetryStore store;
        QVERIFY(s->step(3));
        QVERIFY(s->wait_until_settled(120));
        s->drain(store);
        QVERIFY(store.layers().size() >= 12);
        GradientFlowView v;
        v.set_model(gs::load_preset("cnn-fashion"));
        // Before any statistics: the slots come from the spec.
        const std::vector<int> weighted{0, 3, 6, 9, 11};
        QCOMPARE(v.bar_layers(), weighted);
        v.update_from(store);
        QCOMPARE(v.bar_layers(), weighted);
        const auto mean = v.mean_bar_values(), max = v.max_bar_values();
        QCOMPARE(mean.size(), weighted.size());
        for (size_t k = 0; k < weighted.size(); ++k) {
            const gs::LayerStats& st = store.layers()[static_cast<size_t>(weighted[k])];
            QVERIFY(st.has_weights);
            QVERIFY(st.grad_mean_abs > 0);
            QCOMPARE(mean[k], static_cast<double>(st.grad_mean_abs));
            QCOMPARE(max[k], static_cast<double>(st.grad_max_abs));
            QVERIFY(max[k] >= mean[k]);
        }
        // The drawn bars hold the same values, at their slots.
        double drawn = 0;
        int bars = 0;
        for (int i = 0; i < v.plot()->plottableCount(); ++i)
            if (auto* b = qobject_cast<QCPBars*>(v.plot()->plottable(i)))
                for (auto it = b->data()->constBegin(); it != b->data()->constEnd(); ++it, ++bars) drawn += it->value;
        QCOMPARE(bars, 10);
        double expected = 0;
        for (size_t k = 0; k < weighted.size(); ++k) expected += mean[k] + max[k];
        QVERIFY(std::abs(drawn - expected) <= 1e-6 * expected);
        // The names under the bars.
        auto ticker = v.bars_rect()->axis(QCPAxis::atBottom)->ticker().dynamicCast<QCPAxisTickerText>();
        QVERIFY(ticker);
        QCOMPARE(ticker->ticks().value(0), QStringLiteral("1 Conv2D"));
        QCOMPARE(ticker->ticks().value(4), QStringLiteral("12 Dense"));
        QCOMPARE(v.ratio_line_count(), 5);
        QCOMPARE(v.diagnoses().size(), size_t(13));

        // Clicking a bar emits its layer; the view highlights it.
        v.resize(900, 600);
        v.show();
        QVERIFY(QTest::qWaitForWindowExposed(&v));
        v.plot()->replot(QCustomPlot::rpImmediateRefresh);
        QSignalSpy spy(&v, &GradientFlowView::layerClicked);
        QCPAxis* x = v.bars_rect()->axis(QCPAxis::atBottom);
        QCPAxis* y = v.bars_rect()->axis(QCPAxis::atLeft);
        for (size_t k = 0; k < weighted.size(); ++k) {
            const int layer = weighted[k];
            const double key = v.bar_key(layer) + (k % 2 ? GradientFlowView::kBarOffset : -GradientFlowView::kBarOffset);
            const double value = k % 2 ? max[k] : mean[k];
            const QPoint at(static_cast<int>(std::lround(x->coordToPixel(key))),
                            static_cast<int>(std::lround(y->coordToPixel(value))) + 3);  // just inside the bar's top
            QVERIFY(v.bars_rect()->rect().contains(at));
            QTest::mouseClick(v.plot(), Qt::LeftButton, {}, at);
            QCOMPARE(spy.count(), static_cast<int>(k) + 1);
            QCOMPARE(spy.last().at(0).toInt(), layer);
            QCOMPARE(v.selected_layer(), layer);
        }
        // Outside the bars' plot: nothing.
        QTest::mouseClick(v.plot(), Qt::LeftButton, {}, v.ratio_rect()->center());
        QCOMPARE(spy.count(), static_cast<int>(weighted.size()));

        QTemporaryDir dir;
        QVERIFY(v.save_png(dir.filePath("flow.png"), 700, 500));
        QCOMPARE(QImage(dir.filePath("flow.png")).size(), QSize(700, 500));
        QVERIFY(v.save_csv(dir.filePath("flow.csv")));
        QFile f(dir.filePath("flow.csv"));
        QVERIFY(f.open(QIODevice::ReadOnly | QIODevice::Text));
        const QStringList lines = QString::fromUtf8(f.readAll()).split('\n', Qt::SkipEmptyParts);
        QCOMPARE(lines.first(), QStringLiteral("layer,name,step,update_ratio,grad_norm,mean_abs_grad,max_abs_grad,"
                                               "weight_norm,status,diagnosis"));
        size_t rows = 0;
        for (int i : weighted) rows += store.layer_update_ratio(static_cast<size_t>(i)).points().size();
        QCOMPARE(static_cast<size_t>(lines.size() - 1), rows);
        QVERIFY(lines.last().startsWith(QStringLiteral("12,\"12 Dense\",")));
        QVERIFY(lines.last().contains(QStringLiteral("Layer 12 (Dense)")));
    }

    void flaggedLayersInTheView() {
        // Statistics as the engine publishes them, through the real store.
        gs::TelemetryStore store;
        auto stats = healthy_stats();
        stats[0].grad_mean_abs = 1e-9f;
        stats[0].grad_max_abs = 1e-8f;
        stats[3].dead_fraction = 0.9f;
        stats[4].grad_max_abs = NAN;
        for (const gs::LayerStats& s : stats) store.add(s);
        GradientFlowView v;
        v.set_model(small_spec());
        v.update_from(store);
        QCOMPARE(v.problem_texts().size(), 3);
        QVERIFY(v.problem_texts()[0].startsWith(QStringLiteral("Layer 1 (Dense): gradients vanishing")));
        QVERIFY(v.problem_texts()[1].startsWith(QStringLiteral("Layer 4 (ReLU): 90% of units are dead")));
        QVERIFY(v.problem_texts()[2].startsWith(QStringLiteral("Layer 5 (Dense): gradients are NaN or infinite")));
        // Labels over the bars: the ReLU's goes with the Dense layer that feeds it.
        QCOMPARE(v.slot_labels(), (QStringList{"vanishing", "ReLU 90% dead", "NaN/inf"}));
        QVERIFY(v.summary_text().contains(QStringLiteral("gradients vanishing")));
        v.clear();
        QVERIFY(v.problem_texts().isEmpty());
        QCOMPARE(v.bar_layers(), (std::vector<int>{0, 2, 4}));  // from the spec
    }

    // What the picture shows: each bar in its status colour, from the bottom
    // of the plot to its value on the log axis; the selected layer's column
    // tinted; a vanishing layer's bars shorter and in the warning colour,
    // with its label over them and the warnings in words under the plots.
    void rendersInBothThemes() {
        auto s = cnn_session();
        gs::TelemetryStore store;
        QVERIFY(s->step(40));
        QVERIFY(s->wait_until_settled(300));
        s->drain(store);
        const std::vector<int> weighted{0, 3, 6, 9, 11};
        for (const Theme& theme : {Theme::standard(), Theme::presentation_theme()}) {
            GradientFlowView v;
            v.set_theme(theme);
            v.set_model(gs::load_preset("cnn-fashion"));
            v.resize(theme.presentation ? 1200 : 820, theme.presentation ? 760 : 520);
            v.show();
            QVERIFY(QTest::qWaitForWindowExposed(&v));
            v.update_from(store);
            v.select_layer(9);
            const QImage img = picture(v);
            QCOMPARE(img.size(), v.size() * img.devicePixelRatio());
            QCOMPARE(v.bar_layers(), weighted);
            const auto mean = v.mean_bar_values(), max = v.max_bar_values();
            const QColor tinted = over(theme.marker, 40, theme.background);  // the selection
            for (size_t k = 0; k < weighted.size(); ++k) {
                const LayerHealth h = v.diagnoses()[static_cast<size_t>(weighted[k])].status;
                expect_bars_drawn(v, img, static_cast<int>(k), mean[k], max[k], bar_colour(theme, h),
                                  weighted[k] == 9 ? tinted : theme.background, theme.name());
                if (QTest::currentTestFailed()) return;
            }
            // The selected layer (9: slot 3) has its column tinted; the others not.
            QVERIFY(count_colour(img, slot_column(v, 3), tinted) > 200);
            QCOMPARE(count_colour(img, slot_column(v, 2), tinted), 0);
            QCOMPARE(count_colour(img, slot_column(v, 4), tinted), 0);
            if (!shot_dir().isEmpty()) img.save(shot_dir() + "/plots-gradient-flow-" + theme.name() + ".png");
        }
        // A sick network, to see the warnings: layer 1 vanishing, layer 4's
        // ReLU dead (its label goes over layer 3, the Dense layer feeding it).
        gs::TelemetryStore sick;
        auto stats = healthy_stats();
        stats[0].grad_mean_abs = 1e-9f;
        stats[0].grad_max_abs = 1e-8f;
        stats[3].dead_fraction = 0.9f;
        for (const gs::LayerStats& st : stats) sick.add(st);
        const Theme theme = Theme::standard();
        GradientFlowView v;
        v.set_model(small_spec());
        v.resize(820, 560);
        v.show();
        QVERIFY(QTest::qWaitForWindowExposed(&v));
        v.update_from(sick);
        const QImage img = picture(v);
        QCOMPARE(v.slot_labels(), (QStringList{"vanishing", "ReLU 90% dead"}));
        QCOMPARE(v.problem_texts().size(), 2);
        QVERIFY(v.summary_text().contains(QStringLiteral("Layer 1 (Dense): gradients vanishing")));
        QVERIFY(v.summary_text().contains(QStringLiteral("Layer 4 (ReLU): 90% of units are dead")));
        // Layer 1's bars in the warning colour, the healthy ones in the train colour.
        expect_bars_drawn(v, img, 0, 1e-9, 1e-8, theme.warning, theme.background, "vanishing layer 1");
        expect_bars_drawn(v, img, 1, 2e-3, 2e-2, theme.train, theme.background, "layer 3");
        expect_bars_drawn(v, img, 2, 2e-3, 2e-2, theme.train, theme.background, "layer 5");
        if (QTest::currentTestFailed()) return;
        QCOMPARE(count_colour(img, slot_column(v, 0), theme.train), 0);
        // The vanishing layer's bar is shorter, by the six decades between them.
        const int vanishing = drawn_top(img, bar_pixels(v, img, 0, false, 1e-9), theme.warning);
        const int healthy = drawn_top(img, bar_pixels(v, img, 1, false, 2e-3), theme.train);
        QVERIFY2(vanishing - healthy > img.height() / 5,
                 qPrintable(QStringLiteral("vanishing bar top %1, healthy %2").arg(vanishing).arg(healthy)));
        // The labels over the flagged slots, in the warning colour; none over slot 2.
        auto above = [&](int slot, double value) {
            QRect c = slot_column(v, slot);
            c.setBottom(bar_pixels(v, img, slot, true, value).top - 4);
            return c;
        };
        QVERIFY(count_colour(img, above(0, 1e-8), theme.warning) > 20);
        QVERIFY(count_colour(img, above(1, 2e-2), theme.warning) > 20);
        QCOMPARE(count_colour(img, above(2, 2e-2), theme.warning), 0);
        // The words under the plots, with a bullet in the warning colour per line.
        QWidget* words = v.text_box();
        QVERIFY(words && words->isVisible());
        QVERIFY(words->geometry().top() >= v.plot()->geometry().bottom());
        QVERIFY(count_colour(img, words->geometry(), theme.warning) > 10);
        QCOMPARE(count_colour(img, words->geometry(), theme.ok), 0);
        if (!shot_dir().isEmpty()) img.save(shot_dir() + "/plots-gradient-flow-warnings.png");
    }

    // The Gradient flow dock of a 1280x720 window: no legend entry is cut
    // ("1 C" for "1 Conv2D"); the legends wrap onto more rows instead.
    void legendsFitANarrowView() {
        GradientFlowView v;
        v.set_model(gs::load_preset("cnn-fashion"));
        v.resize(370, 280);
        v.show();
        QVERIFY(QTest::qWaitForWindowExposed(&v));
        QCoreApplication::processEvents();
        v.plot()->replot(QCustomPlot::rpImmediateRefresh);
        int items = 0;
        for (QCPLayoutElement* e : v.plot()->plotLayout()->elements(true)) {
            auto* legend = qobject_cast<QCPLegend*>(e);
            if (!legend || !legend->visible()) continue;
            for (int i = 0; i < legend->itemCount(); ++i) {
                QCPAbstractLegendItem* it = legend->item(i);
                if (!it) continue;  // an empty cell of a wrapped legend
                ++items;
                QVERIFY2(it->outerRect().width() + 1 >= it->minimumOuterSizeHint().width(),
                         qPrintable(QString("legend item %1: %2 of %3 px").arg(i).arg(it->outerRect().width())
                                        .arg(it->minimumOuterSizeHint().width())));
                QVERIFY(v.plot()->rect().contains(it->outerRect()));
            }
        }
        QCOMPARE(items, 2 + 5);  // mean and max |grad|, a line per weighted layer
    }
};

QTEST_MAIN(TestGradientFlow)
#include "test_gradient_flow.moc"
