// ReplotThrottle: see replot_throttle.h.
#include "plots/replot_throttle.h"

#include <qcustomplot.h>

#include <QEvent>

namespace gs::studio {

ReplotThrottle::ReplotThrottle(QCustomPlot* plot, int interval_ms)
    : QObject(plot), m_plot(plot), m_interval_ms(interval_ms) {
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, [this] {
        if (m_pending) fire();
    });
    plot->installEventFilter(this);
}

// Hidden: not on screen while its window is (a tab behind another, a closed
// dock). A plot whose whole window is not shown (an export, a test's widget)
// still replots, so what it renders is its data.
bool ReplotThrottle::hidden() const { return !m_plot->isVisible() && m_plot->window()->isVisible(); }

void ReplotThrottle::request() {
    m_pending = true;
    if (hidden() || m_timer.isActive()) return;  // on show, or when the timer fires
    const qint64 since = m_last.isValid() ? m_last.elapsed() : m_interval_ms;
    if (since >= m_interval_ms) fire();
    else m_timer.start(static_cast<int>(m_interval_ms - since));
}

void ReplotThrottle::flush() {
    if (m_pending) fire();
}

void ReplotThrottle::fire() {
    m_timer.stop();
    if (hidden()) return;  // still pending: replotted when shown
    m_pending = false;
    m_last.restart();
    if (m_prepare) m_prepare();
    ++m_replots;
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

bool ReplotThrottle::eventFilter(QObject* watched, QEvent* event) {
    if (watched == m_plot && event->type() == QEvent::Show && m_pending && !m_timer.isActive()) fire();
    return QObject::eventFilter(watched, event);
}

}  // namespace gs::studio
