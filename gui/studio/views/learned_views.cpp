// What the network learned: the four views, wired to the bridge, built when
// first wanted (see learned_views.h).
#include "views/learned_views.h"

#include "bridge/data_map_service.h"
#include "bridge/session_bridge.h"
#include "views/confusion_view.h"
#include "views/data_map_view.h"
#include "views/histograms_view.h"
#include "views/mistakes_view.h"

namespace gs::studio {

namespace {

// What ConfusionView and MistakesView keep: a snapshot without a confusion
// matrix leaves them as they are.
bool has_confusion(const std::shared_ptr<const Snapshot>& s) {
    return s && s->classes >= 2 && !s->confusion.empty();
}

}  // namespace

LearnedViews::LearnedViews(SessionBridge* bridge, QWidget* parent)
    : QTabWidget(parent),
      m_bridge(bridge),
      m_service(new DataMapService(bridge, this)),
      m_history(HistogramsView::kHistoryCapacity) {
    setObjectName(QStringLiteral("learned_views"));
    connect(bridge, &SessionBridge::sessionChanged, this, &LearnedViews::session_changed);
    connect(bridge, &SessionBridge::snapshotUpdated, this, [this] {
        if (m_follow) feed_snapshot(m_bridge->snapshot());
    });
    connect(bridge, &SessionBridge::telemetryUpdated, this, [this] {
        if (m_histograms) m_histograms->add(m_bridge->store().layers());
        else m_history.add(m_bridge->store().layers());
    });
    session_changed();
}

void LearnedViews::build_views() {
    if (m_confusion) return;
    m_confusion = new ConfusionView;
    m_mistakes = new MistakesView;
    m_histograms = new HistogramsView;
    m_data_map = new DataMapView;
    m_data_map->set_service(m_service);
    if (m_theme) {
        m_confusion->set_theme(*m_theme);
        m_mistakes->set_theme(*m_theme);
        m_histograms->set_theme(*m_theme);
        m_data_map->set_theme(*m_theme);
    }
    // What they would hold had they been there from the start.
    const DataView view = m_data_seen ? *m_data_seen : DataView{};
    m_confusion->set_data(view);
    m_mistakes->set_data(view);
    m_data_map->set_data(view);
    if (m_fed) {
        m_confusion->set_snapshot(m_fed);
        m_mistakes->set_snapshot(m_fed);
    }
    m_histograms->set_spec(m_bridge->spec());
    m_histograms->set_history(std::move(m_history));
    m_history = HistogramHistory(HistogramsView::kHistoryCapacity);
    m_data_map->set_live(m_follow);
    if (auto map = m_service->map()) m_data_map->set_map(std::move(map));
    addTab(m_confusion, QStringLiteral("Confusion"));
    addTab(m_mistakes, QStringLiteral("Mistakes"));
    addTab(m_histograms, QStringLiteral("Histograms over time"));
    addTab(m_data_map, QStringLiteral("Data map"));
    connect(m_confusion, &ConfusionView::itemChosen, this, &LearnedViews::probeChosen);
    connect(m_mistakes, &MistakesView::itemChosen, this, &LearnedViews::probeChosen);
}

ConfusionView* LearnedViews::confusion() {
    build_views();
    return m_confusion;
}

MistakesView* LearnedViews::mistakes() {
    build_views();
    return m_mistakes;
}

HistogramsView* LearnedViews::histograms() {
    build_views();
    return m_histograms;
}

DataMapView* LearnedViews::data_map() {
    build_views();
    return m_data_map;
}

void LearnedViews::feed_snapshot(std::shared_ptr<const Snapshot> snapshot) {
    if (has_confusion(snapshot)) m_fed = snapshot;
    if (!m_confusion) return;
    m_confusion->set_snapshot(snapshot);
    m_mistakes->set_snapshot(std::move(snapshot));
}

void LearnedViews::session_changed() {
    m_follow = true;  // a new run: the bridge's (time travel takes the views again if it must)
    if (m_data_map) m_data_map->set_live(true);
    m_fed.reset();
    // New data: the galleries read items from its splits; the same data
    // (a reset, an edit of the network): the views only start over.
    const auto data = m_bridge->data();
    const bool new_data = data != m_data_seen;
    m_data_seen = data;
    if (!m_confusion) {
        m_history.clear();
        return;
    }
    if (new_data) {
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
    if (m_data_map) m_data_map->set_live(false);
    feed_snapshot(std::move(snapshot));
}

void LearnedViews::follow_bridge() {
    if (m_follow) return;
    m_follow = true;
    if (m_data_map) m_data_map->set_live(true);
    feed_snapshot(m_bridge->snapshot());
}

void LearnedViews::set_theme(const Theme& theme) {
    m_theme = theme;
    if (!m_confusion) return;
    m_confusion->set_theme(theme);
    m_mistakes->set_theme(theme);
    m_histograms->set_theme(theme);
    m_data_map->set_theme(theme);
}

bool LearnedViews::show_tab(const QString& name) {
    static const QStringList names = {QStringLiteral("confusion"), QStringLiteral("mistakes"),
                                      QStringLiteral("histograms"), QStringLiteral("datamap")};
    const int i = static_cast<int>(names.indexOf(name));
    if (i < 0) return false;
    build_views();
    setCurrentIndex(i);
    return true;
}

}  // namespace gs::studio
