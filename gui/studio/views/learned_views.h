// LearnedViews: what the network learned about the data, in one tabbed
// panel — the confusion matrix (with a cell's items), the most confident
// mistakes, histograms over time per layer, and the data map. It wires them
// to the SessionBridge (snapshots, telemetry, a new session) and owns the
// bridge's DataMapService; the main window docks it and turns an item a
// person picks into the probe (probeChosen).
#pragma once

#include <QTabWidget>
#include <memory>

#include "bridge/data_view.h"
#include "gradscope/telemetry.h"

#include "theme.h"

namespace gs::studio {

class ConfusionView;
class DataMapService;
class DataMapView;
class HistogramsView;
class MistakesView;
class SessionBridge;

class LearnedViews : public QTabWidget {
    Q_OBJECT

public:
    explicit LearnedViews(SessionBridge* bridge, QWidget* parent = nullptr);
    void set_theme(const Theme& theme);

    ConfusionView* confusion() const { return m_confusion; }
    MistakesView* mistakes() const { return m_mistakes; }
    HistogramsView* histograms() const { return m_histograms; }
    DataMapView* data_map() const { return m_data_map; }
    DataMapService* data_map_service() const { return m_service; }
    // Shows the tab "confusion", "mistakes", "histograms" or "datamap"; false for another name.
    bool show_tab(const QString& name);

    // Time travel: while another snapshot than the bridge's is shown (a past
    // step, the active fork), the bridge's newer ones wait; show_snapshot() gives the
    // confusion matrix and the mistakes that snapshot (one without a
    // confusion matrix leaves them as they are). follow_bridge() shows the
    // bridge's newest again and follows it.
    void show_snapshot(std::shared_ptr<const Snapshot> snapshot);
    void follow_bridge();
    bool following_bridge() const { return m_follow; }

signals:
    // An item of the validation split (a confusion cell's or a mistake) to probe.
    void probeChosen(int item);

private:
    void session_changed();

    SessionBridge* m_bridge;
    DataMapService* m_service;
    ConfusionView* m_confusion;
    MistakesView* m_mistakes;
    HistogramsView* m_histograms;
    DataMapView* m_data_map;
    std::shared_ptr<const DataView> m_data_seen;  // the data the views were given
    bool m_follow = true;  // the bridge's snapshots go to the views
};

}  // namespace gs::studio
