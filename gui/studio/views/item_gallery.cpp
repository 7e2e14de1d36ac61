// The item gallery: tiles of items with their label and prediction.
#include "views/item_gallery.h"

#include <QMouseEvent>
#include <QPainter>
#include <algorithm>

#include "canvas/canvas_data.h"

namespace gs::studio {

namespace {
constexpr int kTileW = 104, kTileH = 128, kPicture = 80, kGap = 6, kTop = 26;
}

QImage item_image(const DataItems& split, int item, const float* lo, const float* hi, QColor dot) {
    if (item < 0 || static_cast<size_t>(item) >= split.size()) return {};
    const gs::Shape s = split.item_shape();
    const size_t per = s.numel();
    std::vector<float> x(per), y(static_cast<size_t>(std::max(1, split.target_size())));
    const uint32_t idx = static_cast<uint32_t>(item);
    split.gather(&idx, 1, x.data(), y.data());
    if (per == 2) {
        QImage img(kPicture, kPicture, QImage::Format_ARGB32_Premultiplied);
        img.fill(QColor(245, 245, 245));
        QPainter p(&img);
        p.setRenderHint(QPainter::Antialiasing);
        p.setPen(QColor(200, 200, 200));
        p.drawLine(kPicture / 2, 0, kPicture / 2, kPicture);
        p.drawLine(0, kPicture / 2, kPicture, kPicture / 2);
        const float l0 = lo ? lo[0] : -1, l1 = lo ? lo[1] : -1, h0 = hi ? hi[0] : 1, h1 = hi ? hi[1] : 1;
        const double fx = h0 > l0 ? (x[0] - l0) / (h0 - l0) : 0.5, fy = h1 > l1 ? (x[1] - l1) / (h1 - l1) : 0.5;
        p.setPen(QPen(Qt::black, 1));
        p.setBrush(dot);
        p.drawEllipse(QPointF(4 + fx * (kPicture - 8), kPicture - 4 - fy * (kPicture - 8)), 5, 5);
        return img;
    }
    if (s.rank != 3) return {};
    const int C = s[0], H = s[1], W = s[2];
    const auto [mn, mx] = std::minmax_element(x.begin(), x.end());
    const float a = *mx > *mn ? 255.0f / (*mx - *mn) : 0.0f, l = *mn;
    QImage img(W, H, QImage::Format_RGB32);
    for (int r = 0; r < H; ++r) {
        auto* line = reinterpret_cast<QRgb*>(img.scanLine(r));
        for (int c = 0; c < W; ++c) {
            auto ch = [&](int k) {
                return static_cast<int>((x[(static_cast<size_t>(std::min(k, C - 1)) * H + r) * W + c] - l) * a + 0.5f);
            };
            line[c] = C >= 3 ? qRgb(ch(0), ch(1), ch(2)) : qRgb(ch(0), ch(0), ch(0));
        }
    }
    return img;
}

ItemGallery::ItemGallery(QWidget* parent) : QWidget(parent) {
    setMouseTracking(false);
    setMinimumWidth(kTileW + 2 * kGap);
}

void ItemGallery::set_source(std::shared_ptr<const DataItems> split, const QStringList& class_names) {
    m_split = std::move(split);
    m_names = class_names;
    m_lo[0] = m_lo[1] = 0;
    m_hi[0] = m_hi[1] = 1;
    if (m_split && m_split->item_shape().numel() == 2 && m_split->size()) {
        // The plane the points of the split span, for the 2-D tiles.
        const size_t n = std::min<size_t>(m_split->size(), 20000);
        std::vector<uint32_t> idx(n);
        for (size_t i = 0; i < n; ++i) idx[i] = static_cast<uint32_t>(i);
        std::vector<float> x(n * 2), y(n * static_cast<size_t>(std::max(1, m_split->target_size())));
        m_split->gather(idx.data(), static_cast<int>(n), x.data(), y.data());
        for (int d = 0; d < 2; ++d) {
            m_lo[d] = m_hi[d] = x[static_cast<size_t>(d)];
            for (size_t i = 0; i < n; ++i) {
                m_lo[d] = std::min(m_lo[d], x[i * 2 + static_cast<size_t>(d)]);
                m_hi[d] = std::max(m_hi[d], x[i * 2 + static_cast<size_t>(d)]);
            }
        }
    }
    set_items({});
}

void ItemGallery::set_items(std::vector<GalleryItem> items) {
    m_items = std::move(items);
    m_images.clear();
    for (int i = 0; i < tiles_shown(); ++i) {
        const GalleryItem& g = m_items[static_cast<size_t>(i)];
        m_images.push_back(m_split ? item_image(*m_split, g.item, m_lo, m_hi,
                                                class_color(m_theme, static_cast<int>(m_names.size()), g.label))
                                   : QImage());
    }
    update_height();
    update();
}

void ItemGallery::set_theme(const Theme& theme) {
    m_theme = theme;
    set_items(m_items);
}

void ItemGallery::set_caption(const QString& text) {
    m_caption = text;
    update();
}

int ItemGallery::tiles_shown() const { return static_cast<int>(std::min<size_t>(m_items.size(), kMaxTiles)); }

int ItemGallery::columns() const { return std::max(1, (width() - kGap) / (kTileW + kGap)); }

QRect ItemGallery::tile_rect(int i) const {
    if (i < 0 || i >= tiles_shown()) return {};
    const int c = columns();
    return QRect(kGap + (i % c) * (kTileW + kGap), kTop + (i / c) * (kTileH + kGap), kTileW, kTileH);
}

QSize ItemGallery::sizeHint() const { return QSize(4 * (kTileW + kGap) + kGap, 2 * (kTileH + kGap) + kTop); }

void ItemGallery::update_height() {
    const int rows = (tiles_shown() + columns() - 1) / columns();
    setMinimumHeight(kTop + rows * (kTileH + kGap) + (static_cast<int>(m_items.size()) > tiles_shown() ? 24 : 4));
}

void ItemGallery::resizeEvent(QResizeEvent* event) {
    QWidget::resizeEvent(event);
    update_height();
}

QString ItemGallery::class_name(int c) const {
    if (c >= 0 && c < m_names.size()) return m_names[c];
    return c < 0 ? QStringLiteral("?") : QString::number(c);
}

QString ItemGallery::tile_text(int i) const {
    if (i < 0 || static_cast<size_t>(i) >= m_items.size()) return {};
    const GalleryItem& g = m_items[static_cast<size_t>(i)];
    QString t = class_name(g.label);
    if (g.predicted >= 0 && g.predicted != g.label) t += QStringLiteral(" → ") + class_name(g.predicted);
    else if (g.predicted == g.label) t += QStringLiteral(" ✓");
    if (std::isfinite(g.probability)) t += QStringLiteral(" ") + percent_or_dash(g.probability);
    return t;
}

void ItemGallery::paintEvent(QPaintEvent*) {
    QPainter p(this);
    p.fillRect(rect(), m_theme.panel);
    QFont f = font();
    f.setPointSizeF(f.pointSizeF() * m_theme.font_scale);
    p.setFont(f);
    p.setPen(m_theme.foreground);
    p.drawText(QRect(kGap, 0, width() - 2 * kGap, kTop), Qt::AlignVCenter | Qt::AlignLeft,
               m_caption.isEmpty() && m_items.empty() ? QStringLiteral("No items.") : m_caption);
    QFont small = f;
    small.setPointSizeF(f.pointSizeF() * 0.85);
    p.setFont(small);
    for (int i = 0; i < tiles_shown(); ++i) {
        const QRect r = tile_rect(i);
        const GalleryItem& g = m_items[static_cast<size_t>(i)];
        p.fillRect(r, m_theme.background);
        const bool wrong = g.predicted >= 0 && g.predicted != g.label;
        p.setPen(QPen(wrong ? m_theme.error : m_theme.ok, 2));
        p.drawRect(r.adjusted(1, 1, -1, -1));
        const QRect pic(r.x() + (kTileW - kPicture) / 2, r.y() + 6, kPicture, kPicture);
        if (!m_images[static_cast<size_t>(i)].isNull()) p.drawImage(pic, m_images[static_cast<size_t>(i)]);
        // Two lines: the classes, then the probability and the item.
        QString classes = class_name(g.label);
        if (g.predicted >= 0 && g.predicted != g.label) classes += QStringLiteral(" → ") + class_name(g.predicted);
        else if (g.predicted == g.label) classes += QStringLiteral(" ✓");
        p.setPen(m_theme.foreground);
        p.drawText(QRect(r.x() + 2, pic.bottom() + 2, kTileW - 4, 18), Qt::AlignCenter,
                   p.fontMetrics().elidedText(classes, Qt::ElideMiddle, kTileW - 4));
        p.setPen(m_theme.muted);
        const QString item = QStringLiteral("item %1").arg(g.item);
        p.drawText(QRect(r.x() + 2, pic.bottom() + 19, kTileW - 4, 16), Qt::AlignCenter,
                   std::isfinite(g.probability) ? percent_or_dash(g.probability) + QStringLiteral(" · ") + item : item);
    }
    if (static_cast<int>(m_items.size()) > tiles_shown()) {
        p.setPen(m_theme.muted);
        const QRect last = tile_rect(tiles_shown() - 1);
        p.drawText(QRect(kGap, last.bottom() + 4, width() - 2 * kGap, 20), Qt::AlignLeft,
                   QStringLiteral("… and %1 more").arg(m_items.size() - static_cast<size_t>(tiles_shown())));
    }
}

void ItemGallery::mousePressEvent(QMouseEvent* event) {
    for (int i = 0; i < tiles_shown(); ++i)
        if (tile_rect(i).contains(event->position().toPoint())) {
            emit itemClicked(m_items[static_cast<size_t>(i)].item);
            return;
        }
    QWidget::mousePressEvent(event);
}

}  // namespace gs::studio
