// HistogramPlot: one small histogram of the inspector (weights, gradients or
// activations of a layer): LayerStats::Histogram's kBins counts drawn as bars
// over [lo, hi] with QCustomPlot, a title saying what it is and over which
// range, and a note in place of the plot when there is nothing to draw.
#pragma once

#include <QString>
#include <QWidget>
#include <vector>

#include "gradscope/telemetry.h"
#include "plots/replot_throttle.h"
#include "theme.h"

class QCustomPlot;
class QCPBars;
class QLabel;

namespace gs::studio {

class HistogramPlot : public QWidget {
    Q_OBJECT
public:
    // what: "Weights", "Gradients", "Activations"; the bars take colour.
    HistogramPlot(const QString& what, QWidget* parent = nullptr);
    // Draws the histogram (replots).
    void set_histogram(const gs::LayerStats::Histogram& h);
    // No data: hides the plot and says why ("no weights").
    void clear(const QString& why);
    void set_theme(const Theme& theme, const QColor& bars);

    // For tests: the bar heights drawn (empty when cleared), the title text.
    std::vector<double> bar_values() const;
    QString title() const;
    QCustomPlot* plot() const { return m_plot; }

protected:
    void resizeEvent(QResizeEvent* event) override;

private:
    void fit_ticks();  // fewer value ticks when narrow, so their labels never overprint

    QString m_what;
    QLabel* m_title;
    QLabel* m_note;
    QCustomPlot* m_plot;
    ReplotThrottle* m_throttle;  // new statistics redraw it a few times a second
    QCPBars* m_bars;
};

}  // namespace gs::studio
