// The network canvas widget: state, caching, clicks and export.
#include "network_canvas.h"

#include <QElapsedTimer>
#include <QEvent>
#include <QFontMetricsF>
#include <QFileInfo>
#include <QImageWriter>
#include <QMouseEvent>
#include <QPainter>
#include <QToolTip>
#include <algorithm>

#include "bridge/spec_service.h"
#include "gradscope/thread_priority.h"
#include "editor/layer_catalog.h"
#include "conv_view.h"
#include "dense_view.h"
#include "feature_map_dialog.h"

namespace gs::studio {

NetworkCanvas::NetworkCanvas(QWidget* parent)
    : QWidget(parent), m_dense(std::make_unique<DenseView>()), m_conv(std::make_unique<ConvView>()) {
    m_pool.setMaxThreadCount(1);
    setMouseTracking(true);
    setMinimumSize(320, 240);
    setAttribute(Qt::WA_OpaquePaintEvent);
    update_font();
}

// The background composer's work: copies of what a frame is drawn from,
// and what comes back (the picture, and the view whose click areas match it).
struct NetworkCanvas::Job {
    quint64 generation = 0;
    CanvasState state;
    QSize size;
    qreal dpr = 1;
    std::unique_ptr<DenseView> dense;
    std::unique_ptr<ConvView> conv;
    QImage image;
    double ms = 0;
};

NetworkCanvas::~NetworkCanvas() {
    // A job in flight posts its result to this object: let it finish first
    // (Qt drops what is posted to an object when it is destroyed).
    m_pool.waitForDone();
}

CanvasView* NetworkCanvas::view() const {
    return m_conv_mode ? static_cast<CanvasView*>(m_conv.get()) : static_cast<CanvasView*>(m_dense.get());
}

void NetworkCanvas::set_cannot_train(const QString& why) {
    if (why == m_cannot_train) return;
    m_cannot_train = why;
    invalidate();
}

void NetworkCanvas::set_model(const gs::ModelSpec& spec) {
    m_state.spec = spec;
    m_state.info.clear();
    m_state.groups.clear();
    m_state.snapshot.reset();
    m_full_spec = spec;
    m_bad_layer = -1;
    m_bad_rect = QRectF();
    m_issue_line.clear();
    m_problem.clear();
    SpecAnalysis analysis = analyze_spec(spec);
    m_state.info = std::move(analysis.layers);
    const std::vector<gs::SpecIssue>& issues = analysis.issues;
    m_valid = issues.empty() && !spec.layers.empty();
    const int n = static_cast<int>(spec.layers.size());
    if (spec.layers.empty()) {
        m_problem = QStringLiteral("No layers yet: add one from the palette.");
    } else if (!issues.empty()) {
        // The first layer validation could not get through: the issue's layer,
        // or the first whose output is unknown. The layers before it are drawn.
        int bad = n;
        const gs::SpecIssue* at = &issues.front();
        for (const gs::SpecIssue& i : issues)
            if (i.layer >= 0 && i.layer < bad) bad = i.layer, at = &i;
        for (int i = 0; i < bad; ++i)
            if (static_cast<size_t>(i) >= m_state.info.size() || m_state.info[static_cast<size_t>(i)].out.rank == 0) {
                bad = i;
                break;
            }
        if (bad >= n) {
            // A problem of the whole network (the loss, the data): drawn, with the problem on top.
            m_issue_line = text_for_people(QString::fromStdString(issues.front().str()));
        } else {
            m_bad_layer = bad;
            QString why = QString::fromStdString(at->layer == bad ? at->message : at->str());
            if (at->layer == bad && !at->field.empty()) why = QString::fromStdString(at->field) + QLatin1Char(' ') + why;
            m_problem = text_for_people(why);
            m_state.spec.layers.resize(static_cast<size_t>(bad));
            m_state.info.resize(std::min(m_state.info.size(), static_cast<size_t>(bad)));
        }
    }
    m_state.has_model = !m_state.spec.layers.empty() && (m_valid || m_bad_layer >= 0 || !m_issue_line.isEmpty());
    if (m_state.has_model) {
        m_state.groups = group_layers(m_state.spec, m_state.info);
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
    if (!m_valid && snapshot) return;  // the values of the network before the edit
    m_state.snapshot = std::move(snapshot);
    const bool only_snapshots = !m_dirty || m_snapshot_only;
    rebuild();
    m_snapshot_only = only_snapshots;  // may be composed in the background
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

QString NetworkCanvas::tooltip_at(const QPoint& pos) const {
    if (!m_state.has_model) return {};
    return view()->tooltip_at(pos);
}

bool NetworkCanvas::event(QEvent* event) {
    if (event->type() == QEvent::ToolTip) {
        auto* help = static_cast<QHelpEvent*>(event);
        const QString tip = tooltip_at(help->pos());
        if (tip.isEmpty()) QToolTip::hideText();
        else QToolTip::showText(help->globalPos(), tip, this);
        return true;
    }
    return QWidget::event(event);
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
    if (m_maps_dialog && m_maps_dialog->isVisible()) refresh_feature_maps();
    invalidate();
}

void NetworkCanvas::open_feature_maps(int layer, int channel) {
    if (!m_maps_dialog) m_maps_dialog = new FeatureMapDialog(this);
    m_maps_dialog->set_theme(m_state.theme);
    m_maps_dialog->set_maps(layer, QString(), 0, 0, 0, {});
    refresh_feature_maps();
    m_maps_dialog->select_channel(channel);
    m_maps_dialog->show();
    m_maps_dialog->raise();
}

void NetworkCanvas::refresh_feature_maps() {
    const int layer = m_maps_dialog->layer();
    for (const LayerGroup& g : m_state.groups) {
        if (layer < g.first || layer > g.last || g.out.rank != 3) continue;
        const size_t L = static_cast<size_t>(g.shown);
        const gs::Snapshot* snap = m_state.snapshot.get();
        const std::vector<float> none;
        const std::vector<float>& v = snap && L < snap->probe_activations.size() ? snap->probe_activations[L] : none;
        const QString title = g.subtitle.isEmpty() ? g.title : g.title + QLatin1Char(' ') + g.subtitle;
        m_maps_dialog->set_maps(layer, title, g.out[0], g.out[1], g.out[2], v);
        return;
    }
    m_maps_dialog->set_maps(layer, QStringLiteral("no such layer"), 0, 0, 0, {});  // the network changed
}

void NetworkCanvas::invalidate() {
    mark_dirty();
    update();
}

void NetworkCanvas::mark_dirty() {
    m_dirty = true;
    m_snapshot_only = false;
    ++m_generation;
}

namespace {

// A target of this size, filled with the background, and a painter on it.
void begin_frame(QImage& target, const QSize& size, qreal dpr, const QColor& background, QPainter& p) {
    if (target.size() != size * dpr) {
        target = QImage(size * dpr, QImage::Format_ARGB32_Premultiplied);
        target.setDevicePixelRatio(dpr);
    }
    target.fill(background);
    p.begin(&target);
    p.setRenderHint(QPainter::Antialiasing);
    p.setRenderHint(QPainter::TextAntialiasing);
}

}  // namespace

void NetworkCanvas::start_job() {
    if (m_job_running) return;  // when it is done, adopt() asks for the next if this one is stale
    auto job = std::make_shared<Job>();
    job->generation = m_generation;
    job->state = m_state;
    // A font of its own: the copy would share its font engine cache with this thread's.
    QFont own;
    own.fromString(m_state.font.toString());
    job->state.font = own;
    job->size = size();
    job->dpr = m_frame.devicePixelRatio();
    if (m_conv_mode) job->conv = std::make_unique<ConvView>(*m_conv);
    else job->dense = std::make_unique<DenseView>(*m_dense);
    m_job_running = true;
    m_pool.start([this, job] {
        // Below the GUI thread, as the training is (a thread of the pool: once).
        thread_local const bool lowered = (gs::lower_this_thread(), true);
        (void)lowered;
        QElapsedTimer timer;
        timer.start();
        QPainter p;
        begin_frame(job->image, job->size, job->dpr, job->state.theme.background, p);
        CanvasView* view = job->conv ? static_cast<CanvasView*>(job->conv.get()) : job->dense.get();
        view->paint(p, QRectF(QPointF(0, 0), QSizeF(job->size)), job->state);
        p.end();
        job->ms = timer.nsecsElapsed() / 1e6;
        QMetaObject::invokeMethod(this, [this, job] { adopt(job); }, Qt::QueuedConnection);
    });
}

void NetworkCanvas::adopt(const std::shared_ptr<Job>& job) {
    m_job_running = false;
    const bool fits = m_dirty && job->size == size() && (job->conv != nullptr) == m_conv_mode;
    const bool current = fits && job->generation == m_generation;
    // Newer snapshots came while it was composed (a slow composer on busy
    // cores): its picture is still newer than the one shown, so it is shown,
    // with its view brought up to the newest snapshot for the next frame.
    const bool older = fits && !current && m_snapshot_only;
    if (current || older) {
        m_frame = std::move(job->image);
        if (job->conv) m_conv = std::move(job->conv);
        else m_dense = std::move(job->dense);
        if (older) view()->rebuild(m_state);
        m_bad_rect = QRectF();
        m_dirty = older;
        m_snapshot_only = older;
        m_render_ms = job->ms;
        ++m_renders;
    }
    update();  // the new frame, and (it was stale) the next job
}

void NetworkCanvas::compose(QImage& target, const QSize& size) {
    QElapsedTimer timer;
    timer.start();
    const qreal dpr = target.isNull() ? devicePixelRatioF() : target.devicePixelRatio();
    QPainter p;
    begin_frame(target, size, dpr, m_state.theme.background, p);
    const QRectF r(QPointF(0, 0), QSizeF(size));
    m_bad_rect = QRectF();
    if (m_bad_layer >= 0) {
        // The valid layers on the left, the bad one as a red column on the right.
        const qreal w = std::clamp(r.width() * 0.26, std::min(180.0, r.width()), 340.0);
        if (m_state.has_model) view()->paint(p, r.adjusted(0, 0, -w, 0), m_state);
        const QRectF strip = m_state.has_model ? QRectF(r.right() - w, r.top(), w, r.height())
                                               : QRectF(r.center().x() - w / 2, r.top(), w, r.height());
        paint_bad_column(p, strip);
    } else if (!issue_line().isEmpty() && m_state.has_model) {
        // The picture, and a line on top that says why it cannot train.
        const QFont small = small_font(m_state.font);
        const qreal line = QFontMetricsF(small).height() * 2 + 8;
        view()->paint(p, r.adjusted(0, line, 0, 0), m_state);
        p.setFont(small);
        p.setPen(m_state.theme.error);
        p.drawText(r.adjusted(12, 4, -12, 0).adjusted(0, 0, 0, -(r.height() - line)),
                   Qt::AlignLeft | Qt::AlignVCenter | Qt::TextWordWrap, QStringLiteral("Cannot train yet: ") + issue_line());
    } else if (!m_state.has_model) {
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
    const bool same_size = !m_frame.isNull() && m_frame.deviceIndependentSize().toSize() == size();
    const bool plain = m_state.has_model && m_bad_layer < 0 && issue_line().isEmpty();  // the view alone
    if (m_dirty && m_background && m_snapshot_only && same_size && plain)
        start_job();  // meanwhile the last frame
    else
        ensure_frame();
    QPainter p(this);
    p.drawImage(0, 0, m_frame);
}

void NetworkCanvas::resizeEvent(QResizeEvent* event) {
    mark_dirty();
    QWidget::resizeEvent(event);
}

void NetworkCanvas::mousePressEvent(QMouseEvent* event) {
    if (event->button() == Qt::LeftButton && m_bad_rect.contains(event->position())) {
        select_layer(m_bad_layer);
        emit layerSelected(m_bad_layer);
        return;
    }
    if (event->button() != Qt::LeftButton || !m_state.has_model) return QWidget::mousePressEvent(event);
    if (m_conv_mode) {
        // "+N more" opens every map of its layer; a map opens large.
        if (const int more = m_conv->more_at(event->position()); more >= 0) return open_feature_maps(more);
        int map_layer = -1;
        if (const int ch = m_conv->map_at(event->position(), &map_layer); ch >= 0) {
            select_layer(map_layer);
            emit layerSelected(map_layer);
            return open_feature_maps(map_layer, ch);
        }
    }
    const int layer = view()->layer_at(event->position());
    if (layer < 0) return;
    select_layer(layer);
    emit layerSelected(layer);
}

void NetworkCanvas::mouseMoveEvent(QMouseEvent* event) {
    const bool over = m_bad_rect.contains(event->position()) ||
                      (m_conv_mode && m_conv->more_at(event->position()) >= 0) ||
                      (m_state.has_model && view()->layer_at(event->position()) >= 0);
    setCursor(over ? Qt::PointingHandCursor : Qt::ArrowCursor);
    QWidget::mouseMoveEvent(event);
}

QImage NetworkCanvas::render_image(const QSize& size) {
    QImage img(size, QImage::Format_ARGB32_Premultiplied);
    img.setDevicePixelRatio(1.0);
    compose(img, size);
    mark_dirty();  // the views' hit areas now belong to this image
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

qreal NetworkCanvas::feature_map_side() const {
    ensure_frame();
    return m_conv_mode ? m_conv->feature_map_side() : 0;
}

qreal NetworkCanvas::output_row_height() const {
    ensure_frame();
    return m_conv_mode ? m_conv->output_row_height() : 0;
}

QRect NetworkCanvas::more_rect(int layer) const {
    ensure_frame();
    return m_conv_mode ? m_conv->more_rect(layer).toAlignedRect() : QRect();
}

void NetworkCanvas::ensure_frame() const {
    auto* self = const_cast<NetworkCanvas*>(this);
    if (m_dirty || m_frame.isNull() || m_frame.deviceIndependentSize().toSize() != size()) {
        self->compose(self->m_frame, size());
        self->m_dirty = false;
        self->m_snapshot_only = false;
    }
}

QRect NetworkCanvas::layer_rect(int layer) const {
    ensure_frame();
    if (m_bad_layer >= 0 && layer >= m_bad_layer) return m_bad_rect.toAlignedRect();
    return m_state.has_model ? view()->layer_rect(layer).toAlignedRect() : QRect();
}

// The first layer that does not validate: a red-outlined column with its type
// and the problem in words, and the layers after it greyed, not connected.
void NetworkCanvas::paint_bad_column(QPainter& p, const QRectF& strip) {
    const Theme& th = m_state.theme;
    const qreal k = m_state.scale();
    const QFont bold = bold_font(m_state.font), small = small_font(m_state.font);
    const QFontMetricsF fb(bold), fs(small);
    const QRectF box = strip.adjusted(12 * k, 12 * k, -12 * k, -12 * k);
    if (box.width() < 40 || box.height() < 40) return;
    m_bad_rect = box;
    const bool selected = m_state.selected_layer >= m_bad_layer;
    p.setPen(QPen(th.error, (selected ? 3.0 : 1.8) * m_state.line_scale()));
    p.setBrush(QColor(th.error.red(), th.error.green(), th.error.blue(), 18));
    p.drawRoundedRect(box, 6 * k, 6 * k);
    const QRectF in = box.adjusted(10 * k, 8 * k, -10 * k, -8 * k);
    auto layer_name = [&](int i) {
        const gs::LayerSpec& l = m_full_spec.layers[static_cast<size_t>(i)];
        QString name = QString::fromStdString(l.type);
        if (l.type == "Dense" && l.units > 0) name += QStringLiteral(" %1").arg(l.units);
        return QStringLiteral("Layer %1 · %2").arg(i + 1).arg(name);
    };
    qreal y = in.top();
    p.setFont(bold);
    p.setPen(th.error);
    const QRectF title = fb.boundingRect(QRectF(in.left(), y, in.width(), in.height()), Qt::TextWordWrap, layer_name(m_bad_layer));
    p.drawText(QRectF(in.left(), y, in.width(), title.height()), Qt::AlignHCenter | Qt::TextWordWrap, layer_name(m_bad_layer));
    y += title.height() + 6 * k;
    p.setFont(small);
    const QRectF msg = fs.boundingRect(QRectF(in.left(), y, in.width(), in.bottom() - y), Qt::TextWordWrap, m_problem);
    p.drawText(QRectF(in.left(), y, in.width(), in.bottom() - y), Qt::AlignHCenter | Qt::AlignTop | Qt::TextWordWrap,
               m_problem);
    y += msg.height() + 10 * k;
    const int n = static_cast<int>(m_full_spec.layers.size());
    if (m_bad_layer + 1 >= n || y + 2 * fs.height() > in.bottom()) return;
    p.setPen(th.muted);
    p.drawText(QRectF(in.left(), y, in.width(), fs.height()), Qt::AlignHCenter, QStringLiteral("then, drawn once this is fixed:"));
    y += fs.height() + 4 * k;
    for (int i = m_bad_layer + 1; i < n; ++i, y += fs.height() + 2 * k) {
        if (y + 2 * fs.height() > in.bottom() && i + 1 < n) {
            p.drawText(QRectF(in.left(), y, in.width(), fs.height()), Qt::AlignHCenter,
                       QStringLiteral("+%1 more").arg(n - i));
            break;
        }
        p.drawText(QRectF(in.left(), y, in.width(), fs.height()), Qt::AlignHCenter, layer_name(i));
    }
}

QRectF NetworkCanvas::neuron_rect(int layer, int unit) const {
    ensure_frame();
    return m_state.has_model && !m_conv_mode ? m_dense->neuron_rect(layer, unit) : QRectF();
}

}  // namespace gs::studio
