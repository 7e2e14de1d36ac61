// TrainingPlot: loss and accuracy over steps; see training_plot.h.
#include "plots/training_plot.h"

#include <qcustomplot.h>

#include <QCheckBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QSlider>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>
#include <limits>

#include "gradscope/names.h"
#include "gradscope/telemetry.h"
#include "plots/plot_style.h"
#include "plots/smoothing.h"
#include "plots/stamp_graph.h"

namespace gs::studio {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

QVector<QCPGraphData> graph_data(const std::vector<SeriesPoint>& pts, double scale,
                                 const std::vector<double>* values = nullptr) {
    QVector<QCPGraphData> d;
    d.reserve(static_cast<int>(pts.size()));
    for (size_t i = 0; i < pts.size(); ++i)
        d.append(QCPGraphData(pts[i].x, (values ? (*values)[i] : pts[i].mean) * scale));
    return d;
}

// The band of decimated history: min and max of each bucket, up to and
// including the first full-resolution point (so the band closes there).
constexpr size_t kMaxBand = 400;

void band_data(const std::vector<SeriesPoint>& pts, double scale, QVector<QCPGraphData>& lo,
               QVector<QCPGraphData>& hi) {
    lo.clear();
    hi.clear();
    // The decimated buckets come first; merged further, kMaxBand at most
    // (min of mins, max of maxes): filling a polygon of thousands of
    // vertices every frame costs more than the rest of the plot together.
    size_t buckets = 0;
    while (buckets < pts.size() && pts[buckets].count > 1) ++buckets;
    if (buckets < 2) return;
    const size_t group = (buckets + kMaxBand - 1) / kMaxBand;
    for (size_t i = 0; i < buckets; i += group) {
        const size_t end = std::min(buckets, i + group);
        float mn = pts[i].min, mx = pts[i].max;
        for (size_t j = i + 1; j < end; ++j) mn = std::min(mn, pts[j].min), mx = std::max(mx, pts[j].max);
        lo.append(QCPGraphData(pts[i].x, mn * scale));
        hi.append(QCPGraphData(pts[i].x, mx * scale));
    }
}

void finite_range(double v, double& lo, double& hi, bool positive_only) {
    if (!std::isfinite(v) || (positive_only && v <= 0)) return;
    lo = std::min(lo, v);
    hi = std::max(hi, v);
}


}  // namespace

