// Hit areas of the canvas views and the drawing helpers they share.
#include "canvas_view.h"

#include <QFontMetricsF>
#include <QLocale>

namespace gs::studio {

int CanvasState::group_of(int layer) const {
    for (size_t g = 0; g < groups.size(); ++g)
        if (layer >= groups[g].first && layer <= groups[g].last) return static_cast<int>(g);
    return -1;
}

void draw_no_network(QPainter& p, const QRectF& rect, const CanvasState& state) {
    p.setPen(state.theme.muted);
    p.setFont(state.font);
    p.drawText(rect, Qt::AlignCenter, QStringLiteral("No network yet: pick a preset or add layers."));
}

int CanvasView::layer_at(const QPointF& pos) const {
    for (const Hit& h : m_hits)
        if (h.rect.contains(pos)) return h.main;
    return -1;
}

QRectF CanvasView::layer_rect(int layer) const {
    for (const Hit& h : m_hits)
        if (layer >= h.first && layer <= h.last) return h.rect;
    return {};
}

QFont bold_font(const QFont& f) {
    QFont b = f;
    b.setBold(true);
    return b;
}

QFont small_font(const QFont& f) {
    QFont s = f;
    s.setPointSizeF(f.pointSizeF() * 0.85);
    return s;
}

void draw_centered(QPainter& p, const QString& text, qreal cx, qreal top, qreal w, const QColor& color,
                   const QFont& font) {
    const QFontMetricsF fm(font);
    p.setFont(font);
    p.setPen(color);
    const QString shown = fm.elidedText(text, Qt::ElideRight, w);
    p.drawText(QRectF(cx - w / 2, top, w, fm.height()), Qt::AlignHCenter | Qt::AlignTop, shown);
}

void draw_selection(QPainter& p, const QRectF& r, const Theme& theme, qreal scale) {
    p.save();
    QColor fill = theme.train;
    fill.setAlpha(22);
    p.setBrush(fill);
    p.setPen(QPen(theme.train, 1.5 * scale));
    p.drawRoundedRect(r, 8 * scale, 8 * scale);
    p.restore();
}

void draw_step(QPainter& p, const QRectF& rect, const CanvasState& s) {
    if (!s.snapshot) return;
    const QFont f = small_font(s.font);
    p.setFont(f);
    p.setPen(s.theme.muted);
    p.drawText(rect, Qt::AlignRight | Qt::AlignBottom,
               QStringLiteral("step %1").arg(QLocale().toString(static_cast<qlonglong>(s.snapshot->step))));
}

}  // namespace gs::studio
