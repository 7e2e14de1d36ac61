// GradientFlowView: gradient bars per layer and update ratios over time;
// see gradient_flow.h.
#include "plots/gradient_flow.h"

#include <qcustomplot.h>

#include <QLabel>
#include <QScrollArea>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>
#include <limits>

#include "plots/number_format.h"
#include "plots/plot_style.h"

namespace gs::studio {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kBarWidth = 0.36;
constexpr double kOffTheTop = 1e30;  // where a NaN / inf bar is drawn to (clipped at the top)

bool has_params(const std::string& type) { return type == "Dense" || type == "Conv2D" || type == "BatchNorm"; }

int status_class(LayerHealth h) { return health_is_error(h) ? 2 : health_is_problem(h) ? 1 : 0; }

// The short label over a flagged slot.
QString short_label(const LayerDiagnosis& d, const LayerStats* s, const ModelSpec& spec) {
    switch (d.status) {
        case LayerHealth::Exploding:
            return s && !std::isfinite(s->grad_mean_abs + s->grad_max_abs + s->weight_norm) ? QStringLiteral("NaN/inf")
                                                                                          : QStringLiteral("exploding");
        case LayerHealth::Vanishing: return QStringLiteral("vanishing");
        case LayerHealth::DeadUnits:
            return QString::fromStdString(spec.layers[static_cast<size_t>(d.layer)].type + " " +
                                          format_percent(s ? s->dead_fraction : 0) + " dead");
        case LayerHealth::Saturated:
            return QString::fromStdString(spec.layers[static_cast<size_t>(d.layer)].type + " " +
                                          format_percent(s ? s->saturated_fraction : 0) + " saturated");
        default: return {};
    }
}

}  // namespace

