// The inspector's histograms.
#include "inspector/histogram_plot.h"

#include <QLabel>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>
#include <qcustomplot.h>

#include "editor/layer_catalog.h"

namespace gs::studio {

namespace {

// Counts in whole steps and a few characters: 750000 -> "750k", 1200000 -> "1.2M".
class CompactTicker : public QCPAxisTicker {
protected:
    double getTickStep(const QCPRange& range) override {  // counts: whole numbers
        return std::max(1.0, QCPAxisTicker::getTickStep(range));
    }
    QString getTickLabel(double tick, const QLocale& locale, QChar format, int precision) override {
        const double a = std::abs(tick);
        if (a >= 1e6) return QString::number(tick / 1e6, 'g', 3) + "M";
        if (a >= 1e3) return QString::number(tick / 1e3, 'g', 3) + "k";
        return QCPAxisTicker::getTickLabel(tick, locale, format, precision);
    }
};

}  // namespace

HistogramPlot::HistogramPlot(const QString& what, QWidget* parent) : QWidget(parent), m_what(what) {
    auto* box = new QVBoxLayout(this);
    box->setContentsMargins(0, 0, 0, 0);
    box->setSpacing(0);
    m_title = new QLabel(what, this);
    m_title->setTextFormat(Qt::PlainText);
    m_title->setWordWrap(true);  // a narrow dock wraps the title instead of widening the panel
    m_note = new QLabel(this);
    m_note->setTextFormat(Qt::PlainText);
    m_note->setWordWrap(true);
    m_note->hide();
    m_plot = new QCustomPlot(this);
    m_throttle = new ReplotThrottle(m_plot, kSlowReplotMs);
    m_plot->setMinimumHeight(110);
    m_plot->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
    m_plot->setInteractions({});
    m_bars = new QCPBars(m_plot->xAxis, m_plot->yAxis);
    m_bars->setWidthType(QCPBars::wtPlotCoords);
    m_plot->yAxis->setLabel("count");
    m_plot->xAxis->ticker()->setTickCount(4);
    m_plot->yAxis->setTicker(QSharedPointer<QCPAxisTicker>(new CompactTicker));
    m_plot->yAxis->ticker()->setTickCount(3);
    m_plot->axisRect()->setAutoMargins(QCP::msLeft | QCP::msBottom);
    m_plot->axisRect()->setMargins(QMargins(0, 6, 8, 0));
    box->addWidget(m_title);
    box->addWidget(m_note);
    box->addWidget(m_plot);
    set_theme(Theme::standard(), Theme::standard().train);
}

void HistogramPlot::set_theme(const Theme& theme, const QColor& bars) {
    QFont f = font();
    f.setPointSizeF(std::max(6.0, f.pointSizeF() * 0.85));
    const QPen axis(theme.muted, 1);
    for (QCPAxis* a : {m_plot->xAxis, m_plot->yAxis}) {
        a->setTickLabelFont(f);
        a->setLabelFont(f);
        a->setTickLabelColor(theme.muted);
        a->setLabelColor(theme.muted);
        a->setBasePen(axis);
        a->setTickPen(axis);
        a->setSubTickPen(Qt::NoPen);
        a->grid()->setPen(QPen(theme.grid, 1));
    }
    m_plot->setBackground(theme.background);
    m_bars->setPen(Qt::NoPen);
    m_bars->setBrush(bars);
    m_plot->setMinimumHeight(theme.presentation ? 150 : 110);
    m_note->setStyleSheet(QString("color: %1").arg(theme.muted.name()));
    m_note->setFont(font());
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

namespace {

// A histogram whose values are all one number: the engine widens an empty
// range to [v, v + 1e-6] (all counts then in the first bin), and a range
// below float resolution has no ticks a person can tell apart.
bool single_value(const gs::LayerStats::Histogram& h) {
    const double lo = h.lo, hi = h.hi, span = hi - lo;
    const double mag = std::max(std::abs(lo), std::abs(hi));
    if (!(span > 0) || span <= 1e-5 * mag) return true;
    bool first_only = h.counts[0] > 0;
    for (int i = 1; i < gs::LayerStats::kBins && first_only; ++i) first_only = h.counts[i] == 0;
    return first_only && span <= 1.01e-6 * std::max(1.0, mag);
}

}  // namespace

void HistogramPlot::set_histogram(const gs::LayerStats::Histogram& h) {
    constexpr int n = gs::LayerStats::kBins;
    double total = 0;
    for (int i = 0; i < n; ++i) total += h.counts[i];
    const QString count = grouped(static_cast<uint64_t>(total));
    if (single_value(h)) {
        // One bar at the value, on a readable range around it, with one tick.
        const double v = h.lo;
        const double half = std::max(std::abs(v) * 0.1, 1e-3);
        m_bars->setWidth(half * 0.25);
        m_bars->setData(QVector<double>{v}, QVector<double>{total}, true);
        auto ticker = QSharedPointer<QCPAxisTickerText>::create();
        ticker->addTick(v, format_field_number(v));
        m_plot->xAxis->setTicker(ticker);
        m_plot->xAxis->setRange(v - half, v + half);
        m_plot->yAxis->setRange(0, std::max(1.0, total * 1.08));
        m_title->setText(total == 1 ? QString("%1 · 1 value: %2").arg(m_what, format_field_number(v))
                                    : QString("%1 · %2 values, all %3").arg(m_what, count, format_field_number(v)));
    } else {
        const double lo = h.lo, hi = h.hi;
        const double w = (hi - lo) / n;
        QVector<double> keys(n), values(n);
        double top = 0;
        for (int i = 0; i < n; ++i) {
            keys[i] = lo + (i + 0.5) * w;
            values[i] = h.counts[i];
            top = std::max(top, values[i]);
        }
        if (m_plot->xAxis->ticker().dynamicCast<QCPAxisTickerText>()) {
            m_plot->xAxis->setTicker(QSharedPointer<QCPAxisTicker>::create());
            fit_ticks();
        }
        m_bars->setWidth(w);
        m_bars->setData(keys, values, true);
        m_plot->xAxis->setRange(lo, hi);
        m_plot->yAxis->setRange(0, std::max(1.0, top * 1.08));
        m_title->setText(QString("%1 · %2 values in [%3, %4]")
                             .arg(m_what, count, format_field_number(h.lo), format_field_number(h.hi)));
    }
    m_title->setToolTip(m_title->text());
    m_note->hide();
    m_plot->show();
    m_throttle->request();
}

void HistogramPlot::clear(const QString& why) {
    m_bars->data()->clear();
    m_title->setText(m_what);
    m_note->setText(why);
    m_note->show();
    m_plot->hide();
}

std::vector<double> HistogramPlot::bar_values() const {
    std::vector<double> v;
    for (auto it = m_bars->data()->constBegin(); it != m_bars->data()->constEnd(); ++it)
        v.push_back(it->value);
    return v;
}

QString HistogramPlot::title() const { return m_title->text(); }

void HistogramPlot::resizeEvent(QResizeEvent* event) {
    QWidget::resizeEvent(event);
    fit_ticks();
}

void HistogramPlot::fit_ticks() {
    if (m_plot->xAxis->ticker().dynamicCast<QCPAxisTickerText>()) return;  // one value: its own tick
    const int n = width() < 220 ? 2 : 4;
    if (m_plot->xAxis->ticker()->tickCount() == n) return;
    m_plot->xAxis->ticker()->setTickCount(n);
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

}  // namespace gs::studio
