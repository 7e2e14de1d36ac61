// The layer inspector: details from the spec, statistics from the session.
#include "inspector/layer_inspector.h"

#include <QFontMetrics>
#include <QFormLayout>
#include <QFrame>
#include <QLabel>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>

#include "bridge/spec_service.h"
#include "editor/layer_catalog.h"
#include "inspector/histogram_plot.h"
#include "plots/gradient_health.h"

namespace gs::studio {

namespace {

struct StatRow {
    const char* key;
    const char* label;
    const char* tip;
};

const StatRow kRows[] = {
    {"weight_norm", "Weight norm", "L2 norm of the layer's weights."},
    {"grad_norm", "Gradient norm", "L2 norm of the gradient of the weights on the last batch."},
    {"grad_mean_abs", "Mean |grad|", "Mean absolute gradient of the weights."},
    {"grad_max_abs", "Max |grad|", "Largest absolute gradient of the weights."},
    {"update_ratio", "Update ratio",
     "lr × |gradient| / |weights|: how much one plain step changes the weights, relatively. "
     "Around 1e-3 is healthy; far below, the layer barely learns; far above, steps are too big."},
    {"activations", "Output", "Mean and standard deviation of the layer's output over the batch."},
    {"dead", "Dead units", "Units whose output was at most 0 for every item of the batch."},
    {"saturated", "Saturated", "Outputs within 1% of the limits of Sigmoid or Tanh, where the "
                               "gradient is nearly 0."},
};

QString percent(float f) {
    const double p = 100.0 * f;
    if (p > 0 && p < 1) return "<1%";
    return QString("%1%").arg(static_cast<int>(std::lround(p)));
}

}  // namespace

LayerInspector::LayerInspector(QWidget* parent)
    : QWidget(parent), m_theme(Theme::standard()), m_base_point_size(font().pointSizeF()) {
    // No scroll area of its own: the dock scrolls (a second one, vertical
    // only, cut the panel off on the right when it was wider than the dock).
    QWidget* content = this;
    auto* box = new QVBoxLayout(content);
    box->setContentsMargins(8, 8, 8, 8);
    box->setSpacing(4);

    auto label = [content](bool wrap) {
        auto* l = new QLabel(content);
        l->setWordWrap(wrap);
        l->setTextFormat(Qt::PlainText);
        l->setTextInteractionFlags(Qt::TextSelectableByMouse);
        return l;
    };
    m_title = label(true);
    m_params = label(true);
    m_shapes = label(true);
    m_status = label(true);
    box->addWidget(m_title);
    box->addWidget(m_params);
    box->addWidget(m_shapes);
    auto* rule = new QFrame(content);
    rule->setFrameShape(QFrame::HLine);
    rule->setFrameShadow(QFrame::Plain);
    box->addWidget(rule);
    box->addWidget(m_status);

    m_stats_box = new QWidget(content);
    m_form = new QFormLayout(m_stats_box);
    m_form->setContentsMargins(0, 0, 0, 0);
    m_form->setHorizontalSpacing(10);
    m_form->setVerticalSpacing(2);
    m_form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    // In a narrow dock a value goes under its name rather than breaking a
    // number across lines ("0." over "00991"): every value is at least as
    // wide as a long number.
    m_form->setRowWrapPolicy(QFormLayout::WrapLongRows);
    for (const StatRow& r : kRows) {
        auto* v = label(true);
        v->setMinimumWidth(QFontMetrics(v->font()).horizontalAdvance(QStringLiteral("-0.000000e-00")));
        v->setToolTip(r.tip);
        auto* name = new QLabel(r.label, m_stats_box);
        name->setToolTip(r.tip);
        m_form->addRow(name, v);
        m_values[r.key] = v;
    }
    box->addWidget(m_stats_box);
    m_hist[0] = new HistogramPlot("Weights", content);
    m_hist[1] = new HistogramPlot("Gradients", content);
    m_hist[2] = new HistogramPlot("Activations", content);
    for (HistogramPlot* h : m_hist) box->addWidget(h);
    box->addStretch(1);
    set_theme(m_theme);
    clear();
}

void LayerInspector::set_theme(const Theme& theme) {
    m_theme = theme;
    QFont f = font();
    if (m_base_point_size > 0) f.setPointSizeF(m_base_point_size * theme.font_scale);
    setFont(f);
    QFont big = f;
    big.setBold(true);
    big.setPointSizeF(f.pointSizeF() * 1.2);
    m_title->setFont(big);
    const QString muted = QString("color: %1").arg(theme.muted.name());
    m_params->setStyleSheet(QString("color: %1").arg(theme.foreground.name()));
    m_shapes->setStyleSheet(QString("color: %1").arg(theme.foreground.name()));
    m_status->setStyleSheet(muted);
    for (QLabel* l : {m_params, m_shapes, m_status}) l->setFont(f);
    QPalette pal = palette();
    pal.setColor(QPalette::Window, theme.background);
    pal.setColor(QPalette::WindowText, theme.foreground);
    setPalette(pal);
    m_hist[0]->set_theme(theme, theme.train);
    m_hist[1]->set_theme(theme, theme.validation);
    m_hist[2]->set_theme(theme, theme.extra);
    m_shown_step = -1;  // colours of the verdicts may change
    show_stats();
}

void LayerInspector::clear() {
    m_spec = ModelSpec{};
    m_info.clear();
    m_stats.clear();
    m_layer = m_wanted = -1;
    show_details();
    m_shown_step = -1;
    show_stats();
}

void LayerInspector::set_model(const gs::ModelSpec& spec) {
    m_spec = spec;
    m_info = analyze_spec(spec).layers;
    m_stats.clear();
    // The layer asked for last, which may have arrived before the model that has it.
    m_layer = m_wanted >= 0 && m_wanted < static_cast<int>(spec.layers.size()) ? m_wanted : -1;
    show_details();
    m_shown_step = -1;
    show_stats();
}

void LayerInspector::show_layer(int index) {
    m_wanted = index;
    m_layer = index >= 0 && index < static_cast<int>(m_spec.layers.size()) ? index : -1;
    show_details();
    m_shown_step = -1;
    show_stats();
}

void LayerInspector::update_stats(const std::vector<gs::LayerStats>& stats) {
    // Keep every layer's newest statistics (the user may select another
    // layer), but redraw only when the shown one has moved on.
    const bool same = stats.size() == m_stats.size() &&
                      std::equal(stats.begin(), stats.end(), m_stats.begin(),
                                 [](const LayerStats& a, const LayerStats& b) { return a.step == b.step; });
    if (!same) m_stats = stats;
    const long step = m_layer >= 0 && m_layer < static_cast<int>(m_stats.size())
                          ? m_stats[static_cast<size_t>(m_layer)].step
                          : 0;
    // (A layer without statistics of its own is redrawn when others arrive:
    // its note changes from "none yet" to "fused with the loss".)
    if (step != m_shown_step || (!same && step == 0)) show_stats();
}

void LayerInspector::show_details() {
    if (m_layer < 0) {
        m_title->setText(m_spec.layers.empty() ? "No model" : "No layer selected");
        m_params->setText(m_spec.layers.empty()
                              ? QString()
                              : "Select a layer in the editor or on the canvas to see its details "
                                "and statistics.");
        m_shapes->clear();
        m_shapes->hide();
        return;
    }
    const size_t i = static_cast<size_t>(m_layer);
    const LayerSpec l = with_defaults(m_spec.layers[i]);
    const std::string t = canonical_layer_type(l.type);
    const QString type = QString::fromStdString(t.empty() ? l.type : t);
    m_title->setText(QString("Layer %1 · %2").arg(m_layer + 1).arg(type));

    QStringList p;
    if (t == "Dense") {
        p << QString("%1 units").arg(grouped(static_cast<uint64_t>(std::max(0, l.units))));
    } else if (t == "Conv2D" || t == "MaxPool2D" || t == "AvgPool2D") {
        if (t == "Conv2D") p << QString("%1 filters").arg(l.filters);
        p << QString("kernel %1×%1").arg(l.kernel) << QString("stride %1").arg(l.stride)
          << QString("padding %1").arg(l.padding);
    } else if (t == "LeakyReLU") {
        p << QString("slope %1 below 0").arg(static_cast<double>(l.alpha));
    } else if (t == "Dropout") {
        p << QString("drops %1 of units in training").arg(percent(l.rate));
    } else if (t == "BatchNorm") {
        p << QString("eps %1").arg(static_cast<double>(l.eps))
          << QString("momentum %1").arg(static_cast<double>(l.momentum));
    }
    if (t == "Dense" || t == "Conv2D") {
        p << QString::fromStdString(resolved_init(m_spec.layers, i));
        p << (l.bias ? "with bias" : "no bias");
    }
    m_params->setText(p.isEmpty() ? layer_description(type) : p.join(" · "));

    const LayerInfo& info = i < m_info.size() ? m_info[i] : LayerInfo{};
    m_shapes->show();
    if (info.out.rank == 0) {
        m_shapes->setText("Shapes unknown: the spec has a problem at or before this layer.");
        return;
    }
    QString s = QString("in %1 → out %2").arg(shape_text(info.in), shape_text(info.out));
    if (info.params) {
        const uint64_t bias = (t == "Dense" || t == "Conv2D") && l.bias
                                  ? static_cast<uint64_t>(t == "Dense" ? l.units : l.filters)
                                  : 0;
        s += QString("\n%1 parameters").arg(grouped(info.params));
        if (t == "BatchNorm")
            s += " (a scale and a shift per channel)";
        else if (bias)
            s += QString(" (%1 weights + %2 biases)").arg(grouped(info.params - bias), grouped(bias));
    } else {
        s += "\nno parameters";
    }
    m_shapes->setText(s);
}

void LayerInspector::set_stat(const QString& key, const QString& text) {
    QLabel* v = m_values[key];
    v->setText(text);
    m_form->setRowVisible(v, !text.isEmpty());
}

void LayerInspector::show_stats() {
    const LayerStats* st = nullptr;
    if (m_layer >= 0 && m_layer < static_cast<int>(m_stats.size()) &&
        m_stats[static_cast<size_t>(m_layer)].step > 0)
        st = &m_stats[static_cast<size_t>(m_layer)];
    m_shown_step = st ? st->step : 0;
    ++m_redraws;
    if (!st) {
        // Statistics for other layers but none for this last one: the session
        // fuses a final Softmax or Sigmoid with the loss and does not run it.
        const bool others = std::any_of(m_stats.begin(), m_stats.end(),
                                        [](const LayerStats& s) { return s.step > 0; });
        const bool fused = others && m_layer >= static_cast<int>(m_stats.size());
        m_status->setText(m_layer < 0 ? QString()
                          : fused     ? "No statistics for this layer: in training it is fused "
                                        "with the loss."
                                      : "No statistics yet: they arrive while the network trains "
                                        "(press Play, or step once).");
        m_status->setVisible(m_layer >= 0);
        m_stats_box->hide();
        for (HistogramPlot* h : m_hist) h->hide();
        return;
    }
    m_status->setText(QString("Statistics at step %1").arg(grouped(static_cast<uint64_t>(st->step))));
    m_status->show();
    m_stats_box->show();
    for (HistogramPlot* h : m_hist) h->show();

    const bool w = st->has_weights;
    set_stat("weight_norm", w ? format_field_number(st->weight_norm) : QString());
    set_stat("grad_norm", w ? format_field_number(st->grad_norm) : QString());
    set_stat("grad_mean_abs", w ? format_field_number(st->grad_mean_abs) : QString());
    set_stat("grad_max_abs", w ? format_field_number(st->grad_max_abs) : QString());
    QString ratio;
    if (w) {
        ratio = format_field_number(st->update_ratio);
        const bool overflowed = !std::isfinite(st->update_ratio) || !std::isfinite(st->weight_norm) ||
                                !std::isfinite(st->grad_norm) || !std::isfinite(st->grad_mean_abs) ||
                                !std::isfinite(st->grad_max_abs);
        const bool adaptive = adaptive_optimizer(m_spec.optimizer.type);
        if (overflowed)
            ratio += " — not a number: the weights or gradients overflowed";
        else if (adaptive)  // lr x |g| / |w| is not the step an adaptive optimizer takes
            ratio += QString(" — %1 scales each step itself, so this is not its step size").arg(
                QString::fromStdString(m_spec.optimizer.type));
        else if (st->update_ratio < 1e-5f)
            ratio += " — tiny: this layer barely learns";
        else if (st->update_ratio > 1e-1f)
            ratio += " — large: steps may be too big";
    }
    set_stat("update_ratio", ratio);
    set_stat("activations", QString("mean %1 · std %2")
                                .arg(format_field_number(st->act_mean), format_field_number(st->act_std)));
    set_stat("dead", st->dead_fraction >= 0
                         ? QString("%1 of units dead (never positive on this batch)")
                               .arg(percent(st->dead_fraction))
                         : QString());
    set_stat("saturated", st->saturated_fraction >= 0
                              ? QString("%1 of outputs saturated (within 1% of the limits)")
                                    .arg(percent(st->saturated_fraction))
                              : QString());
    if (w) {
        m_hist[0]->set_histogram(st->weights);
        m_hist[1]->set_histogram(st->grads);
    } else {
        m_hist[0]->clear("This layer has no weights.");
        m_hist[1]->clear("No weights, so no weight gradients.");
    }
    m_hist[2]->set_histogram(st->acts);
}

QString LayerInspector::title_text() const { return m_title->text(); }

QString LayerInspector::details_text() const {
    return m_params->text() + "\n" + m_shapes->text();
}

QString LayerInspector::status_text() const { return m_status->text(); }

QString LayerInspector::stat_text(const QString& key) const {
    auto it = m_values.find(key);
    if (it == m_values.end() || m_stats_box->isHidden())
        return {};
    return it->second->text();
}

}  // namespace gs::studio