TrainingPlot::TrainingPlot(QWidget* parent) : QWidget(parent) {
    m_plot = new QCustomPlot(this);
    m_throttle = new ReplotThrottle(m_plot, kCurvesReplotMs);
    m_throttle->set_prepare([this] { take_followed(); });
    m_plot->setNoAntialiasingOnDrag(true);
    m_plot->setMouseTracking(true);  // the hover read-out needs moves without a button
    m_loss_rect = m_plot->axisRect();
    // Row 0: the legend, in one line above the plots; then loss, then accuracy.
    m_acc_rect = add_lower_axis_rect(*m_plot);
    QCPLayoutGrid* grid = m_plot->plotLayout();
    grid->setRowSpacing(0);
    auto* margins = new QCPMarginGroup(m_plot);
    m_loss_rect->setMarginGroup(QCP::msLeft | QCP::msRight, margins);
    m_acc_rect->setMarginGroup(QCP::msLeft | QCP::msRight, margins);
    m_legend_row = grid->element(0, 0);

    QCPAxis* lx = m_loss_rect->axis(QCPAxis::atBottom);
    QCPAxis* ax = m_acc_rect->axis(QCPAxis::atBottom);
    connect(lx, qOverload<const QCPRange&>(&QCPAxis::rangeChanged), ax, qOverload<const QCPRange&>(&QCPAxis::setRange));
    connect(ax, qOverload<const QCPRange&>(&QCPAxis::rangeChanged), lx, qOverload<const QCPRange&>(&QCPAxis::setRange));
    m_loss_rect->axis(QCPAxis::atLeft)->setLabel(tr("loss"));
    m_acc_rect->axis(QCPAxis::atLeft)->setLabel(tr("accuracy (%)"));
    ax->setLabel(tr("step"));
    lx->setTickLabels(false);
    for (QCPAxisRect* r : {m_loss_rect, m_acc_rect}) {
        r->setRangeDrag(Qt::Horizontal | Qt::Vertical);
        r->setRangeZoom(Qt::Horizontal | Qt::Vertical);
        r->axis(QCPAxis::atBottom)->setRange(0, 1);
    }
    m_acc_rect->axis(QCPAxis::atLeft)->setRange(0, 100);
    m_plot->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);

    // The validation lines' markers are stamped, not stroked (stamp_graph.h).
    auto add = [&](QCPAxisRect* r, const QString& name, bool legend, bool stamped = false) {
        QCPAxis* x = r->axis(QCPAxis::atBottom);
        QCPAxis* y = r->axis(QCPAxis::atLeft);
        QCPGraph* g = stamped ? new StampGraph(x, y) : m_plot->addGraph(x, y);
        g->setName(name);
        if (!legend) g->removeFromLegend();
        return g;
    };
    // Drawing order: band, raw, smoothed, validation.
    m_loss_min = add(m_loss_rect, tr("train min"), false);
    m_loss_max = add(m_loss_rect, tr("train range"), false);
    m_loss_raw = add(m_loss_rect, tr("train (raw)"), true);
    m_loss_smooth = add(m_loss_rect, tr("train (smoothed)"), true);
    m_loss_val = add(m_loss_rect, tr("validation"), true, true);
    m_acc_min = add(m_acc_rect, tr("train min"), false);
    m_acc_max = add(m_acc_rect, tr("train range"), false);
    m_acc_raw = add(m_acc_rect, tr("train (raw)"), false);
    m_acc_smooth = add(m_acc_rect, tr("train (smoothed)"), false);
    m_acc_val = add(m_acc_rect, tr("validation"), false, true);
    m_loss_max->setChannelFillGraph(m_loss_min);
    m_acc_max->setChannelFillGraph(m_acc_min);

    m_plot->addLayer(QStringLiteral("cursor"), m_plot->layer(QStringLiteral("legend")), QCustomPlot::limAbove);
    m_cursor_layer = m_plot->layer(QStringLiteral("cursor"));
    m_cursor_layer->setMode(QCPLayer::lmBuffered);
    m_cursor_loss = vertical_line(m_plot, m_loss_rect);
    m_cursor_acc = vertical_line(m_plot, m_acc_rect);
    m_readout_box = new QCPItemText(m_plot);
    m_readout_box->setClipToAxisRect(false);
    m_readout_box->position->setType(QCPItemPosition::ptAbsolute);
    m_readout_box->setTextAlignment(Qt::AlignLeft);
    for (QCPAbstractItem* i : std::initializer_list<QCPAbstractItem*>{m_cursor_loss, m_cursor_acc, m_readout_box}) {
        i->setLayer(m_cursor_layer);
        i->setVisible(false);
    }

    connect(m_plot, &QCustomPlot::mouseMove, this, &TrainingPlot::on_mouse_move);
    connect(m_plot, &QCustomPlot::mouseWheel, this, [this](QWheelEvent*) { on_user_range(); });
    connect(m_plot, &QCustomPlot::mouseDoubleClick, this, [this](QMouseEvent*) { on_double_click(); });
    m_plot->installEventFilter(this);
    connect(m_plot, &QCustomPlot::afterLayout, this, &TrainingPlot::position_marker_labels);
    connect(m_plot, &QCustomPlot::afterLayout, this, [this] {
        // As many value ticks as fit the axis's height with room between
        // their labels (a short plot in presentation mode smeared them).
        bool changed = false;
        for (QCPAxisRect* r : {m_loss_rect, m_acc_rect}) {
            QCPAxis* y = r->axis(QCPAxis::atLeft);
            const double line = QFontMetricsF(y->tickLabelFont()).height();
            const int n = std::clamp(static_cast<int>(r->height() / (line * 2.2)), 2, 6);
            if (y->ticker()->tickCount() != n) {
                y->ticker()->setTickCount(n);
                changed = true;
            }
        }
        if (changed) m_plot->replot(QCustomPlot::rpQueuedReplot);
    });

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);
    build_controls();
    layout->addWidget(m_plot, 1);
    arrange();
    set_theme(m_theme);
}