GradientFlowView::GradientFlowView(QWidget* parent) : QWidget(parent) {
    m_plot = new QCustomPlot(this);
    m_throttle = new ReplotThrottle(m_plot, kSlowReplotMs);
    m_bars_rect = m_plot->axisRect();
    m_ratio_rect = add_lower_axis_rect(*m_plot);
    QCPLayoutGrid* grid = m_plot->plotLayout();
    m_ratio_legend = new QCPLegend;
    place_legend_row(*m_plot, m_ratio_legend, 3);
    m_ratio_legend->setLayer(QStringLiteral("legend"));
    grid->setRowStretchFactors({0.001, 1, 1, 0.001});
    auto* margins = new QCPMarginGroup(m_plot);
    m_bars_rect->setMarginGroup(QCP::msLeft | QCP::msRight, margins);
    m_ratio_rect->setMarginGroup(QCP::msLeft | QCP::msRight, margins);
    m_ratio_rect->setMinimumSize(50, 30);  // lets the bars take the larger share when short

    QCPAxis* by = m_bars_rect->axis(QCPAxis::atLeft);
    set_log_axis(*by, true);
    by->setLabel(tr("|gradient|"));
    QCPAxis* bx = m_bars_rect->axis(QCPAxis::atBottom);
    bx->setTicker(QSharedPointer<QCPAxisTickerText>::create());
    bx->grid()->setVisible(false);
    bx->setTickLength(0, 0);
    bx->setSubTicks(false);
    QCPAxis* ry = m_ratio_rect->axis(QCPAxis::atLeft);
    set_log_axis(*ry, true);
    ry->setLabel(tr("update / weight"));
    m_ratio_rect->axis(QCPAxis::atBottom)->setLabel(tr("step"));

    // Behind the bars: the selected layer's column.
    m_selection = new QCPItemRect(m_plot);
    m_selection->setLayer(QStringLiteral("grid"));
    m_selection->setClipAxisRect(m_bars_rect);
    for (QCPItemPosition* p : {m_selection->topLeft, m_selection->bottomRight}) {
        p->setAxes(bx, by);
        p->setAxisRect(m_bars_rect);
        p->setTypeX(QCPItemPosition::ptPlotCoords);
        p->setTypeY(QCPItemPosition::ptAxisRectRatio);
    }
    m_selection->setVisible(false);

    const char* names[3] = {"", " (warning)", " (problem)"};
    for (int s = 0; s < 3; ++s) {
        m_mean[s] = new QCPBars(bx, by);
        m_max[s] = new QCPBars(bx, by);
        m_mean[s]->setName(tr("mean |grad|") + QLatin1String(names[s]));
        m_max[s]->setName(tr("max |grad|") + QLatin1String(names[s]));
        for (QCPBars* b : {m_mean[s], m_max[s]}) {
            b->setWidth(kBarWidth);
            b->setBaseValue(1e-30);  // a log axis has no 0
            if (s > 0) b->removeFromLegend();
        }
    }

    // The healthy band of update ratios, under the lines.
    m_band = new QCPItemRect(m_plot);
    m_band->setLayer(QStringLiteral("grid"));
    m_band->setClipAxisRect(m_ratio_rect);
    for (QCPItemPosition* p : {m_band->topLeft, m_band->bottomRight}) {
        p->setAxes(m_ratio_rect->axis(QCPAxis::atBottom), ry);
        p->setAxisRect(m_ratio_rect);
        p->setTypeX(QCPItemPosition::ptAxisRectRatio);
        p->setTypeY(QCPItemPosition::ptPlotCoords);
    }
    m_band->topLeft->setCoords(0, kHealthyRatioHi);
    m_band->bottomRight->setCoords(1, kHealthyRatioLo);
    m_band_label = new QCPItemText(m_plot);
    m_band_label->setLayer(QStringLiteral("grid"));
    m_band_label->setClipAxisRect(m_ratio_rect);
    m_band_label->position->setAxes(m_ratio_rect->axis(QCPAxis::atBottom), ry);
    m_band_label->position->setAxisRect(m_ratio_rect);
    m_band_label->position->setTypeX(QCPItemPosition::ptAxisRectRatio);
    m_band_label->position->setTypeY(QCPItemPosition::ptPlotCoords);
    m_band_label->position->setCoords(0.01, kHealthyRatioHi);
    m_band_label->setPositionAlignment(Qt::AlignLeft | Qt::AlignTop);
    m_band_label->setText(tr("healthy ≈ 1e-3"));

    m_empty = new QCPItemText(m_plot);
    m_empty->setClipAxisRect(m_bars_rect);
    m_empty->position->setAxisRect(m_bars_rect);
    m_empty->position->setType(QCPItemPosition::ptAxisRectRatio);
    m_empty->position->setCoords(0.5, 0.5);
    m_empty->setText(tr("Gradients show here once training runs."));

    connect(m_plot, &QCustomPlot::mousePress, this, &GradientFlowView::on_mouse_press);
    connect(m_plot, &QCustomPlot::afterLayout, this, [this] {
        // Slant the layer names when they do not fit side by side.
        QCPAxis* x = m_bars_rect->axis(QCPAxis::atBottom);
        const auto ticker = x->ticker().dynamicCast<QCPAxisTickerText>();
        if (!ticker) return;
        const QFontMetrics fm(x->tickLabelFont());
        int widest = 0;
        for (const QString& name : ticker->ticks()) widest = std::max(widest, fm.horizontalAdvance(name));
        const int n_slots = static_cast<int>(m_bar_layers.size());
        const double rotation = n_slots == 0 || (widest + 16) * n_slots <= m_bars_rect->width() ? 0 : -30;
        if (x->tickLabelRotation() != rotation) {
            x->setTickLabelRotation(rotation);
            request_replot();
        }
    });

    // The words under the plots scroll in a box that never takes more than
    // a share of the view: the plots keep a readable height whatever is said.
    m_text = new QLabel;
    m_text->setWordWrap(true);
    m_text->setTextFormat(Qt::RichText);
    m_text->setContentsMargins(8, 2, 8, 4);
    m_text->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_text->setAlignment(Qt::AlignLeft | Qt::AlignTop);
    m_text_box = new QScrollArea(this);
    m_text_box->setWidget(m_text);
    m_text_box->setWidgetResizable(true);
    m_text_box->setFrameShape(QFrame::NoFrame);
    m_text_box->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_text_box->setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Maximum);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addWidget(m_plot, 1);
    layout->addWidget(m_text_box);
    set_theme(m_theme);
    rebuild_bars();
}

GradientFlowView::~GradientFlowView() = default;

