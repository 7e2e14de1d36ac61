// The dense network picture: columns, connections, neuron heatmaps and the
// output panel. rebuild() makes every image; paint() only lays them out.
#include "dense_view.h"

#include "canvas/feature_inputs.h"

#include <QFontMetricsF>
#include <QPainterPath>
#include <algorithm>
#include <cmath>
#include <numeric>

namespace gs::studio {

namespace {

// How a column's values map to [-1, 1]: t = v * scale + offset.
struct ValueMap {
    float scale = 1, offset = 0;
};

ValueMap value_map(const QString& type, float max_abs) {
    // Probabilities: 0 is "no", drawn neutral; a sigmoid's 0.5 is "undecided".
    if (type == QLatin1String("Softmax")) return {1.0f, 0.0f};
    if (type == QLatin1String("Sigmoid")) return {2.0f, -1.0f};
    if (type == QLatin1String("Tanh")) return {1.0f, 0.0f};
    return {max_abs > 0 ? 1.0f / max_abs : 1.0f, 0.0f};
}

float max_abs_of(const std::vector<float>& v) {
    float m = 0;
    for (float x : v)
        if (std::isfinite(x)) m = std::max(m, std::abs(x));
    return m;
}

QRgb blend(QRgb a, const QColor& b, double t) {
    auto mix = [t](int x, int y) { return static_cast<int>(x + (y - x) * t + 0.5); };
    return qRgb(mix(qRed(a), b.red()), mix(qGreen(a), b.green()), mix(qBlue(a), b.blue()));
}

}  // namespace

void DenseView::rebuild(const CanvasState& s) {
    m_cols.clear();
    m_output = QImage();
    m_curve.clear();
    m_points_drawn = 0;
    m_panel = false;
    m_output_categorical = false;
    m_target_scale = 0;
    m_ramp = ColorRamp::diverging(s.theme);
    m_background = s.theme.background.rgb();
    if (!s.has_model) return;
    build_columns(s);
    build_connections(s);
    build_output(s);
    build_curve(s);
}

void DenseView::build_columns(const CanvasState& s) {
    const gs::Snapshot* snap = s.snapshot.get();
    const bool plane = snap && s.data.two_d && snap->grid > 0;
    const int g = plane ? snap->grid : 0;
    if (plane)
        for (int d = 0; d < 2; ++d) m_lo[d] = snap->lo[d], m_hi[d] = snap->hi[d];

    Column in;
    in.units = static_cast<int>(s.spec.input.numel());
    in.collapsed = in.units > kMaxInputs;
    in.shown = in.collapsed ? 1 : in.units;
    in.title = QStringLiteral("Input");
    in.subtitle = in.collapsed ? QStringLiteral("%1 features").arg(in.units) : QString();
    // The input neurons: x1, x2 or the input features (x₁², sin x₁, ...),
    // each with its value over the plane (canvas/feature_inputs.h).
    if (!in.collapsed) in.labels = input_labels(s.spec.data, in.units);
    if (plane) in.heat = input_heatmaps(s.spec.data, in.units, g, m_lo, m_hi, s.theme);
    if (in.collapsed && snap && s.data.probe_split && snap->probe >= 0 &&
        static_cast<size_t>(snap->probe) < s.data.probe_split->size()) {
        const gs::Shape item = s.data.probe_split->item_shape();
        if (item.rank == 3 && (item[0] == 1 || item[0] == 3)) {
            std::vector<float> x(item.numel()), y(static_cast<size_t>(s.data.probe_split->target_size()));
            const uint32_t i = static_cast<uint32_t>(snap->probe);
            s.data.probe_split->gather(&i, 1, x.data(), y.data());
            const auto [lo, hi] = std::minmax_element(x.begin(), x.end());
            const float a = *hi > *lo ? 1.0f / (*hi - *lo) : 1.0f;
            const int H = item[1], W = item[2], C = item[0];
            QImage img(W, H, QImage::Format_RGB32);
            for (int r = 0; r < H; ++r)
                for (int c = 0; c < W; ++c) {
                    auto ch = [&](int k) {
                        return static_cast<int>(255.0f * (x[(static_cast<size_t>(k) * H + r) * W + c] - *lo) * a + 0.5f);
                    };
                    img.setPixel(c, r, C == 3 ? qRgb(ch(0), ch(1), ch(2)) : qRgb(ch(0), ch(0), ch(0)));
                }
            in.picture = img;
        }
    }
    m_cols.push_back(in);

    const ColorRamp ramp = ColorRamp::diverging(s.theme);
    bool all_tanh = true, all_unit = true;
    for (size_t gi = 0; gi < s.groups.size(); ++gi) {
        const LayerGroup& grp = s.groups[gi];
        Column c;
        c.first = grp.first;
        c.last = grp.last;
        c.main = grp.main;
        c.shown_layer = grp.shown;
        c.title = grp.title;
        c.subtitle = grp.subtitle;
        c.units = static_cast<int>(grp.out.numel());
        c.shown = std::min(c.units, kMaxShown);
        const bool last = gi + 1 == s.groups.size();
        const size_t L = static_cast<size_t>(grp.shown);
        if (last && s.data.classes > 0 && c.units == s.data.classes && c.units > 1) {
            // Class names, with the probe item's probability where there is one.
            const bool probs = grp.shown_type == QLatin1String("Softmax") && snap && !plane &&
                               L < snap->probe_activations.size() &&
                               snap->probe_activations[L].size() == static_cast<size_t>(c.units);
            for (int u = 0; u < c.shown; ++u)
                c.labels << (probs ? QStringLiteral("%1  %2").arg(s.data.class_names.value(u))
                                         .arg(percent_or_dash(snap->probe_activations[L][static_cast<size_t>(u)]))
                                   : s.data.class_names.value(u));
        }
        if (!last) {
            all_tanh = all_tanh && grp.shown_type == QLatin1String("Tanh");
            all_unit = all_unit && (grp.shown_type == QLatin1String("Tanh") ||
                                    grp.shown_type == QLatin1String("Sigmoid"));
        }
        if (plane && L < snap->grid_units.size() && snap->grid_units[L].size() == static_cast<size_t>(c.units)) {
            float m = 0;
            for (int u = 0; u < c.shown; ++u) m = std::max(m, max_abs_of(snap->grid_units[L][static_cast<size_t>(u)]));
            const ValueMap vm = value_map(grp.shown_type, m);
            for (int u = 0; u < c.shown; ++u)
                c.heat.push_back(ramp.image(snap->grid_units[L][static_cast<size_t>(u)].data(), g, g, vm.scale,
                                            vm.offset, true));
        } else if (snap && L < snap->probe_activations.size() &&
                   snap->probe_activations[L].size() == static_cast<size_t>(c.units)) {
            const std::vector<float>& a = snap->probe_activations[L];
            const ValueMap vm = value_map(grp.shown_type, max_abs_of(a));
            for (int u = 0; u < c.shown; ++u) c.flat.push_back(ramp.at(a[static_cast<size_t>(u)] * vm.scale + vm.offset));
        }
        m_cols.push_back(c);
    }
    m_neuron_what = plane ? QStringLiteral("neuron output") : QStringLiteral("neuron output (probe)");
    if (all_tanh) {
        m_neuron_lo = QStringLiteral("−1");
        m_neuron_hi = QStringLiteral("+1");
    } else {
        m_neuron_lo = all_unit ? QStringLiteral("low") : QStringLiteral("−max");
        m_neuron_hi = all_unit ? QStringLiteral("high") : QStringLiteral("+max (per layer)");
    }
}

void DenseView::build_connections(const CanvasState& s) {
    const gs::Snapshot* snap = s.snapshot.get();
    for (size_t i = 1; i < m_cols.size(); ++i) {
        Column& c = m_cols[i];
        const Column& prev = m_cols[i - 1];
        c.conn.clear();
        c.has_conn = false;
        c.conn_sources = prev.shown;
        if (!snap) continue;
        const size_t L = static_cast<size_t>(c.main);
        const auto& all = s.show_gradients ? snap->weight_grads : snap->weights;
        if (L >= all.size() || L >= snap->parameter_shapes.size() || all[L].empty()) continue;
        const std::vector<int>& shape = snap->parameter_shapes[L];
        if (shape.size() != 2 || shape[0] != c.units || shape[1] != prev.units) continue;
        const std::vector<float>& w = all[L];
        const size_t inputs = static_cast<size_t>(shape[1]);
        if (prev.collapsed) {
            // One line per unit: its mean weight over every input.
            c.conn_sources = 1;
            std::vector<float> mean(static_cast<size_t>(c.units));
            for (size_t u = 0; u < mean.size(); ++u)
                mean[u] = std::accumulate(w.begin() + static_cast<long>(u * inputs),
                                          w.begin() + static_cast<long>((u + 1) * inputs), 0.0f) /
                          static_cast<float>(inputs);
            c.conn_max = max_abs_of(mean);
            for (int u = 0; u < c.shown; ++u)
                c.conn.push_back(c.conn_max > 0 ? mean[static_cast<size_t>(u)] / c.conn_max : 0.0f);
        } else {
            c.conn_max = max_abs_of(w);
            for (int u = 0; u < c.shown; ++u)
                for (int k = 0; k < prev.shown; ++k) {
                    const float v = w[static_cast<size_t>(u) * inputs + static_cast<size_t>(k)];
                    c.conn.push_back(c.conn_max > 0 && std::isfinite(v) ? v / c.conn_max : 0.0f);
                }
        }
        c.has_conn = true;
    }
}

void DenseView::build_output(const CanvasState& s) {
    const gs::Snapshot* snap = s.snapshot.get();
    if (!snap || !s.data.two_d || snap->grid <= 0 || s.groups.empty()) return;
    const LayerGroup& grp = s.groups.back();
    const size_t L = static_cast<size_t>(grp.shown);
    if (L >= snap->grid_units.size() || snap->grid_units[L].empty()) return;
    const auto& units = snap->grid_units[L];
    const int g = snap->grid;
    const QColor bg = s.theme.background;
    if (units.size() == 1) {
        const ValueMap vm = value_map(grp.shown_type, max_abs_of(units[0]));
        m_output = ColorRamp::diverging(s.theme).image(units[0].data(), g, g, vm.scale, vm.offset, true);
        // Paler than the points drawn on it.
        for (int r = 0; r < g; ++r) {
            auto* line = reinterpret_cast<QRgb*>(m_output.scanLine(r));
            for (int c = 0; c < g; ++c) line[c] = blend(line[c], bg, 0.25);
        }
        m_panel = true;
        m_output_legend.ramp = ColorRamp::diverging(s.theme);
        if (s.data.classes == 2) {
            m_output_legend.what = QStringLiteral("prediction");
            m_output_legend.lo = s.data.class_names.value(0);
            m_output_legend.hi = s.data.class_names.value(1);
        } else {
            // Regression: the output and the targets of the points on one scale.
            float m = vm.scale > 0 ? 1.0f / vm.scale : 1.0f;
            if (s.data.classes == 0 && vm.offset == 0) {
                m = std::max({m, std::abs(s.data.target_lo), std::abs(s.data.target_hi)});
                m_output = ColorRamp::diverging(s.theme).image(units[0].data(), g, g, 1.0f / m, 0.0f, true);
                for (int r = 0; r < g; ++r) {
                    auto* line = reinterpret_cast<QRgb*>(m_output.scanLine(r));
                    for (int c = 0; c < g; ++c) line[c] = blend(line[c], bg, 0.25);
                }
            }
            m_target_scale = m;
            m_output_legend.what = QStringLiteral("output");
            m_output_legend.lo = short_number(-m - vm.offset * m);
            m_output_legend.hi = short_number(m - vm.offset * m);
        }
    } else {
        // Several outputs (softmax): the winning class, paler where the model is unsure.
        const size_t K = units.size();
        m_output = QImage(g, g, QImage::Format_RGB32);
        for (int r = 0; r < g; ++r) {
            auto* line = reinterpret_cast<QRgb*>(m_output.scanLine(g - 1 - r));
            for (int c = 0; c < g; ++c) {
                const size_t cell = static_cast<size_t>(r) * g + c;
                size_t best = 0;
                for (size_t k = 1; k < K; ++k)
                    if (units[k][cell] > units[best][cell]) best = k;
                double conf = (units[best][cell] - 1.0 / K) / (1.0 - 1.0 / K);
                conf = std::isfinite(conf) ? std::clamp(conf, 0.0, 1.0) : 0.0;  // a diverged model: pale
                line[c] = blend(bg.rgb(), class_color(s.theme, static_cast<int>(K), static_cast<int>(best)),
                                0.2 + 0.55 * conf);
            }
        }
        m_output_categorical = true;
    }
}

QColor DenseView::connection_pen(float t) const {
    // Opaque, paler when weak: the parallel lines of one connection blend evenly.
    return QColor(blend(m_background, QColor(m_ramp.at(t)), 0.35 + 0.65 * std::min(1.0f, std::abs(t))));
}

QRectF DenseView::neuron_rect(int layer, int unit) const {
    for (size_t i = 0; i < m_cols.size() && i < m_node_rects.size(); ++i) {
        const Column& c = m_cols[i];
        const bool match = layer < 0 ? i == 0 : (i > 0 && layer >= c.first && layer <= c.last);
        if (match && unit >= 0 && unit < static_cast<int>(m_node_rects[i].size())) return m_node_rects[i][static_cast<size_t>(unit)];
    }
    return {};
}

int DenseView::neuron_heatmaps() const {
    int n = 0;
    for (size_t i = 1; i < m_cols.size(); ++i) n += m_cols[i].shown;
    return n;
}

int DenseView::neuron_heatmaps_with_data() const {
    int n = 0;
    for (size_t i = 1; i < m_cols.size(); ++i)
        for (const QImage& img : m_cols[i].heat) n += img.isNull() ? 0 : 1;
    return n;
}

float DenseView::connection_value(int layer, int unit, int input) const {
    for (size_t i = 1; i < m_cols.size(); ++i) {
        const Column& c = m_cols[i];
        if (c.main != layer || !c.has_conn) continue;
        if (unit < 0 || unit >= c.shown) return NAN;
        const int src = c.conn_sources == 1 ? 0 : input;
        if (src < 0 || src >= c.conn_sources) return NAN;
        return c.conn[static_cast<size_t>(unit) * c.conn_sources + src];
    }
    return NAN;
}

QColor DenseView::connection_color(int layer, int unit, int input) const {
    const float t = connection_value(layer, unit, input);
    if (!std::isfinite(t)) return {};
    return connection_pen(t);
}

}  // namespace gs::studio