TrainingPlot::~TrainingPlot() {
    // Parts out of the layout (hidden accuracy, the legend of a compact
    // plot) go back to it, which owns them.
    m_compact = false;
    m_acc_shown = true;
    arrange();
}

void TrainingPlot::build_controls() {
    auto* row = new QWidget(this);
    auto* h = new QHBoxLayout(row);
    h->setContentsMargins(6, 2, 6, 0);
    h->setSpacing(4);  // the row sets the dock's narrowest width
    auto* smooth = new QLabel(tr("Smoothing"), row);
    m_slider = new QSlider(Qt::Horizontal, row);
    m_slider->setRange(0, 999);
    m_slider->setValue(static_cast<int>(std::lround(m_smoothing * 1000)));
    m_slider->setMaximumWidth(160);
    m_slider->setToolTip(tr("Exponential smoothing of the training curves (0: none, 0.999: heavy)"));
    m_smooth_label = new QLabel(row);
    m_smooth_label->setMinimumWidth(m_smooth_label->fontMetrics().horizontalAdvance(QStringLiteral("0.000")));
    m_log_box = new QCheckBox(tr("Log scale"), row);
    m_log_box->setToolTip(tr("Show the loss on a logarithmic axis"));
    m_val_box = new QCheckBox(tr("Validation"), row);
    m_val_box->setChecked(true);
    m_val_box->setToolTip(tr("Show the loss and accuracy on held-out data, once per epoch"));
    m_note = new QLabel(row);
    m_note->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);  // a note never widens the window
    m_note->hide();  // until there is one: an empty note would take half the hint's room
    m_hint = new QLabel(row);
    m_hint->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    m_hint->setAlignment(Qt::AlignRight | Qt::AlignVCenter);
    h->addWidget(smooth);
    h->addWidget(m_slider);
    h->addWidget(m_smooth_label);
    h->addSpacing(6);
    h->addWidget(m_log_box);
    h->addWidget(m_val_box);
    h->addWidget(m_note, 1);
    h->addWidget(m_hint, 1);
    static_cast<QVBoxLayout*>(layout())->addWidget(row);
    // A click on them leaves the keyboard where it was: Space stays Play.
    for (QWidget* w : std::initializer_list<QWidget*>{m_slider, m_log_box, m_val_box}) w->setFocusPolicy(Qt::TabFocus);
    m_smooth_label->setText(QString::number(m_smoothing, 'f', 3));
    connect(m_slider, &QSlider::valueChanged, this, [this](int v) { set_smoothing(v / 1000.0); });
    connect(m_log_box, &QCheckBox::toggled, this, [this](bool on) { set_log_scale(on); });
    connect(m_val_box, &QCheckBox::toggled, this, [this](bool on) { set_show_validation(on); });
    update_hint();
}

void TrainingPlot::update_from(const TelemetryStore& store) {
    if (take(store)) m_throttle->request();
}

void TrainingPlot::follow(const TelemetryStore* store) {
    m_followed = store;
    m_follow_pending = store != nullptr;
    if (store) m_throttle->request();
}

void TrainingPlot::refresh() {
    if (!m_followed || !changed(*m_followed)) return;
    m_follow_pending = true;
    m_throttle->request();  // takes it now, or at the next replot
}

void TrainingPlot::take_followed() {
    if (!m_follow_pending || !m_followed) return;
    m_follow_pending = false;
    take(*m_followed);
}

const TrainingPlot& TrainingPlot::current() const {
    const_cast<TrainingPlot*>(this)->take_followed();
    return *this;
}

TrainingPlot::Seen TrainingPlot::Seen::of(const TelemetryStore& store) {
    Seen n;
    n.loss = store.loss().total_added();
    n.acc = store.accuracy().total_added();
    n.epochs = store.epochs().size();
    n.events = store.events().size();
    n.epoch_step = n.epochs ? store.epochs().back().step : -1;
    n.event_step = n.events ? store.events().back().step : -1;
    return n;
}

