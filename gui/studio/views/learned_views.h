// LearnedViews: what the network learned about the data, in one tabbed
// panel — the confusion matrix (with a cell's items), the most confident
// mistakes, histograms over time per layer, and the data map. It wires them
// to the SessionBridge (snapshots, telemetry, a new session) and owns the
// bridge's DataMapService; the main window docks it and turns an item a
// person picks into the probe (probeChosen).
//
// The four views are built by build_views(): the window calls it when their
// dock is first shown (it starts tabbed behind the gradient flow: nothing of
// them is built before the window's first frame); the accessors and
// show_tab() call it too. Until then the
// panel keeps what they would show: the histograms' history, the snapshot
// they would hold, the data; built late, they show the run so far.
#pragma once

#include <QTabWidget>
#include <memory>
#include <optional>

#include "bridge/data_view.h"
#include "gradscope/telemetry.h"
#include "views/histogram_history.h"

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

    // The views, built now if they are not yet.
    ConfusionView* confusion();
    MistakesView* mistakes();
    HistogramsView* histograms();
    DataMapView* data_map();
    bool views_built() const { return m_confusion != nullptr; }
    void build_views();  // once: the four views, given what was kept for them
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
    void feed_snapshot(std::shared_ptr<const Snapshot> snapshot);

    SessionBridge* m_bridge;
    DataMapService* m_service;
    ConfusionView* m_confusion = nullptr;
    MistakesView* m_mistakes = nullptr;
    HistogramsView* m_histograms = nullptr;
    DataMapView* m_data_map = nullptr;
    std::shared_ptr<const DataView> m_data_seen;  // the data the views were given
    bool m_follow = true;  // the bridge's snapshots go to the views
    // Until the views are built: what they would hold.
    HistogramHistory m_history;
    std::shared_ptr<const Snapshot> m_fed;  // the last snapshot with a confusion matrix given to them
    std::optional<Theme> m_theme;  // the last set_theme (none: the views' own)
};

}  // namespace gs::studio
