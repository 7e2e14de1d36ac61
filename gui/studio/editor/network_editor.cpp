// The network editor: layout, edits, undo, validation and totals.
#include "editor/network_editor.h"

#include <QComboBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QToolButton>
#include <QRegularExpression>
#include <QUndoCommand>
#include <QUndoStack>
#include <QVBoxLayout>
#include <algorithm>
#include <limits>

#include "bridge/spec_service.h"
#include "editor/layer_catalog.h"
#include "editor/layer_form.h"
#include "editor/layer_list_model.h"
#include "editor/layer_list_view.h"
#include "editor/layer_palette.h"
#include "editor/layer_row_delegate.h"
#include "gradscope/names.h"
#include "wheel_guard.h"

namespace gs::studio {

// One edit: the editor's state before and after. The edit has already been
// made when the command is pushed, so its first redo does nothing.
class NetworkEditor::SnapshotCommand : public QUndoCommand {
public:
    SnapshotCommand(NetworkEditor* editor, State before, State after, const QString& text)
        : QUndoCommand(text), m_editor(editor), m_before(std::move(before)), m_after(std::move(after)) {}
    void undo() override { m_editor->apply_state(m_before); }
    void redo() override {
        if (m_first) {
            m_first = false;
            return;
        }
        m_editor->apply_state(m_after);
    }

private:
    NetworkEditor* m_editor;
    State m_before, m_after;
    bool m_first = true;
};

namespace {

QLabel* make_box_label(QWidget* parent) {
    auto* l = new QLabel(parent);
    l->setWordWrap(true);
    l->setTextFormat(Qt::PlainText);
    l->setMargin(6);
    l->hide();
    return l;
}

// A button that shows its word when there is room, else its symbol
// ("Remove" or "✕"), never a word cut at both ends.
class FitButton : public QToolButton {
public:
    FitButton(const QString& word, const QString& symbol, QWidget* parent)
        : QToolButton(parent), m_word(word), m_symbol(symbol) {
        setText(word);
    }

protected:
    void resizeEvent(QResizeEvent* event) override {
        QToolButton::resizeEvent(event);
        const bool room = fontMetrics().horizontalAdvance(m_word) + 12 <= width();
        setText(room || m_symbol.isEmpty() ? m_word : m_symbol);
    }

private:
    QString m_word, m_symbol;
};

QToolButton* make_button(const QString& text, const QString& tip, QWidget* parent, const QString& symbol = {}) {
    auto* b = new FitButton(text, symbol, parent);
    // Shares a narrow dock's width instead of widening the panel past it.
    b->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Fixed);
    b->setMinimumWidth(24);
    b->setToolTip(tip);
    b->setFocusPolicy(Qt::NoFocus);  // the keys work on the list; the buttons are for the mouse
    return b;
}

}  // namespace