bool TrainingPlot::changed(const TelemetryStore& store) const { return !(Seen::of(store) == m_seen); }

bool TrainingPlot::take(const TelemetryStore& store) {
    const Seen n = Seen::of(store);
    if (n.loss < m_seen.loss || n.acc < m_seen.acc) clear();  // the store started over
    const bool train = n.loss != m_seen.loss || n.acc != m_seen.acc;
    const bool epochs = n.epochs != m_seen.epochs || n.epoch_step != m_seen.epoch_step;
    const bool events = n.events != m_seen.events || n.event_step != m_seen.event_step;
    if (!train && !epochs && !events) return false;
    ++m_takes;
    m_seen = n;
    if (train) {
        m_loss_pts = store.loss().points();
        m_acc_pts = store.accuracy().points();
        rebuild_train();
        // Regression has no accuracy: once steps arrive without one, hide it.
        set_accuracy_shown(n.acc > 0 || n.loss == 0);
    }
    if (events) rebuild_validation(store);
    else if (epochs) append_validation(store);
    if (events) rebuild_markers(store);
    if (m_auto_range) autorange();
    return true;
}

void TrainingPlot::clear() {
    m_follow_pending = false;  // the next refresh() finds the store anew
    m_seen = Seen{};
    m_loss_pts.clear();
    m_acc_pts.clear();
    m_val.clear();
    m_val_epochs = 0;
    m_val_front_step = m_val_last_epoch_step = -1;
    m_val_run = 0;
    m_marker_data.clear();
    rebuild_train();
    for (QCPGraph* g : {m_loss_val, m_acc_val}) g->data()->clear();
    place_markers();
    set_accuracy_shown(true);
    hide_readout();
    m_auto_range = true;
    autorange();
    update_hint();
    request_replot();
}

void TrainingPlot::rebuild_train() {
    m_loss_smoothed = smooth_ema(m_loss_pts, m_smoothing);
    m_acc_smoothed = smooth_ema(m_acc_pts, m_smoothing);
    m_loss_raw->data()->set(graph_data(m_loss_pts, 1), true);
    m_loss_smooth->data()->set(graph_data(m_loss_pts, 1, &m_loss_smoothed), true);
    m_acc_raw->data()->set(graph_data(m_acc_pts, 100), true);
    m_acc_smooth->data()->set(graph_data(m_acc_pts, 100, &m_acc_smoothed), true);
    QVector<QCPGraphData> lo, hi;
    band_data(m_loss_pts, 1, lo, hi);
    m_loss_min->data()->set(lo, true);
    m_loss_max->data()->set(hi, true);
    band_data(m_acc_pts, 100, lo, hi);
    m_acc_min->data()->set(lo, true);
    m_acc_max->data()->set(hi, true);
}

namespace {

// Markers on at most about 30 points; the line shows the rest.
void skip_scatters(QCPGraph* g) { g->setScatterSkip(g->dataCount() / 30); }

// The validation line: its points as they are, up to kMaxValidationDrawn;
// beyond that, the mean step and value of each run of `group` consecutive
// points (a power of two, so a run that goes on regroups rarely). A small
// set validated every epoch makes thousands a second (spiral-tanh: 60,000
// after 13 s, up to the store's 100,000), which cost every replot most of
// its time until 2026-12-07. The read-out and the CSV keep every point.
// NaN values (no accuracy; a diverged loss) are left out, not drawn as gaps.
// Each take of new epochs draws the line again from m_val: a few passes over
// at most 100,000 points, at most ten times a second, against the replot's
// milliseconds that walking them all cost.
constexpr size_t kMaxValidationDrawn = 2048;

template <typename Points, typename Value>
void validation_line(const Points& val, Value value, QVector<QCPGraphData>& out) {
    out.clear();
    size_t n = 0;
    for (const auto& v : val) n += !std::isnan(value(v));
    size_t group = 1;
    while (n / group > kMaxValidationDrawn) group *= 2;
    out.reserve(static_cast<int>(n / group + 1));
    double step_sum = 0, value_sum = 0;
    size_t in_group = 0;
    for (const auto& v : val) {
        const double y = value(v);
        if (std::isnan(y)) continue;
        step_sum += v.step, value_sum += y, ++in_group;
        if (in_group == group) {
            out.append(QCPGraphData(step_sum / group, value_sum / group));
            step_sum = value_sum = 0, in_group = 0;
        }
    }
    if (in_group) out.append(QCPGraphData(step_sum / in_group, value_sum / in_group));
}

}  // namespace

