// DatasetPreview: what the data looks like. Image data shows a page of 64
// items of the split the probe comes from (validation, else test, else
// training), each with a bar in its class colour and its class as the
// tooltip; clicking one makes it the probe (probeChosen) and outlines it.
// Any item can be shown: set_page() (or selecting an item on another page)
// moves to the page that holds it.
// 2-D data shows a scatter plot of the points by class (or by target value
// for regression), test points hollow, with a legend; 1-D data the feature
// against the target. With a data map and colour_by_map, the 2-D training
// points take the data map's colours (issue 17).
#pragma once

#include <QImage>
#include <QStringList>
#include <QWidget>
#include <memory>
#include <vector>

#include "bridge/data_view.h"
#include "canvas_data.h"
#include "gradscope/data_map.h"
#include "theme.h"

namespace gs::studio {

class DatasetPreview : public QWidget {
    Q_OBJECT
public:
    static constexpr int kMaxImages = 64;

    explicit DatasetPreview(QWidget* parent = nullptr);
    void set_data(const DataView& data);
    void clear();
    void set_theme(const Theme& theme);
    // Outlines item `item` of the probe split (-1: none) without probeChosen,
    // turning to the page that holds it; selectionChanged tells the panel.
    void set_selected_item(int item);
    int selected_item() const { return m_selected; }
    // Shows the page of kMaxImages items that starts at (or holds) item `first`.
    void set_page(int first);
    int page_start() const { return m_first; }
    size_t split_size() const { return m_split_size; }
    // Writes the preview at its size (640 x 480 when it has none yet).
    bool save_png(const QString& path);
    QString error() const { return m_error; }
    QImage render_image(const QSize& size) const;
    // The data map of the run (issue 17): with colour_by_map on, the 2-D
    // scatter colours each training point by how often the network got it
    // right (red: never, yellow: sometimes, teal: always; grey: not yet
    // seen), as the data map's own plane does. Test points keep their class.
    void set_data_map(std::shared_ptr<const DataMap> map);
    void set_colour_by_map(bool on);
    bool colour_by_map() const { return m_by_map; }
    // The fill of point `i` of the scatter as it is drawn now.
    QColor point_colour(size_t i) const;

    // For tests.
    bool shows_images() const { return !m_images.empty(); }
    int images_shown() const { return static_cast<int>(m_images.size()); }
    bool shows_scatter() const { return (m_data.two_d || m_data.one_d) && !m_data.points.empty(); }
    int points_shown() const { return static_cast<int>(m_data.points.size()); }
    // Where item `item` of the split is drawn, in widget coordinates (empty
    // when it is not on the page shown).
    QRect item_rect(int item) const;
    // The class name the tooltip of item `item` says.
    QString item_tooltip(int item) const;

signals:
    // The user clicked item `item` of the probe split.
    void probeChosen(int item);
    // The outlined item changed (from either side), or the page did.
    void selectionChanged(int item);
    void pageChanged(int first);

protected:
    void paintEvent(QPaintEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    bool event(QEvent* event) override;

private:
    struct Grid {
        int cols = 1;
        qreal cell = 0, x0 = 0, y0 = 0, gap = 0;
    };
    Grid grid_layout(const QRectF& area) const;
    QRectF grid_area(const QSizeF& size) const;
    int item_at(const QPointF& pos) const;
    void paint_all(QPainter& p, const QSizeF& size) const;
    void paint_grid(QPainter& p, const QSizeF& size) const;
    void paint_scatter(QPainter& p, const QSizeF& size) const;
    qreal paint_class_legend(QPainter& p, const QRectF& area, bool points) const;
    void paint_map_legend(QPainter& p, const QRectF& area) const;
    qreal class_legend_height(qreal width) const;  // the legend's wrapped height
    QFont scaled_font(qreal factor = 1.0) const;

    Theme m_theme = Theme::standard();
    DataView m_data;
    size_t m_split_size = 0;
    std::vector<QImage> m_images;
    std::vector<int> m_labels;
    void load_page();  // the images of the page from m_first
    int m_selected = -1;
    int m_first = 0;  // the first item of the page shown
    QString m_error;
    std::shared_ptr<const DataMap> m_map;
    bool m_by_map = false;
    bool map_colours() const;  // colour_by_map on and a map of these points
};

}  // namespace gs::studio
