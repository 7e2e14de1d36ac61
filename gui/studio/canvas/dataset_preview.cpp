// The dataset preview: an image grid with click-to-probe, or a scatter plot.
#include "dataset_preview.h"
#include "views/data_map_plots.h"

#include <QFileInfo>
#include <QFontMetricsF>
#include <QHelpEvent>
#include <QImageWriter>
#include <QLocale>
#include <QMouseEvent>
#include <QPainter>
#include <QToolTip>
#include <algorithm>
#include <cmath>

#include "color_scale.h"

namespace gs::studio {

DatasetPreview::DatasetPreview(QWidget* parent) : QWidget(parent) {
    setMinimumSize(160, 120);
    setMouseTracking(true);
}

void DatasetPreview::clear() {
    m_data = DataView{};
    m_images.clear();
    m_labels.clear();
    m_selected = -1;
    m_first = 0;
    m_split_size = 0;
    update();
}

void DatasetPreview::set_data(const DataView& data) {
    clear();
    m_data = data;
    m_first = 0;
    if (!m_data.probe_split) return;
    m_split_size = m_data.probe_split->size();
    load_page();
}

void DatasetPreview::set_page(int first) {
    if (m_split_size == 0) return;
    first = std::clamp(first, 0, static_cast<int>(m_split_size) - 1);
    first -= first % kMaxImages;
    if (first == m_first && !m_images.empty()) return;
    m_first = first;
    load_page();
    emit pageChanged(m_first);
}

void DatasetPreview::load_page() {
    m_images.clear();
    m_labels.clear();
    update();
    if (!m_data.probe_split) return;
    const DataItems& d = *m_data.probe_split;
    const gs::Shape item = d.item_shape();
    if (item.rank != 3) return;  // not images
    const int C = item[0], H = item[1], W = item[2];
    const int n = static_cast<int>(std::min<size_t>(d.size() - std::min<size_t>(d.size(), static_cast<size_t>(m_first)), kMaxImages));
    if (n <= 0) return;
    std::vector<uint32_t> idx(static_cast<size_t>(n));
    for (int i = 0; i < n; ++i) idx[static_cast<size_t>(i)] = static_cast<uint32_t>(m_first + i);
    const size_t per = item.numel();
    std::vector<float> x(per * static_cast<size_t>(n)), y(static_cast<size_t>(d.target_size()) * static_cast<size_t>(n));
    d.gather(idx.data(), n, x.data(), y.data());
    for (int i = 0; i < n; ++i) {
        // Values may be normalized: each image rescaled to 0..255 for display.
        const float* v = x.data() + per * static_cast<size_t>(i);
        const auto [lo, hi] = std::minmax_element(v, v + per);
        const float a = *hi > *lo ? 255.0f / (*hi - *lo) : 0.0f, l = *lo;
        QImage img(W, H, QImage::Format_RGB32);
        for (int r = 0; r < H; ++r) {
            auto* line = reinterpret_cast<QRgb*>(img.scanLine(r));
            for (int c = 0; c < W; ++c) {
                auto ch = [&](int k) {
                    return static_cast<int>((v[(static_cast<size_t>(std::min(k, C - 1)) * H + r) * W + c] - l) * a + 0.5f);
                };
                line[c] = C >= 3 ? qRgb(ch(0), ch(1), ch(2)) : qRgb(ch(0), ch(0), ch(0));
            }
        }
        m_images.push_back(img);
        m_labels.push_back(m_data.classes > 0 ? static_cast<int>(y[static_cast<size_t>(i) * d.target_size()]) : -1);
    }
    update();
}

void DatasetPreview::set_theme(const Theme& theme) {
    m_theme = theme;
    update();
}

void DatasetPreview::set_selected_item(int item) {
    const bool changed = item != m_selected;
    m_selected = item;
    if (item >= 0 && (item < m_first || item >= m_first + kMaxImages)) set_page(item);
    update();
    if (changed) emit selectionChanged(item);
}

QFont DatasetPreview::scaled_font(qreal factor) const {
    QFont f = font();
    f.setPointSizeF(std::max(6.0, f.pointSizeF()) * m_theme.font_scale * factor);
    return f;
}

QRectF DatasetPreview::grid_area(const QSizeF& size) const {
    const QFontMetricsF fm(scaled_font(0.85));
    const qreal m = 6 * m_theme.font_scale;
    // A title line on top, the class legend (as many lines as it wraps to) below.
    const qreal legend = m_data.classes > 0 ? class_legend_height(size.width() - 2 * m) + fm.height() * 0.4 : 0;
    return QRectF(m, m + fm.height() * 1.3, size.width() - 2 * m, size.height() - 2 * m - fm.height() * 1.3 - legend);
}

DatasetPreview::Grid DatasetPreview::grid_layout(const QRectF& area) const {
    Grid g;
    const int n = std::max(1, static_cast<int>(m_images.size()));
    g.gap = 3 * m_theme.font_scale;
    const qreal bar = 4 * m_theme.font_scale;  // the label bar under each image
    qreal best = 0;
    for (int cols = 1; cols <= n; ++cols) {
        const int rows = (n + cols - 1) / cols;
        const qreal cell = std::min((area.width() - (cols - 1) * g.gap) / cols,
                                    (area.height() - (rows - 1) * g.gap) / rows - bar);
        if (cell > best) best = cell, g.cols = cols;
    }
    g.cell = std::max<qreal>(best, 4);
    const int rows = (n + g.cols - 1) / g.cols;
    const qreal w = g.cols * g.cell + (g.cols - 1) * g.gap, h = rows * (g.cell + bar) + (rows - 1) * g.gap;
    g.x0 = area.center().x() - w / 2;
    g.y0 = area.top() + std::max<qreal>(0, (area.height() - h) / 2);
    return g;
}

QRect DatasetPreview::item_rect(int item) const {
    item -= m_first;
    if (item < 0 || item >= static_cast<int>(m_images.size())) return {};
    const Grid g = grid_layout(grid_area(size()));
    const qreal bar = 4 * m_theme.font_scale;
    return QRectF(g.x0 + (item % g.cols) * (g.cell + g.gap), g.y0 + (item / g.cols) * (g.cell + bar + g.gap), g.cell,
                  g.cell + bar)
        .toAlignedRect();
}

int DatasetPreview::item_at(const QPointF& pos) const {
    for (int i = 0; i < static_cast<int>(m_images.size()); ++i)
        if (item_rect(m_first + i).contains(pos.toPoint())) return m_first + i;
    return -1;
}

QString DatasetPreview::item_tooltip(int item) const {
    const int at = item - m_first;
    if (at < 0 || at >= static_cast<int>(m_labels.size())) return {};
    const int label = m_labels[static_cast<size_t>(at)];
    const QString what = label >= 0 ? m_data.class_names.value(label) : QStringLiteral("no label");
    return QStringLiteral("%1 item %2: %3").arg(m_data.probe_split_name).arg(item).arg(what);
}

void DatasetPreview::mousePressEvent(QMouseEvent* event) {
    const int item = event->button() == Qt::LeftButton ? item_at(event->position()) : -1;
    if (item < 0) return QWidget::mousePressEvent(event);
    set_selected_item(item);
    emit probeChosen(item);
}

bool DatasetPreview::event(QEvent* event) {
    if (event->type() == QEvent::ToolTip) {
        auto* help = static_cast<QHelpEvent*>(event);
        const int item = item_at(help->pos());
        if (item >= 0)
            QToolTip::showText(help->globalPos(), item_tooltip(item) + QStringLiteral("\nClick to probe it."), this);
        else
            QToolTip::hideText();
        return true;
    }
    if (event->type() == QEvent::MouseMove) {
        auto* me = static_cast<QMouseEvent*>(event);
        setCursor(item_at(me->position()) >= 0 ? Qt::PointingHandCursor : Qt::ArrowCursor);
    }
    return QWidget::event(event);
}

void DatasetPreview::paintEvent(QPaintEvent*) {
    QPainter p(this);
    paint_all(p, size());
}

void DatasetPreview::paint_all(QPainter& p, const QSizeF& size) const {
    p.fillRect(QRectF(QPointF(0, 0), size), m_theme.background);
    p.setRenderHint(QPainter::Antialiasing);
    if (!m_images.empty())
        paint_grid(p, size);
    else if (shows_scatter())
        paint_scatter(p, size);
    else {
        p.setFont(scaled_font());
        p.setPen(m_theme.muted);
        p.drawText(QRectF(QPointF(0, 0), size), Qt::AlignCenter | Qt::TextWordWrap,
                   m_data.probe_split ? QStringLiteral("No preview for items of this shape.")
                                      : QStringLiteral("No data loaded."));
    }
}

qreal DatasetPreview::class_legend_height(qreal width) const {
    // The same wrapping as paint_class_legend, without painting.
    const QFontMetricsF fm(scaled_font(0.85));
    const qreal k = m_theme.font_scale, sw = 9 * k;
    qreal x = 0, y = 0;
    for (int c = 0; c < m_data.classes; ++c) {
        const qreal w = sw + 4 * k + fm.horizontalAdvance(m_data.class_names.value(c)) + 12 * k;
        if (x + w > width && x > 0) x = 0, y += fm.height() * 1.1;
        x += w;
    }
    return y + fm.height();
}

qreal DatasetPreview::paint_class_legend(QPainter& p, const QRectF& area, bool points) const {
    const QFont f = scaled_font(0.85);
    const QFontMetricsF fm(f);
    const qreal k = m_theme.font_scale, sw = 9 * k;
    p.setFont(f);
    qreal x = area.left(), y = area.top();
    for (int c = 0; c < m_data.classes; ++c) {
        const QString name = m_data.class_names.value(c);
        const qreal w = sw + 4 * k + fm.horizontalAdvance(name) + 12 * k;
        if (x + w > area.right() && x > area.left()) x = area.left(), y += fm.height() * 1.1;
        p.setPen(Qt::NoPen);
        p.setBrush(class_color(m_theme, m_data.classes, c));
        const QRectF swatch(x, y + (fm.height() - sw) / 2, sw, sw);
        if (points)
            p.drawEllipse(swatch);
        else
            p.drawRect(swatch);
        p.setPen(m_theme.foreground);
        p.drawText(QRectF(x + sw + 4 * k, y, w, fm.height()), Qt::AlignLeft | Qt::AlignVCenter, name);
        x += w;
    }
    return y + fm.height() - area.top();
}

void DatasetPreview::paint_grid(QPainter& p, const QSizeF& size) const {
    const QRectF area = grid_area(size);
    const Grid g = grid_layout(area);
    const qreal k = m_theme.font_scale, bar = 4 * k;
    const QFont f = scaled_font(0.85);
    const QFontMetricsF fm(f);
    p.setFont(f);
    p.setPen(m_theme.muted);
    const QString title = QStringLiteral("%1 split · items %2–%3 of %4 · click one to probe it")
                              .arg(m_data.probe_split_name)
                              .arg(m_first)
                              .arg(m_first + static_cast<int>(m_images.size()) - 1)
                              .arg(QLocale().toString(static_cast<qulonglong>(m_split_size)));
    p.drawText(QRectF(area.left(), 6 * k, area.width(), fm.height()), Qt::AlignLeft | Qt::AlignTop,
               fm.elidedText(title, Qt::ElideRight, area.width()));
    for (int i = 0; i < static_cast<int>(m_images.size()); ++i) {
        const QRectF r(g.x0 + (i % g.cols) * (g.cell + g.gap), g.y0 + (i / g.cols) * (g.cell + bar + g.gap), g.cell,
                       g.cell);
        p.drawImage(r, m_images[static_cast<size_t>(i)]);
        const int label = m_labels[static_cast<size_t>(i)];
        if (label >= 0) p.fillRect(QRectF(r.left(), r.bottom(), r.width(), bar), class_color(m_theme, m_data.classes, label));
        if (m_first + i == m_selected) {
            p.setBrush(Qt::NoBrush);
            p.setPen(QPen(m_theme.train, 3 * k));
            p.drawRoundedRect(r.adjusted(-2 * k, -2 * k, 2 * k, bar + 2 * k), 3 * k, 3 * k);
        }
    }
    const int rows = (static_cast<int>(m_images.size()) + g.cols - 1) / g.cols;
    const qreal bottom = g.y0 + rows * (g.cell + bar + g.gap);
    paint_class_legend(p, QRectF(area.left(), std::max(bottom, area.bottom()) + 4 * k, area.width(), fm.height() * 3), false);
}

void DatasetPreview::paint_scatter(QPainter& p, const QSizeF& size) const {
    const qreal k = m_theme.font_scale;
    const QFont f = scaled_font(0.85);
    const QFontMetricsF fm(f);
    float lo[2] = {m_data.points[0].x, m_data.points[0].y}, hi[2] = {lo[0], lo[1]};
    int train = 0, test = 0;
    for (const DataPoint& d : m_data.points) {
        lo[0] = std::min(lo[0], d.x), hi[0] = std::max(hi[0], d.x);
        lo[1] = std::min(lo[1], d.y), hi[1] = std::max(hi[1], d.y);
        (d.test ? test : train) += 1;
    }
    for (int d = 0; d < 2; ++d) {
        const float m = 0.06f * std::max(hi[d] - lo[d], 1e-3f);
        lo[d] -= m, hi[d] += m;
    }
    const qreal margin = 6 * k, tick_w = fm.horizontalAdvance(QStringLiteral("-0.00")) + 4 * k;
    p.setFont(f);
    p.setPen(m_theme.muted);
    p.drawText(QRectF(margin, margin, size.width() - 2 * margin, fm.height()), Qt::AlignLeft | Qt::AlignTop,
               map_colours() ? QStringLiteral("%1 training by the data map · %2 test (hollow)").arg(train).arg(test)
                             : QStringLiteral("%1 training · %2 test points (hollow)").arg(train).arg(test));
    const qreal legend_h = fm.height() * (m_data.classes > 5 ? 2.4 : 1.4);
    const qreal top = margin + fm.height() * 1.3;
    const qreal avail_h = size.height() - top - margin - legend_h - fm.height();
    const qreal side = std::max<qreal>(20, std::min(size.width() - 2 * margin - tick_w, avail_h));
    const QRectF plot(tick_w + margin + (size.width() - 2 * margin - tick_w - side) / 2, top, side, side);
    p.fillRect(plot, m_theme.panel);
    p.setPen(QPen(m_theme.grid, 1));
    for (int i = 1; i < 4; ++i) {
        p.drawLine(QPointF(plot.left() + plot.width() * i / 4, plot.top()), QPointF(plot.left() + plot.width() * i / 4, plot.bottom()));
        p.drawLine(QPointF(plot.left(), plot.top() + plot.height() * i / 4), QPointF(plot.right(), plot.top() + plot.height() * i / 4));
    }
    p.setPen(m_theme.muted);
    p.drawText(QRectF(plot.left() - tick_w - 2 * k, plot.top(), tick_w, fm.height()), Qt::AlignRight | Qt::AlignTop,
               short_number(hi[1]));
    p.drawText(QRectF(plot.left() - tick_w - 2 * k, plot.bottom() - fm.height(), tick_w, fm.height()),
               Qt::AlignRight | Qt::AlignBottom, short_number(lo[1]));
    p.drawText(QRectF(plot.left(), plot.bottom() + 1, plot.width(), fm.height()), Qt::AlignLeft | Qt::AlignTop, short_number(lo[0]));
    p.drawText(QRectF(plot.left(), plot.bottom() + 1, plot.width(), fm.height()), Qt::AlignRight | Qt::AlignTop, short_number(hi[0]));
    p.drawText(QRectF(plot.left(), plot.bottom() + 1, plot.width(), fm.height()), Qt::AlignHCenter | Qt::AlignTop, QStringLiteral("x1"));
    p.drawText(QRectF(plot.left() - tick_w - 2 * k, plot.center().y() - fm.height() / 2, tick_w, fm.height()),
               Qt::AlignRight | Qt::AlignVCenter, m_data.one_d ? QStringLiteral("y") : QStringLiteral("x2"));
    const ColorRamp div = ColorRamp::diverging(m_theme);
    const float tmax = std::max(std::abs(m_data.target_lo), std::abs(m_data.target_hi));
    const qreal r = m_theme.point_size * 0.7;
    p.save();
    p.setClipRect(plot);
    for (int pass = 0; pass < 2; ++pass)
        for (size_t i = 0; i < m_data.points.size(); ++i) {
            const DataPoint& d = m_data.points[i];
            if (d.test != (pass == 1)) continue;
            const QPointF at(plot.left() + (d.x - lo[0]) / (hi[0] - lo[0]) * plot.width(),
                             plot.bottom() - (d.y - lo[1]) / (hi[1] - lo[1]) * plot.height());
            const QColor col = point_colour(i);
            if (d.test) {
                p.setBrush(Qt::NoBrush);
                p.setPen(QPen(col, 1.4 * k));
            } else {
                p.setBrush(col);
                p.setPen(QPen(QColor(255, 255, 255, 200), 0.8));
            }
            p.drawEllipse(at, r, r);
        }
    p.restore();
    p.setPen(QPen(m_theme.muted, 0.8));
    p.setBrush(Qt::NoBrush);
    p.drawRect(plot);
    const QRectF legend(plot.left() - tick_w, plot.bottom() + fm.height() + 4 * k, size.width() - plot.left() + tick_w - margin, legend_h);
    if (map_colours())
        paint_map_legend(p, legend);
    else if (m_data.classes > 0)
        paint_class_legend(p, legend, true);
    else
        draw_color_legend(p, QRectF(legend.left(), legend.top(), legend.width(), fm.height()),
                          {div, short_number(-tmax), short_number(tmax), QStringLiteral("target")}, m_theme, f, 80 * k);
}

void DatasetPreview::set_data_map(std::shared_ptr<const DataMap> map) {
    m_map = std::move(map);
    if (m_by_map) update();
}

void DatasetPreview::set_colour_by_map(bool on) {
    m_by_map = on;
    update();
}

bool DatasetPreview::map_colours() const {
    return m_by_map && m_map && m_data.two_d && m_data.classes > 0;
}

QColor DatasetPreview::point_colour(size_t i) const {
    if (i >= m_data.points.size()) return {};
    const DataPoint& d = m_data.points[i];
    // The training points come first, in the order of the training split:
    // point i is item i of the map.
    if (map_colours() && !d.test) {
        if (i >= m_map->items() || m_map->presentations[i] == 0) return QColor(160, 160, 160);
        return correctness_color(m_map->correctness[i]);
    }
    if (m_data.classes > 0) return class_color(m_theme, m_data.classes, static_cast<int>(d.target));
    const float tmax = std::max(std::abs(m_data.target_lo), std::abs(m_data.target_hi));
    return QColor(ColorRamp::diverging(m_theme).at(tmax > 0 ? d.target / tmax : 0.0));
}

void DatasetPreview::paint_map_legend(QPainter& p, const QRectF& area) const {
    const QFont f = scaled_font(0.85);
    const QFontMetricsF fm(f);
    const qreal k = m_theme.font_scale, sw = 9 * k;
    p.setFont(f);
    qreal x = area.left();
    const std::pair<float, QString> keys[] = {{0.0f, QStringLiteral("never right")},
                                              {0.5f, QStringLiteral("sometimes")},
                                              {1.0f, QStringLiteral("always right")}};
    for (const auto& [c, name] : keys) {
        p.setPen(Qt::NoPen);
        p.setBrush(correctness_color(c));
        p.drawEllipse(QRectF(x, area.top() + (fm.height() - sw) / 2, sw, sw));
        p.setPen(m_theme.foreground);
        const qreal w = fm.horizontalAdvance(name);
        p.drawText(QRectF(x + sw + 4 * k, area.top(), w + 2, fm.height()), Qt::AlignLeft | Qt::AlignVCenter, name);
        x += sw + 4 * k + w + 12 * k;
    }
}

QImage DatasetPreview::render_image(const QSize& size) const {
    QImage img(size, QImage::Format_ARGB32_Premultiplied);
    QPainter p(&img);
    paint_all(p, size);
    return img;
}

bool DatasetPreview::save_png(const QString& path) {
    const QSize s = (isVisible() && width() > 0) ? size() : QSize(640, 480);
    QImageWriter w(path, "png");
    if (!w.write(render_image(s))) {
        m_error = QStringLiteral("Could not write %1: %2").arg(QFileInfo(path).absoluteFilePath(), w.errorString());
        return false;
    }
    m_error.clear();
    return true;
}

}  // namespace gs::studio
