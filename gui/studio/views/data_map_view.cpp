// The data map view: the map, the chosen item, the lists, the export.
#include "views/data_map_view.h"

#include <QFileDialog>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QScrollArea>
#include <QSplitter>
#include <QTabWidget>
#include <QVBoxLayout>

#include "bridge/data_map_service.h"
#include "canvas/canvas_data.h"
#include "gradscope/explanations.h"
#include "views/data_map_plots.h"
#include "views/explanation_box.h"
#include "views/item_gallery.h"

namespace gs::studio {

namespace {

QListWidget* make_list() {
    auto* l = new QListWidget;
    l->setUniformItemSizes(true);
    return l;
}

const char* region_label(DataRegion r) {
    for (const DataRegionName& e : data_region_table())
        if (e.kind == r) return e.label;
    return "";
}

}  // namespace

DataMapView::DataMapView(QWidget* parent) : QWidget(parent) {
    auto* col = new QVBoxLayout(this);
    auto* top = new QHBoxLayout;
    m_summary = new QLabel;
    m_summary->setWordWrap(true);
    m_export = new QPushButton(QStringLiteral("Export CSV…"));
    m_export->setToolTip(QStringLiteral("Every training item's row: label, confidence, variability, correctness, "
                                        "forgetting events, region, preferred class"));
    top->addWidget(m_summary, 1);
    top->addWidget(m_export, 0, Qt::AlignTop);
    col->addLayout(top);

    auto* split = new QSplitter(Qt::Horizontal);
    m_scatter = new DataMapScatter;
    m_plane = new DataMapPlane;
    m_plane->setToolTip(QStringLiteral("The training points in the map's colours"));
    m_plane->hide();
    split->addWidget(m_scatter);
    split->addWidget(m_plane);
    auto* side = new QWidget;
    auto* side_col = new QVBoxLayout(side);
    side_col->setContentsMargins(0, 0, 0, 0);
    auto* item_row = new QHBoxLayout;
    m_picture = new QLabel;
    m_picture->setFixedSize(84, 84);
    m_picture->setAlignment(Qt::AlignCenter);
    m_details = new QLabel(QStringLiteral("Click a dot to see its item."));
    m_details->setWordWrap(true);
    m_details->setTextInteractionFlags(Qt::TextSelectableByMouse);
    item_row->addWidget(m_picture, 0, Qt::AlignTop);
    item_row->addWidget(m_details, 1);
    side_col->addLayout(item_row);
    side_col->addWidget(new QLabel(QStringLiteral("p(label) at each presentation, oldest first:")));
    m_history = new HistorySparkline;
    side_col->addWidget(m_history);
    auto* lists = new QTabWidget;
    m_never = make_list();
    m_forgotten = make_list();
    m_mislabeled = make_list();
    lists->addTab(m_mislabeled, QStringLiteral("Likely mislabeled"));
    lists->addTab(m_never, QStringLiteral("Never learned"));
    lists->addTab(m_forgotten, QStringLiteral("Most forgotten"));
    side_col->addWidget(lists, 1);
    auto* side_scroll = new QScrollArea;  // the item and the lists scroll in a short dock
    side_scroll->setWidget(side);
    side_scroll->setWidgetResizable(true);
    side_scroll->setFrameShape(QFrame::NoFrame);
    split->addWidget(side_scroll);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);
    split->setStretchFactor(2, 2);
    col->addWidget(split, 1);

    col->addWidget(explanation_box(
        QString::fromStdString(explanation_text(explanation_of(ExplainedView::DataMap))), &m_explanation));
    lists->setToolTip(QString::fromStdString(explanation_text(explanation_of(ExplainedView::DataMapLists))));

    connect(m_scatter, &DataMapScatter::itemClicked, this, &DataMapView::select_item);
    connect(m_plane, &DataMapPlane::itemClicked, this, &DataMapView::select_item);
    for (QListWidget* l : {m_never, m_forgotten, m_mislabeled})
        connect(l, &QListWidget::itemClicked, this,
                [this](QListWidgetItem* it) { select_item(it->data(Qt::UserRole).toInt()); });
    connect(m_export, &QPushButton::clicked, this, &DataMapView::export_clicked);
    clear();
}

void DataMapView::set_service(DataMapService* service) {
    if (m_service) m_service->disconnect(this);
    m_service = service;
    if (m_service)
        connect(m_service, &DataMapService::mapUpdated, this, [this] { set_map(m_service->map()); });
}

void DataMapView::set_data(const DataView& data) {
    m_data = data;
    m_plane->set_data(data);
    m_plane->setVisible(data.two_d && data.classes > 0);
    clear();
}

void DataMapView::clear() {
    m_map.reset();
    m_selected = -1;
    m_scatter->set_map(nullptr);
    m_scatter->set_selected(-1);
    m_plane->set_map(nullptr);
    m_plane->set_selected(-1);
    for (QListWidget* l : {m_never, m_forgotten, m_mislabeled}) l->clear();
    m_summary->setText(m_service && !m_service->available() ? m_service->unavailable_reason()
                                                            : QStringLiteral("No data map yet: train a few steps."));
    m_export->setEnabled(false);
    show_details();
}

void DataMapView::set_theme(const Theme& theme) {
    m_scatter->set_theme(theme);
    m_plane->set_theme(theme);
}

