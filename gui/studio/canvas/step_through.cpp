// The step-through picture: layout, painting, hover and keys.
#include "canvas/step_through.h"

#include <QFontMetricsF>
#include <QKeyEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QPainterPath>
#include <algorithm>
#include <cmath>

namespace gs::studio {

namespace {
constexpr int kMaxShownUnits = 12;
constexpr int kMaxLabelledConnections = 24;  // per layer: more are coloured, not labelled
constexpr qreal kHeader = 64;

qreal segment_distance(const QPointF& p, const QPointF& a, const QPointF& b) {
    const QPointF ab = b - a;
    const qreal len2 = QPointF::dotProduct(ab, ab);
    qreal t = len2 > 0 ? QPointF::dotProduct(p - a, ab) / len2 : 0;
    t = std::clamp<qreal>(t, 0, 1);
    const QPointF d = p - (a + t * ab);
    return std::sqrt(QPointF::dotProduct(d, d));
}
}  // namespace

StepThroughView::StepThroughView(QWidget* parent) : QWidget(parent) {
    setMouseTracking(true);
    setFocusPolicy(Qt::StrongFocus);
    setMinimumSize(480, 320);
    connect(&m_timer, &QTimer::timeout, this, [this] {
        if (m_phase + 1 >= phase_count()) {
            set_animating(false);
            return;
        }
        next();
    });
}

void StepThroughView::set_trace(std::shared_ptr<const StepTrace> trace) {
    m_trace = std::move(trace);
    m_phases = m_trace ? step_phases(*m_trace) : std::vector<StepPhase>{};
    m_item = m_trace ? std::clamp(m_trace->example, 0, std::max(0, m_trace->batch - 1)) : 0;
    m_phase = 0;
    m_laid_out = {};
    m_hover_lines.clear();
    update();
    emit phaseChanged(m_phase);
}

void StepThroughView::set_item(int item) {
    if (m_trace) item = item < 0 ? kBatchMean : std::min(item, m_trace->batch - 1);
    m_item = item;
    if (!m_hover_lines.isEmpty()) hover(m_hover_pos);
    update();
}

void StepThroughView::set_input_names(const QStringList& names) {
    m_input_names = names;
    update();
}

void StepThroughView::set_theme(const Theme& theme) {
    m_theme = theme;
    QFont f = font();
    f.setPointSizeF(9.0 * theme.font_scale);
    setFont(f);
    m_laid_out = {};
    update();
}

StepPhase StepThroughView::phase() const {
    return m_phases.empty() ? StepPhase{} : m_phases[static_cast<size_t>(m_phase)];
}

void StepThroughView::set_phase(int index) {
    if (m_phases.empty()) return;
    index = std::clamp(index, 0, phase_count() - 1);
    if (index == m_phase) return;
    m_phase = index;
    if (!m_hover_lines.isEmpty()) hover(m_hover_pos);
    update();
    emit phaseChanged(m_phase);
}

void StepThroughView::next() { set_phase(m_phase + 1); }
void StepThroughView::back() { set_phase(m_phase - 1); }

void StepThroughView::set_animating(bool on) {
    if (on == m_timer.isActive()) return;
    if (on) {
        if (m_phase + 1 >= phase_count()) set_phase(0);
        m_timer.start(static_cast<int>(1000.0 / m_speed));
    } else {
        m_timer.stop();
    }
    emit animatingChanged(on);
}

void StepThroughView::set_speed(double phases_per_second) {
    m_speed = std::clamp(phases_per_second, 0.1, 20.0);
    if (m_timer.isActive()) m_timer.start(static_cast<int>(1000.0 / m_speed));
}

int StepThroughView::shown_units(int column) const {
    const int units = column < 0 ? m_trace->input.units : m_trace->layers[static_cast<size_t>(column)].units;
    return std::min(units, kMaxShownUnits);
}

void StepThroughView::lay_out(const QSizeF& size) const {
    if (!m_trace || m_laid_out == size) return;
    m_laid_out = size;
    const int columns = static_cast<int>(m_trace->layers.size()) + 1;
    int most = 1;
    for (int c = -1; c + 1 < columns; ++c) most = std::max(most, shown_units(c));
    const qreal top = kHeader * m_theme.font_scale, bottom = size.height() - 12;
    const qreal row = (bottom - top) / most;
    m_radius = std::clamp<qreal>(row * 0.28, 6, 22 * m_theme.font_scale);
    const qreal left = 150 * m_theme.font_scale, right = size.width() - 150 * m_theme.font_scale;
    m_centers.assign(static_cast<size_t>(columns), {});
    for (int c = 0; c < columns; ++c) {
        const int n = shown_units(c - 1);
        const qreal x = columns == 1 ? left : left + (right - left) * c / (columns - 1);
        const qreal y0 = top + (bottom - top - n * row) / 2 + row / 2;
        for (int u = 0; u < n; ++u) m_centers[static_cast<size_t>(c)].push_back({x, y0 + u * row});
    }
}

QPointF StepThroughView::neuron_center(int column, int unit) const {
    lay_out(size());
    if (!m_trace || column + 1 >= static_cast<int>(m_centers.size())) return {};
    const auto& col = m_centers[static_cast<size_t>(column + 1)];
    return unit < static_cast<int>(col.size()) ? col[static_cast<size_t>(unit)] : QPointF{};
}

QString StepThroughView::neuron_label(int column, int unit) const {
    return m_trace ? neuron_text(*m_trace, phase(), column, unit, m_item) : QString();
}

QString StepThroughView::connection_label(int layer, int unit, int input) const {
    return m_trace ? connection_text(*m_trace, phase(), layer, unit, input, m_item) : QString();
}

StepThroughView::Hit StepThroughView::hit_at(const QPointF& pos) const {
    lay_out(size());
    Hit none;
    if (!m_trace) return none;
    for (size_t c = 0; c < m_centers.size(); ++c)
        for (size_t u = 0; u < m_centers[c].size(); ++u)
            if (QLineF(pos, m_centers[c][u]).length() <= m_radius + 2)
                return Hit{static_cast<int>(c) - 1, static_cast<int>(u), -1};
    Hit best;
    qreal best_d = 5;
    for (size_t c = 1; c < m_centers.size(); ++c)
        for (size_t u = 0; u < m_centers[c].size(); ++u)
            for (size_t i = 0; i < m_centers[c - 1].size(); ++i) {
                const qreal d = segment_distance(pos, m_centers[c - 1][i], m_centers[c][u]);
                if (d < best_d) {
                    best_d = d;
                    best = Hit{static_cast<int>(c) - 1, static_cast<int>(u), static_cast<int>(i)};
                }
            }
    return best;
}

QStringList StepThroughView::hover_at(const QPointF& pos) const {
    const Hit h = hit_at(pos);
    if (!m_trace || h.unit < 0) return {};
    return hover_equations(*m_trace, phase(), h.column, h.unit, h.input, m_item, m_input_names);
}

void StepThroughView::hover(const QPointF& pos) {
    m_hover_pos = pos;
    m_hover_lines = hover_at(pos);
    update();
}

void StepThroughView::mouseMoveEvent(QMouseEvent* e) { hover(e->position()); }

void StepThroughView::leaveEvent(QEvent*) {
    m_hover_lines.clear();
    update();
}

void StepThroughView::resizeEvent(QResizeEvent*) { m_laid_out = {}; }

void StepThroughView::keyPressEvent(QKeyEvent* e) {
    switch (e->key()) {
    case Qt::Key_Right: case Qt::Key_N: next(); break;
    case Qt::Key_Left: case Qt::Key_B: back(); break;
    case Qt::Key_Home: set_phase(0); break;
    case Qt::Key_End: set_phase(phase_count() - 1); break;
    case Qt::Key_Space: set_animating(!animating()); break;
    default: QWidget::keyPressEvent(e); return;
    }
    e->accept();
}

bool StepThroughView::event(QEvent* e) {
    if (e->type() == QEvent::ShortcutOverride) {
        // Right, Left and Space step the phases here, not the training.
        switch (static_cast<QKeyEvent*>(e)->key()) {
        case Qt::Key_Right: case Qt::Key_Left: case Qt::Key_Space: case Qt::Key_N: case Qt::Key_B:
        case Qt::Key_Home: case Qt::Key_End:
            if (static_cast<QKeyEvent*>(e)->modifiers() == Qt::NoModifier) {
                e->accept();
                return true;
            }
            break;
        default: break;
        }
    }
    return QWidget::event(e);
}

QImage StepThroughView::render_image(const QSize& size) {
    QImage img(size, QImage::Format_ARGB32_Premultiplied);
    img.fill(m_theme.background);
    QPainter p(&img);
    p.setRenderHint(QPainter::Antialiasing);
    p.setFont(font());
    m_laid_out = {};
    paint_into(p, size);
    paint_card(p, size);
    m_laid_out = {};
    return img;
}

void StepThroughView::paintEvent(QPaintEvent*) {
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    p.fillRect(rect(), m_theme.background);
    paint_into(p, size());
    paint_card(p, size());
}

void StepThroughView::paint_into(QPainter& p, const QSizeF& size) const {
    const qreal s = m_theme.font_scale;
    if (!m_trace) {
        p.setPen(m_theme.muted);
        p.drawText(QRectF(QPointF(0, 0), size), Qt::AlignCenter | Qt::TextWordWrap,
                   QStringLiteral("Press “Trace a step” to take the next training step apart:\n"
                                  "forward, loss, backward and update, with the real numbers."));
        return;
    }
    lay_out(size);
    const StepTrace& t = *m_trace;
    const StepPhase ph = phase();
    // Header: the phase, what it does, where we are.
    QFont bold = p.font();
    bold.setBold(true);
    p.setFont(bold);
    p.setPen(m_theme.foreground);
    p.drawText(QRectF(12 * s, 6 * s, size.width() - 24 * s, 20 * s), Qt::AlignLeft | Qt::AlignVCenter,
               QStringLiteral("Step %1 · phase %2 of %3 · %4").arg(t.step).arg(m_phase + 1).arg(phase_count())
                   .arg(phase_title(t, ph)));
    p.drawText(QRectF(12 * s, 6 * s, size.width() - 24 * s, 20 * s), Qt::AlignRight | Qt::AlignVCenter,
               m_item < 0 ? QStringLiteral("batch mean of %1").arg(t.batch)
                          : QStringLiteral("example %1 of %2").arg(m_item + 1).arg(t.batch));
    p.setFont(font());
    p.setPen(m_theme.muted);
    p.drawText(QRectF(12 * s, 28 * s, size.width() - 24 * s, 30 * s), Qt::AlignLeft | Qt::TextWordWrap,
               phase_explanation(t, ph));

    // Connections, coloured by the phase's value relative to the layer's largest.
    for (size_t c = 1; c < m_centers.size(); ++c) {
        const int layer = static_cast<int>(c) - 1;
        float most = 1e-12f;
        for (size_t u = 0; u < m_centers[c].size(); ++u)
            for (size_t i = 0; i < m_centers[c - 1].size(); ++i)
                most = std::max(most, std::fabs(connection_value(t, ph, layer, int(u), int(i), m_item)));
        const bool labelled = m_centers[c].size() * m_centers[c - 1].size() <= kMaxLabelledConnections;
        const bool lit = ph.kind == StepPhase::Update || forward_reached(ph, layer);
        for (size_t u = 0; u < m_centers[c].size(); ++u)
            for (size_t i = 0; i < m_centers[c - 1].size(); ++i) {
                const float v = connection_value(t, ph, layer, int(u), int(i), m_item) / most;
                QColor col = m_theme.diverging(v);
                if (!lit) col.setAlpha(60);
                p.setPen(QPen(col, (0.6 + 3.0 * std::fabs(v)) * s));
                const QPointF a = m_centers[c - 1][i], b = m_centers[c][u];
                p.drawLine(a, b);
                if (labelled && lit) {
                    const QPointF at = a + 0.3 * (b - a);
                    p.setPen(m_theme.foreground);
                    p.drawText(QRectF(at.x() - 50 * s, at.y() - 14 * s, 100 * s, 14 * s), Qt::AlignCenter,
                               connection_label(layer, int(u), int(i)));
                }
            }
    }
    // Neurons: filled by the phase's value (a forward, δ backward).
    for (size_t c = 0; c < m_centers.size(); ++c) {
        const int column = static_cast<int>(c) - 1;
        for (size_t u = 0; u < m_centers[c].size(); ++u) {
            const QPointF ctr = m_centers[c][u];
            float v = 0;
            if (column < 0) v = t.input.at(m_item, int(u));
            else if (backward_reached(ph, column) && ph.kind != StepPhase::Update)
                v = t.layers[c - 1].dz.at(m_item, int(u));
            else if (forward_reached(ph, column)) v = t.layers[c - 1].a.at(m_item, int(u));
            p.setBrush(m_theme.diverging(std::tanh(v)));
            p.setPen(QPen(m_theme.foreground, 1.2 * s));
            p.drawEllipse(ctr, m_radius, m_radius);
            p.setPen(m_theme.foreground);
            const QString text = column < 0 ? neuron_name(-1, int(u), m_input_names) + QStringLiteral(" = ") +
                                                  neuron_label(column, int(u))
                                            : neuron_label(column, int(u));
            const QRectF box(ctr.x() + m_radius + 3 * s, ctr.y() - 8 * s, 140 * s, 16 * s);
            p.drawText(column < 0 ? box.translated(-(2 * m_radius + 146 * s), 0) : box,
                       (column < 0 ? Qt::AlignRight : Qt::AlignLeft) | Qt::AlignVCenter, text);
        }
        const int units = column < 0 ? t.input.units : t.layers[c - 1].units;
        if (units > static_cast<int>(m_centers[c].size()) && !m_centers[c].empty()) {
            p.setPen(m_theme.muted);
            const QPointF last = m_centers[c].back();
            p.drawText(QPointF(last.x() - m_radius, last.y() + m_radius + 14 * s),
                       QStringLiteral("+%1 more").arg(units - static_cast<int>(m_centers[c].size())));
        }
    }
}

void StepThroughView::paint_card(QPainter& p, const QSizeF& size) const {
    if (m_hover_lines.isEmpty()) return;
    const qreal s = m_theme.font_scale;
    const QFontMetricsF fm(p.font());
    QFont bold = p.font();
    bold.setBold(true);
    const QFontMetricsF fb(bold);
    qreal w = 0;
    for (int i = 0; i < m_hover_lines.size(); ++i)
        w = std::max(w, (i == 0 ? fb : fm).horizontalAdvance(m_hover_lines[i]));
    w = std::min(w + 20 * s, size.width() - 8);
    const qreal h = fm.lineSpacing() * m_hover_lines.size() + 14 * s;
    QPointF at = m_hover_pos + QPointF(14, 14);
    at.setX(std::clamp<qreal>(at.x(), 4, std::max<qreal>(4, size.width() - w - 4)));
    at.setY(std::clamp<qreal>(at.y(), 4, std::max<qreal>(4, size.height() - h - 4)));
    const QRectF box(at, QSizeF(w, h));
    QColor bg = m_theme.panel;
    bg.setAlpha(245);
    p.setBrush(bg);
    p.setPen(QPen(m_theme.muted, 1));
    p.drawRoundedRect(box, 6, 6);
    p.setPen(m_theme.foreground);
    qreal y = box.top() + 7 * s;
    for (int i = 0; i < m_hover_lines.size(); ++i) {
        QFont f = p.font();
        f.setBold(i == 0);
        p.setFont(f);
        p.drawText(QRectF(box.left() + 10 * s, y, w - 20 * s, fm.lineSpacing()), Qt::AlignLeft | Qt::AlignVCenter,
                   m_hover_lines[i]);
        y += fm.lineSpacing();
    }
    QFont f = p.font();
    f.setBold(false);
    p.setFont(f);
}

}  // namespace gs::studio