NetworkEditor::NetworkEditor(QWidget* parent)
    : QWidget(parent), m_theme(Theme::standard()), m_base_point_size(font().pointSizeF()) {
    m_undo = new QUndoStack(this);
    m_model = new LayerListModel(this);

    // The model's input and loss.
    auto* header = new QFormLayout;
    header->setContentsMargins(0, 0, 0, 0);
    m_input = new QLineEdit(this);
    m_input->setObjectName("input");
    m_input->setToolTip("The shape of one input item: features (e.g. 2) or channels x height x "
                        "width (e.g. 1x28x28).");
    m_input_note = new QLabel(this);
    m_input_note->setWordWrap(true);
    m_input_note->hide();
    auto* input_box = new QVBoxLayout;
    input_box->setSpacing(0);
    input_box->addWidget(m_input);
    input_box->addWidget(m_input_note);
    header->addRow("Input", input_box);
    m_loss = new QComboBox(this);
    m_loss->setObjectName("loss");
    for (const LossName& l : loss_table()) m_loss->addItem(l.label, l.id);
    m_loss->setToolTip("softmax cross-entropy: one output per class. binary cross-entropy: one "
                       "Sigmoid output. mean squared error: regression.");
    take_wheel_only_when_focused(m_loss);
    m_loss->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Fixed);
    m_loss->setMinimumWidth(72);
    m_input->setMinimumWidth(60);
    header->addRow("Loss", m_loss);

    m_palette_hint = new QLabel("Add a layer: double-click, Enter, or drag into the list", this);
    m_palette_hint->setWordWrap(true);
    m_palette = new LayerPalette(this);
    m_banner = make_box_label(this);
    m_notice = make_box_label(this);

    auto* buttons = new QHBoxLayout;
    buttons->setSpacing(4);
    m_up = make_button("↑", "Move the selected layer up (Ctrl+Up)", this);
    m_down = make_button("↓", "Move the selected layer down (Ctrl+Down)", this);
    m_remove = make_button("Remove", "Remove the selected layer (Delete)", this, "✕");
    m_undo_button = make_button("Undo", "Undo (Ctrl+Z)", this, "↶");
    m_redo_button = make_button("Redo", "Redo (Ctrl+Shift+Z)", this, "↷");
    for (QToolButton* b : {m_up, m_down, m_remove, m_undo_button, m_redo_button})
        buttons->addWidget(b, b == m_up || b == m_down ? 1 : 2);

    m_view = new LayerListView(this);
    m_view->setModel(m_model);
    m_delegate = new LayerRowDelegate(this);
    m_view->setItemDelegate(m_delegate);
    m_form = new LayerForm(this);
    m_totals = new QLabel(this);
    m_totals->setWordWrap(true);
    m_totals->setTextFormat(Qt::PlainText);

    auto* box = new QVBoxLayout(this);
    box->setContentsMargins(6, 6, 6, 6);
    box->setSpacing(4);
    box->addLayout(header);
    box->addWidget(m_palette_hint);
    box->addWidget(m_palette);
    box->addWidget(m_notice);
    box->addWidget(m_banner);
    box->addLayout(buttons);
    box->addWidget(m_view, 1);  // the list takes what the form and totals leave
    box->addWidget(m_form);
    box->addWidget(m_totals);

    connect(m_model, &LayerListModel::edited, this, &NetworkEditor::commit);
    connect(m_view->selectionModel(), &QItemSelectionModel::currentChanged, this,
            [this](const QModelIndex& now) {
                m_insert_before = false;
                refresh_form();
                if (!m_applying) emit layerSelected(now.isValid() ? now.row() : -1);
            });
    connect(m_view, &LayerListView::move_requested, this, &NetworkEditor::move_selected);
    connect(m_view, &LayerListView::remove_requested, this, &NetworkEditor::remove_selected);
    connect(m_view, &LayerListView::insert_requested, this,
            [this] { add_layer(m_palette->current_type()); });
    connect(m_view, &LayerListView::edit_requested, this, &NetworkEditor::edit_selected);
    connect(m_view, &LayerListView::undo_requested, m_undo, &QUndoStack::undo);
    connect(m_view, &LayerListView::redo_requested, m_undo, &QUndoStack::redo);
    connect(m_view, &LayerListView::change_type_requested, this, [this](int row, const QString& type) {
        const std::vector<LayerSpec>& layers = m_model->layers();
        if (m_read_only || row < 0 || static_cast<size_t>(row) >= layers.size()) return;
        const LayerSpec& from = layers[static_cast<size_t>(row)];
        const std::string was = canonical_layer_type(from.type);
        if (was == type.toStdString()) return;
        m_model->set_layer(row, convert_layer(from, type),
                           QString("Change %1 to %2").arg(QString::fromStdString(was.empty() ? from.type : was), type));
    });
    connect(m_palette, &LayerPalette::add_requested, this, &NetworkEditor::add_layer);
    connect(m_up, &QToolButton::clicked, this, [this] { move_selected(-1); });
    connect(m_down, &QToolButton::clicked, this, [this] { move_selected(+1); });
    connect(m_remove, &QToolButton::clicked, this, &NetworkEditor::remove_selected);
    connect(m_undo_button, &QToolButton::clicked, m_undo, &QUndoStack::undo);
    connect(m_redo_button, &QToolButton::clicked, m_undo, &QUndoStack::redo);
    connect(m_undo, &QUndoStack::canUndoChanged, this, [this](bool on) {
        m_undo_button->setEnabled(on && !m_read_only);
    });
    connect(m_undo, &QUndoStack::canRedoChanged, this, [this](bool on) {
        m_redo_button->setEnabled(on && !m_read_only);
    });
    connect(m_undo, &QUndoStack::undoTextChanged, this,
            [this](const QString& t) { m_undo_button->setToolTip(t.isEmpty() ? "Undo (Ctrl+Z)" : "Undo " + t + " (Ctrl+Z)"); });
    connect(m_undo, &QUndoStack::redoTextChanged, this,
            [this](const QString& t) { m_redo_button->setToolTip(t.isEmpty() ? "Redo (Ctrl+Shift+Z)" : "Redo " + t + " (Ctrl+Shift+Z)"); });
    connect(m_form, &LayerForm::layer_changed, this,
            [this](int row, const LayerSpec& l, const QString& what) {
                if (!m_read_only) m_model->set_layer(row, l, what);
            });
    connect(m_input, &QLineEdit::editingFinished, this, &NetworkEditor::input_edited);
    connect(m_loss, &QComboBox::activated, this, &NetworkEditor::loss_edited);

    m_undo_button->setEnabled(false);
    m_redo_button->setEnabled(false);
    set_theme(m_theme);
    revalidate();
}