void DataMapView::set_map(std::shared_ptr<const DataMap> map) {
    if (!map) {
        clear();
        return;
    }
    m_map = std::move(map);
    m_scatter->set_map(m_map);
    m_plane->set_map(m_map);
    show_summary();
    m_export->setEnabled(true);
    fill_lists();
    show_details();
}

void DataMapView::set_live(bool live) {
    if (live == m_live) return;
    m_live = live;
    if (m_map) show_summary();
}

void DataMapView::show_summary() {
    const DataMapSummary s = summarize_data_map(*m_map, 0);
    // The map keeps every epoch's outcome of every item but not the map as
    // it stood at each step: it does not go back with the timeline.
    const QString whose = m_live ? QString()
                                 : QStringLiteral("The first run's map, live: it does not follow the "
                                                  "timeline or a fork. ");
    m_summary->setText(QStringLiteral("%1Epoch %2, step %3 · %4 of %5 items seen. %6")
                           .arg(whose)
                           .arg(m_map->epoch)
                           .arg(m_map->step)
                           .arg(s.seen)
                           .arg(s.items)
                           .arg(QString::fromStdString(describe_data_map(s))));
}

QString DataMapView::class_name(int c) const {
    if (c >= 0 && c < m_data.class_names.size()) return m_data.class_names[c];
    return c < 0 ? QStringLiteral("—") : QStringLiteral("class %1").arg(c);
}

void DataMapView::fill_lists() {
    auto fill = [&](QListWidget* l, const std::vector<uint32_t>& items) {
        l->clear();
        for (uint32_t i : items) {
            const DataMapItem r = m_map->row(i);
            auto* it = new QListWidgetItem(
                QStringLiteral("%1 · %2 → %3 %4 · confidence %5 · forgotten %6×")
                    .arg(i)
                    .arg(class_name(r.label), class_name(r.predicted), percent_or_dash(r.predicted_p))
                    .arg(r.confidence, 0, 'f', 2)
                    .arg(r.forgetting));
            it->setData(Qt::UserRole, static_cast<int>(i));
            l->addItem(it);
        }
    };
    fill(m_never, never_learned_items(*m_map, kListLength));
    fill(m_forgotten, most_forgotten_items(*m_map, kListLength));
    fill(m_mislabeled, likely_mislabeled_items(*m_map, kListLength));
}

void DataMapView::select_item(int item) {
    m_selected = item;
    m_scatter->set_selected(item);
    m_plane->set_selected(item);
    show_details();
}

QString DataMapView::item_details() const { return m_details->text(); }

void DataMapView::show_details() {
    m_picture->clear();
    m_history->set_item(m_map, m_selected);
    if (!m_map || m_selected < 0 || static_cast<size_t>(m_selected) >= m_map->items()) {
        m_details->setText(QStringLiteral("Click a dot (or an item of a list) to see the item."));
        return;
    }
    const size_t i = static_cast<size_t>(m_selected);
    const DataMapItem r = m_map->row(i);
    if (m_data.train_split) {
        const QImage img = item_image(*m_data.train_split, m_selected, nullptr, nullptr,
                                      class_color(Theme::standard(), m_data.classes, r.label));
        if (!img.isNull())
            m_picture->setPixmap(QPixmap::fromImage(img.scaled(80, 80, Qt::KeepAspectRatio, Qt::FastTransformation)));
    }
    if (r.presentations == 0) {
        m_details->setText(QStringLiteral("Training item %1: not presented to the network yet.").arg(i));
        return;
    }
    QString text = QStringLiteral("<b>Training item %1</b> — label <b>%2</b>; the network prefers <b>%3</b> (%4)<br>"
                                  "%5 · confidence %6 · variability %7 · right %8 of the time<br>"
                                  "seen %9 times · forgotten %10×")
                       .arg(i)
                       .arg(class_name(r.label), class_name(r.predicted), percent_or_dash(r.predicted_p),
                            QString::fromLatin1(region_label(r.region)))
                       .arg(r.confidence, 0, 'f', 2)
                       .arg(r.variability, 0, 'f', 2)
                       .arg(percent_or_dash(r.correctness))
                       .arg(r.presentations)
                       .arg(r.forgetting);
    if (m_map->likely_mislabeled(i))
        text += QStringLiteral("<br><b>Likely mislabeled</b>: hard to learn while the network is sure of another class.");
    m_details->setText(text);
}

QString DataMapView::export_csv(const QString& path) {
    if (!m_service) return QStringLiteral("no session to export from");
    return m_service->export_csv(path);
}

void DataMapView::export_clicked() {
    const QString path = QFileDialog::getSaveFileName(this, QStringLiteral("Export the data map"),
                                                      QStringLiteral("datamap.csv"), QStringLiteral("CSV (*.csv)"));
    if (path.isEmpty()) return;
    const QString error = export_csv(path);
    m_summary->setText(error.isEmpty() ? QStringLiteral("Data map written to %1").arg(path)
                                       : QStringLiteral("Could not export the data map: %1").arg(error));
}

QString DataMapView::summary() const { return m_summary->text(); }
QString DataMapView::explanation() const { return m_explanation->text(); }

}  // namespace gs::studio