void GradientFlowView::set_model(const ModelSpec& spec) {
    // Statistics belong to the network they came from: another list of
    // layers (an insert, a removal, a new type) makes them meaningless, and
    // kept by index they would name the wrong layers.
    bool same_layers = m_has_spec && spec.layers.size() == m_spec.layers.size();
    for (size_t i = 0; same_layers && i < spec.layers.size(); ++i)
        same_layers = spec.layers[i].type == m_spec.layers[i].type;
    m_spec = spec;
    m_has_spec = true;
    if (!same_layers) {
        forget_statistics();
        return clear();
    }
    rebuild_slots();
    rebuild_bars();
    request_replot();
}

void GradientFlowView::forget_statistics() {
    m_stats.clear();
    m_ratio_pts.clear();
    m_norm_pts.clear();
    m_first_norm.clear();
    m_ctx = RunContext{};
    m_seen_layers = m_seen_ratio = 0;
    m_seen_step = -1;
    m_last_step = 0;
}

void GradientFlowView::clear() {
    forget_statistics();
    rebuild_slots();
    rebuild_bars();
    request_replot();
}

std::vector<int> GradientFlowView::weighted_layers() const {
    std::vector<int> out;
    const size_t n = m_has_spec ? m_spec.layers.size() : m_stats.size();
    for (size_t i = 0; i < n; ++i) {
        const bool stat = i < m_stats.size() && m_stats[i].step > 0;
        const bool weights = stat ? m_stats[i].has_weights : m_has_spec && has_params(m_spec.layers[i].type);
        if (weights) out.push_back(static_cast<int>(i));
    }
    return out;
}

void GradientFlowView::rebuild_slots() {
    m_bar_layers = weighted_layers();
    auto ticker = QSharedPointer<QCPAxisTickerText>::create();
    for (size_t k = 0; k < m_bar_layers.size(); ++k) {
        const int i = m_bar_layers[k];
        const QString type = m_has_spec && static_cast<size_t>(i) < m_spec.layers.size()
                                 ? QString::fromStdString(m_spec.layers[static_cast<size_t>(i)].type)
                                 : tr("layer");
        ticker->addTick(static_cast<double>(k), QStringLiteral("%1 %2").arg(i + 1).arg(type));
    }
    m_bars_rect->axis(QCPAxis::atBottom)->setTicker(ticker);
    m_bars_rect->axis(QCPAxis::atBottom)->setRange(-0.6, std::max<double>(0.6, static_cast<double>(m_bar_layers.size()) - 0.4));

    // One update-ratio line per slot.
    for (QCPGraph* g : m_ratio_graphs) m_plot->removeGraph(g);
    m_ratio_graphs.clear();
    m_ratio_legend->clearItems();
    m_ratio_names.clear();
    for (size_t k = 0; k < m_bar_layers.size(); ++k) {
        QCPGraph* g = m_plot->addGraph(m_ratio_rect->axis(QCPAxis::atBottom), m_ratio_rect->axis(QCPAxis::atLeft));
        g->removeFromLegend();
        g->setName(ticker->ticks().value(static_cast<double>(k)));
        m_ratio_names.push_back(g->name());
        g->addToLegend(m_ratio_legend);
        m_ratio_graphs.push_back(g);
    }
    m_ratio_pts.assign(m_bar_layers.size(), {});
    m_norm_pts.assign(m_bar_layers.size(), {});
    apply_styles();
    fit_legends();
    place_selection();
}

void GradientFlowView::update_from(const TelemetryStore& store) {
    const std::vector<LayerStats>& layers = store.layers();
    long step = -1;
    size_t ratios = 0;
    for (size_t i = 0; i < layers.size(); ++i) {
        step = std::max(step, layers[i].step);
        if (layers[i].has_weights) ratios += store.layer_update_ratio(i).total_added();
    }
    if (layers.size() < m_seen_layers || ratios < m_seen_ratio || step < m_seen_step) clear();  // started over
    if (layers.size() == m_seen_layers && step == m_seen_step && ratios == m_seen_ratio) return;
    m_stats = layers;
    m_last_step = store.last_step().step;
    // Each layer's first weight norm of the run, to see how far the weights grew.
    if (m_first_norm.size() < layers.size()) m_first_norm.resize(layers.size(), kNaN);
    for (size_t i = 0; i < layers.size(); ++i)
        if (std::isnan(m_first_norm[i]) && layers[i].step > 0 && layers[i].has_weights)
            m_first_norm[i] = layers[i].weight_norm;
    m_ctx = run_context(store, m_has_spec ? m_spec : ModelSpec{}, m_first_norm);
    // The slots change when statistics first say which layers have weights.
    if (weighted_layers() != m_bar_layers) rebuild_slots();
    rebuild_ratios(store);
    rebuild_bars();
    m_seen_layers = layers.size();
    m_seen_step = step;
    m_seen_ratio = ratios;
    m_throttle->request();
}