NetworkEditor::~NetworkEditor() {
    // The undo stack's commands point back here: drop them before the members go.
    m_undo->clear();
}

QListView* NetworkEditor::layer_view() const { return m_view; }

void NetworkEditor::set_spec(const ModelSpec& spec) {
    m_spec = spec;
    State s;
    s.input = spec.input;
    s.layers = spec.layers;
    s.loss = spec.loss;
    s.selected = spec.layers.empty() ? -1 : 0;
    m_undo->clear();
    m_committed = s;
    apply_state(s);
}

ModelSpec NetworkEditor::spec() const {
    ModelSpec s = m_spec;
    s.layers = m_model->layers();
    for (size_t i = 0; i < s.layers.size(); ++i) {
        const std::string t = canonical_layer_type(s.layers[i].type);
        if ((t == "Dense" || t == "Conv2D") && s.layers[i].init.empty())
            s.layers[i].init = resolved_init(s.layers, i);
    }
    return s;
}

QString NetworkEditor::problem() const {
    if (m_issues.empty()) return {};
    SpecIssue first = m_issues.front();
    first.message = with_data_suggestion(text_for_people(QString::fromStdString(first.message)), spec(), m_facts)
                        .toStdString();
    return QString::fromStdString(first.str());
}

void NetworkEditor::set_data_facts(int classes, int target_size, const QString& data_name) {
    m_facts.classes = classes;
    m_facts.target_size = std::max(1, target_size);
    m_facts.name = text_for_people(data_name);
    revalidate();
}

NetworkEditor::State NetworkEditor::current_state() const {
    State s;
    s.input = m_spec.input;
    s.layers = m_model->layers();
    s.loss = m_spec.loss;
    s.selected = selected_layer();
    return s;
}

void NetworkEditor::apply_state(const State& s) {
    m_applying = true;
    m_spec.input = s.input;
    m_spec.loss = s.loss;
    m_model->reset_layers(s.layers);
    m_committed = s;
    refresh_header();
    m_applying = false;
    select_layer(s.selected);
    revalidate();
    emit specChanged();
}