void TrainingPlot::rebuild_validation(const TelemetryStore& store) {
    m_val.clear();
    for (const EpochRecord& e : store.epochs())
        if (e.has_validation)
            m_val.push_back({static_cast<double>(e.step), e.epoch, e.val_loss,
                             e.val_accuracy < 0 ? -1.0 : static_cast<double>(e.val_accuracy)});
    // Validation between epochs (SessionOptions::validate_every): loss only.
    bool between = false;
    for (const EventRecord& e : store.events())
        if (e.kind == "validation" && e.name == "loss") {
            const double s = static_cast<double>(e.step);
            const bool dup = std::any_of(m_val.begin(), m_val.end(), [&](const ValPoint& v) { return v.step == s; });
            if (!dup) m_val.push_back({s, 0, e.value, -1}), between = true;
        }
    std::stable_sort(m_val.begin(), m_val.end(), [](const ValPoint& a, const ValPoint& b) { return a.step < b.step; });
    m_val_epochs = between ? -1 : static_cast<long>(store.epochs().size());
    m_val_front_step = store.epochs().empty() ? -1 : store.epochs().front().step;
    m_val_last_epoch_step = store.epochs().empty() ? -1 : store.epochs().back().step;
    m_val_run = store.last_step().run;
    draw_validation();
}

void TrainingPlot::draw_validation() {
    QVector<QCPGraphData> loss, acc;
    validation_line(m_val, [](const ValPoint& v) { return v.loss; }, loss);
    validation_line(m_val, [](const ValPoint& v) { return v.accuracy >= 0 ? v.accuracy * 100 : kNaN; }, acc);
    m_loss_val->data()->set(loss, true);
    m_acc_val->data()->set(acc, true);
    skip_scatters(m_loss_val);
    skip_scatters(m_acc_val);
}

void TrainingPlot::append_validation(const TelemetryStore& store) {
    const std::vector<EpochRecord>& epochs = store.epochs();
    // Only epochs appended after those taken, in step order, can be appended;
    // anything else (the store forgot its oldest, rewound, validated between
    // epochs) is rebuilt.
    const long front = epochs.empty() ? -1 : epochs.front().step;
    if (m_val_epochs < 0 || front != m_val_front_step || static_cast<size_t>(m_val_epochs) > epochs.size() ||
        (m_val_epochs > 0 && epochs[static_cast<size_t>(m_val_epochs) - 1].step != m_val_last_epoch_step) ||
        store.last_step().run != m_val_run)  // rewound since (and maybe trained past the epochs taken)
        return rebuild_validation(store);
    const double last = m_val.empty() ? -std::numeric_limits<double>::infinity() : m_val.back().step;
    for (size_t i = static_cast<size_t>(m_val_epochs); i < epochs.size(); ++i) {
        const EpochRecord& e = epochs[i];
        if (!e.has_validation) continue;
        if (static_cast<double>(e.step) < last) return rebuild_validation(store);
        const ValPoint v{static_cast<double>(e.step), e.epoch, e.val_loss,
                         e.val_accuracy < 0 ? -1.0 : static_cast<double>(e.val_accuracy)};
        m_val.push_back(v);
    }
    m_val_epochs = static_cast<long>(epochs.size());
    m_val_last_epoch_step = epochs.empty() ? -1 : epochs.back().step;
    m_val_run = store.last_step().run;
    draw_validation();
}

void TrainingPlot::set_smoothing(double w) {
    w = std::clamp(std::isfinite(w) ? w : 0.0, 0.0, 0.999);
    if (w == m_smoothing) return;
    m_smoothing = w;
    m_smooth_label->setText(QString::number(w, 'f', 3));
    const int v = static_cast<int>(std::lround(w * 1000));
    if (m_slider->value() != v) {
        const QSignalBlocker block(m_slider);
        m_slider->setValue(v);
    }
    rebuild_train();
    request_replot();
    emit smoothingChanged(w);
}

