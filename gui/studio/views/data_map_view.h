// DataMapView: the data map of the training split (Swayamdipta et al.,
// 2020): variability against confidence, one dot per item coloured by how
// often it was classified right, the easy, ambiguous and hard-to-learn
// regions named. Clicking a dot (or an entry of a list) shows the item, its
// label, the class the network prefers, its history of p(label) over the
// epochs and its numbers. Beside it: the never learned, most forgotten and
// likely mislabeled lists, the summary in words, the explanation, and an
// Export CSV button (through the bridge's DataMapService). On 2-D data the
// training points are drawn in the same colours.
#pragma once

#include <QWidget>
#include <memory>

#include "bridge/data_view.h"
#include "gradscope/data_map.h"
#include "theme.h"

class QLabel;
class QListWidget;
class QPushButton;

namespace gs::studio {

class DataMapPlane;
class DataMapScatter;
class DataMapService;
class HistorySparkline;

class DataMapView : public QWidget {
    Q_OBJECT

public:
    static constexpr size_t kListLength = 50;

    explicit DataMapView(QWidget* parent = nullptr);
    // The service the map comes from (and exports through); null: none.
    void set_service(DataMapService* service);
    void set_data(const DataView& data);
    void set_map(std::shared_ptr<const DataMap> map);
    void set_theme(const Theme& theme);
    void clear();
    // False while the window shows a past step or a fork: the map stays the
    // first run's, live, and its summary says so.
    void set_live(bool live);

    // Shows item i of the training split (as a click on its dot does).
    void select_item(int item);
    int selected_item() const { return m_selected; }
    QString item_details() const;  // what the detail panel says of it

    // Writes the CSV (through the service). "" on success, else why not.
    QString export_csv(const QString& path);

    std::shared_ptr<const DataMap> map() const { return m_map; }
    DataMapScatter* scatter() const { return m_scatter; }
    DataMapPlane* plane() const { return m_plane; }  // shown on 2-D data only
    QListWidget* never_learned_list() const { return m_never; }
    QListWidget* forgotten_list() const { return m_forgotten; }
    QListWidget* mislabeled_list() const { return m_mislabeled; }
    QPushButton* export_button() const { return m_export; }
    QString summary() const;
    QString explanation() const;

private:
    void export_clicked();
    void fill_lists();
    void show_details();
    void show_summary();
    QString class_name(int c) const;

    DataMapService* m_service = nullptr;
    DataView m_data;
    std::shared_ptr<const DataMap> m_map;
    int m_selected = -1;
    bool m_live = true;
    DataMapScatter* m_scatter;
    DataMapPlane* m_plane;
    QLabel* m_summary;
    QLabel* m_picture;
    QLabel* m_details;
    HistorySparkline* m_history;
    QListWidget* m_never;
    QListWidget* m_forgotten;
    QListWidget* m_mislabeled;
    QPushButton* m_export;
    QLabel* m_explanation;
};

}  // namespace gs::studio
