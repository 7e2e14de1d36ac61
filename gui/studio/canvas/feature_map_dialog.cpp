// The dialog with every feature map of a layer (see feature_map_dialog.h).
#include "feature_map_dialog.h"

#include <QFontMetricsF>
#include <QMouseEvent>
#include <QPainter>
#include <algorithm>
#include <cmath>

#include "canvas_data.h"
#include "color_scale.h"

namespace gs::studio {

FeatureMapDialog::FeatureMapDialog(QWidget* parent) : QDialog(parent) {
    setModal(false);
    setMinimumSize(520, 360);
    resize(900, 560);
}

void FeatureMapDialog::set_theme(const Theme& theme) {
    m_theme = theme;
    if (m_layer >= 0) set_maps(m_layer, m_title, m_C, m_H, m_W, std::vector<float>(m_values));
}

void FeatureMapDialog::set_maps(int layer, const QString& title, int C, int H, int W, const std::vector<float>& values) {
    const bool same_layer = layer == m_layer && C == m_C;
    m_layer = layer;
    m_title = title;
    m_maps.clear();
    m_values.clear();
    m_C = m_H = m_W = 0;
    setWindowTitle(QStringLiteral("Feature maps · %1").arg(title));
    if (C <= 0 || H <= 0 || W <= 0 || values.size() != static_cast<size_t>(C) * H * W) {
        m_selected = -1;
        m_big = QImage();
        update();
        return;
    }
    m_C = C, m_H = H, m_W = W;
    m_values = values;
    // One scale for the layer, as on the canvas: white at the 99th percentile of |value|.
    std::vector<float> mag(values.size());
    float max_abs = 0;
    m_signed = false;
    for (size_t i = 0; i < values.size(); ++i) {
        const float v = values[i];
        mag[i] = std::isfinite(v) ? std::abs(v) : 0.0f;
        max_abs = std::max(max_abs, mag[i]);
    }
    for (float v : values) m_signed = m_signed || v < -1e-6f * max_abs;
    const size_t at = mag.size() * 99 / 100;
    std::nth_element(mag.begin(), mag.begin() + static_cast<long>(at), mag.end());
    const float bright = std::max(mag[at], 0.2f * max_abs);
    const float scale = bright > 0 ? 1.0f / bright : 1.0f;
    const ColorRamp ramp = m_signed ? ColorRamp::diverging(m_theme) : ColorRamp::grayscale();
    for (int c = 0; c < C; ++c)
        m_maps.push_back(ramp.image(values.data() + static_cast<size_t>(c) * H * W, W, H, scale, 0.0f, false));
    select_channel(same_layer && m_selected < C ? m_selected : -1);
}

void FeatureMapDialog::select_channel(int channel) {
    m_selected = channel >= 0 && channel < m_C ? channel : -1;
    m_big = QImage();
    if (m_selected >= 0) {
        const float* v = m_values.data() + static_cast<size_t>(m_selected) * m_H * m_W;
        m_lo = INFINITY, m_hi = -INFINITY;
        for (int i = 0; i < m_H * m_W; ++i)
            if (std::isfinite(v[i])) m_lo = std::min(m_lo, v[i]), m_hi = std::max(m_hi, v[i]);
        if (!(m_hi >= m_lo)) m_lo = m_hi = 0;
        // Its own range: gray from its min to its max, or ± its largest |value| when signed.
        if (m_signed) {
            const float m = std::max(std::abs(m_lo), std::abs(m_hi));
            m_big = ColorRamp::diverging(m_theme).image(v, m_W, m_H, m > 0 ? 1.0f / m : 1.0f, 0.0f, false);
        } else {
            const float span = m_hi - m_lo;
            m_big = ColorRamp::grayscale().image(v, m_W, m_H, span > 0 ? 1.0f / span : 1.0f,
                                                 span > 0 ? -m_lo / span : 0.0f, false);
        }
    }
    update();
}

QString FeatureMapDialog::range_text() const {
    if (m_selected < 0) return {};
    return QStringLiteral("Map %1 of %2 · %3×%4 · values %5 … %6")
        .arg(m_selected + 1)
        .arg(m_C)
        .arg(m_H)
        .arg(m_W)
        .arg(short_number(m_lo), short_number(m_hi));
}

QRectF FeatureMapDialog::map_rect(int channel) const {
    const_cast<FeatureMapDialog*>(this)->layout_grid();
    return channel >= 0 && static_cast<size_t>(channel) < m_rects.size() ? m_rects[static_cast<size_t>(channel)] : QRectF();
}

void FeatureMapDialog::layout_grid() {
    m_rects.clear();
    const qreal k = m_theme.font_scale;
    const QFontMetricsF fm(font());
    const QRectF all = QRectF(rect()).adjusted(12 * k, 12 * k + fm.height() * 1.6, -12 * k, -12 * k);
    // The grid on the left 60%, the large map on the right.
    const QRectF grid(all.left(), all.top(), all.width() * 0.6, all.height());
    m_big_rect = QRectF(grid.right() + 16 * k, all.top(), all.right() - grid.right() - 16 * k, all.height());
    const int n = m_C;
    if (n <= 0) return;
    const qreal g = 3 * k;
    int best_cols = 1;
    qreal best = 0;
    for (int cols = 1; cols <= n; ++cols) {
        const int rows = (n + cols - 1) / cols;
        const qreal side = std::min((grid.width() - (cols - 1) * g) / cols, (grid.height() - (rows - 1) * g) / rows);
        if (side > best) best = side, best_cols = cols;
    }
    for (int i = 0; i < n; ++i)
        m_rects.push_back(QRectF(grid.left() + (i % best_cols) * (best + g), grid.top() + (i / best_cols) * (best + g), best, best));
}

void FeatureMapDialog::paintEvent(QPaintEvent*) {
    layout_grid();
    QPainter p(this);
    p.fillRect(rect(), m_theme.background);
    const qreal k = m_theme.font_scale;
    const QFont bold = [&] { QFont f = font(); f.setBold(true); return f; }();
    const QFontMetricsF fm(font());
    p.setFont(bold);
    p.setPen(m_theme.foreground);
    const QString head = m_C > 0 ? QStringLiteral("%1 · all %2 maps of %3×%4 for the probe item").arg(m_title).arg(m_C).arg(m_H).arg(m_W)
                                 : QStringLiteral("%1 · no maps yet: waiting for a snapshot").arg(m_title);
    p.drawText(QRectF(12 * k, 8 * k, width() - 24 * k, fm.height() * 1.4), Qt::AlignLeft | Qt::AlignVCenter, head);
    p.setFont(font());
    p.setPen(QPen(m_theme.grid.darker(120), 0.6));
    for (size_t i = 0; i < m_rects.size() && i < m_maps.size(); ++i) {
        p.setBrush(Qt::NoBrush);
        p.drawImage(m_rects[i], m_maps[i]);
        p.drawRect(m_rects[i]);
    }
    if (m_selected >= 0 && static_cast<size_t>(m_selected) < m_rects.size()) {
        p.setPen(QPen(m_theme.train, 2.5 * k));
        p.drawRect(m_rects[static_cast<size_t>(m_selected)].adjusted(-1, -1, 1, 1));
    }
    // The selected map, large, with its range.
    p.setPen(m_theme.muted);
    if (m_big.isNull()) {
        p.drawText(m_big_rect, Qt::AlignCenter | Qt::TextWordWrap, QStringLiteral("Click a map to see it large."));
        return;
    }
    const qreal text_h = fm.height() * 4;
    const qreal side = std::min(m_big_rect.width(), m_big_rect.height() - text_h);
    const QRectF big(m_big_rect.left() + (m_big_rect.width() - side) / 2, m_big_rect.top(), side, side);
    p.setRenderHint(QPainter::SmoothPixmapTransform, false);  // the pixels as they are
    p.drawImage(big, m_big);
    p.setPen(QPen(m_theme.muted, 0.8));
    p.drawRect(big);
    p.setPen(m_theme.foreground);
    p.drawText(QRectF(m_big_rect.left(), big.bottom() + 4 * k, m_big_rect.width(), fm.height() * 1.4),
               Qt::AlignHCenter | Qt::AlignVCenter, range_text());
    LegendSpec legend{m_signed ? ColorRamp::diverging(m_theme) : ColorRamp::grayscale(),
                      m_signed ? short_number(-std::max(std::abs(m_lo), std::abs(m_hi))) : short_number(m_lo),
                      m_signed ? short_number(std::max(std::abs(m_lo), std::abs(m_hi))) : short_number(m_hi),
                      QStringLiteral("activation")};
    draw_color_legend(p, QRectF(m_big_rect.left(), big.bottom() + 6 * k + fm.height() * 1.4, m_big_rect.width(), fm.height() * 1.6),
                      legend, m_theme, font(), 110 * k);
}

void FeatureMapDialog::mousePressEvent(QMouseEvent* event) {
    layout_grid();
    for (size_t i = 0; i < m_rects.size(); ++i)
        if (m_rects[i].contains(event->position())) {
            select_channel(static_cast<int>(i));
            return;
        }
    QDialog::mousePressEvent(event);
}

}  // namespace gs::studio