void TrainingPlot::set_log_scale(bool on) {
    if (on == m_log) return;
    m_log = on;
    if (m_log_box->isChecked() != on) {
        const QSignalBlocker block(m_log_box);
        m_log_box->setChecked(on);
    }
    set_log_axis(*m_loss_rect->axis(QCPAxis::atLeft), on);
    if (m_auto_range) autorange();
    else {  // a zoomed linear range may hold 0 or less: fit y to the data
        bool found = false;
        QCPRange r = m_loss_raw->getValueRange(found, on ? QCP::sdPositive : QCP::sdBoth);
        if (found) m_loss_rect->axis(QCPAxis::atLeft)->setRange(r);
    }
    request_replot();
    emit logScaleChanged(on);
}

void TrainingPlot::set_show_validation(bool on) {
    m_show_validation = on;
    if (m_val_box->isChecked() != on) {
        const QSignalBlocker block(m_val_box);
        m_val_box->setChecked(on);
    }
    m_loss_val->setVisible(on);
    m_acc_val->setVisible(on && m_acc_shown);
    if (on) m_loss_val->addToLegend();
    else m_loss_val->removeFromLegend();
    request_replot();
}

bool TrainingPlot::loss_axis_is_log() const {
    return m_loss_rect->axis(QCPAxis::atLeft)->scaleType() == QCPAxis::stLogarithmic;
}

int TrainingPlot::train_point_count() const { return current(), m_loss_raw->dataCount(); }
int TrainingPlot::smoothed_point_count() const { return current(), m_loss_smooth->dataCount(); }
int TrainingPlot::validation_point_count() const { return current(), m_loss_val->dataCount(); }
int TrainingPlot::accuracy_point_count() const { return current(), m_acc_raw->dataCount(); }
int TrainingPlot::validation_accuracy_point_count() const { return current(), m_acc_val->dataCount(); }

double TrainingPlot::last_smoothed_loss() const {
    current();
    return m_loss_smoothed.empty() ? kNaN : m_loss_smoothed.back();
}

double TrainingPlot::last_smoothed_accuracy() const {
    current();
    return m_acc_smoothed.empty() ? kNaN : m_acc_smoothed.back();
}

void TrainingPlot::set_theme(const Theme& theme) {
    m_theme = theme;
    apply_theme(*m_plot, theme);
    if (m_acc_rect->layout() != m_plot->plotLayout()) style_axis_rect(*m_acc_rect, theme);  // out of the layout just now
    if (m_compact) arrange();  // column spacing
    m_plot->legend->setBorderPen(Qt::NoPen);
    m_plot->legend->setBrush(Qt::NoBrush);
    m_plot->plotLayout()->setRowSpacing(static_cast<int>(4 * theme.font_scale));
    apply_graph_styles();
    m_readout_box->setFont(plot_font(theme));
    m_readout_box->setColor(theme.foreground);
    QColor bg = theme.panel;
    bg.setAlpha(235);
    m_readout_box->setBrush(QBrush(bg));
    m_readout_box->setPen(QPen(theme.grid));
    const int pad = static_cast<int>(5 * theme.font_scale);
    m_readout_box->setPadding(QMargins(pad, pad, pad, pad));
    const QPen cursor(theme.muted, std::max(1.0, theme.line_width * 0.5), Qt::DotLine);
    m_cursor_loss->setPen(cursor);
    m_cursor_acc->setPen(cursor);
    place_markers();
    // The controls follow the plot's scale (presentation mode is read from afar).
    QFont f = QWidget::font();
    f.setPointSizeF(QFont().pointSizeF() * theme.font_scale);
    QWidget* controls = m_slider->parentWidget();
    controls->setFont(f);
    for (QWidget* c : controls->findChildren<QWidget*>()) c->setFont(f);
    m_note->setStyleSheet(QStringLiteral("color: %1").arg(theme.muted.name()));
    m_hint->setStyleSheet(QStringLiteral("color: %1").arg(theme.muted.name()));
    m_slider->setMaximumWidth(static_cast<int>(160 * theme.font_scale));
    request_replot();
}

