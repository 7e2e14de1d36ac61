// The convolutional network picture: the probe's input, feature maps per
// layer group, hidden units and class probabilities as bars.
#include "conv_view.h"

#include <QFontMetricsF>
#include <QPainterPath>
#include <algorithm>
#include <cmath>

namespace gs::studio {

namespace {

float max_abs_of(const std::vector<float>& v) {
    float m = 0;
    for (float x : v)
        if (std::isfinite(x)) m = std::max(m, std::abs(x));
    return m;
}

}  // namespace

void ConvView::rebuild(const CanvasState& s) {
    m_cols.clear();
    m_input = QImage();
    m_caption.clear();
    m_input_detail.clear();
    m_label = m_predicted = -1;
    m_any_signed = m_any_gray = false;
    if (!s.has_model) return;
    const gs::Snapshot* snap = s.snapshot.get();
    const ColorRamp gray = ColorRamp::grayscale(), div = ColorRamp::diverging(s.theme);

    // The probe item as the dataset gives it, each image rescaled to 0..255.
    if (snap && snap->probe >= 0 && s.data.probe_split &&
        static_cast<size_t>(snap->probe) < s.data.probe_split->size()) {
        const DataItems& d = *s.data.probe_split;
        const gs::Shape item = d.item_shape();
        std::vector<float> x(item.numel()), y(static_cast<size_t>(d.target_size()));
        const uint32_t i = static_cast<uint32_t>(snap->probe);
        d.gather(&i, 1, x.data(), y.data());
        if (item.rank == 3 && !x.empty()) {
            const int C = item[0], H = item[1], W = item[2];
            const auto [lo, hi] = std::minmax_element(x.begin(), x.end());
            const float a = *hi > *lo ? 255.0f / (*hi - *lo) : 0.0f, l = *lo;
            m_input = QImage(W, H, QImage::Format_RGB32);
            for (int r = 0; r < H; ++r) {
                auto* line = reinterpret_cast<QRgb*>(m_input.scanLine(r));
                for (int c = 0; c < W; ++c) {
                    auto ch = [&](int k) {
                        return static_cast<int>((x[(static_cast<size_t>(std::min(k, C - 1)) * H + r) * W + c] - l) * a + 0.5f);
                    };
                    line[c] = C >= 3 ? qRgb(ch(0), ch(1), ch(2)) : qRgb(ch(0), ch(0), ch(0));
                }
            }
            m_input_detail = QStringLiteral("%1×%2%3").arg(H).arg(W).arg(C > 1 ? QStringLiteral(" ×%1").arg(C) : QString());
        }
        m_label = snap->probe_label;
    }

    for (size_t gi = 0; gi < s.groups.size(); ++gi) {
        const LayerGroup& g = s.groups[gi];
        Column c;
        c.first = g.first;
        c.last = g.last;
        c.main = g.main;
        c.title = g.title;
        c.subtitle = g.subtitle;
        const bool last = gi + 1 == s.groups.size();
        const size_t L = static_cast<size_t>(g.shown);
        const std::vector<float>* acts =
            snap && L < snap->probe_activations.size() && snap->probe_activations[L].size() == g.out.numel()
                ? &snap->probe_activations[L]
                : nullptr;
        if (acts) c.max_abs = max_abs_of(*acts);
        if (g.out.rank == 3) {
            c.kind = Kind::Maps;
            const int C = g.out[0], H = g.out[1], W = g.out[2];
            c.channels = C;
            c.detail = QStringLiteral("%1×%2 ×%3").arg(H).arg(W).arg(C);
            if (acts) {
                c.signed_values = std::any_of(acts->begin(), acts->end(), [&](float v) { return v < -1e-6f * c.max_abs; });
                // White at the layer's 99th percentile of |value|: a single hot
                // pixel would otherwise leave every map nearly black.
                std::vector<float> mag(acts->size());
                for (size_t j = 0; j < mag.size(); ++j)  // NaN would break nth_element's ordering
                    mag[j] = std::isfinite((*acts)[j]) ? std::abs((*acts)[j]) : 0.0f;
                const size_t at = mag.size() * 99 / 100;
                std::nth_element(mag.begin(), mag.begin() + static_cast<long>(at), mag.end());
                const float bright = std::max(mag[at], 0.2f * c.max_abs);
                const float scale = bright > 0 ? 1.0f / bright : 1.0f;
                const ColorRamp& ramp = c.signed_values ? div : gray;
                for (int ch = 0; ch < std::min(C, kMaxMaps); ++ch)
                    c.maps.push_back(ramp.image(acts->data() + static_cast<size_t>(ch) * H * W, W, H, scale, 0.0f, false));
                (c.signed_values ? m_any_signed : m_any_gray) = true;
            }
            c.weight = 1.0;
        } else {
            c.kind = last ? Kind::Output : Kind::Bars;
            c.channels = static_cast<int>(g.out.numel());
            c.detail = QStringLiteral("%1 units").arg(c.channels);
            if (acts) c.values = *acts;
            c.signed_values = std::any_of(c.values.begin(), c.values.end(), [](float v) { return v < 0; });
            c.weight = last ? 1.7 : 0.75;
            if (c.kind == Kind::Bars && acts) m_any_signed = true;
        }
        m_cols.push_back(c);
    }

    // The prediction and the caption.
    if (!m_cols.empty() && m_cols.back().kind == Kind::Output && !m_cols.back().values.empty()) {
        const std::vector<float>& v = m_cols.back().values;
        if (v.size() == 1)
            m_predicted = v[0] > 0.5f ? 1 : 0;
        else
            m_predicted = static_cast<int>(std::max_element(v.begin(), v.end()) - v.begin());
    }
    if (snap && snap->probe >= 0) {
        m_caption = QStringLiteral("Probe: %1 item %2").arg(s.data.probe_split_name).arg(snap->probe);
        if (m_label >= 0) m_caption += QStringLiteral(" · label: %1").arg(s.data.class_names.value(m_label));
        if (m_predicted >= 0 && m_cols.back().values.size() > 1) {
            const float conf = m_cols.back().values[static_cast<size_t>(m_predicted)];
            m_caption += QStringLiteral(" · predicted: %1 (%2)")
                             .arg(s.data.class_names.value(m_predicted))
                             .arg(percent_or_dash(conf));
        }
    }
}

std::vector<std::pair<int, int>> ConvView::feature_maps_shown() const {
    std::vector<std::pair<int, int>> out;
    for (const Column& c : m_cols)
        if (c.kind == Kind::Maps) out.emplace_back(c.main, static_cast<int>(c.maps.size()));
    return out;
}

QRectF ConvView::more_rect(int layer) const {
    for (const Spot& m : m_more_rects)
        if (m.layer == layer) return m.rect;
    return {};
}

int ConvView::map_at(const QPointF& pos, int* layer) const {
    for (const Spot& m : m_map_rects)
        if (m.rect.contains(pos)) {
            if (layer) *layer = m.layer;
            return m.channel;
        }
    return -1;
}

int ConvView::more_at(const QPointF& pos) const {
    for (const Spot& m : m_more_rects)
        if (m.rect.adjusted(-4, -4, 4, 4).contains(pos)) return m.layer;
    return -1;
}

int ConvView::output_bars() const {
    return !m_cols.empty() && m_cols.back().kind == Kind::Output ? static_cast<int>(m_cols.back().values.size()) : 0;
}

void ConvView::paint(QPainter& p, const QRectF& rect, const CanvasState& s) {
    m_hits.clear();
    m_map_rects.clear();
    m_more_rects.clear();
    m_map_side = 0;
    m_row_h = 0;
    const Theme& th = s.theme;
    const QFont font = s.font, bold = bold_font(s.font), small = small_font(s.font);
    if (m_cols.empty()) {
        draw_no_network(p, rect, s);
        return;
    }
    const qreal k = s.scale();
    const QFontMetricsF fm(font), fb(bold), fs(small);
    const qreal margin = 12 * k;
    const qreal caption_h = fb.height() + 6 * k;
    const qreal header_h = fb.height() + 2 * fs.height() + 10 * k;
    const qreal legend_h = fm.height() * 2.0;
    const QRectF body = rect.adjusted(margin, margin + caption_h + header_h, -margin, -margin - legend_h);
    if (body.height() < 30 || body.width() < 100) return;

    p.setFont(bold);
    p.setPen(th.foreground);
    const QString caption = m_caption.isEmpty() ? QStringLiteral("Waiting for a snapshot of the probe item…") : m_caption;
    p.drawText(QRectF(rect.left() + margin, rect.top() + margin, rect.width() - 2 * margin, fb.height()),
               Qt::AlignLeft | Qt::AlignTop, fb.elidedText(caption, Qt::ElideRight, rect.width() - 2 * margin));

    // Column widths: the input, then each group by its weight.
    const qreal gap = 18 * k;
    qreal total = 1.1;
    for (const Column& c : m_cols) total += c.weight;
    const qreal unit = (body.width() - gap * static_cast<qreal>(m_cols.size())) / total;
    const qreal head_top = rect.top() + margin + caption_h;
    qreal x = body.left();

    // The input image.
    {
        const qreal w = 1.1 * unit;
        draw_centered(p, QStringLiteral("Input"), x + w / 2, head_top, w, th.foreground, bold);
        draw_centered(p, m_input_detail, x + w / 2, head_top + fb.height(), w, th.muted, small);
        if (!m_input.isNull()) {
            // At least 64 px a side where the column allows it.
            const qreal side = std::min({w, body.height(), std::max(body.height() * 0.6, 64 * k)});
            const QRectF r(x + (w - side) / 2, body.center().y() - side / 2, side, side);
            p.drawImage(r, m_input);
            p.setPen(QPen(th.muted, 0.8));
            p.setBrush(Qt::NoBrush);
            p.drawRect(r);
            if (m_label >= 0)
                draw_centered(p, s.data.class_names.value(m_label), r.center().x(), r.bottom() + 4 * k, w,
                              th.foreground, small);
        }
        x += w + gap;
    }

    for (const Column& c : m_cols) {
        const qreal w = c.weight * unit;
        const QRectF col(x, head_top, w, body.bottom() - head_top);
        m_hits.push_back({col.adjusted(-gap / 3, -margin / 2, gap / 3, 0), c.first, c.last, c.main,
                          head_tip({c.title, c.subtitle, c.detail})});
        if (s.selected_layer >= c.first && s.selected_layer <= c.last)
            draw_selection(p, m_hits.back().rect, th, k);
        // A small arrow from the column before.
        p.setPen(Qt::NoPen);
        p.setBrush(th.grid.darker(115));
        const qreal ay = body.center().y(), ax = x - gap / 2;
        p.drawPolygon(QPolygonF({QPointF(ax - 3 * k, ay - 5 * k), QPointF(ax + 3 * k, ay), QPointF(ax - 3 * k, ay + 5 * k)}));
        draw_centered(p, c.title, x + w / 2, head_top, w + gap * 0.8, th.foreground, bold);
        draw_centered(p, c.subtitle, x + w / 2, head_top + fb.height(), w + gap * 0.8, th.muted, small);
        draw_centered(p, c.detail, x + w / 2, head_top + fb.height() + fs.height(), w + gap * 0.8, th.muted, small);
        const QRectF area(x, body.top(), w, body.height());
        if (c.kind == Kind::Maps)
            paint_maps(p, c, area, s);
        else if (c.kind == Kind::Bars)
            paint_bars(p, c, area, s);
        else
            paint_output(p, c, area, s);
        x += w + gap;
    }

    // Legends.
    const QRectF row(rect.left() + margin, body.bottom() + 4 * k, rect.width() - 2 * margin, legend_h - 4 * k);
    qreal lx = row.left();
    if (m_any_gray || !m_any_signed)
        lx += draw_color_legend(p, QRectF(lx, row.top(), row.width(), row.height()),
                                {ColorRamp::grayscale(), QStringLiteral("0"), QStringLiteral("high (per layer)"),
                                 QStringLiteral("activation")},
                                th, small, 90 * k) + 26 * k;
    if (m_any_signed)
        lx += draw_color_legend(p, QRectF(lx, row.top(), row.width(), row.height()),
                                {ColorRamp::diverging(th), QStringLiteral("−max"), QStringLiteral("+max"),
                                 QStringLiteral("activation")},
                                th, small, 90 * k) + 26 * k;
    p.setFont(small);
    p.setPen(th.muted);
    const qreal hint_w = row.right() - lx - 110 * k;
    p.drawText(QRectF(lx, row.top(), std::max<qreal>(0, hint_w), row.height()), Qt::AlignVCenter | Qt::AlignLeft,
               QFontMetricsF(small).elidedText(QStringLiteral("Click a sample in the dataset preview to probe it."),
                                               Qt::ElideRight, std::max<qreal>(0, hint_w)));
    draw_step(p, row, s);
}

void ConvView::paint_maps(QPainter& p, const Column& c, const QRectF& area, const CanvasState& s) {
    const int built = static_cast<int>(c.maps.size());
    const qreal k = s.scale();
    const QFontMetricsF fs(small_font(s.font));
    const qreal g = 3 * k;
    // The arrangement that makes n maps largest, with the "+N more" line under them.
    auto fit = [&](int n, int& best_cols) {
        const int m = std::max(1, n);
        const qreal avail_h = area.height() - (c.channels > n ? fs.height() + 4 * k : 0);
        qreal best = 0;
        best_cols = 1;
        for (int cols = 1; cols <= m; ++cols) {
            const int rows = (m + cols - 1) / cols;
            const qreal side = std::min((area.width() - (cols - 1) * g) / cols, (avail_h - (rows - 1) * g) / rows);
            if (side > best) best = side, best_cols = cols;
        }
        return best;
    };
    // As many maps as stay legible (40 px a side at the standard scale); the
    // rest are counted in "+N more", which opens them all.
    int shown = built, best_cols = 1;
    qreal best = fit(shown, best_cols);
    while (shown > 1 && best < 40 * k) best = fit(--shown, best_cols);
    // Full rows when some are left out anyway.
    if (c.channels > shown && shown > best_cols && shown % best_cols != 0) {
        shown -= shown % best_cols;
        best = fit(shown, best_cols);
    }
    const bool more = c.channels > shown;
    const qreal avail_h = area.height() - (more ? fs.height() + 4 * k : 0);
    const int rows = (std::max(1, shown) + best_cols - 1) / best_cols;
    const qreal side = std::min(best, 96 * k);
    if (shown > 0) m_map_side = m_map_side > 0 ? std::min(m_map_side, side) : side;
    const qreal gw = best_cols * side + (best_cols - 1) * g, gh = rows * side + (rows - 1) * g;
    const qreal x0 = area.center().x() - gw / 2, y0 = area.top() + (avail_h - gh) / 2;
    p.setPen(QPen(s.theme.grid.darker(120), 0.6));
    p.setBrush(Qt::NoBrush);
    for (int i = 0; i < shown; ++i) {
        const QRectF r(x0 + (i % best_cols) * (side + g), y0 + (i / best_cols) * (side + g), side, side);
        p.drawImage(r, c.maps[static_cast<size_t>(i)]);
        p.drawRect(r);
        m_map_rects.push_back({c.main, i, r});
    }
    if (c.maps.empty()) {
        p.setBrush(s.theme.panel);
        p.drawRect(QRectF(x0, y0, side, side));
    }
    if (more) {
        const QString text = QStringLiteral("+%1 more").arg(c.channels - shown);
        const QFont small = small_font(s.font);
        draw_centered(p, text, area.center().x(), y0 + gh + 4 * k, area.width() + 12 * k, s.theme.muted, small);
        const qreal tw = fs.horizontalAdvance(text) + 8 * k;
        m_more_rects.push_back({c.main, 0, QRectF(area.center().x() - tw / 2, y0 + gh + 2 * k, tw, fs.height() + 4 * k)});
    }
}

void ConvView::paint_bars(QPainter& p, const Column& c, const QRectF& area, const CanvasState& s) const {
    const int n = std::min<int>(static_cast<int>(c.values.size()), kMaxBars);
    if (n == 0) return;
    const qreal k = s.scale();
    const QFontMetricsF fs(small_font(s.font));
    const bool more = c.channels > n;
    const qreal avail = area.height() - (more ? fs.height() + 4 * k : 0);
    const qreal h = std::min<qreal>(avail / n, 14 * k);
    const qreal y0 = area.top() + (avail - h * n) / 2;
    const ColorRamp div = ColorRamp::diverging(s.theme);
    const float m = c.max_abs > 0 ? c.max_abs : 1.0f;
    const qreal base = c.signed_values ? area.center().x() : area.left();
    const qreal reach = c.signed_values ? area.width() / 2 : area.width();
    p.setPen(QPen(s.theme.grid.darker(120), 0.6));
    p.drawLine(QPointF(base, y0), QPointF(base, y0 + h * n));
    p.setPen(Qt::NoPen);
    for (int i = 0; i < n; ++i) {
        const float v = c.values[static_cast<size_t>(i)];
        const qreal len = reach * std::abs(v) / m;
        p.setBrush(QColor(div.at(v / m)));
        p.drawRect(QRectF(v >= 0 ? base : base - len, y0 + i * h + h * 0.12, len, std::max<qreal>(h * 0.76, 1)));
    }
    if (more)
        draw_centered(p, QStringLiteral("+%1 more").arg(c.channels - n), area.center().x(), y0 + h * n + 4 * k,
                      area.width() + 12 * k, s.theme.muted, small_font(s.font));
}

void ConvView::paint_output(QPainter& p, const Column& c, const QRectF& area, const CanvasState& s) {
    const int n = static_cast<int>(c.values.size());
    if (n == 0) return;
    const Theme& th = s.theme;
    const qreal k = s.scale();
    const QFont small = small_font(s.font), bold = bold_font(small);
    const QFontMetricsF fs(small), fb(bold);
    qreal name_w = 0;
    for (int i = 0; i < n; ++i) name_w = std::max(name_w, fb.horizontalAdvance(s.data.class_names.value(i, QString::number(i))));
    name_w = std::min(name_w + 6 * k, area.width() * 0.5);
    const qreal pct_w = fs.horizontalAdvance(QStringLiteral("100%")) + 6 * k;
    // The rows that fit at a readable height: all classes, or the most likely
    // ones and the true label, with "+N more" under them.
    std::vector<int> rows(static_cast<size_t>(n));
    for (int i = 0; i < n; ++i) rows[static_cast<size_t>(i)] = i;
    if (area.height() / n < 1.15 * fs.height()) {
        const int fit = std::max(1, static_cast<int>((area.height() - fs.height()) / (1.2 * fs.height())));
        std::stable_sort(rows.begin(), rows.end(), [&](int a, int b) {
            return c.values[static_cast<size_t>(a)] > c.values[static_cast<size_t>(b)];
        });
        rows.resize(static_cast<size_t>(std::min(fit, n)));
        if (m_label >= 0 && m_label < n && std::find(rows.begin(), rows.end(), m_label) == rows.end())
            rows.back() = m_label;
    }
    const int shown = static_cast<int>(rows.size());
    const qreal more_h = shown < n ? fs.height() : 0;
    const qreal h = std::min<qreal>((area.height() - more_h) / shown, fs.height() * 1.7);
    m_row_h = h;
    const qreal y0 = area.center().y() - (h * shown + more_h) / 2;
    const qreal bar_x = area.left() + name_w, bar_w = std::max<qreal>(10, area.width() - name_w - pct_w);
    const bool probs = std::all_of(c.values.begin(), c.values.end(), [](float v) { return v >= 0 && v <= 1.0001f; });
    const float m = probs ? 1.0f : std::max(c.max_abs, 1e-12f);
    for (int r = 0; r < shown; ++r) {
        const int i = rows[static_cast<size_t>(r)];
        const QRectF row(area.left(), y0 + r * h, area.width(), h);
        const float v = c.values[static_cast<size_t>(i)];
        if (i == m_label) {
            QColor hl = th.ok;
            hl.setAlpha(40);
            p.setPen(Qt::NoPen);
            p.setBrush(hl);
            p.drawRoundedRect(row.adjusted(-4 * k, 1, 4 * k, -1), 4 * k, 4 * k);
        }
        p.setFont(i == m_label ? bold : small);
        p.setPen(th.foreground);
        const QString name = s.data.class_names.value(i, QString::number(i));
        p.drawText(QRectF(row.left(), row.top(), name_w - 6 * k, h), Qt::AlignRight | Qt::AlignVCenter,
                   fs.elidedText(name, Qt::ElideRight, name_w - 6 * k));
        QColor bar = i == m_predicted ? th.train : th.muted;
        if (i != m_predicted) bar.setAlpha(120);
        p.setPen(Qt::NoPen);
        p.setBrush(th.panel);
        p.drawRect(QRectF(bar_x, row.top() + h * 0.2, bar_w, h * 0.6));
        p.setBrush(bar);
        p.drawRect(QRectF(bar_x, row.top() + h * 0.2, bar_w * std::clamp(std::abs(v) / m, 0.0f, 1.0f), h * 0.6));
        p.setFont(small);
        p.setPen(th.muted);
        p.drawText(QRectF(bar_x + bar_w + 4 * k, row.top(), pct_w, h), Qt::AlignLeft | Qt::AlignVCenter,
                   probs ? QStringLiteral("%1%").arg(std::lround(100.0 * v)) : short_number(v));
    }
    if (shown < n)
        draw_centered(p, QStringLiteral("+%1 more classes").arg(n - shown), area.center().x(), y0 + h * shown,
                      area.width(), th.muted, small);
}

}  // namespace gs::studio
