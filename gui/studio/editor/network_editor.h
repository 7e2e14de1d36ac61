// NetworkEditor: edits the model part of a ModelSpec (input shape, layers and
// their parameters, loss) and leaves the rest (optimizer, schedule, batch
// size, data) as it was given. A palette adds layers; the list reorders them
// (drag and drop, Ctrl+Up/Down) and removes them (Delete); the form under it
// edits the selected layer in place. The engine's validation (analyze_spec,
// through the bridge) runs after every edit: each row shows its output shape
// and parameter count, a problem shows at its layer with the engine's
// message, problems of the spec as a whole show in a banner, and the totals
// say how many parameters and how much memory the model needs. Edits can be undone (Ctrl+Z / Ctrl+Shift+Z).
#pragma once

#include <QString>
#include <QWidget>
#include <vector>

#include "editor/data_fit.h"
#include "gradscope/spec.h"
#include "theme.h"

class QComboBox;
class QLabel;
class QLineEdit;
class QListView;
class QListWidget;
class QToolButton;
class QUndoStack;

namespace gs::studio {

class LayerForm;
class LayerListModel;
class LayerListView;
class LayerPalette;
class LayerRowDelegate;

class NetworkEditor : public QWidget {
    Q_OBJECT
public:
    explicit NetworkEditor(QWidget* parent = nullptr);
    ~NetworkEditor() override;

    // Loads a spec (clears the undo history) and selects its first layer.
    void set_spec(const gs::ModelSpec& spec);
    // The spec as edited: the given spec with this editor's input, layers and
    // loss; an "auto" initializer is resolved as parse_spec would.
    gs::ModelSpec spec() const;
    // True when validation found nothing wrong with spec().
    bool is_valid() const { return m_issues.empty(); }
    // The first problem in the screen's words ("layer 3 (Dense): expects a
    // flat input, ..."; loss names as the Loss box shows them, no JSON),
    // with advice that fits the data once it is known; "" when valid.
    QString problem() const;
    std::vector<gs::SpecIssue> issues() const { return m_issues; }  // the engine's, as it words them

    // What the open data is (H3): the number of classes (0: regression),
    // floats per target and its name. Validation then also checks that the
    // loss and the output fit it, and the engine's generic advice gives way
    // to advice for this data. Does not change is_valid(): the engine alone
    // decides what can train, so new data is never refused on old facts.
    void set_data_facts(int classes, int target_size, const QString& data_name);
    // How the network does not fit the data ("the data (three) has 3
    // classes: make the last Dense layer 3 units, ..."), "" when it fits or
    // no data is known. Shown in the editor's banner.
    QString data_problem() const { return m_data_problem; }

    // The input shape cannot be edited while locked (a dataset fixes it); why
    // says so next to it.
    void set_input_locked(bool locked, const QString& why = {});
    // While training runs: nothing can be edited; the editor says why.
    void set_read_only(bool read_only, const QString& why = {});
    bool is_read_only() const { return m_read_only; }

    void select_layer(int index);
    int selected_layer() const;
    void set_theme(const Theme& theme);

    // Edits, as the palette, buttons and keys make them (refused while read-only).
    // After the selected layer, or at the end; before it right after the
    // first layer was removed (the gap it left).
    void add_layer(const QString& type);
    // Removes the selected layer and selects the one before it, so that an
    // insert fills the gap.
    void remove_selected();
    void move_selected(int delta);
    void edit_selected();  // focus the form's first field

    // For tests and the main window.
    LayerListModel* layer_model() const { return m_model; }
    QListView* layer_view() const;
    LayerPalette* layer_palette() const { return m_palette; }
    LayerForm* form() const { return m_form; }
    QUndoStack* undo_stack() const { return m_undo; }
    QString row_text(int index) const;  // number, type, parameters, shape, count, messages
    QString banner_text() const;        // spec-wide problems ("" when none)
    QString totals_text() const;
    QString notice_text() const;        // the read-only notice ("" when editable)

signals:
    // After every edit (and set_spec), once validation has run.
    void specChanged();
    void layerSelected(int index);

private:
    struct State {
        gs::Shape input;
        std::vector<LayerSpec> layers;
        std::string loss;
        int selected = -1;
    };
    class SnapshotCommand;

    State current_state() const;
    void apply_state(const State& s);  // undo / redo
    void commit(const QString& what, int select);
    void revalidate();
    void refresh_header();
    void refresh_form();
    void update_totals(const std::vector<LayerInfo>& info);
    void input_edited();
    void loss_edited(int index);
    void apply_theme_styles();

    gs::ModelSpec m_spec;  // everything but what the model holds (layers)
    std::vector<gs::SpecIssue> m_issues;
    DataFacts m_facts;
    QString m_data_problem;
    bool m_insert_before = false;  // the first layer was just removed: insert at 0
    State m_committed;  // the state the undo stack's top leads to
    bool m_read_only = false, m_input_locked = false;
    bool m_applying = false;
    Theme m_theme;
    double m_base_point_size = 0;

    QLineEdit* m_input;
    QLabel* m_input_note;
    QComboBox* m_loss;
    LayerPalette* m_palette;
    QLabel* m_palette_hint;
    QLabel* m_banner;
    QLabel* m_notice;
    QToolButton *m_up, *m_down, *m_remove, *m_undo_button, *m_redo_button;
    LayerListModel* m_model;
    LayerListView* m_view;
    LayerRowDelegate* m_delegate;
    LayerForm* m_form;
    QLabel* m_totals;
    QUndoStack* m_undo;
};

}  // namespace gs::studio