void TrainingPlot::apply_graph_styles() {
    const Theme& t = m_theme;
    const double lw = t.line_width;
    QColor faint = t.train;
    faint.setAlpha(t.presentation ? 55 : 60);
    QColor band = t.train;
    band.setAlpha(35);
    for (QCPGraph* g : {m_loss_raw, m_acc_raw}) {
        g->setPen(QPen(faint, std::max(1.0, lw * 0.5)));
        g->setAdaptiveSampling(true);
    }
    for (QCPGraph* g : {m_loss_smooth, m_acc_smooth}) g->setPen(QPen(t.train, lw));
    for (QCPGraph* g : {m_loss_min, m_loss_max, m_acc_min, m_acc_max}) g->setPen(Qt::NoPen);
    m_loss_max->setBrush(QBrush(band));
    m_acc_max->setBrush(QBrush(band));
    // The band's edge is hundreds of buckets' zigzag, faint: filled without
    // antialiasing, which took most of a replot's fill time.
    m_loss_max->setAntialiasedFill(false);
    m_acc_max->setAntialiasedFill(false);
    for (QCPGraph* g : {m_loss_val, m_acc_val}) {
        g->setPen(QPen(t.validation, lw));
        g->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, QPen(t.validation, lw),
                                           QBrush(t.background), t.point_size + 3));
    }
}

void TrainingPlot::request_replot() { m_plot->replot(QCustomPlot::rpQueuedReplot); }

void TrainingPlot::autorange() {
    double x0 = std::numeric_limits<double>::infinity(), x1 = -x0;
    if (!m_loss_pts.empty()) {
        x0 = m_loss_pts.front().x;
        x1 = m_loss_pts.back().x;
    }
    if (!m_val.empty() && m_show_validation) {
        x0 = std::min(x0, m_val.front().step);
        x1 = std::max(x1, m_val.back().step);
    }
    if (!(x1 >= x0)) x0 = 0, x1 = 1;
    if (x1 - x0 < 1) x1 = x0 + 1;
    m_loss_rect->axis(QCPAxis::atBottom)->setRange(x0, x1);

    auto y_range = [&](const std::vector<SeriesPoint>& pts, const std::vector<double>& smooth,
                       double scale, bool val_loss, bool log, double& lo, double& hi) {
        lo = std::numeric_limits<double>::infinity();
        hi = -lo;
        for (size_t i = 0; i < pts.size(); ++i) {
            finite_range(pts[i].min * scale, lo, hi, log);
            finite_range(pts[i].max * scale, lo, hi, log);
            finite_range(smooth[i] * scale, lo, hi, log);
        }
        if (m_show_validation) {
            for (const ValPoint& v : m_val) {
                if (val_loss) finite_range(v.loss, lo, hi, log);
                else if (v.accuracy >= 0) finite_range(v.accuracy * scale, lo, hi, log);
            }
        }
        return hi >= lo;
    };
    double lo, hi;
    QCPAxis* ly = m_loss_rect->axis(QCPAxis::atLeft);
    if (y_range(m_loss_pts, m_loss_smoothed, 1, true, m_log, lo, hi)) {
        if (m_log) {
            ly->setRange(lo / 1.25, hi * 1.25);
        } else {
            const double pad = std::max((hi - lo) * 0.06, std::abs(hi) * 1e-3 + 1e-12);
            ly->setRange(lo >= 0 ? std::max(0.0, lo - pad) : lo - pad, hi + pad);
        }
    } else {
        ly->setRange(m_log ? QCPRange(0.01, 10) : QCPRange(0, 1));
    }
    QCPAxis* ay = m_acc_rect->axis(QCPAxis::atLeft);
    if (y_range(m_acc_pts, m_acc_smoothed, 100, false, false, lo, hi)) {
        const double pad = std::max((hi - lo) * 0.06, 0.5);
        ay->setRange(std::max(0.0, lo - pad), std::min(100.0 + pad * 0.5, hi + pad));
    } else {
        ay->setRange(0, 100);
    }
}

}  // namespace gs::studio
