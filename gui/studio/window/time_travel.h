// TimeTravel: the studio's time travel, wired into the main window with a
// few hooks. It puts the Timeline under the curves, the runs panel in a
// dock, the race grid in another, and draws other runs and the timeline's
// marker over the loss and accuracy plot (RunOverlay). While a past step is
// shown, or a fork is the active run, the canvas, the inspector and the
// gradient flow show what this object gives them (views_taken()): the past
// step's Snapshot and LayerStats, or the active fork's live telemetry; the
// window keeps drawing the root run's curves.
#pragma once

#include <QObject>
#include <cstdint>
#include <memory>
#include <vector>

class QPushButton;
class QWidget;

#include <QString>

#include "gradscope/run_info.h"
#include "gradscope/session_types.h"
#include "gradscope/telemetry.h"

namespace gs::studio {

class ForkDialog;
class MainWindow;
class RaceView;
class RunFamily;
class RunOverlay;
class RunsPanel;
class Timeline;

class TimeTravel : public QObject {
    Q_OBJECT

public:
    explicit TimeTravel(MainWindow* window);
    ~TimeTravel() override;

    RunFamily* family() const { return m_family; }
    Timeline* timeline() const { return m_timeline; }
    RunOverlay* overlay() const { return m_overlay; }
    RunsPanel* runs_panel() const { return m_runs; }
    RaceView* race_view() const { return m_race; }

    // The canvas, inspector and gradient flow are this object's to feed now.
    bool views_taken() const;
    // As dragging the timeline does (settled: as letting it go does).
    void scrub_to(long step, bool settled = true);
    void go_live();  // L or End
    // What the canvas was last given by this object (null: nothing).
    std::shared_ptr<const Snapshot> shown_snapshot() const { return m_shown_snapshot; }
    // The store the gradient flow was last given for a past step.
    const TelemetryStore& past_store() const { return m_past_store; }

    // The toolbar's Play (Space), Step and Epoch: the active run's (the
    // first run's through the bridge, a fork's through the family).
    CommandResult toggle_active();
    CommandResult step_active(long n);
    CommandResult step_active_epoch();
    bool fork_active() const;  // the active run is a fork, not the first run

    // The window's telemetry arrived (the timeline's range, the overlay).
    void refresh();
    // Drains the forks and polls the past step now (tests, screenshots).
    void tick();
    // A breakpoint stopped the root run: after a non-finite value, the
    // banner offers "Rewind to the last healthy step" and "Fork with a lower
    // learning rate" (buttons put into the banner's row).
    void breakpoint_hit(QWidget* banner);
    QPushButton* rewind_offer() const { return m_rewind_offer; }
    QPushButton* fork_offer() const { return m_fork_offer; }
    void rewind_to_last_healthy();
    void fork_with_lower_rate();

    // The Fork dialog for the step shown, at the settings of the active run.
    std::unique_ptr<ForkDialog> make_fork_dialog();
    // Dialog-free entry points (the dialogs call them; tests too).
    CommandResult fork_here(const ForkSpec& changes, uint32_t* id = nullptr);
    CommandResult race_here(const std::vector<ForkSpec>& forks, long steps = 0);
    CommandResult save_checkpoint_here(const QString& path);
    // With a project saved at project_path: the run tree beside it
    // (run_tree.h), and each run's newest state when the runs panel's box
    // is ticked. Nothing is written for a lone run (and an old tree goes).
    bool save_runs(const QString& project_path, QString* error = nullptr);
    // Opening that project (its first run loaded): the tree beside it, each
    // fork with its name, parent, fork step and changes, from its saved
    // state when there is one (else listed only). Nothing to open is fine;
    // false with the reasons for what could not be opened (the rest is).
    bool open_runs(const QString& project_path, QString* error = nullptr);

private:
    void show_past();        // the family's past step into the views
    void show_active_live();  // the active run's live state into the views
    void run_updated(uint32_t id);
    void update_overlay();
    void open_fork_dialog();
    void open_race_dialog();
    void open_checkpoint_dialog();
    long step_here() const;  // the step the timeline stands at

    MainWindow* m_window;
    RunFamily* m_family;
    Timeline* m_timeline;
    RunOverlay* m_overlay;
    RunsPanel* m_runs = nullptr;
    RaceView* m_race = nullptr;
    std::shared_ptr<const Snapshot> m_shown_snapshot;
    TelemetryStore m_past_store;
    QPushButton* m_rewind_offer = nullptr;
    QPushButton* m_fork_offer = nullptr;
};

}  // namespace gs::studio
