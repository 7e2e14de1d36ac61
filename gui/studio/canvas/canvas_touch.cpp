// Hover cards and weight editing on the network canvas.
#include "canvas/canvas_touch.h"

#include <QDoubleSpinBox>
#include <QEvent>
#include <QFrame>
#include <QHBoxLayout>
#include <QLabel>
#include <QMouseEvent>
#include <QPushButton>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>

#include "bridge/classroom_service.h"
#include "canvas/color_scale.h"
#include "canvas/feature_inputs.h"
#include "canvas/network_canvas.h"
#include "gradscope/equations.h"

namespace gs::studio {

namespace {

QString num(double v) { return QString::fromStdString(format_number(v, 3)); }
QString term(double v) { return v < 0 ? QStringLiteral("(") + num(v) + QStringLiteral(")") : num(v); }

// The canvas's connection curve (dense_paint.cpp): a cubic from a to b with
// horizontal ends. Distance from p to it, sampled.
qreal curve_distance(const QPointF& p, const QPointF& a, const QPointF& b) {
    const qreal mx = (a.x() + b.x()) / 2;
    const QPointF p1(mx, a.y()), p2(mx, b.y());
    qreal best = 1e9;
    QPointF prev = a;
    for (int i = 1; i <= 24; ++i) {
        const qreal t = i / 24.0, u = 1 - t;
        const QPointF at = u * u * u * a + 3 * u * u * t * p1 + 3 * u * t * t * p2 + t * t * t * b;
        const QPointF ab = at - prev;
        const qreal len2 = QPointF::dotProduct(ab, ab);
        const qreal s = len2 > 0 ? std::clamp<qreal>(QPointF::dotProduct(p - prev, ab) / len2, 0, 1) : 0;
        const QPointF d = p - (prev + s * ab);
        best = std::min(best, std::hypot(d.x(), d.y()));
        prev = at;
    }
    return best;
}

QString activation_after(const ModelSpec& spec, int dense) {
    const size_t next = static_cast<size_t>(dense) + 1;
    if (next < spec.layers.size() && spec.layers[next].type != "Dense") return QString::fromStdString(spec.layers[next].type);
    return {};
}

}  // namespace

CanvasTouch::CanvasTouch(NetworkCanvas* canvas, ClassroomService* classroom, QObject* parent)
    : QObject(parent), m_canvas(canvas), m_classroom(classroom) {
    canvas->setMouseTracking(true);
    canvas->installEventFilter(this);
    m_card = new QFrame(canvas);
    m_card->setObjectName(QStringLiteral("neuronCard"));
    m_card->setFrameShape(QFrame::StyledPanel);
    m_card->setAutoFillBackground(true);
    m_card->setAttribute(Qt::WA_TransparentForMouseEvents);
    auto* row = new QHBoxLayout(m_card);
    m_card_text = new QLabel;
    m_card_text->setTextFormat(Qt::PlainText);
    m_card_map = new QLabel;
    row->addWidget(m_card_text);
    row->addWidget(m_card_map);
    m_card->hide();

    m_editor = new QFrame(canvas);
    m_editor->setObjectName(QStringLiteral("parameterEditor"));
    m_editor->setFrameShape(QFrame::StyledPanel);
    m_editor->setAutoFillBackground(true);
    auto* er = new QHBoxLayout(m_editor);
    m_editor_label = new QLabel;
    m_value = new QDoubleSpinBox;
    m_value->setRange(-100, 100);
    m_value->setDecimals(3);
    m_value->setSingleStep(0.1);
    auto* set = new QPushButton(QStringLiteral("Set"));
    auto* close = new QPushButton(QStringLiteral("×"));
    close->setFixedWidth(28);
    er->addWidget(m_editor_label);
    er->addWidget(m_value);
    er->addWidget(set);
    er->addWidget(close);
    m_editor->hide();
    connect(set, &QPushButton::clicked, this, [this] { apply(m_value->value()); });
    connect(m_value, &QDoubleSpinBox::editingFinished, this, [this] {
        if (m_editor->isVisible()) apply(m_value->value());
    });
    connect(close, &QPushButton::clicked, m_editor, &QWidget::hide);
}

void CanvasTouch::set_model(const ModelSpec& spec) {
    m_spec = spec;
    m_dense.clear();
    for (size_t i = 0; i < spec.layers.size(); ++i)
        if (spec.layers[i].type == "Dense") m_dense.push_back(static_cast<int>(i));
    hide_card();
    m_editor->hide();
}

void CanvasTouch::set_snapshot(std::shared_ptr<const Snapshot> snapshot) {
    m_snapshot = std::move(snapshot);
    if (m_editor->isVisible() && !m_value->hasFocus() && m_edited.valid()) edit(m_edited);
}

void CanvasTouch::set_theme(const Theme& theme) { m_theme = theme; }

int CanvasTouch::dense_index(int layer) const {
    auto it = std::find(m_dense.begin(), m_dense.end(), layer);
    return it == m_dense.end() ? -1 : static_cast<int>(it - m_dense.begin());
}

int CanvasTouch::shown_layer(int dense) const {
    return activation_after(m_spec, dense).isEmpty() ? dense : dense + 1;
}

QString CanvasTouch::input_name(int i) const {
    const QStringList names = input_labels(m_spec.data, static_cast<int>(m_spec.input.numel()));
    return i >= 0 && i < names.size() ? names[i] : QStringLiteral("x%1").arg(i + 1);
}

const std::vector<float>* CanvasTouch::weights_of(int layer) const {
    if (!m_snapshot || layer < 0 || static_cast<size_t>(layer) >= m_snapshot->weights.size()) return nullptr;
    const auto& w = m_snapshot->weights[static_cast<size_t>(layer)];
    return w.empty() ? nullptr : &w;
}

CanvasTouch::Target CanvasTouch::target_at(const QPointF& pos) const {
    auto rects_of = [&](int layer) {
        std::vector<QRectF> out;
        for (int u = 0;; ++u) {
            const QRectF r = m_canvas->neuron_rect(layer, u);
            if (r.isEmpty()) break;
            out.push_back(r);
        }
        return out;
    };
    std::vector<QRectF> prev = rects_of(-1);
    for (size_t i = 0; i < prev.size(); ++i)
        if (prev[i].adjusted(-2, -2, 2, 2).contains(pos)) return Target{-1, static_cast<int>(i), -1};
    Target best;
    qreal best_d = 4;
    for (int layer : m_dense) {
        const std::vector<QRectF> cur = rects_of(layer);
        for (size_t u = 0; u < cur.size(); ++u)
            if (cur[u].adjusted(-2, -2, 2, 2).contains(pos)) return Target{layer, static_cast<int>(u), -1};
        for (size_t u = 0; u < cur.size(); ++u)
            for (size_t i = 0; i < prev.size(); ++i) {
                const qreal d = curve_distance(pos, QPointF(prev[i].right(), prev[i].center().y()),
                                               QPointF(cur[u].left(), cur[u].center().y()));
                if (d < best_d) {
                    best_d = d;
                    best = Target{layer, static_cast<int>(u), static_cast<int>(i)};
                }
            }
        prev = cur;
    }
    return best;
}

QStringList CanvasTouch::card_lines(const Target& t) const {
    QStringList out;
    if (!t.valid()) return out;
    if (t.layer < 0) {
        out << QStringLiteral("Input %1").arg(input_name(t.unit));
        out << QStringLiteral("its value over the plane of the data");
        return out;
    }
    const int d = dense_index(t.layer);
    const std::vector<float>* w = weights_of(t.layer);
    const int inputs = (m_snapshot && static_cast<size_t>(t.layer) < m_snapshot->parameter_shapes.size() &&
                        m_snapshot->parameter_shapes[static_cast<size_t>(t.layer)].size() == 2)
                           ? m_snapshot->parameter_shapes[static_cast<size_t>(t.layer)][1]
                           : 0;
    if (t.is_connection()) {
        const QString from_name = d == 0 ? input_name(t.input)
                                         : QStringLiteral("neuron %1 of layer %2").arg(t.input + 1).arg(d);
        out << QStringLiteral("Connection %1 → neuron %2 of layer %3").arg(from_name).arg(t.unit + 1).arg(d + 1);
        if (!w || inputs == 0) return out << QStringLiteral("no weights yet");
        const size_t k = static_cast<size_t>(t.unit) * static_cast<size_t>(inputs) + static_cast<size_t>(t.input);
        out << QStringLiteral("weight w = %1").arg(num((*w)[k]));
        const auto& g = m_snapshot->weight_grads[static_cast<size_t>(t.layer)];
        if (k < g.size() && m_snapshot->step > 0)
            out << QStringLiteral("gradient ∂L/∂w = %1 (step %2)").arg(num(g[k])).arg(m_snapshot->step);
        else
            out << QStringLiteral("gradient: none yet (no step taken)");
        out << QStringLiteral("click to set its value");
        return out;
    }
    const QString act = activation_after(m_spec, t.layer);
    out << QStringLiteral("Neuron %1 of layer %2 (Dense%3)")
               .arg(t.unit + 1).arg(d + 1).arg(act.isEmpty() ? QString() : QStringLiteral(" + ") + act);
    if (!w || inputs == 0) return out << QStringLiteral("no weights yet");
    const auto& biases = m_snapshot->biases[static_cast<size_t>(t.layer)];
    const double b = static_cast<size_t>(t.unit) < biases.size() ? biases[static_cast<size_t>(t.unit)] : 0.0;
    QString z = QStringLiteral("z = ");
    for (int i = 0; i < inputs; ++i) {
        if (i == 6) {
            z += QStringLiteral("… (%1 more) + ").arg(inputs - 6);
            break;
        }
        const QString x = d == 0 ? input_name(i) : QStringLiteral("a%1").arg(i + 1);
        z += term((*w)[static_cast<size_t>(t.unit * inputs + i)]) + QStringLiteral("·") + x + QStringLiteral(" + ");
    }
    z += term(b);
    out << z;
    if (!act.isEmpty()) out << QStringLiteral("a = %1(z)").arg(act.toLower());
    out << QStringLiteral("incoming weights:");
    for (int i = 0; i < std::min(inputs, 8); ++i)
        out << QStringLiteral("  w from %1 = %2")
                   .arg(d == 0 ? input_name(i) : QStringLiteral("neuron %1").arg(i + 1),
                        num((*w)[static_cast<size_t>(t.unit * inputs + i)]));
    out << QStringLiteral("bias b = %1").arg(num(b));
    out << QStringLiteral("click to set the bias");
    return out;
}

QImage CanvasTouch::enlarged_heatmap(const Target& t, int size) const {
    if (!m_snapshot || m_snapshot->grid <= 0 || t.is_connection() || !t.valid()) return {};
    const int g = m_snapshot->grid;
    std::vector<float> v;
    if (t.layer < 0) {
        v = input_grid(m_spec.data, t.unit, g, m_snapshot->lo, m_snapshot->hi);
    } else {
        const size_t L = static_cast<size_t>(shown_layer(t.layer));
        if (L >= m_snapshot->grid_units.size() || static_cast<size_t>(t.unit) >= m_snapshot->grid_units[L].size())
            return {};
        v = m_snapshot->grid_units[L][static_cast<size_t>(t.unit)];
    }
    if (v.size() != static_cast<size_t>(g) * g) return {};
    float m = 1e-6f;
    for (float x : v) m = std::max(m, std::fabs(x));
    return ColorRamp::diverging(m_theme).image(v.data(), g, g, 1.0f / m, 0.0f, true).scaled(size, size);
}

void CanvasTouch::hover(const QPointF& pos) {
    const Target t = target_at(pos);
    m_shown_lines = card_lines(t);
    if (m_shown_lines.isEmpty()) return hide_card();
    m_card_text->setText(m_shown_lines.join('\n'));
    const QImage map = enlarged_heatmap(t, static_cast<int>(160 * m_theme.font_scale));
    m_card_map->setVisible(!map.isNull());
    if (!map.isNull()) m_card_map->setPixmap(QPixmap::fromImage(map));
    m_card->adjustSize();
    QPoint at = pos.toPoint() + QPoint(16, 16);
    at.setX(std::clamp(at.x(), 0, std::max(0, m_canvas->width() - m_card->width())));
    at.setY(std::clamp(at.y(), 0, std::max(0, m_canvas->height() - m_card->height())));
    m_card->move(at);
    m_card->show();
    m_card->raise();
}

bool CanvasTouch::card_visible() const { return m_card->isVisible(); }

void CanvasTouch::hide_card() {
    m_shown_lines.clear();
    m_card->hide();
}

void CanvasTouch::edit(const Target& t) {
    if (!t.valid() || t.layer < 0) return;
    const std::vector<float>* w = weights_of(t.layer);
    if (!w) return;
    m_edited = t;
    const int d = dense_index(t.layer);
    double value = 0;
    if (t.is_connection()) {
        const int inputs = m_snapshot->parameter_shapes[static_cast<size_t>(t.layer)][1];
        value = (*w)[static_cast<size_t>(t.unit * inputs + t.input)];
        m_editor_label->setText(QStringLiteral("weight %1 → neuron %2 of layer %3")
                                    .arg(d == 0 ? input_name(t.input) : QStringLiteral("neuron %1").arg(t.input + 1))
                                    .arg(t.unit + 1).arg(d + 1));
    } else {
        const auto& b = m_snapshot->biases[static_cast<size_t>(t.layer)];
        value = static_cast<size_t>(t.unit) < b.size() ? b[static_cast<size_t>(t.unit)] : 0.0;
        m_editor_label->setText(QStringLiteral("bias of neuron %1 of layer %2").arg(t.unit + 1).arg(d + 1));
    }
    QSignalBlocker block(m_value);
    m_value->setValue(value);
    m_editor->adjustSize();
    m_editor->move(8, std::max(0, m_canvas->height() - m_editor->height() - 8));
    m_editor->show();
    m_editor->raise();
}

bool CanvasTouch::editing() const { return m_editor->isVisible(); }

bool CanvasTouch::apply(double value) {
    if (!m_edited.valid() || m_edited.layer < 0) return false;
    ParameterEdit e;
    e.layer = m_edited.layer;
    e.param = m_edited.is_connection() ? "weight" : "bias";
    e.unit = m_edited.unit;
    e.input = std::max(0, m_edited.input);
    e.value = static_cast<float>(value);
    return static_cast<bool>(m_classroom->set_parameter(e));
}

bool CanvasTouch::eventFilter(QObject* watched, QEvent* event) {
    if (watched != m_canvas) return false;
    switch (event->type()) {
    case QEvent::MouseMove:
        hover(static_cast<QMouseEvent*>(event)->position());
        return false;
    case QEvent::Leave: hide_card(); return false;
    case QEvent::MouseButtonPress: {
        auto* me = static_cast<QMouseEvent*>(event);
        if (me->button() != Qt::LeftButton) return false;
        const Target t = target_at(me->position());
        if (!t.valid() || t.layer < 0) return false;  // the column: selects the layer as before
        edit(t);
        return true;
    }
    default: return false;
    }
}

}  // namespace gs::studio
