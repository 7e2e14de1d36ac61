// The selected layer's parameter form.
#include "editor/layer_form.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QSignalBlocker>
#include <QSpinBox>
#include <QVBoxLayout>
#include <cmath>
#include <limits>

#include "wheel_guard.h"

namespace gs::studio {

namespace {

bool is_int_field(LayerField f) {
    return f == LayerField::Units || f == LayerField::Filters || f == LayerField::Kernel ||
           f == LayerField::Stride || f == LayerField::Padding;
}

bool is_float_field(LayerField f) {
    return f == LayerField::Alpha || f == LayerField::Rate || f == LayerField::Eps ||
           f == LayerField::Momentum;
}

int int_value(const LayerSpec& l, LayerField f) {
    switch (f) {
        case LayerField::Units: return l.units;
        case LayerField::Filters: return l.filters;
        case LayerField::Kernel: return l.kernel;
        case LayerField::Stride: return l.stride;
        case LayerField::Padding: return l.padding;
        default: return 0;
    }
}

void set_int(LayerSpec& l, LayerField f, int v) {
    switch (f) {
        case LayerField::Units: l.units = v; break;
        case LayerField::Filters: l.filters = v; break;
        case LayerField::Kernel: l.kernel = v; break;
        case LayerField::Stride: l.stride = v; break;
        case LayerField::Padding: l.padding = v; break;
        default: break;
    }
}

float& float_ref(LayerSpec& l, LayerField f) {
    switch (f) {
        case LayerField::Alpha: return l.alpha;
        case LayerField::Rate: return l.rate;
        case LayerField::Eps: return l.eps;
        default: return l.momentum;
    }
}

QString float_text(float v) { return QString::number(static_cast<double>(v), 'g', 6); }

// A field that fits a narrow dock: the form's column gives it the width
// there is, not the width of its widest possible value.
void fit_narrow(QWidget* w) {
    w->setSizePolicy(QSizePolicy::Ignored, w->sizePolicy().verticalPolicy());
    w->setMinimumWidth(std::min(w->minimumSizeHint().width(), 72));
}

}  // namespace

LayerForm::LayerForm(QWidget* parent) : QWidget(parent), m_theme(Theme::standard()) {
    auto* box = new QVBoxLayout(this);
    box->setContentsMargins(0, 0, 0, 0);
    box->setSpacing(4);
    m_title = new QLabel(this);
    m_title->setTextFormat(Qt::PlainText);
    QFont f = m_title->font();
    f.setBold(true);
    m_title->setFont(f);
    m_about = new QLabel(this);
    m_about->setWordWrap(true);
    m_fields_box = new QWidget(this);
    m_message = new QLabel(this);
    m_message->setWordWrap(true);
    m_message->setTextFormat(Qt::PlainText);
    m_message->hide();
    box->addWidget(m_title);
    box->addWidget(m_about);
    box->addWidget(m_fields_box);
    box->addWidget(m_message);
    clear();
}

void LayerForm::clear() {
    m_row = -1;
    m_type.clear();
    rebuild(LayerSpec{});
    m_title->setText("No layer selected");
    m_about->setText("Select a layer to edit its parameters, or add one from the palette.");
    m_message->hide();
}

void LayerForm::set_theme(const Theme& theme) {
    m_theme = theme;
    m_about->setStyleSheet(QString("color: %1").arg(theme.muted.name()));
    m_message->setStyleSheet(QString("color: %1").arg(theme.error.name()));
    // Style sheets stop font propagation: hand the form's font on.
    m_about->setFont(font());
    m_message->setFont(font());
    QFont bold = font();
    bold.setBold(true);
    m_title->setFont(bold);
    for (auto& [f, w] : m_widgets) w->setFont(font());
    if (m_type_box) m_type_box->setFont(font());
}

void LayerForm::set_editable(bool editable) {
    m_editable = editable;
    for (auto& [f, w] : m_widgets) w->setEnabled(editable);
    if (m_type_box) m_type_box->setEnabled(editable);
}

QWidget* LayerForm::field_widget(LayerField f) const {
    auto it = m_widgets.find(f);
    return it == m_widgets.end() ? nullptr : it->second;
}

QString LayerForm::message() const { return m_message->isHidden() ? QString() : m_message->text(); }

void LayerForm::focus_first() {
    // The first parameter (the type box comes before them), else the type.
    const int first = m_type_box && m_fields && m_fields->rowCount() > 1 ? 1 : 0;
    if (m_fields && m_fields->rowCount() > first) {
        if (QWidget* w = m_fields->itemAt(first, QFormLayout::FieldRole)->widget()) {
            w->setFocus(Qt::ShortcutFocusReason);
            if (auto* spin = qobject_cast<QSpinBox*>(w)) spin->selectAll();
            if (auto* edit = qobject_cast<QLineEdit*>(w)) edit->selectAll();
        }
    }
}

void LayerForm::show_layer(int row, const std::vector<LayerSpec>& layers,
                           const QStringList& issues) {
    if (row < 0 || static_cast<size_t>(row) >= layers.size()) {
        clear();
        return;
    }
    const LayerSpec& l = layers[static_cast<size_t>(row)];
    const std::string type = canonical_layer_type(l.type);
    if (row != m_row || type != m_type) {
        m_row = row;
        m_type = type;
        rebuild(l);
    }
    m_layer = l;
    const QString qtype = QString::fromStdString(type.empty() ? l.type : type);
    m_title->setText(QString("Layer %1 · %2").arg(row + 1).arg(qtype));
    m_about->setText(m_widgets.empty() ? layer_description(qtype) + " No parameters to set."
                                       : layer_description(qtype));
    fill(layers, issues);
}

void LayerForm::rebuild(const LayerSpec& layer) {
    // The old widgets may be in the middle of emitting (a commit that moved
    // the selection): detach them now and delete them later.
    delete m_fields;
    for (QWidget* w : m_fields_box->findChildren<QWidget*>(QString(), Qt::FindDirectChildrenOnly)) {
        w->hide();
        w->setParent(nullptr);
        w->deleteLater();
    }
    m_widgets.clear();
    m_type_box = nullptr;
    m_fields = new QFormLayout(m_fields_box);
    m_fields->setContentsMargins(0, 0, 0, 0);
    m_fields->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    m_fields->setRowWrapPolicy(QFormLayout::WrapLongRows);
    const std::string type = canonical_layer_type(layer.type);
    const bool pool = type == "MaxPool2D" || type == "AvgPool2D";

    // The type itself, changeable in place (one undo step).
    if (!type.empty()) {
        m_type_box = new QComboBox(m_fields_box);
        m_type_box->setObjectName("type");
        for (const QString& t : layer_types()) m_type_box->addItem(t, t);
        m_type_box->setCurrentIndex(std::max(0, m_type_box->findData(QString::fromStdString(type))));
        m_type_box->setToolTip("Change this layer's type in place; the fields that still apply are kept.");
        m_type_box->setEnabled(m_editable);
        take_wheel_only_when_focused(m_type_box);
        fit_narrow(m_type_box);
        connect(m_type_box, &QComboBox::activated, this, [this](int i) { commit_type(i); });
        m_fields->addRow("Type", m_type_box);
    }

    for (LayerField f : layer_fields(type)) {
        QWidget* w = nullptr;
        if (is_int_field(f)) {
            auto* spin = new QSpinBox(m_fields_box);
            spin->setKeyboardTracking(false);  // commit on Enter, focus out or arrows
            spin->setGroupSeparatorShown(true);
            // Wide ranges on purpose: the engine, not the spin box, says what is allowed.
            spin->setRange(0, f == LayerField::Units || f == LayerField::Filters
                                  ? std::numeric_limits<int>::max()
                                  : 100000);
            if (f == LayerField::Stride) spin->setSpecialValueText(pool ? "= kernel" : "1 (default)");
            if (f == LayerField::Kernel && pool) spin->setSpecialValueText("2 (default)");
            connect(spin, &QSpinBox::valueChanged, this, [this, f](int v) { commit_int(f, v); });
            w = spin;
        } else if (is_float_field(f)) {
            auto* edit = new QLineEdit(m_fields_box);
            connect(edit, &QLineEdit::editingFinished, this,
                    [this, f, edit] { commit_float(f, edit); });
            w = edit;
        } else if (f == LayerField::Init) {
            auto* combo = new QComboBox(m_fields_box);
            combo->addItem("auto", QString());
            for (const QString& n : init_names()) combo->addItem(n, n);
            connect(combo, &QComboBox::activated, this, [this](int i) { commit_init(i); });
            w = combo;
        } else {
            auto* check = new QCheckBox("learn one per output", m_fields_box);
            connect(check, &QCheckBox::toggled, this, [this](bool on) { commit_bias(on); });
            w = check;
        }
        w->setObjectName(field_key(f));
        w->setToolTip(field_help(f, type));
        w->setEnabled(m_editable);
        take_wheel_only_when_focused(w);  // scrolling the panel leaves the values alone
        fit_narrow(w);
        m_widgets[f] = w;
        m_fields->addRow(field_label(f), w);
    }
}

void LayerForm::fill(const std::vector<LayerSpec>& layers, const QStringList& issues) {
    const LayerSpec& l = m_layer;
    for (auto& [f, w] : m_widgets) {
        const QSignalBlocker block(w);
        if (auto* spin = qobject_cast<QSpinBox*>(w)) {
            spin->setValue(int_value(l, f));
        } else if (auto* edit = qobject_cast<QLineEdit*>(w)) {
            const float v = float_ref(m_layer, f);
            bool ok = false;
            if (edit->text().toFloat(&ok) != v || !ok) edit->setText(float_text(v));
        } else if (auto* combo = qobject_cast<QComboBox*>(w)) {
            combo->setItemText(0, QString("auto (%1)").arg(QString::fromStdString(
                                      resolved_init(layers, static_cast<size_t>(m_row)))));
            const int i = combo->findData(QString::fromStdString(l.init));
            combo->setCurrentIndex(i >= 0 ? i : 0);
        } else if (auto* check = qobject_cast<QCheckBox*>(w)) {
            check->setChecked(l.bias);
        }
        // A field the engine complains about turns red, with the message as tooltip.
        QString problem;
        for (const QString& issue : issues)
            if (issue.startsWith(field_key(f) + ": ")) problem = issue;
        w->setStyleSheet(problem.isEmpty() ? QString()
                                           : QString("border: 2px solid %1").arg(m_theme.error.name()));
        w->setFont(font());
        w->setToolTip(problem.isEmpty() ? field_help(f, m_type) : problem);
    }
    if (!issues.isEmpty()) {
        m_message->setText(issues.join("\n"));
        m_message->show();
    } else {
        m_message->hide();
    }
}

void LayerForm::commit_int(LayerField f, int value) {
    if (m_row < 0 || int_value(m_layer, f) == value) return;
    LayerSpec l = m_layer;
    set_int(l, f, value);
    emit layer_changed(m_row, l, QString("Set %1 to %2").arg(field_key(f)).arg(value));
}

void LayerForm::commit_float(LayerField f, QWidget* w) {
    auto* edit = static_cast<QLineEdit*>(w);
    if (m_row < 0) return;
    QString text = edit->text().trimmed();
    text.replace(',', '.');
    bool ok = false;
    const double v = text.toDouble(&ok);
    if (!ok || !std::isfinite(v)) {
        m_message->setText(QString("%1: '%2' is not a number — type one such as %3")
                               .arg(field_label(f), edit->text(), float_text(float_ref(m_layer, f))));
        m_message->show();
        const QSignalBlocker block(edit);
        edit->setText(float_text(float_ref(m_layer, f)));
        return;
    }
    LayerSpec l = m_layer;
    if (float_ref(l, f) == static_cast<float>(v)) return;
    float_ref(l, f) = static_cast<float>(v);
    emit layer_changed(m_row, l, QString("Set %1 to %2").arg(field_key(f), float_text(float_ref(l, f))));
}

void LayerForm::commit_init(int combo_index) {
    auto* combo = static_cast<QComboBox*>(m_widgets[LayerField::Init]);
    const std::string init = combo->itemData(combo_index).toString().toStdString();
    if (m_row < 0 || init == m_layer.init) return;
    LayerSpec l = m_layer;
    l.init = init;
    emit layer_changed(m_row, l, QString("Set init to %1").arg(init.empty() ? "auto" : QString::fromStdString(init)));
}

void LayerForm::commit_type(int combo_index) {
    const QString type = m_type_box->itemData(combo_index).toString();
    const std::string from = canonical_layer_type(m_layer.type);
    if (m_row < 0 || type.toStdString() == from) return;
    emit layer_changed(m_row, convert_layer(m_layer, type),
                       QString("Change %1 to %2").arg(QString::fromStdString(from.empty() ? m_layer.type : from), type));
}

void LayerForm::commit_bias(bool on) {
    if (m_row < 0 || on == m_layer.bias) return;
    LayerSpec l = m_layer;
    l.bias = on;
    emit layer_changed(m_row, l, on ? "Turn bias on" : "Turn bias off");
}

}  // namespace gs::studio
