// GaugesBridge: the gauges of the optimization (gradscope/gauges.h) for the
// studio's views, beside the SessionBridge it works through: the
// learning-rate range test (find_lr: a running session is paused first; the
// result arrives with lrRangeReady()), applying a rate, and turning the
// sharpness and noise-scale gauges on or off (kept across new sessions).
// Their records reach SessionBridge::store() with the rest of the telemetry.
// Like the SessionBridge, this header includes only the core library and Qt.
#pragma once

#include <QObject>
#include <QTimer>
#include <memory>

#include "bridge/session_bridge.h"
#include "gradscope/gauges.h"

namespace gs::studio {

class GaugesBridge : public QObject {
    Q_OBJECT

public:
    explicit GaugesBridge(SessionBridge* bridge, QObject* parent = nullptr);

    SessionBridge* bridge() const { return m_bridge; }
    // Starts a range test from the state now (pausing a running session).
    CommandResult find_lr(const LrRangeOptions& options = {});
    bool finding() const { return m_finding; }
    // The newest finished test (null: none since this session began).
    std::shared_ptr<const LrRangeResult> lr_range() const { return m_result; }
    // Sets the learning rate (the suggestion, say).
    CommandResult apply_lr(double lr);
    double current_lr() const;
    int batch_size() const;

    // Intervals in steps; 0 turns a gauge off.
    CommandResult set_gauges(long sharpness_every, long noise_every);
    long sharpness_every() const { return m_sharpness_every; }
    long noise_every() const { return m_noise_every; }

signals:
    void lrRangeReady();
    void gaugesChanged();

private:
    void poll();
    SessionBridge* m_bridge;
    QTimer m_timer;
    bool m_finding = false;
    std::shared_ptr<const LrRangeResult> m_result;
    long m_sharpness_every = 0, m_noise_every = 0;
};

}  // namespace gs::studio
