// Drawing 2-D data and choosing input features.
#include "canvas/draw_data.h"

#include <QCheckBox>
#include <QComboBox>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QIcon>
#include <QLabel>
#include <QMouseEvent>
#include <QPainter>
#include <QPixmap>
#include <QPushButton>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>

#include "canvas/canvas_data.h"
#include "gradscope/names.h"

namespace gs::studio {

namespace {
constexpr qreal kEraseRadius = 12;  // pixels
constexpr qreal kDragSpacing = 8;   // pixels between points of a drag
}  // namespace

DrawPlane::DrawPlane(QWidget* parent) : QWidget(parent) {
    setMinimumSize(220, 220);
    setCursor(Qt::CrossCursor);
    setToolTip(QStringLiteral("Click or drag to add points of the chosen class; Shift or the right button erases"));
}

void DrawPlane::set_points(const std::vector<gs::DataPoint>& points) {
    m_points = points;
    for (const gs::DataPoint& p : points) m_classes = std::max(m_classes, p.label + 1);
    update();
}

void DrawPlane::set_classes(int classes) {
    m_classes = std::max(2, classes);
    update();
}

void DrawPlane::set_theme(const Theme& theme) {
    m_theme = theme;
    update();
}

QRectF DrawPlane::plot_rect() const {
    const qreal side = std::min(width(), height()) - 8.0;
    return QRectF((width() - side) / 2, (height() - side) / 2, side, side);
}

QPointF DrawPlane::to_widget(float x, float y) const {
    const QRectF r = plot_rect();
    return {r.left() + (x + kExtent) / (2 * kExtent) * r.width(), r.bottom() - (y + kExtent) / (2 * kExtent) * r.height()};
}

QPointF DrawPlane::to_plane(const QPointF& pos) const {
    const QRectF r = plot_rect();
    return {(pos.x() - r.left()) / r.width() * 2 * kExtent - kExtent,
            (r.bottom() - pos.y()) / r.height() * 2 * kExtent - kExtent};
}

void DrawPlane::add_at(const QPointF& pos) {
    if (!plot_rect().contains(pos) || m_points.size() >= static_cast<size_t>(kMaxDataPoints)) return;
    const QPointF p = to_plane(pos);
    m_points.push_back(gs::DataPoint{static_cast<float>(p.x()), static_cast<float>(p.y()), m_class});
    m_classes = std::max(m_classes, m_class + 1);
    m_last = pos;
    update();
    emit pointsChanged();
}

void DrawPlane::erase_at(const QPointF& pos) {
    const auto before = m_points.size();
    m_points.erase(std::remove_if(m_points.begin(), m_points.end(),
                                  [&](const gs::DataPoint& d) {
                                      return QLineF(to_widget(d.x, d.y), pos).length() <= kEraseRadius;
                                  }),
                   m_points.end());
    if (m_points.size() != before) {
        update();
        emit pointsChanged();
    }
}

void DrawPlane::act(QMouseEvent* e) {
    const bool erase = (e->modifiers() & Qt::ShiftModifier) || (e->buttons() & Qt::RightButton);
    if (erase) erase_at(e->position());
    else if (e->type() == QEvent::MouseButtonPress || QLineF(m_last, e->position()).length() >= kDragSpacing)
        add_at(e->position());
}

void DrawPlane::mousePressEvent(QMouseEvent* e) { act(e); }

void DrawPlane::mouseMoveEvent(QMouseEvent* e) {
    if (e->buttons() & (Qt::LeftButton | Qt::RightButton)) act(e);
}

void DrawPlane::paintEvent(QPaintEvent*) {
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    p.fillRect(rect(), m_theme.background);
    const QRectF r = plot_rect();
    p.fillRect(r, m_theme.panel);
    p.setPen(QPen(m_theme.grid, 1));
    for (int v = -static_cast<int>(kExtent); v <= static_cast<int>(kExtent); v += 2) {
        p.drawLine(to_widget(static_cast<float>(v), -kExtent), to_widget(static_cast<float>(v), kExtent));
        p.drawLine(to_widget(-kExtent, static_cast<float>(v)), to_widget(kExtent, static_cast<float>(v)));
    }
    p.setPen(QPen(m_theme.muted, 1.2));
    p.drawLine(to_widget(0, -kExtent), to_widget(0, kExtent));
    p.drawLine(to_widget(-kExtent, 0), to_widget(kExtent, 0));
    const qreal rad = 4.0 * m_theme.font_scale;
    for (const gs::DataPoint& d : m_points) {
        p.setBrush(class_color(m_theme, m_classes, d.label));
        p.setPen(QPen(m_theme.foreground, 0.8));
        p.drawEllipse(to_widget(d.x, d.y), rad, rad);
    }
    if (m_points.empty()) {
        p.setPen(m_theme.muted);
        p.drawText(r, Qt::AlignCenter | Qt::TextWordWrap, QStringLiteral("Click or drag to draw points"));
    }
}

DataDrawer::DataDrawer(QWidget* parent) : QWidget(parent), m_plane(new DrawPlane) {
    setObjectName(QStringLiteral("dataDrawer"));
    auto* col = new QVBoxLayout(this);
    auto* top = new QHBoxLayout;
    top->addWidget(new QLabel(QStringLiteral("Class")));
    m_class = new QComboBox;
    for (int c = 0; c < kMaxPointClasses; ++c) m_class->addItem(QStringLiteral("class %1").arg(c), c);
    top->addWidget(m_class, 1);
    auto* clear = new QPushButton(QStringLiteral("Clear"));
    top->addWidget(clear);
    col->addLayout(top);
    col->addWidget(m_plane, 1);
    auto* feats = new QGridLayout;
    feats->addWidget(new QLabel(QStringLiteral("Inputs")), 0, 0);
    int k = 0;
    for (const auto& f : input_feature_table()) {
        auto* box = new QCheckBox(QString::fromUtf8(f.label));
        box->setToolTip(QString::fromUtf8(f.description));
        box->setChecked(f.kind == InputFeature::X1 || f.kind == InputFeature::X2);
        m_features.push_back(box);
        m_feature_ids.push_back(f.id);
        feats->addWidget(box, 1 + k / 4, k % 4);
        ++k;
        connect(box, &QCheckBox::toggled, this, &DataDrawer::update_status);
    }
    col->addLayout(feats);
    auto* bottom = new QHBoxLayout;
    m_status = new QLabel;
    m_status->setWordWrap(true);
    m_apply = new QPushButton(QStringLiteral("Train on this"));
    m_apply->setToolTip(QStringLiteral("Use the drawn points and the inputs checked (saved with the project)"));
    bottom->addWidget(m_status, 1);
    bottom->addWidget(m_apply);
    col->addLayout(bottom);

    connect(m_class, &QComboBox::currentIndexChanged, this, [this](int i) { m_plane->set_class(i); });
    connect(clear, &QPushButton::clicked, this, [this] {
        m_plane->set_points({});
        update_status();
    });
    connect(m_plane, &DrawPlane::pointsChanged, this, &DataDrawer::update_status);
    connect(m_apply, &QPushButton::clicked, this, [this] { emit applyRequested(data_spec()); });
    set_theme(Theme::standard());
    update_status();
}

void DataDrawer::set_class(int label) { m_class->setCurrentIndex(std::clamp(label, 0, kMaxPointClasses - 1)); }

void DataDrawer::set_data_spec(const DataSpec& data) {
    m_base = data;
    if (data.name == "points") m_plane->set_points(data.points);
    const std::vector<std::string> ids = data.features.empty() ? std::vector<std::string>{"x1", "x2"} : data.features;
    for (size_t i = 0; i < m_features.size(); ++i) {
        QSignalBlocker b(m_features[i]);
        m_features[i]->setChecked(std::find(ids.begin(), ids.end(), m_feature_ids[i]) != ids.end());
    }
    update_status();
}

std::vector<std::string> DataDrawer::features() const {
    std::vector<std::string> out;
    for (size_t i = 0; i < m_features.size(); ++i)
        if (m_features[i]->isChecked()) out.push_back(m_feature_ids[i]);
    return out;
}

void DataDrawer::set_feature(const std::string& id, bool on) {
    for (size_t i = 0; i < m_features.size(); ++i)
        if (m_feature_ids[i] == id) m_features[i]->setChecked(on);
}

DataSpec DataDrawer::data_spec() const {
    DataSpec d = m_base;
    d.name = "points";
    d.path.clear();
    d.points = m_plane->points();
    int most = 1;
    for (const gs::DataPoint& p : d.points) most = std::max(most, p.label);
    d.classes = most + 1;
    const std::vector<std::string> f = features();
    // x1 and x2 alone are the point itself: no features listed.
    d.features = (f == std::vector<std::string>{"x1", "x2"}) ? std::vector<std::string>{} : f;
    return d;
}

void DataDrawer::set_theme(const Theme& theme) {
    m_plane->set_theme(theme);
    for (int c = 0; c < m_class->count(); ++c) {
        QPixmap swatch(12, 12);
        swatch.fill(class_color(theme, std::max(3, c + 1), c));
        m_class->setItemIcon(c, QIcon(swatch));
    }
}

void DataDrawer::update_status() {
    const auto& pts = m_plane->points();
    std::vector<int> per(kMaxPointClasses, 0);
    int classes = 0;
    for (const gs::DataPoint& p : pts) {
        ++per[static_cast<size_t>(p.label)];
        classes = std::max(classes, p.label + 1);
    }
    int used = 0;
    for (int c : per) used += c > 0;
    m_status->setText(QStringLiteral("%1 points · %2 classes · %3 inputs")
                          .arg(pts.size()).arg(used).arg(features().size()));
    m_apply->setEnabled(used >= 2 && !features().empty());
}

QString DataDrawer::status() const { return m_status->text(); }

}  // namespace gs::studio