constexpr int kMaxRatioDots = 40;

void GradientFlowView::rebuild_ratios(const TelemetryStore& store) {
    const size_t n = store.layers().size();
    for (size_t k = 0; k < m_bar_layers.size(); ++k) {
        const size_t i = static_cast<size_t>(m_bar_layers[k]);
        m_ratio_pts[k] = i < n ? store.layer_update_ratio(i).points() : std::vector<SeriesPoint>{};
        m_norm_pts[k] = i < n ? store.layer_grad_norm(i).points() : std::vector<SeriesPoint>{};
        QVector<QCPGraphData> d;
        d.reserve(static_cast<int>(m_ratio_pts[k].size()));
        for (const SeriesPoint& p : m_ratio_pts[k])  // 0 (lr = 0) and NaN leave a gap
            d.append(QCPGraphData(p.x, std::isfinite(p.mean) && p.mean > 0 ? p.mean : kNaN));
        m_ratio_graphs[k]->data()->set(d, true);
        // Dots mark single samples while there are few; beyond that a dot
        // per sample costs more to draw than the whole rest of the plot.
        m_ratio_graphs[k]->setScatterSkip(d.size() / kMaxRatioDots);
    }
}

void GradientFlowView::rebuild_bars() {
    ModelSpec fallback;
    if (!m_has_spec)
        for (const LayerStats& s : m_stats) {
            LayerSpec l;
            l.type = s.has_weights ? "weights" : "activation";
            fallback.layers.push_back(l);
        }
    const ModelSpec& spec = m_has_spec ? m_spec : fallback;
    m_diag = diagnose_gradients(m_stats, spec, m_ctx);
    m_verdict = diagnose_run(m_stats, spec, m_ctx);
    for (int s = 0; s < 3; ++s) {
        m_mean[s]->data()->clear();
        m_max[s]->data()->clear();
    }
    for (QCPAbstractItem* i : m_labels) m_plot->removeItem(i);
    m_labels.clear();
    auto stat = [&](int i) -> const LayerStats* {
        return i >= 0 && static_cast<size_t>(i) < m_stats.size() && m_stats[static_cast<size_t>(i)].step > 0
                   ? &m_stats[static_cast<size_t>(i)]
                   : nullptr;
    };
    bool any = false;
    QCPAxis* bx = m_bars_rect->axis(QCPAxis::atBottom);
    QCPAxis* by = m_bars_rect->axis(QCPAxis::atLeft);
    for (size_t k = 0; k < m_bar_layers.size(); ++k) {
        const int i = m_bar_layers[k];
        const LayerStats* s = stat(i);
        // Statuses of this layer and of the activations after it, up to the next layer with weights.
        const int end = k + 1 < m_bar_layers.size() ? m_bar_layers[k + 1] : static_cast<int>(m_diag.size());
        QStringList labels;
        int worst = 0;
        for (int j = i; j < end && static_cast<size_t>(j) < m_diag.size(); ++j) {
            const LayerDiagnosis& d = m_diag[static_cast<size_t>(j)];
            if (!health_is_problem(d.status)) continue;
            labels << short_label(d, stat(j), spec);
            worst = std::max(worst, status_class(d.status));
        }
        if (!s) continue;
        any = true;
        const int own = static_cast<size_t>(i) < m_diag.size() ? status_class(m_diag[static_cast<size_t>(i)].status) : 0;
        auto shown = [](float v) { return std::isfinite(v) ? static_cast<double>(v) : kOffTheTop; };
        const double x = static_cast<double>(k);
        if (shown(s->grad_mean_abs) > 0) m_mean[own]->addData(x - kBarOffset, shown(s->grad_mean_abs));
        if (shown(s->grad_max_abs) > 0) m_max[own]->addData(x + kBarOffset, shown(s->grad_max_abs));
        if (labels.isEmpty()) continue;
        auto* t = new QCPItemText(m_plot);
        t->setClipAxisRect(m_bars_rect);
        t->position->setAxes(bx, by);
        t->position->setAxisRect(m_bars_rect);
        t->position->setTypeX(QCPItemPosition::ptPlotCoords);
        t->position->setTypeY(QCPItemPosition::ptAxisRectRatio);
        t->position->setCoords(x, 0.02);
        t->setPositionAlignment(Qt::AlignHCenter | Qt::AlignTop);
        t->setText(labels.join(QLatin1Char('\n')));
        t->setFont(plot_font(m_theme, kPlotFontPt, true));
        t->setColor(worst == 2 ? m_theme.error : m_theme.warning);
        QColor bg = m_theme.background;
        bg.setAlpha(220);
        t->setBrush(QBrush(bg));
        t->setPadding(QMargins(3, 1, 3, 1));
        t->setProperty("slot_label", labels.join(QLatin1String(" / ")));
        m_labels.push_back(t);
    }
    m_empty->setVisible(!any);

    rebuild_words(any);
    autorange();
}