void NetworkEditor::commit(const QString& what, int select) {
    State now = current_state();
    if (select >= 0) now.selected = std::min(select, static_cast<int>(now.layers.size()) - 1);
    m_undo->push(new SnapshotCommand(this, m_committed, now, what));
    m_committed = now;
    // The new spec first, then the selection: whoever follows layerSelected
    // (the inspector) then already knows the layer it is asked for.
    revalidate();
    emit specChanged();
    if (select >= 0) select_layer(now.selected);
}

void NetworkEditor::select_layer(int index) {
    if (index < 0 || index >= m_model->rowCount()) {
        m_view->selectionModel()->clearCurrentIndex();
        m_view->clearSelection();
        refresh_form();
        return;
    }
    const QModelIndex i = m_model->index(index);
    m_view->selectionModel()->setCurrentIndex(i, QItemSelectionModel::ClearAndSelect);
    m_view->scrollTo(i);
}

int NetworkEditor::selected_layer() const {
    const QModelIndex i = m_view->selectionModel()->currentIndex();
    return i.isValid() ? i.row() : -1;
}

void NetworkEditor::add_layer(const QString& type) {
    if (m_read_only) return;
    const int sel = selected_layer();
    m_palette->set_current_type(type);
    const int at = sel < 0 ? m_model->rowCount() : m_insert_before ? sel : sel + 1;
    m_insert_before = false;
    m_model->insert_layer(at, default_layer(type));
}

void NetworkEditor::remove_selected() {
    const int sel = selected_layer();
    if (m_read_only || sel < 0) return;
    m_model->removeRows(sel, 1);  // selects the layer before (the first: the one after)
    m_insert_before = sel == 0 && m_model->rowCount() > 0;
}

void NetworkEditor::move_selected(int delta) {
    const int sel = selected_layer();
    if (m_read_only || sel < 0) return;
    const int to = sel + delta;
    if (to < 0 || to >= m_model->rowCount()) return;
    // moveRows takes the row to insert before, counted before the move.
    m_model->moveRows({}, sel, 1, {}, delta < 0 ? to : to + 1);
}

void NetworkEditor::edit_selected() {
    if (selected_layer() >= 0 && !m_read_only) m_form->focus_first();
}

void NetworkEditor::input_edited() {
    if (m_read_only || m_input_locked) return;
    const QString text = m_input->text();
    const QStringList parts =
        text.split(QRegularExpression("[x×X,\\s\\[\\]()]+"), Qt::SkipEmptyParts);
    std::vector<int> dims;
    bool ok = !parts.isEmpty() && parts.size() <= 4;
    for (const QString& p : parts) {
        bool n_ok = false;
        const qlonglong v = p.toLongLong(&n_ok);
        ok = ok && n_ok && v >= std::numeric_limits<int>::min() && v <= std::numeric_limits<int>::max();
        dims.push_back(static_cast<int>(n_ok ? v : 0));
    }
    if (!ok) {
        m_input_note->setText(QString("'%1' is not a shape — write the features (e.g. 2) or "
                                      "channels x height x width (e.g. 1x28x28)")
                                  .arg(text));
        m_input_note->setStyleSheet(QString("color: %1").arg(m_theme.error.name()));
        m_input_note->show();
        refresh_header();
        return;
    }
    Shape s;
    s.rank = static_cast<int>(dims.size());
    for (size_t i = 0; i < dims.size(); ++i) s[static_cast<int>(i)] = dims[i];
    if (s == m_spec.input) {
        if (!m_input_locked) m_input_note->hide();
        refresh_header();
        return;
    }
    if (!m_input_locked) m_input_note->hide();
    m_spec.input = s;
    commit(QString("Set input to %1").arg(shape_text(s)), -1);
    refresh_header();
}

