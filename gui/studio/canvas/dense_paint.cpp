// Laying out and painting the dense network picture from the images that
// DenseView::rebuild made: headers, connections, neurons, the output panel
// with its points, and the legends.
#include <QFontMetricsF>
#include <QPainterPath>
#include <algorithm>
#include <cmath>

#include "dense_view.h"

namespace gs::studio {

namespace {

// A connection: the curve a -> b (horizontal at both ends) of the given
// width, drawn as parallel one-pixel antialiased polylines (the cosmetic
// stroker is several times faster than filling a wide antialiased curve).
void draw_connection(QPainter& p, QPointF a, QPointF b, qreal width, const QColor& color) {
    constexpr int N = 16;
    QPointF at[N + 1], normal[N + 1];
    const qreal mx = (a.x() + b.x()) / 2;
    const QPointF p0 = a, p1(mx, a.y()), p2(mx, b.y()), p3 = b;
    for (int i = 0; i <= N; ++i) {
        const qreal t = static_cast<qreal>(i) / N, u = 1 - t;
        at[i] = u * u * u * p0 + 3 * u * u * t * p1 + 3 * u * t * t * p2 + t * t * t * p3;
        const QPointF d = 3 * u * u * (p1 - p0) + 6 * u * t * (p2 - p1) + 3 * t * t * (p3 - p2);
        const qreal len = std::hypot(d.x(), d.y());
        normal[i] = len > 0 ? QPointF(-d.y() / len, d.x() / len) : QPointF(0, 1);
    }
    QPointF pts[2 * (N + 1)];
    if (width > 2.5) {
        // Wide: the body filled without antialiasing, the two edges drawn smooth.
        const qreal half = width / 2;
        for (int i = 0; i <= N; ++i) {
            pts[i] = at[i] + normal[i] * half;
            pts[2 * N + 1 - i] = at[i] - normal[i] * half;
        }
        p.setRenderHint(QPainter::Antialiasing, false);
        p.setPen(Qt::NoPen);
        p.setBrush(color);
        p.drawPolygon(pts, 2 * (N + 1));
        p.setRenderHint(QPainter::Antialiasing, true);
        QPen pen(color, 1);
        pen.setCosmetic(true);
        p.setPen(pen);
        for (qreal side : {-1.0, 1.0}) {
            for (int i = 0; i <= N; ++i) pts[i] = at[i] + normal[i] * side * (half - 0.5);
            p.drawPolyline(pts, N + 1);
        }
        return;
    }
    const int lines = std::max(1, static_cast<int>(std::lround(width)));
    QColor c = color;
    if (width < 1) c.setAlphaF(c.alphaF() * std::max(0.25, width));
    QPen pen(c, 1);
    pen.setCosmetic(true);
    p.setPen(pen);
    for (int l = 0; l < lines; ++l) {
        const qreal off = (l - (lines - 1) / 2.0) * 0.9;
        for (int i = 0; i <= N; ++i) pts[i] = at[i] + normal[i] * off;
        p.drawPolyline(pts, N + 1);
    }
}

// A round point drawn once and copied: cheaper than an ellipse per point.
QImage point_sprite(const QColor& fill, const QColor& ring, qreal radius, qreal ring_width, qreal dpr) {
    const int side = static_cast<int>(std::ceil((radius + ring_width) * 2 + 2));
    QImage img(QSize(side, side) * dpr, QImage::Format_ARGB32_Premultiplied);
    img.setDevicePixelRatio(dpr);
    img.fill(Qt::transparent);
    QPainter q(&img);
    q.setRenderHint(QPainter::Antialiasing);
    q.setPen(ring_width > 0 ? QPen(ring, ring_width) : Qt::NoPen);
    q.setBrush(fill.isValid() ? QBrush(fill) : Qt::NoBrush);
    q.drawEllipse(QPointF(side / 2.0, side / 2.0), radius, radius);
    return img;
}


}  // namespace

void DenseView::paint(QPainter& p, const QRectF& rect, const CanvasState& s) {
    m_hits.clear();
    m_node_rects.clear();
    const Theme& th = s.theme;
    const QFont font = s.font, bold = bold_font(s.font), small = small_font(s.font);
    if (m_cols.empty()) {
        draw_no_network(p, rect, s);
        return;
    }
    const qreal k = s.scale(), lw = s.line_scale();
    const QFontMetricsF fm(font), fb(bold), fs(small);
    const qreal margin = 12 * k;
    const qreal header_h = fb.height() + fs.height() + 10 * k;
    const qreal legend_h = fm.height() * 2.0;
    const QRectF body = rect.adjusted(margin, margin + header_h, -margin, -margin - legend_h);
    const qreal band_h = fs.height() + 6 * k;
    const QRectF nodes = body.adjusted(0, 0, 0, -band_h);
    if (nodes.height() < 20 || nodes.width() < 60) return;

    const int n = static_cast<int>(m_cols.size()) - (m_panel ? 1 : 0);
    const Column& last_drawn = m_cols[static_cast<size_t>(n - 1)];
    qreal left_labels = 0, right_labels = 0;
    for (const QString& l : m_cols[0].labels) left_labels = std::max(left_labels, fs.horizontalAdvance(l) + 6 * k);
    for (const QString& l : last_drawn.labels) right_labels = std::max(right_labels, fs.horizontalAdvance(l) + 8 * k);
    qreal panel = 0;
    // The curve's axis labels go under its panel, above the step.
    if (has_output_panel()) panel = std::min(nodes.height() - (m_curve.empty() ? 0 : fs.height() + 4 * k), body.width() * 0.38);
    const qreal cols_left = body.left() + left_labels;
    const qreal curve_ticks = m_curve.empty() ? 0 : fs.horizontalAdvance(QStringLiteral("-0.00")) + 8 * k;
    const qreal cols_right = body.right() - right_labels - (panel > 0 ? panel + 24 * k + curve_ticks : 0);
    const qreal spacing = (cols_right - cols_left) / n;
    // Neurons drawn per column: on a short canvas fewer ("+N more"), so that
    // each heatmap keeps at least 18 px a side (whatever the theme: a projector
    // shows more neurons, each at least as large as on a desk).
    const int fit = static_cast<int>(nodes.height() / (18 * 1.3));
    std::vector<int> drawn(static_cast<size_t>(n));
    int most = 1;
    for (int i = 0; i < n; ++i) {
        const Column& c = m_cols[static_cast<size_t>(i)];
        drawn[static_cast<size_t>(i)] = c.collapsed || c.shown <= fit ? c.shown : std::max(1, std::min(c.shown, fit - 1));
        most = std::max(most, drawn[static_cast<size_t>(i)] + (drawn[static_cast<size_t>(i)] < c.units && !c.collapsed));
    }
    const qreal ns = std::max<qreal>(10, std::min({spacing * 0.42, nodes.height() / (most * 1.3), 64 * k}));
    const qreal gap = std::min(ns * 0.3, (nodes.height() - most * ns) / std::max(1, most - 1));

    // Node rectangles, per column.
    std::vector<std::vector<QRectF>> rects(static_cast<size_t>(n));
    std::vector<qreal> cx(static_cast<size_t>(n));
    for (int i = 0; i < n; ++i) {
        const Column& c = m_cols[static_cast<size_t>(i)];
        cx[static_cast<size_t>(i)] = cols_left + spacing * (i + 0.5);
        const qreal size = c.collapsed ? std::min(ns * 2.2, spacing * 0.6) : ns;
        const int d = drawn[static_cast<size_t>(i)];
        const qreal total = d * size + (d - 1) * gap;
        qreal y = nodes.center().y() - total / 2;
        for (int u = 0; u < d; ++u, y += size + gap)
            rects[static_cast<size_t>(i)].push_back(QRectF(cx[static_cast<size_t>(i)] - size / 2, y, size, size));
    }
    m_node_rects = rects;
    const QRectF panel_rect(body.right() - panel, nodes.center().y() - panel / 2, panel, panel);

    // Hit areas and the selection behind everything.
    for (int i = 1; i < n; ++i) {
        const Column& c = m_cols[static_cast<size_t>(i)];
        const QRectF r(cx[static_cast<size_t>(i)] - spacing / 2 + 2, rect.top() + margin / 2, spacing - 4,
                       nodes.bottom() - rect.top() - margin / 2);
        m_hits.push_back({r, c.first, c.last, c.main, head_tip({c.title, c.subtitle})});
    }
    if (m_panel) {
        const Column& c = m_cols.back();
        // The curve's value ticks sit left of the panel, inside the selection.
        const QRectF r(panel_rect.left() - 8 * k - curve_ticks, rect.top() + margin / 2,
                       panel_rect.width() + 16 * k + curve_ticks,
                       panel_rect.bottom() + 6 * k - rect.top() - margin / 2);
        m_hits.push_back({r, c.first, c.last, c.main,
                          !m_curve.empty() ? head_tip({c.title + QStringLiteral(" · fitted line"), QStringLiteral("data and prediction")})
                                           : head_tip({c.title + QStringLiteral(" · output"), c.subtitle})});
    }
    const QRectF sel = layer_rect(s.selected_layer);
    if (!sel.isEmpty()) draw_selection(p, sel, th, k);

    // Connections, weakest first so the strong ones stay on top.
    p.setBrush(Qt::NoBrush);
    const int targets_cols = m_panel ? n + 1 : n;
    for (int i = 1; i < targets_cols; ++i) {
        const Column& c = m_cols[static_cast<size_t>(i)];
        const std::vector<QRectF>& src = rects[static_cast<size_t>(i - 1)];
        const bool into_panel = i == n;
        auto target = [&](int u) {
            return into_panel ? QPointF(panel_rect.left(), panel_rect.center().y())
                              : QPointF(rects[static_cast<size_t>(i)][static_cast<size_t>(u)].left(),
                                        rects[static_cast<size_t>(i)][static_cast<size_t>(u)].center().y());
        };
        auto source = [&](int j) { return QPointF(src[static_cast<size_t>(j)].right(), src[static_cast<size_t>(j)].center().y()); };
        if (!c.has_conn) {
            if (s.snapshot && i < n) {
                const qreal mid = (cx[static_cast<size_t>(i - 1)] + cx[static_cast<size_t>(i)]) / 2;
                draw_centered(p, QStringLiteral("too many weights to draw"), mid, body.bottom() - fs.height(),
                              spacing * 0.95, th.muted, small);
            }
            QColor m = th.muted;
            m.setAlpha(90);
            for (int u = 0; u < (into_panel ? 1 : drawn[static_cast<size_t>(i)]); ++u)
                for (size_t j = 0; j < src.size(); ++j) draw_connection(p, source(static_cast<int>(j)), target(u), 0.8 * lw, m);
            continue;
        }
        std::vector<int> order(c.conn.size());
        for (size_t j = 0; j < order.size(); ++j) order[j] = static_cast<int>(j);
        std::sort(order.begin(), order.end(),
                  [&](int a, int b) { return std::abs(c.conn[static_cast<size_t>(a)]) < std::abs(c.conn[static_cast<size_t>(b)]); });
        for (int j : order) {
            const float t = c.conn[static_cast<size_t>(j)];
            const int u = j / c.conn_sources, from = j % c.conn_sources;
            if ((!into_panel && u >= drawn[static_cast<size_t>(i)]) || from >= static_cast<int>(src.size())) continue;
            draw_connection(p, source(from), target(u), (0.6 + 4.0 * std::abs(t)) * lw, connection_pen(t));
        }
        // The scale of this layer's lines.
        const qreal mid = (cx[static_cast<size_t>(i - 1)] + (into_panel ? panel_rect.left() : cx[static_cast<size_t>(i)])) / 2;
        draw_centered(p, QStringLiteral("max |%1| %2").arg(s.show_gradients ? QStringLiteral("g") : QStringLiteral("w"),
                                                           short_number(c.conn_max)),
                      mid, body.bottom() - fs.height(), spacing * 0.95, th.muted, small);
    }

    // Neurons.
    p.setRenderHint(QPainter::SmoothPixmapTransform);
    for (int i = 0; i < n; ++i) {
        const Column& c = m_cols[static_cast<size_t>(i)];
        const auto& rs = rects[static_cast<size_t>(i)];
        const int d = drawn[static_cast<size_t>(i)];
        for (int u = 0; u < d; ++u) {
            const QRectF r = rs[static_cast<size_t>(u)];
            if (u < static_cast<int>(c.heat.size()) && !c.heat[static_cast<size_t>(u)].isNull())
                p.drawImage(r, c.heat[static_cast<size_t>(u)]);
            else if (c.collapsed && !c.picture.isNull())
                p.drawImage(r, c.picture);
            else if (u < static_cast<int>(c.flat.size()))
                p.fillRect(r, QColor(c.flat[static_cast<size_t>(u)]));
            else
                p.fillRect(r, th.panel);
            p.setPen(QPen(th.muted, 0.8 * lw));
            p.setBrush(Qt::NoBrush);
            p.drawRect(r);
        }
        const qreal below = rs.empty() ? nodes.center().y() : rs.back().bottom() + 3 * k;
        if (c.collapsed)
            draw_centered(p, QStringLiteral("%1 inputs").arg(c.units), cx[static_cast<size_t>(i)], below, spacing,
                          th.foreground, small);
        else if (d < c.units)
            draw_centered(p, QStringLiteral("+%1 more").arg(c.units - d), cx[static_cast<size_t>(i)], below,
                          spacing, th.muted, small);
        // Labels beside the nodes: inputs on the left, classes on the right.
        p.setFont(small);
        p.setPen(th.foreground);
        for (int u = 0; u < std::min<int>(d, static_cast<int>(c.labels.size())); ++u) {
            const QRectF r = rs[static_cast<size_t>(u)];
            if (i == 0)
                p.drawText(QRectF(r.left() - left_labels - 4 * k, r.top(), left_labels, r.height()),
                           Qt::AlignRight | Qt::AlignVCenter, c.labels[u]);
            else
                p.drawText(QRectF(r.right() + 6 * k, r.top(), right_labels, r.height()),
                           Qt::AlignLeft | Qt::AlignVCenter, c.labels[u]);
        }
        // The header.
        const qreal top = rect.top() + margin;
        draw_centered(p, c.title, cx[static_cast<size_t>(i)], top, spacing - 4, th.foreground, bold);
        draw_centered(p, c.subtitle, cx[static_cast<size_t>(i)], top + fb.height(), spacing - 4, th.muted, small);
    }

    // The output panel.
    if (!m_curve.empty()) {
        const qreal top = rect.top() + margin;
        const Column& oc = m_cols.back();
        draw_centered(p, oc.title + QStringLiteral(" · fitted line"), panel_rect.center().x(), top, panel + 40 * k,
                      th.foreground, bold);
        draw_centered(p, QStringLiteral("data and prediction"), panel_rect.center().x(), top + fb.height(), panel,
                      th.muted, small);
        paint_curve_panel(p, panel_rect, s);
    } else if (!m_output.isNull()) {
        const qreal top = rect.top() + margin;
        const Column& oc = m_cols.back();
        const QString title = m_panel ? oc.title + QStringLiteral(" · output") : QStringLiteral("Output");
        draw_centered(p, title, panel_rect.center().x(), top, panel + 40 * k, th.foreground, bold);
        draw_centered(p, m_panel ? oc.subtitle : QStringLiteral("winning class"), panel_rect.center().x(),
                      top + fb.height(), panel, th.muted, small);
        p.drawImage(panel_rect, m_output);
        paint_points(p, panel_rect, s);
        p.setPen(QPen(th.muted, 0.8 * lw));
        p.setBrush(Qt::NoBrush);
        p.drawRect(panel_rect);
    }
    p.setRenderHint(QPainter::SmoothPixmapTransform, false);

    draw_step(p, QRectF(rect.left(), body.bottom() - band_h, rect.width() - margin, band_h), s);
    const QRectF legend_row(rect.left() + margin, body.bottom() + 4 * k, rect.width() - 2 * margin, legend_h - 4 * k);
    paint_legends(p, legend_row, s);
}

void DenseView::paint_points(QPainter& p, const QRectF& panel, const CanvasState& s) const {
    const Theme& th = s.theme;
    const float wx = m_hi[0] - m_lo[0], wy = m_hi[1] - m_lo[1];
    if (!(wx > 0) || !(wy > 0)) return;
    const qreal r = th.point_size * 0.8;
    const float tmax = m_target_scale > 0 ? m_target_scale
                                          : std::max(std::abs(s.data.target_lo), std::abs(s.data.target_hi));
    const qreal dpr = p.device() ? p.device()->devicePixelRatioF() : 1.0;
    // Class points stand out in white; values drawn on their own scale need a dark edge.
    const QColor halo = s.data.classes > 0 ? QColor(255, 255, 255, 220) : QColor(0, 0, 0, 130);
    // Sprites per colour: classes have a few, regression a ramp of 32.
    const int colours = s.data.classes > 0 ? std::max(s.data.classes, 2) : 33;
    auto colour_of = [&](const DataPoint& d) {
        if (s.data.classes > 0) return std::clamp(static_cast<int>(d.target), 0, colours - 1);
        // Targets outside the output's own range (a sigmoid output on
        // regression data) take the end colours, never an index out of range.
        const double t = tmax > 0 && std::isfinite(d.target) ? d.target / tmax : 0.0;
        return std::clamp(static_cast<int>(std::lround(std::clamp(t, -1.0, 1.0) * 16 + 16)), 0, colours - 1);
    };
    auto colour = [&](int i) {
        return s.data.classes > 0 ? class_color(th, s.data.classes, i) : QColor(m_ramp.at((i - 16) / 16.0));
    };
    std::vector<QImage> filled(static_cast<size_t>(colours)), hollow(static_cast<size_t>(colours));
    p.save();
    p.setClipRect(panel);
    for (int pass = 0; pass < 2; ++pass) {  // training points, then test points on top
        if (pass == 1 && !s.show_test_points) break;
        for (const DataPoint& d : s.data.points) {
            if (d.test != (pass == 1)) continue;
            const int ci = colour_of(d);
            QImage& sprite = (d.test ? hollow : filled)[static_cast<size_t>(ci)];
            if (sprite.isNull()) {
                if (d.test) {
                    // A ring in the class colour on a white ring, visible on either side.
                    sprite = point_sprite(QColor(), halo, r, 2.4 * s.line_scale(), dpr);
                    QPainter q(&sprite);
                    q.setRenderHint(QPainter::Antialiasing);
                    q.setPen(QPen(colour(ci), 1.4 * s.line_scale()));
                    const qreal c = sprite.width() / dpr / 2.0;
                    q.drawEllipse(QPointF(c, c), r, r);
                } else {
                    sprite = point_sprite(colour(ci), halo, r, 1.0 * s.line_scale(), dpr);
                }
            }
            const qreal half = sprite.width() / dpr / 2.0;
            const QPointF at(panel.left() + (d.x - m_lo[0]) / wx * panel.width(),
                             panel.bottom() - (d.y - m_lo[1]) / wy * panel.height());
            p.drawImage(QPointF(std::round(at.x() - half), std::round(at.y() - half)), sprite);
        }
    }
    p.restore();
}

void DenseView::paint_legends(QPainter& p, const QRectF& row, const CanvasState& s) const {
    const Theme& th = s.theme;
    const qreal k = s.scale();
    const QFont font = small_font(s.font);
    const QFontMetricsF fm(font);
    const qreal bar = 90 * k, spacing = 26 * k;
    qreal x = row.left();
    auto put = [&](const LegendSpec& l) {
        x += draw_color_legend(p, QRectF(x, row.top(), row.right() - x, row.height()), l, th, font, bar) + spacing;
    };
    const ColorRamp div = ColorRamp::diverging(th);
    put({div, QStringLiteral("−max"), QStringLiteral("+max"),
         s.show_gradients ? QStringLiteral("gradient") : QStringLiteral("weight")});
    put({div, m_neuron_lo, m_neuron_hi, m_neuron_what});
    if (!m_output.isNull() && !m_output_categorical) put(m_output_legend);
    if (m_output_categorical || (s.data.two_d && s.data.classes > 2)) {
        p.setFont(font);
        for (int c = 0; c < s.data.classes && c < 16; ++c) {
            const QString name = s.data.class_names.value(c);
            p.setPen(Qt::NoPen);
            p.setBrush(class_color(th, s.data.classes, c));
            p.drawEllipse(QPointF(x + 5 * k, row.center().y()), 5 * k, 5 * k);
            p.setPen(th.foreground);
            p.drawText(QRectF(x + 13 * k, row.top(), fm.horizontalAdvance(name) + 2, row.height()),
                       Qt::AlignVCenter | Qt::AlignLeft, name);
            x += 13 * k + fm.horizontalAdvance(name) + 12 * k;
        }
    }
    if (!m_curve.empty()) {
        const QString what = s.show_test_points ? QStringLiteral("● training  ○ test  — the model's prediction")
                                                : QStringLiteral("● training data  — the model's prediction");
        p.setFont(font);
        p.setPen(th.muted);
        p.drawText(QRectF(x, row.top(), fm.horizontalAdvance(what) + 4, row.height()), Qt::AlignVCenter | Qt::AlignLeft, what);
    }
    if (!m_output.isNull() && s.show_test_points) {
        p.setFont(font);
        p.setPen(th.muted);
        p.drawText(QRectF(x, row.top(), fm.horizontalAdvance(QStringLiteral("● training  ○ test")) + 4, row.height()),
                   Qt::AlignVCenter | Qt::AlignLeft, QStringLiteral("● training  ○ test"));
    }
}

}  // namespace gs::studio
