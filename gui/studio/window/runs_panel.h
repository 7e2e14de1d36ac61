// RunsPanel: every run of the family, each with its colour and name, a box
// to show or hide its curves, its state and steps, where it was forked from;
// buttons to make one active (the views follow it), train or pause it,
// delete it. A double click on a name renames the run.
#pragma once

#include <QElapsedTimer>
#include <QTimer>
#include <QWidget>
#include <cstdint>

class QCheckBox;
class QToolButton;
class QTreeWidget;
class QTreeWidgetItem;

namespace gs::studio {

class RunFamily;
struct Theme;

class RunsPanel : public QWidget {
    Q_OBJECT

public:
    explicit RunsPanel(RunFamily* family, QWidget* parent = nullptr);

    // Rows for the family's runs as they are now (names, states, steps).
    void rebuild();
    void update_states();  // the state and steps columns only
    // The same, but the step counts at most every kCountsEveryMs (the newest
    // always shown in the end; a changed state at once): for every tick of a
    // training run, where a column resized to its contents on every step
    // count cost the GUI thread more than the rest of the tick.
    void update_states_soon();
    static constexpr int kCountsEveryMs = 250;
    bool states_due() const { return m_states_soon.isActive(); }  // deferred, not shown yet

    // For tests.
    QTreeWidget* list() const { return m_list; }
    QTreeWidgetItem* item_of(uint32_t id) const;
    uint32_t selected_run() const;  // the active run when nothing is selected
    void select_run(uint32_t id);
    QToolButton* activate_button() const { return m_activate; }
    QToolButton* delete_button() const { return m_delete; }
    QToolButton* play_button() const { return m_play; }
    QToolButton* pause_button() const { return m_pause; }
    // "Save states (2.1 MB)": each run's newest state, from
    // the size of one state (the parameters and up to two optimizer moments).
    QCheckBox* save_states_box() const { return m_save_states; }
    void set_state_bytes(double bytes);
    void update_size_note();

private:
    QString state_text(uint32_t id) const;  // "paused · active"
    QString steps_text(uint32_t id) const;  // "1,234"

    RunFamily* m_family;
    QTreeWidget* m_list;
    QToolButton *m_activate, *m_play, *m_pause, *m_delete;
    QCheckBox* m_save_states;
    double m_state_bytes = 0;
    bool m_building = false;
    bool m_editing = false;  // a row edited by hand is being applied
    QElapsedTimer m_since_states;  // since update_states() last ran
    QTimer m_states_soon;          // update_states_soon()'s deferred update
};

}  // namespace gs::studio
