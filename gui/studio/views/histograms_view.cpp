// Histograms over time: percentile bands and stacked histograms.
#include "views/histograms_view.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QPainter>
#include <QPainterPath>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>

#include "canvas/canvas_data.h"
#include "gradscope/explanations.h"
#include "views/explanation_box.h"

namespace gs::studio {

HistogramsPlot::HistogramsPlot(const HistogramHistory* history, QWidget* parent)
    : QWidget(parent), m_history(history) {
    setMinimumSize(200, 110);
}

void HistogramsPlot::show_series(int layer, HistogramKind kind, bool stacked) {
    m_layer = layer;
    m_kind = kind;
    m_stacked = stacked;
    update();
}

void HistogramsPlot::set_theme(const Theme& theme) {
    m_theme = theme;
    update();
}

int HistogramsPlot::curves_drawn() const {
    return static_cast<int>(std::min<size_t>(m_history->samples(m_layer, m_kind).size(), kMaxCurves));
}

std::pair<float, float> HistogramsPlot::value_range() const {
    const auto s = m_history->samples(m_layer, m_kind);
    if (s.empty()) return {0.0f, 0.0f};
    float lo = s[0]->percentiles[0], hi = s[0]->percentiles[8];
    for (const HistogramSample* h : s) {
        lo = std::min(lo, h->percentiles[0]);
        hi = std::max(hi, h->percentiles[8]);
    }
    return {lo, hi};
}

void HistogramsPlot::paintEvent(QPaintEvent*) {
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    p.fillRect(rect(), m_theme.panel);
    QFont f = font();
    f.setPointSizeF(f.pointSizeF() * m_theme.font_scale);
    p.setFont(f);
    const QRectF area = QRectF(rect()).adjusted(64, 12, -14, -30);
    if (m_history->samples(m_layer, m_kind).empty()) {
        p.setPen(m_theme.muted);
        p.drawText(rect().adjusted(12, 12, -12, -12), Qt::AlignCenter | Qt::TextWordWrap,
                   QStringLiteral("No %1 histograms of this layer yet: they come with the layer statistics "
                                  "while the network trains.")
                       .arg(QString::fromLatin1(histogram_kind_name(m_kind))));
        return;
    }
    p.setPen(QPen(m_theme.grid, 1));
    p.drawRect(area);
    if (m_stacked) paint_stacked(p, area);
    else paint_bands(p, area);
}

void HistogramsPlot::paint_bands(QPainter& p, const QRectF& a) const {
    const auto s = m_history->samples(m_layer, m_kind);
    auto [lo, hi] = value_range();
    if (!(hi > lo)) hi = lo + 1;
    const double s0 = static_cast<double>(s.front()->step), s1 = std::max(s0 + 1, static_cast<double>(s.back()->step));
    auto X = [&](long step) { return a.left() + (static_cast<double>(step) - s0) / (s1 - s0) * a.width(); };
    auto Y = [&](float v) { return a.bottom() - (static_cast<double>(v) - lo) / (hi - lo) * a.height(); };
    // Bands from the outside in: 0-100%, 6.7-93.3%, 15.9-84.1%, 30.9-69.1%.
    for (int b = 0; b < 4; ++b) {
        QPainterPath path;
        path.moveTo(X(s[0]->step), Y(s[0]->percentiles[static_cast<size_t>(b)]));
        for (const HistogramSample* h : s) path.lineTo(X(h->step), Y(h->percentiles[static_cast<size_t>(b)]));
        for (auto it = s.rbegin(); it != s.rend(); ++it)
            path.lineTo(X((*it)->step), Y((*it)->percentiles[static_cast<size_t>(8 - b)]));
        path.closeSubpath();
        QColor c = m_theme.train;
        c.setAlphaF(0.18 + 0.16 * b);
        p.fillPath(path, c);
    }
    QPainterPath median;
    median.moveTo(X(s[0]->step), Y(s[0]->percentiles[4]));
    for (const HistogramSample* h : s) median.lineTo(X(h->step), Y(h->percentiles[4]));
    p.setPen(QPen(m_theme.train.darker(140), m_theme.line_width));
    p.setBrush(Qt::NoBrush);
    p.drawPath(median);
    p.setPen(m_theme.muted);
    p.drawText(QRectF(0, a.top() - 6, a.left() - 6, 16), Qt::AlignRight, short_number(hi));
    p.drawText(QRectF(0, a.bottom() - 10, a.left() - 6, 16), Qt::AlignRight, short_number(lo));
    if (lo < 0 && hi > 0) {
        p.setPen(QPen(m_theme.grid, 1, Qt::DashLine));
        p.drawLine(QPointF(a.left(), Y(0)), QPointF(a.right(), Y(0)));
        p.setPen(m_theme.muted);
        p.drawText(QRectF(0, Y(0) - 8, a.left() - 6, 16), Qt::AlignRight, QStringLiteral("0"));
    }
    p.drawText(QRectF(a.left(), a.bottom() + 4, a.width(), 18), Qt::AlignLeft,
               QStringLiteral("step %1").arg(s.front()->step));
    p.drawText(QRectF(a.left(), a.bottom() + 4, a.width(), 18), Qt::AlignRight,
               QStringLiteral("step %1").arg(s.back()->step));
}

void HistogramsPlot::paint_stacked(QPainter& p, const QRectF& a) const {
    const auto all = m_history->samples(m_layer, m_kind);
    const int n = curves_drawn();
    std::vector<const HistogramSample*> s;
    for (int i = 0; i < n; ++i)
        s.push_back(all[n > 1 ? static_cast<size_t>(std::lround(static_cast<double>(i) * (all.size() - 1) / (n - 1))) : 0]);
    float lo = s[0]->h.lo, hi = s[0]->h.hi;
    for (const HistogramSample* h : s) lo = std::min(lo, h->h.lo), hi = std::max(hi, h->h.hi);
    if (!(hi > lo)) hi = lo + 1;
    // Each curve's height is a share of the plot; later curves lower and in front.
    const double rise = n > 1 ? a.height() * 0.6 / (n - 1) : 0, tall = a.height() * 0.4;
    auto X = [&](double v) { return a.left() + (v - lo) / (hi - lo) * a.width(); };
    for (int i = 0; i < n; ++i) {
        const HistogramSample& h = *s[static_cast<size_t>(i)];
        uint32_t most = 1;
        for (uint32_t c : h.h.counts) most = std::max(most, c);
        const double base = a.top() + tall + rise * i;
        const double bw = (h.h.hi - h.h.lo) / LayerStats::kBins;
        QPainterPath path;
        path.moveTo(X(h.h.lo), base);
        for (int b = 0; b < LayerStats::kBins; ++b)
            path.lineTo(X(h.h.lo + (b + 0.5) * bw), base - tall * h.h.counts[b] / most);
        path.lineTo(X(h.h.hi), base);
        path.closeSubpath();
        const double t = n > 1 ? static_cast<double>(i) / (n - 1) : 1.0;
        QColor fill = m_theme.panel;
        p.fillPath(path, fill);
        QColor line = m_theme.train;
        line.setAlphaF(0.35 + 0.65 * t);
        p.setPen(QPen(line, 1.2));
        p.setBrush(Qt::NoBrush);
        p.drawPath(path);
    }
    p.setPen(m_theme.muted);
    p.drawText(QRectF(a.left(), a.bottom() + 4, a.width(), 18), Qt::AlignLeft, short_number(lo));
    p.drawText(QRectF(a.left(), a.bottom() + 4, a.width(), 18), Qt::AlignRight, short_number(hi));
    p.drawText(QRectF(0, a.top(), a.left() - 4, 16), Qt::AlignRight, QStringLiteral("step %1").arg(s.front()->step));
    p.drawText(QRectF(0, a.bottom() - 16, a.left() - 4, 16), Qt::AlignRight,
               QStringLiteral("step %1").arg(s.back()->step));
}

HistogramsView::HistogramsView(QWidget* parent) : QWidget(parent), m_history(kHistoryCapacity) {
    auto* col = new QVBoxLayout(this);
    auto* row = new QHBoxLayout;
    m_layer = new QComboBox;
    m_kind = new QComboBox;
    m_kind->addItems({QStringLiteral("Weights"), QStringLiteral("Gradients"), QStringLiteral("Activations")});
    m_mode = new QComboBox;
    m_mode->addItems({QStringLiteral("Percentile bands over steps"), QStringLiteral("Stacked histograms")});
    row->addWidget(new QLabel(QStringLiteral("Layer")));
    row->addWidget(m_layer, 1);
    row->addWidget(m_kind);
    row->addWidget(m_mode);
    col->addLayout(row);
    m_plot = new HistogramsPlot(&m_history);
    col->addWidget(m_plot, 1);
    m_note = new QLabel;
    col->addWidget(m_note);
    col->addWidget(explanation_box({}, &m_explanation));
    for (QComboBox* c : {m_layer, m_kind, m_mode})
        connect(c, &QComboBox::currentIndexChanged, this, &HistogramsView::changed);
    changed();
}

void HistogramsView::set_spec(const ModelSpec& spec) {
    const QSignalBlocker block(m_layer);
    const int was = m_layer->currentIndex();
    m_layer->clear();
    for (size_t i = 0; i < spec.layers.size(); ++i)
        m_layer->addItem(QStringLiteral("layer %1 (%2)").arg(i + 1).arg(QString::fromStdString(spec.layers[i].type)),
                         static_cast<int>(i));
    m_layer->setCurrentIndex(std::clamp(was, 0, std::max(0, m_layer->count() - 1)));
    clear();
}

void HistogramsView::clear() {
    m_history.clear();
    changed();
}

void HistogramsView::add(const std::vector<LayerStats>& layers) {
    m_history.add(layers);
    changed();
}

void HistogramsView::set_history(HistogramHistory history) {
    m_history = std::move(history);  // the plot keeps its pointer to the member
    changed();
}

void HistogramsView::set_theme(const Theme& theme) { m_plot->set_theme(theme); }

void HistogramsView::select(int layer, HistogramKind kind, bool stacked) {
    const QSignalBlocker a(m_layer), b(m_kind), c(m_mode);
    m_layer->setCurrentIndex(m_layer->findData(layer));
    m_kind->setCurrentIndex(static_cast<int>(kind));
    m_mode->setCurrentIndex(stacked ? 1 : 0);
    changed();
}

int HistogramsView::layer() const { return m_layer->currentIndex() < 0 ? -1 : m_layer->currentData().toInt(); }
HistogramKind HistogramsView::kind() const { return static_cast<HistogramKind>(std::max(0, m_kind->currentIndex())); }
bool HistogramsView::stacked() const { return m_mode->currentIndex() == 1; }

QString HistogramsView::explanation() const { return m_explanation->text(); }

void HistogramsView::changed() {
    m_plot->show_series(layer(), kind(), stacked());
    const size_t n = m_history.samples(layer(), kind()).size();
    m_note->setText(n ? QStringLiteral("%1 samples kept (at most %2 a layer: older ones thinned to every other)")
                            .arg(n)
                            .arg(m_history.capacity())
                      : QString());
    m_explanation->setText(QString::fromStdString(
        explanation_text(explanation_of(stacked() ? ExplainedView::Histograms : ExplainedView::Distributions))));
}

}  // namespace gs::studio
