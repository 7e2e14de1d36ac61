// The convolutional network picture: for one probe item, the input image,
// then a column per layer group with its feature maps (up to 16 channels,
// fewer when short so each stays at least 40 px; "+N more"), then the dense tail as bars: hidden units, and the class
// probabilities with their names (the likeliest and the true label when
// not all fit at a readable height).
#pragma once

#include <QImage>
#include <QString>
#include <vector>

#include "canvas_view.h"

namespace gs::studio {

class ConvView : public CanvasView {
public:
    static constexpr int kMaxMaps = 16;   // feature maps per column
    static constexpr int kMaxBars = 64;   // hidden units as bars

    void rebuild(const CanvasState& state) override;
    void paint(QPainter& p, const QRectF& rect, const CanvasState& state) override;

    // Per column of feature maps: (spec index of its main layer, maps with data).
    std::vector<std::pair<int, int>> feature_maps_shown() const;
    bool has_input_image() const { return !m_input.isNull(); }
    int output_bars() const;
    // As last painted: the smallest feature map's side, the height of a class
    // row, and where a column's "+N more" is (empty: none).
    qreal feature_map_side() const { return m_map_side; }
    qreal output_row_height() const { return m_row_h; }
    QRectF more_rect(int layer) const;
    // The "+N more" of which layer (spec index of the column's main layer) is at pos, or -1.
    int more_at(const QPointF& pos) const;
    // The channel of the feature map at pos (and its layer), or -1.
    int map_at(const QPointF& pos, int* layer = nullptr) const;

private:
    enum class Kind { Maps, Bars, Output };
    struct Column {
        Kind kind = Kind::Maps;
        QString title, subtitle, detail;  // detail: "26×26 ×32 · max 3.1"
        int first = 0, last = 0, main = 0;
        int channels = 0;                 // or units
        std::vector<QImage> maps;         // Maps: the first channels
        std::vector<float> values;        // Bars, Output: the probe's outputs
        float max_abs = 0;
        bool signed_values = false;
        qreal weight = 1;                 // share of the width
    };
    void paint_maps(QPainter& p, const Column& c, const QRectF& area, const CanvasState& s);
    void paint_bars(QPainter& p, const Column& c, const QRectF& area, const CanvasState& s) const;
    void paint_output(QPainter& p, const Column& c, const QRectF& area, const CanvasState& s);

    std::vector<Column> m_cols;
    QImage m_input;  // the probe item
    QString m_input_detail, m_caption;
    int m_label = -1, m_predicted = -1;
    bool m_any_signed = false, m_any_gray = false;
    struct Spot {
        int layer = 0, channel = 0;
        QRectF rect;
    };
    std::vector<Spot> m_map_rects, m_more_rects;  // as last painted
    qreal m_map_side = 0, m_row_h = 0;
};

}  // namespace gs::studio
