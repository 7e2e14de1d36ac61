// The data map service: asks the session for its data map on a budget.
#include "bridge/data_map_service.h"

#include "bridge/session_bridge.h"
#include "gradscope/error.h"
#include "gradscope/session.h"

namespace gs::studio {

namespace {
constexpr int kEveryMs = 1000;  // while running: one map a second at most
}

DataMapService::DataMapService(SessionBridge* bridge, QObject* parent) : QObject(parent), m_bridge(bridge) {
    m_since_asked.start();
    connect(bridge, &SessionBridge::sessionChanged, this, &DataMapService::session_changed);
    connect(bridge, &SessionBridge::telemetryUpdated, this, &DataMapService::poll);
    connect(bridge, &SessionBridge::stateChanged, this, &DataMapService::poll);
    connect(bridge, &SessionBridge::snapshotUpdated, this, &DataMapService::poll);
}

bool DataMapService::available() const {
    const Session* s = m_bridge->engine_session();
    return s && s->data_map_on();
}

QString DataMapService::unavailable_reason() const {
    if (available()) return {};
    if (!m_bridge->engine_session()) return QStringLiteral("No session yet: open a model and its data.");
    return QStringLiteral(
        "This run keeps no data map: it needs a classification loss (softmax or binary cross-entropy) "
        "and a training split of at most a million items.");
}

void DataMapService::session_changed() {
    m_started_over = true;
    m_stale.reset();
    m_map.reset();
    m_asked_step = -1;
    emit mapUpdated();
    poll();
}

void DataMapService::request() {
    Session* s = m_bridge->engine_session();
    if (!s || !s->data_map_on()) return;
    if (s->request_data_map()) {
        m_asked_step = s->steps_done();
        m_since_asked.restart();
    }
}

void DataMapService::poll() {
    Session* s = m_bridge->engine_session();
    if (!s || !s->data_map_on()) return;
    if (m_started_over) {
        if (m_bridge->resetting()) return;
        m_started_over = false;
        m_stale = s->latest_data_map();
        request();
        return;
    }
    if (auto latest = s->latest_data_map(); latest != m_map) {
        if (latest && latest == m_stale) return;  // the old run's, until the reset is applied
        m_stale.reset();
        m_map = std::move(latest);
        emit mapUpdated();
    }
    const bool running = s->state() == SessionState::Running;
    if (running ? m_since_asked.elapsed() >= kEveryMs : s->steps_done() != m_asked_step) request();
}

QString DataMapService::export_csv(const QString& path) const {
    if (!m_map) return QStringLiteral("no data map yet: train a few steps first");
    try {
        write_data_map_csv(*m_map, path.toStdString());
    } catch (const std::exception& e) {
        return QString::fromStdString(e.what());
    }
    return {};
}

}  // namespace gs::studio
