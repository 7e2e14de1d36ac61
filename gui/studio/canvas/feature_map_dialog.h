// Every feature map of one convolutional layer for the probe item: opened by
// a click on the canvas's "+N more" (or on a map), refreshed with each new
// snapshot. All maps in a grid at one layer-wide scale; a click on one shows
// it large (nearest-neighbour) with its own value range and a colour legend.
#pragma once

#include <QDialog>
#include <QImage>
#include <QString>
#include <vector>

#include "theme.h"

namespace gs::studio {

class FeatureMapDialog : public QDialog {
    Q_OBJECT
public:
    explicit FeatureMapDialog(QWidget* parent = nullptr);

    // The maps of spec layer `layer` ("Conv 32 3×3 + ReLU"): C maps of H x W,
    // channel-major. Values that do not fill C*H*W are refused (empty grid).
    void set_maps(int layer, const QString& title, int C, int H, int W, const std::vector<float>& values);
    void set_theme(const Theme& theme);
    // The map shown large (-1: none yet).
    void select_channel(int channel);

    int layer() const { return m_layer; }
    int maps_shown() const { return static_cast<int>(m_maps.size()); }
    int selected_channel() const { return m_selected; }
    // "Map 21 of 32 · 26×26 · values -0.41 … 2.3"
    QString range_text() const;
    // Where map `channel` is drawn in the grid, in widget coordinates.
    QRectF map_rect(int channel) const;

protected:
    void paintEvent(QPaintEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;

private:
    void layout_grid();  // the grid's rects for the current size

    Theme m_theme = Theme::standard();
    int m_layer = -1, m_C = 0, m_H = 0, m_W = 0;
    QString m_title;
    std::vector<float> m_values;
    std::vector<QImage> m_maps;  // at the layer's scale
    bool m_signed = false;
    int m_selected = -1;
    QImage m_big;  // the selected map at its own range
    float m_lo = 0, m_hi = 0;
    std::vector<QRectF> m_rects;
    QRectF m_big_rect;
};

}  // namespace gs::studio