void NetworkEditor::loss_edited(int index) {
    const std::string loss = m_loss->itemData(index).toString().toStdString();
    if (m_read_only || loss == m_spec.loss) return;
    m_spec.loss = loss;
    commit(QString("Set loss to %1").arg(m_loss->itemText(index)), -1);
}

void NetworkEditor::refresh_header() {
    m_input->setText(shape_text(m_spec.input) == "?" ? QString() : shape_text(m_spec.input));
    m_input->setReadOnly(m_input_locked || m_read_only);
    apply_theme_styles();
    int i = m_loss->findData(QString::fromStdString(m_spec.loss));
    if (i < 0) {  // a name the editor does not know: show it; validation says what is wrong
        m_loss->addItem(QString::fromStdString(m_spec.loss), QString::fromStdString(m_spec.loss));
        i = m_loss->count() - 1;
    }
    m_loss->setCurrentIndex(i);
}

void NetworkEditor::set_input_locked(bool locked, const QString& why) {
    m_input_locked = locked;
    m_input_note->setText(locked ? (why.isEmpty() ? QString("fixed by the dataset") : why) : QString());
    m_input_note->setStyleSheet(QString("color: %1").arg(m_theme.muted.name()));
    m_input_note->setVisible(locked);
    m_input->setToolTip(locked ? m_input_note->text()
                               : "The shape of one input item: features (e.g. 2) or channels x "
                                 "height x width (e.g. 1x28x28).");
    refresh_header();
}

void NetworkEditor::set_read_only(bool read_only, const QString& why) {
    m_read_only = read_only;
    m_model->set_editable(!read_only);
    m_view->setDragDropMode(read_only ? QAbstractItemView::NoDragDrop : QAbstractItemView::DragDrop);
    m_form->set_editable(!read_only);
    m_view->set_editable(!read_only);
    m_palette->setEnabled(!read_only);
    m_loss->setEnabled(!read_only);
    for (QToolButton* b : {m_up, m_down, m_remove}) b->setEnabled(!read_only);
    m_undo_button->setEnabled(!read_only && m_undo->canUndo());
    m_redo_button->setEnabled(!read_only && m_undo->canRedo());
    m_notice->setText(why.isEmpty() ? QString("Training is running, so the network cannot be "
                                              "changed. Pause or stop the run, then reset it, to "
                                              "edit.")
                                    : why);
    m_notice->setVisible(read_only);
    refresh_header();
}

void NetworkEditor::refresh_form() {
    const int sel = selected_layer();
    m_form->show_layer(sel, m_model->layers(), m_model->issues_at(sel));
}

void NetworkEditor::revalidate() {
    const ModelSpec now = spec();
    SpecAnalysis analysis = analyze_spec(now);
    m_issues = std::move(analysis.issues);
    const std::vector<LayerInfo>& info = analysis.layers;
    // On screen: the engine's issues in the screen's words, fitted to the data.
    std::vector<SpecIssue> shown = m_issues;
    for (SpecIssue& i : shown)
        i.message = with_data_suggestion(text_for_people(QString::fromStdString(i.message)), now, m_facts).toStdString();
    m_data_problem = m_issues.empty() ? data_fit_problem(now, info, m_facts) : QString();
    m_model->set_analysis(info, shown);
    QStringList wide;
    for (const SpecIssue& i : shown)
        if (i.layer < 0) wide << QString::fromStdString(i.str());
    if (!m_data_problem.isEmpty()) wide << m_data_problem;
    m_banner->setText(wide.join("\n"));
    m_banner->setVisible(!wide.isEmpty());
    update_totals(info);
    refresh_form();
}

