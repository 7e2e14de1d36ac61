// The output panel of a 1-input regression network (linear regression): the
// data as points (input across, target up) and the model's fitted curve over
// them, from the snapshot's curve of SnapshotRequest::grid points. Built in
// rebuild (build_curve), drawn by paint (paint_curve_panel).
#include <QFontMetricsF>
#include <QPainterPath>
#include <algorithm>
#include <cmath>

#include "dense_view.h"

namespace gs::studio {

void DenseView::build_curve(const CanvasState& s) {
    m_curve.clear();
    const gs::Snapshot* snap = s.snapshot.get();
    if (!snap || !s.data.one_d || s.data.classes != 0 || snap->grid <= 0 || s.groups.empty()) return;
    const size_t L = static_cast<size_t>(s.groups.back().shown);
    if (L >= snap->grid_units.size() || snap->grid_units[L].size() != 1 ||
        snap->grid_units[L][0].size() != static_cast<size_t>(snap->grid))
        return;
    m_curve = snap->grid_units[L][0];
    m_lo[0] = snap->lo[0];
    m_hi[0] = snap->hi[0];
    // The value axis holds the targets and the curve.
    float lo = INFINITY, hi = -INFINITY;
    for (const DataPoint& d : s.data.points)
        if (std::isfinite(d.y)) lo = std::min(lo, d.y), hi = std::max(hi, d.y);
    for (float v : m_curve)
        if (std::isfinite(v)) lo = std::min(lo, v), hi = std::max(hi, v);
    if (!(hi >= lo)) lo = -1, hi = 1;
    // A curve that ran off to 1e30 must not flatten the data into a line.
    const float span_data = s.data.target_hi - s.data.target_lo;
    if (span_data > 0) {
        lo = std::max(lo, s.data.target_lo - 2 * span_data);
        hi = std::min(hi, s.data.target_hi + 2 * span_data);
    }
    const float m = 0.08f * std::max(hi - lo, 1e-3f);
    m_lo[1] = lo - m;
    m_hi[1] = hi + m;
    m_panel = true;
}

void DenseView::paint_curve_panel(QPainter& p, const QRectF& panel, const CanvasState& s) {
    const Theme& th = s.theme;
    const qreal k = s.scale();
    const QFont small = small_font(s.font);
    const QFontMetricsF fs(small);
    p.fillRect(panel, th.panel);
    p.setPen(QPen(th.grid, 1));
    for (int i = 1; i < 4; ++i) {
        const qreal x = panel.left() + panel.width() * i / 4, y = panel.top() + panel.height() * i / 4;
        p.drawLine(QPointF(x, panel.top()), QPointF(x, panel.bottom()));
        p.drawLine(QPointF(panel.left(), y), QPointF(panel.right(), y));
    }
    const float wx = m_hi[0] - m_lo[0], wy = m_hi[1] - m_lo[1];
    auto at = [&](float x, float y) {
        return QPointF(panel.left() + (x - m_lo[0]) / wx * panel.width(), panel.bottom() - (y - m_lo[1]) / wy * panel.height());
    };
    p.save();
    p.setClipRect(panel);
    // The data: training points filled, test points (on the toggle) hollow.
    const qreal r = th.point_size * 0.8;
    m_points_drawn = 0;
    for (int pass = 0; pass < 2; ++pass) {
        if (pass == 1 && !s.show_test_points) break;
        for (const DataPoint& d : s.data.points) {
            if (d.test != (pass == 1)) continue;
            if (d.test) {
                p.setBrush(Qt::NoBrush);
                p.setPen(QPen(th.validation, 1.4 * s.line_scale()));
            } else {
                p.setBrush(th.train);
                p.setPen(QPen(QColor(255, 255, 255, 200), 0.8));
                ++m_points_drawn;
            }
            p.drawEllipse(at(d.x, d.y), r, r);
        }
    }
    // The fitted curve on top.
    QPainterPath path;
    const int g = static_cast<int>(m_curve.size());
    bool open = false;
    for (int c = 0; c < g; ++c) {
        const float v = m_curve[static_cast<size_t>(c)];
        if (!std::isfinite(v)) {
            open = false;
            continue;
        }
        const QPointF pt = at(m_lo[0] + (c + 0.5f) / g * wx, std::clamp(v, m_lo[1] - wy, m_hi[1] + wy));
        if (open)
            path.lineTo(pt);
        else
            path.moveTo(pt);
        open = true;
    }
    p.setBrush(Qt::NoBrush);
    p.setPen(QPen(th.error, 2.5 * s.line_scale(), Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin));
    p.drawPath(path);
    p.restore();
    // Axes: the input across, the target up, their ends.
    p.setPen(QPen(th.muted, 0.8 * s.line_scale()));
    p.setBrush(Qt::NoBrush);
    p.drawRect(panel);
    p.setFont(small);
    const qreal h = fs.height();
    p.drawText(QRectF(panel.left(), panel.bottom() + 2, panel.width(), h), Qt::AlignLeft | Qt::AlignTop, short_number(m_lo[0]));
    p.drawText(QRectF(panel.left(), panel.bottom() + 2, panel.width(), h), Qt::AlignRight | Qt::AlignTop, short_number(m_hi[0]));
    p.drawText(QRectF(panel.left(), panel.bottom() + 2, panel.width(), h), Qt::AlignHCenter | Qt::AlignTop, QStringLiteral("x1"));
    const qreal tw = fs.horizontalAdvance(QStringLiteral("-0.00")) + 4 * k;
    p.drawText(QRectF(panel.left() - tw - 3 * k, panel.top(), tw, h), Qt::AlignRight | Qt::AlignTop, short_number(m_hi[1]));
    p.drawText(QRectF(panel.left() - tw - 3 * k, panel.bottom() - h, tw, h), Qt::AlignRight | Qt::AlignBottom, short_number(m_lo[1]));
    // Above the middle, where the connection from the last column comes in.
    p.drawText(QRectF(panel.left() - tw - 3 * k, panel.top() + panel.height() / 4 - h / 2, tw, h),
               Qt::AlignRight | Qt::AlignVCenter, QStringLiteral("y"));
}

}  // namespace gs::studio
