// The convolutional network picture: for one probe item, the input image,
// then a column per layer group with its feature maps (up to 16 channels,
// "+N more"), then the dense tail as bars: hidden units, and the class
// probabilities with their names.
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
    void paint_maps(QPainter& p, const Column& c, const QRectF& area, const CanvasState& s) const;
    void paint_bars(QPainter& p, const Column& c, const QRectF& area, const CanvasState& s) const;
    void paint_output(QPainter& p, const Column& c, const QRectF& area, const CanvasState& s) const;

    std::vector<Column> m_cols;
    QImage m_input;  // the probe item
    QString m_input_detail, m_caption;
    int m_label = -1, m_predicted = -1;
    bool m_any_signed = false, m_any_gray = false;
};

}  // namespace gs::studio
