// DataMapService: the data map of a classification run, fetched from the
// session for the studio's views (docs/views.md). While a run trains it asks
// for a fresh map at most once a second, and once more whenever the step
// changes while paused; mapUpdated() says map() is newer. The map is the
// engine's immutable copy (a DataMap of core data), shared, never waited
// for. Export writes its per-item CSV. Part of the bridge: views hold it and
// never see the Session.
#pragma once

#include <QElapsedTimer>
#include <QObject>
#include <QString>
#include <memory>

#include "gradscope/data_map.h"

namespace gs::studio {

class SessionBridge;

class DataMapService : public QObject {
    Q_OBJECT

public:
    explicit DataMapService(SessionBridge* bridge, QObject* parent = nullptr);

    // Whether the open session keeps a data map (a classification run whose
    // training split is small enough), and why not in words when it does not.
    bool available() const;
    QString unavailable_reason() const;
    // The newest map (null before the first and after a reset or new session).
    std::shared_ptr<const DataMap> map() const { return m_map; }
    // Asks for a map now (it comes back through mapUpdated()).
    void request();
    // Checks for an answer now and asks again when one is due (the bridge's
    // telemetryUpdated and stateChanged call this; public for tests).
    void poll();
    // Writes every item's row as CSV (atomically). "" on success, else why not.
    QString export_csv(const QString& path) const;

signals:
    void mapUpdated();

private:
    void session_changed();

    SessionBridge* m_bridge;
    std::shared_ptr<const DataMap> m_map;
    // After the run started over (a reset): nothing is taken until the worker
    // has applied the reset; then the map the session holds at that moment
    // may still be the old run's (m_stale), never shown, and a new one is asked for.
    bool m_started_over = false;
    std::shared_ptr<const DataMap> m_stale;
    long m_asked_step = -1;
    QElapsedTimer m_since_asked;
};

}  // namespace gs::studio