void GradientFlowView::autorange() {
    double lo = std::numeric_limits<double>::infinity(), hi = -lo;
    auto take = [&](double v) {
        if (std::isfinite(v) && v > 0 && v < kOffTheTop) lo = std::min(lo, v), hi = std::max(hi, v);
    };
    for (int s = 0; s < 3; ++s)
        for (QCPBars* b : {m_mean[s], m_max[s]})
            for (auto it = b->data()->constBegin(); it != b->data()->constEnd(); ++it) take(it->value);
    QCPAxis* by = m_bars_rect->axis(QCPAxis::atLeft);
    if (hi >= lo) by->setRange(lo / 3, hi * 60);  // headroom for the labels over the bars
    else by->setRange(1e-6, 1);

    double x0 = std::numeric_limits<double>::infinity(), x1 = -x0, r0 = kHealthyRatioLo, r1 = kHealthyRatioHi;
    for (const auto& pts : m_ratio_pts) {
        if (pts.empty()) continue;
        x0 = std::min(x0, pts.front().x);
        x1 = std::max(x1, pts.back().x);
        for (const SeriesPoint& p : pts)
            if (std::isfinite(p.mean) && p.mean > 0) r0 = std::min<double>(r0, p.mean), r1 = std::max<double>(r1, p.mean);
    }
    // Statistics come every few steps: the axis runs to the newest step trained.
    if (!std::isfinite(x0)) x0 = 0;
    x1 = std::max({x1, static_cast<double>(m_last_step), x0 + 10});
    const double pad = (x1 - x0) * 0.02;
    m_ratio_rect->axis(QCPAxis::atBottom)->setRange(x0 - pad, x1 + pad);
    m_ratio_rect->axis(QCPAxis::atLeft)->setRange(r0 / 2, r1 * 2);
}

void GradientFlowView::apply_styles() {
    const Theme& t = m_theme;
    const QColor colours[3] = {t.train, t.warning, t.error};
    for (int s = 0; s < 3; ++s) {
        QColor faint = colours[s];
        faint.setAlpha(90);
        m_mean[s]->setPen(QPen(colours[s].darker(115), 1));
        m_mean[s]->setBrush(QBrush(colours[s]));
        m_max[s]->setPen(QPen(colours[s], 1));
        m_max[s]->setBrush(QBrush(faint));
    }
    for (size_t k = 0; k < m_ratio_graphs.size(); ++k) {
        const bool sel = m_selected >= 0 && k < m_bar_layers.size() && m_bar_layers[k] == m_selected;
        const QColor c = t.category(static_cast<int>(k));
        m_ratio_graphs[k]->setPen(QPen(c, t.line_width * (sel ? 1.8 : 0.9)));
        // Dots too: the statistics come every few steps, and one point alone draws no line.
        m_ratio_graphs[k]->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, c, t.point_size * (sel ? 1.0 : 0.7)));
    }
    QColor band = t.ok;
    band.setAlpha(28);
    m_band->setBrush(QBrush(band));
    m_band->setPen(Qt::NoPen);
    m_band_label->setColor(t.ok.darker(120));
    m_band_label->setFont(plot_font(t, kPlotFontPt - 1));
    m_empty->setColor(t.muted);
    m_empty->setFont(plot_font(t, kPlotFontPt + 1));
    QColor sel = t.marker;
    sel.setAlpha(40);
    m_selection->setBrush(QBrush(sel));
    m_selection->setPen(QPen(t.marker, 1, Qt::DotLine));
}

