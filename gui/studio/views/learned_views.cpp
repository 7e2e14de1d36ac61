// What the network learned: the four views, wired to the bridge.
#include "views/learned_views.h"

#include "bridge/data_map_service.h"
#include "bridge/session_bridge.h"
#include "views/confusion_view.h"
#include "views/data_map_view.h"
#include "views/histograms_view.h"
#include "views/mistakes_view.h"

namespace gs::studio {

LearnedViews::LearnedViews(SessionBridge* bridge, QWidget* parent)
    : QTabWidget(parent), m_bridge(bridge), m_service(new DataMapService(bridge, this)) {
    setObjectName(QStringLiteral("learned_views"));
    m_confusion = new ConfusionView;
    m_mistakes = new MistakesView;
    m_histograms = new HistogramsView;
    m_data_map = new DataMapView;
    m_data_map->set_service(m_service);
    addTab(m_confusion, QStringLiteral("Confusion"));
    addTab(m_mistakes, QStringLiteral("Mistakes"));
    addTab(m_histograms, QStringLiteral("Histograms over time"));
    addTab(m_data_map, QStringLiteral("Data map"));
    connect(m_confusion, &ConfusionView::itemChosen, this, &LearnedViews::probeChosen);
    connect(m_mistakes, &MistakesView::itemChosen, this, &LearnedViews::probeChosen);
    connect(bridge, &SessionBridge::sessionChanged, this, &LearnedViews::session_changed);
    connect(bridge, &SessionBridge::snapshotUpdated, this, [this] {
        if (!m_follow) return;
        m_confusion->set_snapshot(m_bridge->snapshot());
        m_mistakes->set_snapshot(m_bridge->snapshot());
    });
    connect(bridge, &SessionBridge::telemetryUpdated, this,
            [this] { m_histograms->add(m_bridge->store().layers()); });
    session_changed();
}

void LearnedViews::session_changed() {
    m_follow = true;  // a new run: the bridge's (time travel takes the views again if it must)
    // New data: the galleries read items from its splits; the same data
    // (a reset, an edit of the network): the views only start over.
    const auto data = m_bridge->data();
    if (data != m_data_seen) {
        m_data_seen = data;
        const DataView view = data ? *data : DataView{};
        m_confusion->set_data(view);
        m_mistakes->set_data(view);
        m_data_map->set_data(view);
    } else {
        m_confusion->clear();
        m_mistakes->clear();
        m_data_map->clear();
    }
    m_histograms->set_spec(m_bridge->spec());
}

void LearnedViews::show_snapshot(std::shared_ptr<const Snapshot> snapshot) {
    m_follow = false;
    m_confusion->set_snapshot(snapshot);
    m_mistakes->set_snapshot(snapshot);
}

void LearnedViews::follow_bridge() {
    if (m_follow) return;
    m_follow = true;
    m_confusion->set_snapshot(m_bridge->snapshot());
    m_mistakes->set_snapshot(m_bridge->snapshot());
}

void LearnedViews::set_theme(const Theme& theme) {
    m_confusion->set_theme(theme);
    m_mistakes->set_theme(theme);
    m_histograms->set_theme(theme);
    m_data_map->set_theme(theme);
}

bool LearnedViews::show_tab(const QString& name) {
    QWidget* w = name == QLatin1String("confusion")    ? static_cast<QWidget*>(m_confusion)
                 : name == QLatin1String("mistakes")   ? static_cast<QWidget*>(m_mistakes)
                 : name == QLatin1String("histograms") ? static_cast<QWidget*>(m_histograms)
                 : name == QLatin1String("datamap")    ? static_cast<QWidget*>(m_data_map)
                                                       : nullptr;
    if (!w) return false;
    setCurrentWidget(w);
    return true;
}

}  // namespace gs::studio
