// Coalesces the replots of one QCustomPlot that its data asks for
// (PlotJuggler's way, DESIGN.md): at most one replot per interval, the latest
// data always drawn in the end (a trailing replot when requests stop), and
// none while the plot is hidden behind a tab or in a closed dock: it replots
// once when shown again. What a person does (zoom, theme, a layer clicked)
// replots at once through QCustomPlot itself, not through this.
#pragma once

#include <QElapsedTimer>
#include <QObject>
#include <QTimer>
#include <functional>

class QCustomPlot;

namespace gs::studio {

// How often a view's data may redraw it: curves that move every step at
// about 10 Hz; what changes slowly (gradient flow, histograms, gauges) less.
constexpr int kCurvesReplotMs = 100;
constexpr int kSlowReplotMs = 250;

class ReplotThrottle : public QObject {
    Q_OBJECT
public:
    ReplotThrottle(QCustomPlot* plot, int interval_ms);
    // The plot's data changed: a queued replot now, or when the interval has
    // passed since the last one, or when the plot is next shown.
    void request();
    // Any replot still owed, now (a screenshot, an export).
    void flush();
    // Called right before each replot this throttle makes: a view whose data
    // is costly to take can take it there, at the plot's pace, instead of on
    // every request (TrainingPlot::refresh).
    void set_prepare(std::function<void()> prepare) { m_prepare = std::move(prepare); }
    bool pending() const { return m_pending; }
    int interval_ms() const { return m_interval_ms; }
    // Replots this throttle has asked for (tests: fewer than requests).
    long replots() const { return m_replots; }

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    bool hidden() const;
    void fire();

    QCustomPlot* m_plot;
    int m_interval_ms;
    QTimer m_timer;
    QElapsedTimer m_last;
    std::function<void()> m_prepare;
    bool m_pending = false;
    long m_replots = 0;
};

}  // namespace gs::studio