void GradientFlowView::set_theme(const Theme& theme) {
    m_theme = theme;
    apply_theme(*m_plot, theme);
    style_legend(*m_ratio_legend, theme);
    for (QCPLegend* l : {m_plot->legend, m_ratio_legend}) {
        l->setBorderPen(Qt::NoPen);
        l->setBrush(Qt::NoBrush);
    }
    m_plot->plotLayout()->setRowSpacing(static_cast<int>(4 * theme.font_scale));
    m_plot->setMinimumHeight(160);  // the words below never squash the bars to nothing
    apply_styles();
    QFont f = QWidget::font();
    f.setPointSizeF(QFont().pointSizeF() * theme.font_scale);
    m_text->setFont(f);
    rebuild_bars();
    request_replot();
}

void GradientFlowView::place_selection() {
    const auto it = std::find(m_bar_layers.begin(), m_bar_layers.end(), m_selected);
    if (it == m_bar_layers.end()) {
        m_selection->setVisible(false);
    } else {
        const double k = static_cast<double>(it - m_bar_layers.begin());
        m_selection->topLeft->setCoords(k - 0.5, 0);
        m_selection->bottomRight->setCoords(k + 0.5, 1);
        m_selection->setVisible(true);
    }
    apply_styles();
}

void GradientFlowView::select_layer(int layer) {
    if (layer == m_selected) return;
    m_selected = layer;
    place_selection();
    request_replot();
}

void GradientFlowView::on_mouse_press(QMouseEvent* e) {
    const QPoint p = e->position().toPoint();
    if (e->button() != Qt::LeftButton || !m_bars_rect->rect().contains(p)) return;
    const double key = m_bars_rect->axis(QCPAxis::atBottom)->pixelToCoord(p.x());
    const long k = std::lround(key);
    if (k < 0 || static_cast<size_t>(k) >= m_bar_layers.size() || std::abs(key - static_cast<double>(k)) > 0.5) return;
    const int layer = m_bar_layers[static_cast<size_t>(k)];
    select_layer(layer);
    emit layerClicked(layer);
}

void GradientFlowView::request_replot() { m_plot->replot(QCustomPlot::rpQueuedReplot); }

std::vector<double> GradientFlowView::mean_bar_values() const {
    std::vector<double> v;
    for (int i : m_bar_layers)
        v.push_back(static_cast<size_t>(i) < m_stats.size() && m_stats[static_cast<size_t>(i)].step > 0
                        ? m_stats[static_cast<size_t>(i)].grad_mean_abs
                        : kNaN);
    return v;
}

std::vector<double> GradientFlowView::max_bar_values() const {
    std::vector<double> v;
    for (int i : m_bar_layers)
        v.push_back(static_cast<size_t>(i) < m_stats.size() && m_stats[static_cast<size_t>(i)].step > 0
                        ? m_stats[static_cast<size_t>(i)].grad_max_abs
                        : kNaN);
    return v;
}

double GradientFlowView::bar_key(int layer) const {
    const auto it = std::find(m_bar_layers.begin(), m_bar_layers.end(), layer);
    return it == m_bar_layers.end() ? kNaN : static_cast<double>(it - m_bar_layers.begin());
}

QStringList GradientFlowView::problem_texts() const {
    QStringList out;
    for (const LayerDiagnosis& d : m_diag)
        if (health_is_problem(d.status)) out << QString::fromStdString(d.text);
    return out;
}

QStringList GradientFlowView::slot_labels() const {
    QStringList out;
    for (QCPAbstractItem* i : m_labels) out << i->property("slot_label").toString();
    return out;
}

int GradientFlowView::ratio_line_count() const {
    int n = 0;
    for (QCPGraph* g : m_ratio_graphs) n += g->dataCount() > 0;
    return n;
}



}  // namespace gs::studio
