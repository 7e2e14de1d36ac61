// The pictures of the data map view: the map itself (variability against
// confidence, one dot per training item coloured by how often it was
// classified right, the regions named, the likely mislabeled ringed), the
// 2-D data plane in the same colours, and an item's history of p(label)
// over its presentations. Each reports a click on an item.
#pragma once

#include <QImage>
#include <QWidget>
#include <memory>
#include <vector>

#include "bridge/data_view.h"
#include "gradscope/data_map.h"
#include "theme.h"

namespace gs::studio {

// Right 0% red, 50% yellow, 100% blue-green (the monitor's colours).
QColor correctness_color(float correctness);

class DataMapScatter : public QWidget {
    Q_OBJECT

public:
    explicit DataMapScatter(QWidget* parent = nullptr);
    void set_map(std::shared_ptr<const DataMap> map);
    void set_selected(int item);
    void set_theme(const Theme& theme);
    // Where item i's dot is (widget coordinates); the item nearest to pos
    // within a few pixels (-1: none).
    QPointF dot_position(size_t item) const;
    int item_at(const QPointF& pos) const;
    QSize sizeHint() const override { return {460, 400}; }

signals:
    void itemClicked(int item);

protected:
    void paintEvent(QPaintEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;

private:
    QRectF plot_area() const;
    void render_dots();

    std::shared_ptr<const DataMap> m_map;
    QImage m_dots;  // cached: the dots of m_map at the widget's size
    int m_selected = -1;
    Theme m_theme = Theme::standard();
};

// The 2-D training points coloured by the map's correctness (grey: unseen).
class DataMapPlane : public QWidget {
    Q_OBJECT

public:
    explicit DataMapPlane(QWidget* parent = nullptr);
    // The training points: DataView::points before the first test point,
    // point i being training item i.
    void set_data(const DataView& data);
    void set_map(std::shared_ptr<const DataMap> map);
    void set_selected(int item);
    void set_theme(const Theme& theme);
    int points() const { return static_cast<int>(m_points.size()); }
    QPointF point_position(size_t item) const;
    // The colour point i is drawn in.
    QColor point_color(size_t item) const;
    QSize sizeHint() const override { return {300, 300}; }

signals:
    void itemClicked(int item);

protected:
    void paintEvent(QPaintEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;

private:
    QRectF plot_area() const;

    std::vector<DataPoint> m_points;
    float m_lo[2] = {0, 0}, m_hi[2] = {1, 1};
    std::shared_ptr<const DataMap> m_map;
    int m_selected = -1;
    Theme m_theme = Theme::standard();
};

// p(label) of one item over its kept presentations, 0 to 1.
class HistorySparkline : public QWidget {
public:
    explicit HistorySparkline(QWidget* parent = nullptr);
    void set_item(std::shared_ptr<const DataMap> map, int item);
    QSize sizeHint() const override { return {260, 70}; }

protected:
    void paintEvent(QPaintEvent* event) override;

private:
    std::shared_ptr<const DataMap> m_map;
    int m_item = -1;
};

}  // namespace gs::studio