void NetworkEditor::update_totals(const std::vector<LayerInfo>& info) {
    uint64_t params = 0, acts = 0;
    bool known = !info.empty();
    for (const LayerInfo& l : info) {
        params += l.params;
        acts += shape_elements(l.out);
        known = known && l.out.rank > 0;
    }
    // Optimizer state per parameter.
    const OptimizerName* opt = find_optimizer(m_spec.optimizer.type);
    const OptimizerKind kind = opt ? opt->kind : OptimizerKind::Sgd;
    int state_slots = 0;
    QString state;
    if (kind == OptimizerKind::Adam || kind == OptimizerKind::AdamW) {
        state_slots = 2;
        state = QString("%1 state").arg(opt->label);
    } else if (kind == OptimizerKind::RmsProp) {
        state_slots = m_spec.optimizer.momentum > 0 ? 2 : 1;
        state = QString("%1 state").arg(opt->label);
    } else if (m_spec.optimizer.momentum > 0) {
        state_slots = 1;
        state = "momentum";
    }
    const double w = 4.0 * static_cast<double>(params);
    QString text = QString("%1 parameters · %2 weights").arg(grouped(params), bytes_text(w));
    text += QString("\n~%1 with gradients%2")
                .arg(bytes_text(w * (2 + state_slots)), state.isEmpty() ? QString() : " and " + state);
    if (acts) {
        const int batch = std::max(1, m_spec.batch_size);
        text += QString("\nLayer outputs: %1 per item · %2 per batch of %3")
                    .arg(bytes_text(4.0 * static_cast<double>(acts)),
                         bytes_text(4.0 * static_cast<double>(acts) * batch))
                    .arg(batch);
    }
    if (!known) text += "\n(up to the first layer of unknown shape)";
    m_totals->setText(text);
}

QString NetworkEditor::row_text(int index) const {
    return m_model->data(m_model->index(index), Qt::DisplayRole).toString();
}

QString NetworkEditor::banner_text() const { return m_banner->isHidden() ? QString() : m_banner->text(); }
QString NetworkEditor::totals_text() const { return m_totals->text(); }
QString NetworkEditor::notice_text() const { return m_notice->isHidden() ? QString() : m_notice->text(); }

void NetworkEditor::set_theme(const Theme& theme) {
    m_theme = theme;
    QFont f = font();
    if (m_base_point_size > 0) f.setPointSizeF(m_base_point_size * theme.font_scale);
    setFont(f);
    QPalette pal = palette();
    pal.setColor(QPalette::Window, theme.panel);
    pal.setColor(QPalette::Base, theme.background);
    pal.setColor(QPalette::Text, theme.foreground);
    pal.setColor(QPalette::WindowText, theme.foreground);
    setPalette(pal);
    m_delegate->set_theme(theme);
    m_palette->set_theme(theme);
    m_form->set_theme(theme);
    apply_theme_styles();
    m_view->doItemsLayout();
    m_view->viewport()->update();
}

void NetworkEditor::apply_theme_styles() {
    auto box = [](const QColor& c) {
        return QString("background: %1; color: %2; border: 1px solid %2; border-radius: 3px;")
            .arg(QColor(c.red(), c.green(), c.blue(), 28).name(QColor::HexArgb), c.name());
    };
    m_banner->setStyleSheet(box(m_theme.error));
    m_notice->setStyleSheet(box(m_theme.warning.darker(130)));
    m_palette_hint->setStyleSheet(QString("color: %1").arg(m_theme.muted.name()));
    m_totals->setStyleSheet(QString("color: %1").arg(m_theme.foreground.name()));
    if (m_input_locked) m_input_note->setStyleSheet(QString("color: %1").arg(m_theme.muted.name()));
    // A read-only input looks read-only.
    m_input->setStyleSheet(m_input->isReadOnly()
                               ? QString("QLineEdit { background: %1; color: %2; }")
                                     .arg(m_theme.panel.name(), m_theme.foreground.name())
                               : QString());
    // Style sheets stop font propagation: give the styled labels the theme's font.
    for (QWidget* w : std::initializer_list<QWidget*>{m_banner, m_notice, m_palette_hint, m_totals,
                                                      m_input_note, m_input})
        w->setFont(font());
}

}  // namespace gs::studio
