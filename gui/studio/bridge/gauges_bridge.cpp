// GaugesBridge (see gauges_bridge.h).
#include "bridge/gauges_bridge.h"

#include "gradscope/session.h"
#include "gradscope/names.h"

namespace gs::studio {

GaugesBridge::GaugesBridge(SessionBridge* bridge, QObject* parent) : QObject(parent), m_bridge(bridge) {
    m_timer.setInterval(40);
    connect(&m_timer, &QTimer::timeout, this, &GaugesBridge::poll);
    connect(m_bridge, &SessionBridge::sessionChanged, this, [this] {
        m_result.reset();
        m_finding = false;
        m_timer.stop();
        if ((m_sharpness_every > 0 || m_noise_every > 0) && m_bridge->m_session)
            m_bridge->report(m_bridge->m_session->set_gauges(m_sharpness_every, m_noise_every));
        emit gaugesChanged();
    });
}

CommandResult GaugesBridge::find_lr(const LrRangeOptions& options) {
    if (auto r = m_bridge->with_session("find a learning rate"); !r) return r;
    if (m_finding) return m_bridge->report(CommandResult{false, "a range test is already running"});
    if (m_bridge->state() == SessionState::Running) m_bridge->pause();
    const CommandResult r = m_bridge->report(m_bridge->m_session->find_lr(options));
    if (!r) return r;
    m_finding = true;
    m_timer.start();
    return r;
}

void GaugesBridge::poll() {
    if (!m_bridge->m_session) return;
    auto r = m_bridge->m_session->latest_lr_range();
    if (r && r != m_result) {
        m_result = std::move(r);
        m_finding = false;
        m_timer.stop();
        emit lrRangeReady();
    }
}

CommandResult GaugesBridge::apply_lr(double lr) {
    return m_bridge->set_hyperparameter(QString::fromLatin1(id_of(Hyperparameter::Lr)), lr);
}

double GaugesBridge::current_lr() const { return m_bridge->spec().optimizer.lr; }

int GaugesBridge::batch_size() const { return m_bridge->spec().batch_size; }

CommandResult GaugesBridge::set_gauges(long sharpness_every, long noise_every) {
    if (sharpness_every < 0 || noise_every < 0)
        return m_bridge->report(CommandResult{false, "a gauge's interval is a number of steps (0: off)"});
    m_sharpness_every = sharpness_every;
    m_noise_every = noise_every;
    CommandResult r;
    if (m_bridge->m_session) r = m_bridge->report(m_bridge->m_session->set_gauges(sharpness_every, noise_every));
    emit gaugesChanged();
    return r;
}

}  // namespace gs::studio
