// RunFamily: time travel for the studio, through the one seam (bridge/).
// The bridge's session is the root run (id 0); forks made from any run at
// any past step are Sessions of their own on the root's worker thread
// (Session::fork), each drained into a TelemetryStore of its own here. The
// views see runs by id: their RunInfo, state, store, newest snapshot and
// whether they are shown; one run is active (the views follow it), and the
// active run can show a past step (scrubbing: show_step, then pastReady()
// with a PastStep: that step's Snapshot and LayerStats, exactly as the run
// had them). A race starts two to four forks of one step at once; they take
// their steps in turn on the worker, so their step counts stay matched.
//
// A new session in the bridge (another network, data, seed or a reset)
// starts the family over: its forks belonged to the old one.
#pragma once

#include <QElapsedTimer>
#include <QObject>
#include <QString>
#include <QTimer>
#include <cstdint>
#include <memory>
#include <vector>

#include "gradscope/run_info.h"
#include "gradscope/session_types.h"
#include "gradscope/telemetry.h"

namespace gs {
class Session;
}

namespace gs::studio {

class SessionBridge;

// Restore points of a run, for people (the project dialog shows the size).
struct RestorePointSummary {
    size_t points = 0, bytes = 0, budget = 0;
    long oldest_step = -1, newest_step = -1, first_step = 0;
};

class RunFamily : public QObject {
    Q_OBJECT

public:
    explicit RunFamily(SessionBridge* bridge, QObject* parent = nullptr);
    ~RunFamily() override;

    // Every run, the root (0) first, in the order made.
    std::vector<uint32_t> ids() const;
    bool has(uint32_t id) const;  // a run with a state (one that can train and be shown)
    // A run of a saved tree whose state was not saved: listed (its RunInfo,
    // steps, visibility), but it cannot train, be shown or be forked.
    bool listed_only(uint32_t id) const;
    RunInfo info(uint32_t id) const;
    // The settings run id trains with: the first run's spec, and for a fork
    // its parent's settings with the fork's changes (what a fork of it
    // starts from).
    ModelSpec spec(uint32_t id) const;
    SessionState state(uint32_t id) const;
    long steps_done(uint32_t id) const;
    long first_step(uint32_t id) const;
    // The run's telemetry (the root's is the bridge's store); null if no run.
    const TelemetryStore* store(uint32_t id) const;
    std::shared_ptr<const Snapshot> snapshot(uint32_t id) const;
    BreakInfo last_break(uint32_t id) const;
    RestorePointSummary restore_points(uint32_t id) const;
    bool visible(uint32_t id) const;
    void set_visible(uint32_t id, bool on);
    uint32_t active() const { return m_active; }
    CommandResult make_active(uint32_t id);
    CommandResult rename(uint32_t id, const QString& name);
    // Closes a fork (the root stays: reset it instead); the root becomes
    // active if this one was.
    CommandResult remove(uint32_t id);

    // Commands to one run (the root's go through the bridge). A racer's
    // play and pause are its race's: the racers pause and go on together,
    // so their step counts stay matched.
    CommandResult play(uint32_t id);
    CommandResult pause(uint32_t id);
    CommandResult step(uint32_t id, long n);
    CommandResult step_epoch(uint32_t id);  // to the end of its epoch, then pause
    // Blocks until run id is not running and its worker is between steps
    // (a pause takes effect after the step in flight): for tests and
    // screenshots. False on timeout or for no such run.
    bool wait_until_settled(uint32_t id, double seconds) const;

    // Scrubbing the active run: shows `step` (first_step..steps_done). With
    // settled (the drag ended) the snapshot also has a fresh confusion matrix.
    CommandResult show_step(long step, bool settled = false);
    bool showing_past() const { return m_past_step >= 0; }
    long shown_step() const { return m_past_step; }  // -1: live
    // The newest past step made for the active run (null until one is).
    std::shared_ptr<const PastStep> past() const { return m_past; }
    void go_live();

    // Forks the active run at `step` (its shown past step, or the live one).
    CommandResult fork(long step, const ForkSpec& changes, uint32_t* id = nullptr);
    // Forks the active run at `step` once per entry (2 to 4) and starts them
    // together: `steps` each (0: until paused). Their ids go to *ids.
    CommandResult race(long step, const std::vector<ForkSpec>& forks, long steps,
                       std::vector<uint32_t>* ids = nullptr);
    std::vector<uint32_t> racers() const { return m_racers; }
    // Takes the active run back to `step` (the steps after it are gone).
    CommandResult rewind(long step);
    // Saves run id's state after `step` as a checkpoint (pauses it first);
    // the worker writes it between steps.
    CommandResult save_checkpoint(uint32_t id, const QString& path, long step);

    // A run of a saved tree (a project's): `run` as saved (its parent is an
    // id of this family), resumed from its checkpoint, or listed only when
    // checkpoint is "" (steps: as saved). The first run (run.id 0) takes
    // the saved name and visibility. Its new id goes to *id.
    CommandResult add_saved_run(RunInfo run, long steps, bool visible, const QString& checkpoint,
                                uint32_t* id = nullptr);

    // Drains every fork and polls the past step (a timer does it every 30 ms).
    void tick();

signals:
    void runsChanged();                 // a run made, removed, renamed, shown or hidden
    void activeChanged(uint32_t id);
    void runUpdated(uint32_t id);       // new telemetry or a newer snapshot of a fork
    void pastReady();                   // past() is newer
    void liveAgain();                   // the views go back to the live run
    void message(const QString& text);  // refusals and notes

private:
    struct Run;
    Session* session_of(uint32_t id) const;
    Run* find(uint32_t id);
    const Run* find(uint32_t id) const;
    CommandResult report(CommandResult r);
    CommandResult no_run(uint32_t id);  // the refusal for an id without a session
    std::vector<Session*> race_of(uint32_t id) const;  // id's race, if it is in one (else empty)
    void sync_root();  // a new bridge session: the family starts over
    void request_snapshot(Run& r);

    QTimer m_timer;
    SessionBridge* m_bridge;
    Session* m_root = nullptr;  // the bridge's session the forks came from
    std::vector<std::unique_ptr<Run>> m_runs;  // forks only; the root is the bridge's
    uint32_t m_next_id = 1;
    uint32_t m_active = 0;
    bool m_root_visible = true;
    std::vector<uint32_t> m_racers;
    long m_past_step = -1;
    long m_past_asked = -1;  // the step show_step last asked for
    std::shared_ptr<const PastStep> m_past;
};

}  // namespace gs::studio
