// Colour ramps, value images and legends.
#include "color_scale.h"

#include <QFontMetricsF>
#include <QLinearGradient>
#include <QPainter>
#include <algorithm>
#include <cmath>

namespace gs::studio {

ColorRamp ColorRamp::diverging(const Theme& theme) {
    ColorRamp r;
    r.m_signed = true;
    for (int i = 0; i < 256; ++i) r.m_lut[static_cast<size_t>(i)] = theme.diverging(i / 127.5 - 1.0).rgb();
    return r;
}

ColorRamp ColorRamp::grayscale() {
    ColorRamp r;
    r.m_signed = false;
    for (int i = 0; i < 256; ++i) r.m_lut[static_cast<size_t>(i)] = qRgb(i, i, i);
    return r;
}

QRgb ColorRamp::at(double t) const {
    if (!std::isfinite(t)) t = 0;
    const double u = m_signed ? (t + 1.0) * 0.5 : t;
    const int i = static_cast<int>(std::lround(std::clamp(u, 0.0, 1.0) * 255.0));
    return m_lut[static_cast<size_t>(i)];
}

QImage ColorRamp::image(const float* values, int w, int h, float scale, float offset, bool flip_y) const {
    QImage img(w, h, QImage::Format_RGB32);
    const float a = m_signed ? 127.5f * scale : 255.0f * scale;
    const float b = m_signed ? 127.5f * (offset + 1.0f) : 255.0f * offset;
    for (int r = 0; r < h; ++r) {
        auto* line = reinterpret_cast<QRgb*>(img.scanLine(flip_y ? h - 1 - r : r));
        const float* v = values + static_cast<size_t>(r) * w;
        for (int c = 0; c < w; ++c) {
            float u = v[c] * a + b;
            u = std::isfinite(u) ? std::clamp(u, 0.0f, 255.0f) : 127.5f;
            line[c] = m_lut[static_cast<size_t>(u + 0.5f)];
        }
    }
    return img;
}

namespace {

constexpr qreal kGap = 6;

}  // namespace

qreal legend_width(const LegendSpec& legend, const QFont& font, qreal bar_width) {
    QFont bold = font;
    bold.setBold(true);
    const QFontMetricsF fm(font), fb(bold);
    return fb.horizontalAdvance(legend.what) + kGap * 2 + fm.horizontalAdvance(legend.lo) + kGap +
           bar_width + kGap + fm.horizontalAdvance(legend.hi);
}

qreal draw_color_legend(QPainter& p, const QRectF& rect, const LegendSpec& legend, const Theme& theme,
                        const QFont& font, qreal bar_width) {
    p.save();
    QFont bold = font;
    bold.setBold(true);
    const QFontMetricsF fm(font), fb(bold);
    qreal x = rect.left();
    const qreal cy = rect.center().y();
    const qreal th = fm.height();
    p.setPen(theme.foreground);
    p.setFont(bold);
    const qreal ww = fb.horizontalAdvance(legend.what);
    p.drawText(QRectF(x, cy - th / 2, ww + 1, th), Qt::AlignLeft | Qt::AlignVCenter, legend.what);
    x += ww + kGap * 2;
    p.setFont(font);
    p.setPen(theme.muted);
    const qreal lw = fm.horizontalAdvance(legend.lo);
    p.drawText(QRectF(x, cy - th / 2, lw + 1, th), Qt::AlignLeft | Qt::AlignVCenter, legend.lo);
    x += lw + kGap;
    const qreal bh = std::max<qreal>(8, th * 0.6);
    const QRectF bar(x, cy - bh / 2, bar_width, bh);
    QLinearGradient g(bar.topLeft(), bar.topRight());
    for (int i = 0; i <= 8; ++i) {
        const double t = legend.ramp.is_signed() ? i / 4.0 - 1.0 : i / 8.0;
        g.setColorAt(i / 8.0, QColor(legend.ramp.at(t)));
    }
    p.setPen(QPen(theme.muted, 0.8));
    p.setBrush(g);
    p.drawRoundedRect(bar, 2, 2);
    x += bar_width + kGap;
    const qreal hw = fm.horizontalAdvance(legend.hi);
    p.setPen(theme.muted);
    p.drawText(QRectF(x, cy - th / 2, hw + 1, th), Qt::AlignLeft | Qt::AlignVCenter, legend.hi);
    x += hw;
    p.restore();
    return x - rect.left();
}

ColorLegend::ColorLegend(QWidget* parent) : QWidget(parent) {
    setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Fixed);
}

void ColorLegend::set_legend(const LegendSpec& legend) {
    m_legend = legend;
    updateGeometry();
    update();
}

void ColorLegend::set_theme(const Theme& theme) {
    m_theme = theme;
    updateGeometry();
    update();
}

QSize ColorLegend::sizeHint() const {
    QFont f = font();
    f.setPointSizeF(f.pointSizeF() * m_theme.font_scale);
    const QFontMetricsF fm(f);
    return QSize(static_cast<int>(legend_width(m_legend, f, 100 * m_theme.font_scale)) + 8,
                 static_cast<int>(fm.height() * 1.6));
}

void ColorLegend::paintEvent(QPaintEvent*) {
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    QFont f = font();
    f.setPointSizeF(f.pointSizeF() * m_theme.font_scale);
    draw_color_legend(p, QRectF(rect()).adjusted(4, 0, -4, 0), m_legend, m_theme, f, 100 * m_theme.font_scale);
}

}  // namespace gs::studio
