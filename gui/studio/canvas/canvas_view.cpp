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

QString CanvasView::tooltip_at(const QPointF& pos) const {
    for (const Hit& h : m_hits)
        if (h.rect.contains(pos)) return h.tip;
    return {};
}

QString fit_parts(const QString& line, const QFontMetricsF& fm, qreal w) {
    static const QString sep = QStringLiteral(" · ");
    if (fm.horizontalAdvance(line) <= w) return line;
    QStringList parts = line.split(sep);
    while (parts.size() > 1) {
        const QString last = parts.takeLast();
        const QString head = parts.join(sep);
        // The last part shortened, if a few of its letters still show.
        const qreal room = w - fm.horizontalAdvance(head + sep);
        const QString cut = fm.elidedText(last, Qt::ElideRight, room);
        if (cut.size() >= 4 && cut != QStringLiteral("…")) return head + sep + cut;
        if (fm.horizontalAdvance(head) <= w) return head;
    }
    // A name with its numbers ("Conv 32 3×3"): the numbers go first, word by
    // word ("Conv 32", "Conv"); the name is cut only when it alone does not fit.
    QStringList words = parts.front().split(QLatin1Char(' '), Qt::SkipEmptyParts);
    if (!words.isEmpty() && words.front().front().isLetter())
        while (words.size() > 1) {
            words.removeLast();
            if (fm.horizontalAdvance(words.join(QLatin1Char(' '))) <= w) return words.join(QLatin1Char(' '));
        }
    return fm.elidedText(parts.front(), Qt::ElideRight, w);
}

QString head_tip(std::initializer_list<QString> lines) {
    QStringList out;
    for (const QString& l : lines)
        if (!l.isEmpty()) out << l;
    return out.join(QLatin1Char('\n'));
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
    const QString shown = fit_parts(text, fm, w);
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
