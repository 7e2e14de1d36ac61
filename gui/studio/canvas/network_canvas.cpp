// The network canvas widget: state, caching, clicks and export.
#include "network_canvas.h"

#include <QElapsedTimer>
#include <QEvent>
#include <QFileInfo>
#include <QImageWriter>
#include <QMouseEvent>
#include <QPainter>

#include "bridge/spec_service.h"
#include "conv_view.h"
#include "dense_view.h"

namespace gs::studio {

NetworkCanvas::NetworkCanvas(QWidget* parent)
    : QWidget(parent), m_dense(std::make_unique<DenseView>()), m_conv(std::make_unique<ConvView>()) {
    setMouseTracking(true);
    setMinimumSize(320, 240);
    setAttribute(Qt::WA_OpaquePaintEvent);
    update_font();
}

NetworkCanvas::~NetworkCanvas() = default;

CanvasView* NetworkCanvas::view() const {
    return m_conv_mode ? static_cast<CanvasView*>(m_conv.get()) : static_cast<CanvasView*>(m_dense.get());
}

void NetworkCanvas::set_model(const gs::ModelSpec& spec) {
    m_state.spec = spec;
    m_state.info.clear();
    m_state.groups.clear();
    m_state.snapshot.reset();
    SpecAnalysis analysis = analyze_spec(spec);
    m_state.info = std::move(analysis.layers);
    const std::vector<gs::SpecIssue>& issues = analysis.issues;
    m_state.has_model = issues.empty() && !spec.layers.empty();
    m_problem.clear();
    if (!issues.empty())
        m_problem = QStringLiteral("The network cannot be drawn until it is valid:\n") +
                    QString::fromStdString(issues.front().str());
    else if (spec.layers.empty())
        m_problem = QStringLiteral("No layers yet: add one from the palette.");
    if (m_state.has_model) {
        m_state.groups = group_layers(spec, m_state.info);
        m_conv_mode = gs::studio::is_convolutional(m_state.info);
    }
    rebuild();
}

void NetworkCanvas::set_data(const DataView& data) {
    m_state.data = data;
    rebuild();
}

void NetworkCanvas::update_snapshot(std::shared_ptr<const gs::Snapshot> snapshot) {
    if (snapshot == m_state.snapshot) return;
    m_state.snapshot = std::move(snapshot);
    rebuild();
}

void NetworkCanvas::set_show_test_points(bool show) {
    if (show == m_state.show_test_points) return;
    m_state.show_test_points = show;
    invalidate();
}

void NetworkCanvas::set_show_gradients(bool show) {
    if (show == m_state.show_gradients) return;
    m_state.show_gradients = show;
    rebuild();
}

void NetworkCanvas::set_theme(const Theme& theme) {
    m_state.theme = theme;
    update_font();
    rebuild();
}

void NetworkCanvas::select_layer(int layer) {
    if (layer == m_state.selected_layer) return;
    m_state.selected_layer = layer;
    invalidate();
}

void NetworkCanvas::clear() {
    m_state.snapshot.reset();
    rebuild();
}

void NetworkCanvas::update_font() {
    QFont f = font();
    f.setPointSizeF(std::max(6.0, f.pointSizeF()) * m_state.theme.font_scale);
    m_state.font = f;
}

void NetworkCanvas::changeEvent(QEvent* event) {
    if (event->type() == QEvent::FontChange) {
        update_font();
        invalidate();
    }
    QWidget::changeEvent(event);
}

void NetworkCanvas::rebuild() {
    if (m_conv_mode)
        m_conv->rebuild(m_state);
    else
        m_dense->rebuild(m_state);
    invalidate();
}

void NetworkCanvas::invalidate() {
    m_dirty = true;
    update();
}

void NetworkCanvas::compose(QImage& target, const QSize& size) {
    QElapsedTimer timer;
    timer.start();
    const qreal dpr = target.isNull() ? devicePixelRatioF() : target.devicePixelRatio();
    if (target.size() != size * dpr) {
        target = QImage(size * dpr, QImage::Format_ARGB32_Premultiplied);
        target.setDevicePixelRatio(dpr);
    }
    target.fill(m_state.theme.background);
    QPainter p(&target);
    p.setRenderHint(QPainter::Antialiasing);
    p.setRenderHint(QPainter::TextAntialiasing);
    const QRectF r(QPointF(0, 0), QSizeF(size));
    if (!m_state.has_model) {
        p.setFont(m_state.font);
        p.setPen(m_problem.isEmpty() ? m_state.theme.muted : m_state.theme.error);
        p.drawText(r.adjusted(20, 20, -20, -20), Qt::AlignCenter | Qt::TextWordWrap,
                   m_problem.isEmpty() ? QStringLiteral("No network yet: pick a preset or add layers.") : m_problem);
    } else {
        view()->paint(p, r, m_state);
    }
    p.end();
    m_render_ms = timer.nsecsElapsed() / 1e6;
    ++m_renders;
}

void NetworkCanvas::paintEvent(QPaintEvent*) {
    ensure_frame();
    QPainter p(this);
    p.drawImage(0, 0, m_frame);
}

void NetworkCanvas::resizeEvent(QResizeEvent* event) {
    m_dirty = true;
    QWidget::resizeEvent(event);
}

void NetworkCanvas::mousePressEvent(QMouseEvent* event) {
    if (event->button() != Qt::LeftButton || !m_state.has_model) return QWidget::mousePressEvent(event);
    const int layer = view()->layer_at(event->position());
    if (layer < 0) return;
    select_layer(layer);
    emit layerSelected(layer);
}

void NetworkCanvas::mouseMoveEvent(QMouseEvent* event) {
    const bool over = m_state.has_model && view()->layer_at(event->position()) >= 0;
    setCursor(over ? Qt::PointingHandCursor : Qt::ArrowCursor);
    QWidget::mouseMoveEvent(event);
}

QImage NetworkCanvas::render_image(const QSize& size) {
    QImage img(size, QImage::Format_ARGB32_Premultiplied);
    img.setDevicePixelRatio(1.0);
    compose(img, size);
    m_dirty = true;  // the views' hit areas now belong to this image
    return img;
}

bool NetworkCanvas::save_png(const QString& path) {
    const QSize s = (isVisible() && width() > 0) ? size() : QSize(1200, 720);
    const QImage img = render_image(s);
    QImageWriter w(path, "png");
    if (!w.write(img)) {
        m_error = QStringLiteral("Could not write %1: %2").arg(QFileInfo(path).absoluteFilePath(), w.errorString());
        return false;
    }
    m_error.clear();
    return true;
}

int NetworkCanvas::neuron_heatmaps() const { return m_conv_mode ? 0 : m_dense->neuron_heatmaps(); }
int NetworkCanvas::neuron_heatmaps_with_data() const { return m_conv_mode ? 0 : m_dense->neuron_heatmaps_with_data(); }
bool NetworkCanvas::decision_boundary_drawn() const { return !m_conv_mode && m_dense->decision_boundary_drawn(); }
bool NetworkCanvas::fitted_curve_drawn() const { return !m_conv_mode && m_dense->fitted_curve_drawn(); }

int NetworkCanvas::points_drawn() const { return m_conv_mode ? 0 : m_dense->points_drawn(); }

QColor NetworkCanvas::connection_color(int layer, int unit, int input) const {
    return m_conv_mode ? QColor() : m_dense->connection_color(layer, unit, input);
}

float NetworkCanvas::connection_value(int layer, int unit, int input) const {
    return m_conv_mode ? NAN : m_dense->connection_value(layer, unit, input);
}

std::vector<std::pair<int, int>> NetworkCanvas::feature_maps_shown() const {
    return m_conv_mode ? m_conv->feature_maps_shown() : std::vector<std::pair<int, int>>{};
}

bool NetworkCanvas::has_probe_image() const { return m_conv_mode && m_conv->has_input_image(); }
int NetworkCanvas::output_bars() const { return m_conv_mode ? m_conv->output_bars() : 0; }

void NetworkCanvas::ensure_frame() const {
    auto* self = const_cast<NetworkCanvas*>(this);
    if (m_dirty || m_frame.isNull() || m_frame.deviceIndependentSize().toSize() != size()) {
        self->compose(self->m_frame, size());
        self->m_dirty = false;
    }
}

QRect NetworkCanvas::layer_rect(int layer) const {
    ensure_frame();
    return m_state.has_model ? view()->layer_rect(layer).toAlignedRect() : QRect();
}

QRectF NetworkCanvas::neuron_rect(int layer, int unit) const {
    ensure_frame();
    return m_state.has_model && !m_conv_mode ? m_dense->neuron_rect(layer, unit) : QRectF();
}

}  // namespace gs::studio
