// Colour scales and their legends. A ColorRamp maps values to colours
// through a 256-entry table (diverging orange / neutral / blue, or black to
// white) and turns arrays of values into images; draw_color_legend paints
// the small gradient bar with its end values and what it means, and
// ColorLegend is the same as a widget for panels outside the canvas.
#pragma once

#include <QFont>
#include <QImage>
#include <QString>
#include <QWidget>
#include <array>

#include "theme.h"

class QPainter;

namespace gs::studio {

class ColorRamp {
public:
    // t in [-1, 1]: theme.negative .. theme.zero .. theme.positive.
    static ColorRamp diverging(const Theme& theme);
    // t in [0, 1]: black .. white.
    static ColorRamp grayscale();

    bool is_signed() const { return m_signed; }
    // The colour at t (clamped to the ramp's range).
    QRgb at(double t) const;
    // An image of w x h values, value v drawn at t = v * scale + offset;
    // row 0 of the values is the image's bottom row when flip_y (a plane
    // whose y grows upwards).
    QImage image(const float* values, int w, int h, float scale, float offset, bool flip_y) const;

private:
    std::array<QRgb, 256> m_lut{};
    bool m_signed = true;
};

// What a legend says: the ramp, the labels of its ends and what it shows.
struct LegendSpec {
    ColorRamp ramp;
    QString lo, hi;  // "−0.83", "+0.83"
    QString what;    // "weight", "gradient", "activation"
};

// The width a legend takes at this font (title, end labels, bar).
qreal legend_width(const LegendSpec& legend, const QFont& font, qreal bar_width);
// Paints a legend in one line at rect's left, vertically centred:
// "what  lo [bar] hi". Returns the width used.
qreal draw_color_legend(QPainter& p, const QRectF& rect, const LegendSpec& legend, const Theme& theme,
                        const QFont& font, qreal bar_width);

// A legend as a widget.
class ColorLegend : public QWidget {
    Q_OBJECT
public:
    explicit ColorLegend(QWidget* parent = nullptr);
    void set_legend(const LegendSpec& legend);
    void set_theme(const Theme& theme);
    QSize sizeHint() const override;

protected:
    void paintEvent(QPaintEvent* event) override;

private:
    LegendSpec m_legend{ColorRamp::diverging(Theme::standard()), {}, {}, {}};
    Theme m_theme = Theme::standard();
};

}  // namespace gs::studio
