// The data map's pictures: the map, the 2-D plane, an item's history.
#include "views/data_map_plots.h"

#include <QMouseEvent>
#include <QPainter>
#include <QPainterPath>
#include <algorithm>
#include <cmath>

namespace gs::studio {

namespace {

constexpr float kMaxVariability = 0.5f;  // the largest a p in [0, 1] can spread
constexpr qreal kPick = 6;               // pixels around a dot that click it

const char* region_label(DataRegion r) {
    for (const DataRegionName& e : data_region_table())
        if (e.kind == r) return e.label;
    return "";
}

}  // namespace

QColor correctness_color(float c) {
    static const int stops[3][3] = {{225, 70, 70}, {235, 200, 70}, {70, 200, 190}};
    c = std::clamp(std::isfinite(c) ? c : 0.0f, 0.0f, 1.0f) * 2;
    const int i = std::min(static_cast<int>(c), 1);
    const float f = c - static_cast<float>(i);
    int rgb[3];
    for (int k = 0; k < 3; ++k) rgb[k] = static_cast<int>(stops[i][k] + (stops[i + 1][k] - stops[i][k]) * f);
    return QColor(rgb[0], rgb[1], rgb[2]);
}

DataMapScatter::DataMapScatter(QWidget* parent) : QWidget(parent) { setMinimumSize(200, 150); }

void DataMapScatter::set_map(std::shared_ptr<const DataMap> map) {
    m_map = std::move(map);
    m_dots = {};
    update();
}

void DataMapScatter::set_selected(int item) {
    m_selected = item;
    update();
}

void DataMapScatter::set_theme(const Theme& theme) {
    m_theme = theme;
    m_dots = {};
    update();
}

QRectF DataMapScatter::plot_area() const { return QRectF(rect()).adjusted(52, 14, -14, -40); }

QPointF DataMapScatter::dot_position(size_t i) const {
    const QRectF a = plot_area();
    if (!m_map || i >= m_map->items()) return {};
    return {a.left() + std::clamp(m_map->variability[i] / kMaxVariability, 0.0f, 1.0f) * a.width(),
            a.bottom() - std::clamp(m_map->confidence[i], 0.0f, 1.0f) * a.height()};
}

int DataMapScatter::item_at(const QPointF& pos) const {
    if (!m_map) return -1;
    int best = -1;
    qreal best_d = kPick * kPick;
    for (size_t i = 0; i < m_map->items(); ++i) {
        if (m_map->presentations[i] == 0) continue;
        const QPointF d = dot_position(i) - pos;
        const qreal dd = d.x() * d.x() + d.y() * d.y();
        if (dd <= best_d) best_d = dd, best = static_cast<int>(i);
    }
    return best;
}

void DataMapScatter::render_dots() {
    m_dots = QImage(size(), QImage::Format_ARGB32_Premultiplied);
    m_dots.fill(Qt::transparent);
    if (!m_map) return;
    QPainter p(&m_dots);
    const qreal r = m_map->items() > 5000 ? 1.5 : 2.5;
    for (size_t i = 0; i < m_map->items(); ++i) {
        if (m_map->presentations[i] == 0) continue;
        QColor c = correctness_color(m_map->correctness[i]);
        c.setAlphaF(m_map->items() > 5000 ? 0.5 : 0.8);
        const QPointF d = dot_position(i);
        p.fillRect(QRectF(d.x() - r, d.y() - r, 2 * r, 2 * r), c);
    }
    p.setRenderHint(QPainter::Antialiasing);
    const bool many = m_map->items() > 5000;
    p.setPen(QPen(QColor(220, 60, 200, many ? 110 : 220), 1.0));
    p.setBrush(Qt::NoBrush);
    for (size_t i = 0; i < m_map->items(); ++i)
        if (m_map->likely_mislabeled(i)) p.drawEllipse(dot_position(i), many ? 3.5 : 4.5, many ? 3.5 : 4.5);
}

void DataMapScatter::paintEvent(QPaintEvent*) {
    QPainter p(this);
    p.fillRect(rect(), m_theme.panel);
    QFont f = font();
    f.setPointSizeF(f.pointSizeF() * m_theme.font_scale);
    p.setFont(f);
    const QRectF a = plot_area();
    p.setPen(QPen(m_theme.grid, 1));
    p.drawRect(a);
    if (!m_map || m_map->items() == 0) {
        p.setPen(m_theme.muted);
        p.drawText(a.adjusted(10, 10, -10, -10), Qt::AlignCenter | Qt::TextWordWrap,
                   QStringLiteral("No data map yet: it fills as training items pass through the network."));
        return;
    }
    if (m_dots.size() != size()) render_dots();
    p.drawImage(0, 0, m_dots);
    // The regions: ambiguous right of the variability line; below it easy
    // above the confidence line and hard under it.
    const DataMapThresholds& t = m_map->thresholds;
    const qreal vx = a.left() + t.ambiguous_variability / kMaxVariability * a.width();
    const qreal cy = a.bottom() - t.easy_confidence * a.height();
    p.setPen(QPen(m_theme.muted, 1, Qt::DashLine));
    p.drawLine(QPointF(vx, a.top()), QPointF(vx, a.bottom()));
    p.drawLine(QPointF(a.left(), cy), QPointF(vx, cy));
    QFont bold = f;
    bold.setBold(true);
    p.setFont(bold);
    // Each region's name on a plate, so it reads over the dots.
    auto name = [&](QPointF at, DataRegion r) {
        const QString text = QString::fromLatin1(region_label(r));
        QRectF box = QRectF(at, QSizeF(p.fontMetrics().horizontalAdvance(text) + 10, p.fontMetrics().height() + 4));
        QColor plate = m_theme.panel;
        plate.setAlphaF(0.85);
        p.fillRect(box, plate);
        p.setPen(m_theme.foreground);
        p.drawText(box, Qt::AlignCenter, text);
    };
    const qreal line = p.fontMetrics().height() + 4;
    name(QPointF(a.left() + 6, a.top() + 4), DataRegion::Easy);
    name(QPointF(a.left() + 6, a.bottom() - line - 4), DataRegion::Hard);
    name(QPointF(vx + 6, (a.top() + a.bottom()) / 2 - line / 2), DataRegion::Ambiguous);
    p.setFont(f);
    p.setPen(m_theme.muted);
    p.drawText(QRectF(a.left(), a.bottom() + 2, a.width(), 18), Qt::AlignLeft, QStringLiteral("0"));
    p.drawText(QRectF(a.left(), a.bottom() + 2, a.width(), 18), Qt::AlignRight, QStringLiteral("0.5"));
    p.drawText(QRectF(a.left(), a.bottom() + 18, a.width(), 18), Qt::AlignCenter,
               QStringLiteral("variability (spread of p(label) over epochs) →"));
    p.drawText(QRectF(0, a.top() - 4, a.left() - 4, 16), Qt::AlignRight, QStringLiteral("1"));
    p.drawText(QRectF(0, a.bottom() - 12, a.left() - 4, 16), Qt::AlignRight, QStringLiteral("0"));
    p.save();
    p.translate(14, a.center().y());
    p.rotate(-90);
    p.drawText(QRectF(-a.height() / 2, -8, a.height(), 18), Qt::AlignCenter, QStringLiteral("confidence (mean p(label)) →"));
    p.restore();
    if (m_selected >= 0 && static_cast<size_t>(m_selected) < m_map->items()) {
        p.setRenderHint(QPainter::Antialiasing);
        p.setPen(QPen(m_theme.foreground, 2));
        p.setBrush(Qt::NoBrush);
        p.drawEllipse(dot_position(static_cast<size_t>(m_selected)), 7, 7);
    }
}

void DataMapScatter::mousePressEvent(QMouseEvent* event) {
    const int i = item_at(event->position());
    if (i >= 0) emit itemClicked(i);
    else QWidget::mousePressEvent(event);
}

DataMapPlane::DataMapPlane(QWidget* parent) : QWidget(parent) { setMinimumSize(120, 120); }

void DataMapPlane::set_data(const DataView& data) {
    m_points.clear();
    if (data.two_d)
        for (const DataPoint& p : data.points) {
            if (p.test) break;
            m_points.push_back(p);
        }
    for (int d = 0; d < 2; ++d) {
        m_lo[d] = -1, m_hi[d] = 1;
        for (size_t i = 0; i < m_points.size(); ++i) {
            const float v = d ? m_points[i].y : m_points[i].x;
            if (i == 0) m_lo[d] = m_hi[d] = v;
            m_lo[d] = std::min(m_lo[d], v), m_hi[d] = std::max(m_hi[d], v);
        }
        if (!(m_hi[d] > m_lo[d])) m_hi[d] = m_lo[d] + 1;
    }
    m_selected = -1;
    update();
}

void DataMapPlane::set_map(std::shared_ptr<const DataMap> map) {
    m_map = std::move(map);
    update();
}

void DataMapPlane::set_selected(int item) {
    m_selected = item;
    update();
}

void DataMapPlane::set_theme(const Theme& theme) {
    m_theme = theme;
    update();
}

QRectF DataMapPlane::plot_area() const {
    const qreal side = std::max<qreal>(10, std::min(width(), height()) - 16);
    return QRectF((width() - side) / 2, (height() - side) / 2, side, side);
}

QPointF DataMapPlane::point_position(size_t i) const {
    if (i >= m_points.size()) return {};
    const QRectF a = plot_area();
    return {a.left() + (m_points[i].x - m_lo[0]) / (m_hi[0] - m_lo[0]) * a.width(),
            a.bottom() - (m_points[i].y - m_lo[1]) / (m_hi[1] - m_lo[1]) * a.height()};
}

QColor DataMapPlane::point_color(size_t i) const {
    if (!m_map || i >= m_map->items() || m_map->presentations[i] == 0) return QColor(160, 160, 160);
    return correctness_color(m_map->correctness[i]);
}

void DataMapPlane::paintEvent(QPaintEvent*) {
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    p.fillRect(rect(), m_theme.panel);
    const QRectF a = plot_area();
    p.setPen(QPen(m_theme.grid, 1));
    p.drawRect(a);
    for (size_t i = 0; i < m_points.size(); ++i) {
        p.setPen(Qt::NoPen);
        p.setBrush(point_color(i));
        p.drawEllipse(point_position(i), 3, 3);
        if (m_map && i < m_map->items() && m_map->likely_mislabeled(i)) {
            p.setPen(QPen(QColor(220, 60, 200), 1.2));
            p.setBrush(Qt::NoBrush);
            p.drawEllipse(point_position(i), 5.5, 5.5);
        }
    }
    if (m_selected >= 0 && static_cast<size_t>(m_selected) < m_points.size()) {
        p.setPen(QPen(m_theme.foreground, 2));
        p.setBrush(Qt::NoBrush);
        p.drawEllipse(point_position(static_cast<size_t>(m_selected)), 7, 7);
    }
}

void DataMapPlane::mousePressEvent(QMouseEvent* event) {
    int best = -1;
    qreal best_d = kPick * kPick;
    for (size_t i = 0; i < m_points.size(); ++i) {
        const QPointF d = point_position(i) - event->position();
        const qreal dd = d.x() * d.x() + d.y() * d.y();
        if (dd <= best_d) best_d = dd, best = static_cast<int>(i);
    }
    if (best >= 0) emit itemClicked(best);
    else QWidget::mousePressEvent(event);
}

HistorySparkline::HistorySparkline(QWidget* parent) : QWidget(parent) { setMinimumHeight(60); }

void HistorySparkline::set_item(std::shared_ptr<const DataMap> map, int item) {
    m_map = std::move(map);
    m_item = item;
    update();
}

void HistorySparkline::paintEvent(QPaintEvent*) {
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    const QRectF a = QRectF(rect()).adjusted(4, 4, -4, -4);
    p.fillRect(a, QColor(30, 32, 38));
    p.setPen(QPen(QColor(255, 255, 255, 50), 1, Qt::DashLine));
    p.drawLine(QPointF(a.left(), a.center().y()), QPointF(a.right(), a.center().y()));
    if (!m_map || m_item < 0 || static_cast<size_t>(m_item) >= m_map->items()) return;
    const size_t n = m_map->history_length(static_cast<size_t>(m_item));
    auto pt = [&](size_t j) {
        const qreal x = a.left() + 6 + (a.width() - 12) * (n > 1 ? static_cast<qreal>(j) / (n - 1) : 0.5);
        return QPointF(x, a.bottom() - 4 - (a.height() - 8) * m_map->history_p(static_cast<size_t>(m_item), j));
    };
    p.setPen(QPen(QColor(220, 220, 220), 1.5));
    for (size_t j = 1; j < n; ++j) p.drawLine(pt(j - 1), pt(j));
    p.setPen(Qt::NoPen);
    for (size_t j = 0; j < n; ++j) {
        p.setBrush(correctness_color(m_map->history_p(static_cast<size_t>(m_item), j) >= 0.5f ? 1.0f : 0.0f));
        p.drawEllipse(pt(j), 3, 3);
    }
}

}  // namespace gs::studio
