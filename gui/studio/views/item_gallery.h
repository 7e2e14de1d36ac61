// ItemGallery: a grid of items of one split, each a tile with the item (its
// image, or for 2-D data a small plane with the point in it), its label,
// the class the network predicted and with what probability. Clicking a
// tile emits itemClicked(item). The confusion view lists a cell's items in
// one, the mistakes view the most confident mistakes; item_image() draws an
// item for the data map's detail too.
#pragma once

#include <QImage>
#include <QStringList>
#include <QWidget>
#include <cmath>
#include <memory>
#include <vector>

#include "bridge/data_view.h"
#include "theme.h"

namespace gs::studio {

struct GalleryItem {
    int item = 0;       // its place in the split
    int label = -1;
    int predicted = -1;
    float probability = NAN;  // of the predicted class (NaN: not known)
};

// Item `item` of split as a picture: an image item rescaled to 0..255, a
// 2-D point as a dot in the box lo..hi (lo, hi: 2 floats each); a null
// image for anything else or an item outside the split.
QImage item_image(const DataItems& split, int item, const float* lo = nullptr, const float* hi = nullptr,
                  QColor dot = Qt::black);

class ItemGallery : public QWidget {
    Q_OBJECT

public:
    static constexpr int kMaxTiles = 240;  // the rest are counted, not drawn

    explicit ItemGallery(QWidget* parent = nullptr);
    // The split the items come from and the names of its classes.
    void set_source(std::shared_ptr<const DataItems> split, const QStringList& class_names);
    void set_items(std::vector<GalleryItem> items);
    void set_theme(const Theme& theme);
    // A line above the tiles ("Shirt taken for T-shirt/top: 23 items").
    void set_caption(const QString& text);
    QString caption() const { return m_caption; }

    const std::vector<GalleryItem>& items() const { return m_items; }
    int tiles_shown() const;
    // Where tile i is drawn (widget coordinates); empty when not drawn.
    QRect tile_rect(int i) const;
    // The words of tile i ("Shirt → T-shirt/top 87%").
    QString tile_text(int i) const;
    QSize sizeHint() const override;

signals:
    void itemClicked(int item);

protected:
    void paintEvent(QPaintEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;

private:
    int columns() const;
    void update_height();
    QString class_name(int c) const;

    std::shared_ptr<const DataItems> m_split;
    QStringList m_names;
    std::vector<GalleryItem> m_items;
    std::vector<QImage> m_images;  // of the tiles shown
    QString m_caption;
    Theme m_theme = Theme::standard();
    float m_lo[2] = {0, 0}, m_hi[2] = {1, 1};  // the plane of 2-D items
};

}  // namespace gs::studio
