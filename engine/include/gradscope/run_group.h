// RunGroup: a family of runs — a root run, the runs forked from it, and
// theirs — trained on one worker thread, for a front end that shows them
// side by side (a runs panel, curves overlaid, a race).
//
// Why a run is a Session of its own (and not one Session holding several
// trainers): every run then has its own commands, state, telemetry rings,
// store, run log and restore points, exactly as a single run has, so a front
// end's bridge drives each run with the code it already has for one session
// (start, pause, step, set a hyperparameter, show_step, drain into that
// run's TelemetryStore) and only adds a map from run id to session and
// store. Records also carry run_id, so one merged stream can be told apart.
// The runs share one worker thread (the first run's), which gives each in
// turn a round of at most one step: runs that run together take their steps
// alternately, at matched step counts, and never compete for the cores.
//
// How a front end uses it:
//   scrub     run(id)->show_step(step) ... run(id)->latest_past_step()
//             (a Snapshot and LayerStats of that step, as views show the live run)
//   fork      fork(id, step, ForkSpec{...}) -> a new run id, idle at that step
//   race      race_forks(id, step, {ForkSpec, ForkSpec, ...}) or race(ids):
//             they start together and take their steps in turn
//   rewind    run(id)->rewind(step), e.g. to last_break().last_healthy_step
//   telemetry for each id in runs(): run(id)->drain(store of id)
//
// A RunGroup is used from one thread (the front end's); every call returns
// at once, as Session's commands do (closing a run waits for its current
// step, as destroying a Session does).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "gradscope/run_info.h"
#include "gradscope/session.h"

namespace gs {

class RunGroup {
public:
    // The root run (id 0) for spec. options apply to every run (a fork's
    // run log goes to its own directory). log_root: each run writes its run
    // log to <log_root>/<run name>/ (the name made a directory name, unique
    // in the group); "" for none, unless options.log_dir names the root's.
    // Throws gs::Error as Session's constructor does.
    RunGroup(const ModelSpec& spec, PreparedData data, Backend& backend,
             SessionOptions options = {}, std::string log_root = "");
    ~RunGroup();
    RunGroup(const RunGroup&) = delete;
    RunGroup& operator=(const RunGroup&) = delete;

    // Every run, in the order made (the root first).
    std::vector<RunInfo> runs() const;
    std::vector<uint32_t> ids() const;
    // The run with that id; null if there is none (never made, or removed).
    Session* run(uint32_t id) const;
    Session& root() const { return *run(0); }
    // Where run id writes its log ("" for none).
    std::string log_dir(uint32_t id) const;

    // Forks run `parent` at `step` (see Session::fork): the new run is idle
    // at that step, with the next colour and a name made from the changes
    // unless changes.name gives one. Its id goes to *id.
    CommandResult fork(uint32_t parent, long step, const ForkSpec& changes, uint32_t* id = nullptr);
    // Starts these runs at once (each idle or paused): steps 0 runs them
    // until paused; steps n runs exactly n steps of each, then pauses it.
    // They take their steps in turn, one each per round. Refused as a whole
    // (nothing started) if any of them cannot start.
    CommandResult race(const std::vector<uint32_t>& ids, long steps = 0);
    // Forks `parent` at `step` once per entry of forks (2 to 4 of them, say:
    // SGD, momentum, Adam; or three learning rates) and races them; their
    // ids go to *ids.
    CommandResult race_forks(uint32_t parent, long step, const std::vector<ForkSpec>& forks,
                             long steps = 0, std::vector<uint32_t>* ids = nullptr);
    // Pauses every running run of these at once.
    CommandResult pause(const std::vector<uint32_t>& ids);
    // race() and pause() for sessions kept elsewhere (a front end that keeps
    // its own family, as the studio's bridge does): the runs must share one
    // worker (a run and the runs forked from it, and theirs), else they are
    // refused as a whole, with the reason.
    static CommandResult race_sessions(const std::vector<Session*>& runs, long steps = 0);
    static CommandResult pause_sessions(const std::vector<Session*>& runs);
    CommandResult rename(uint32_t id, const std::string& name);
    // Closes a run (not the root: reset or remake the group instead). Its
    // forks go on; their RunInfo still names it as their parent.
    CommandResult remove(uint32_t id);

private:
    struct Entry {
        uint32_t id;
        std::unique_ptr<Session> session;
        std::string log_dir;
    };
    std::string unique_log_dir(const std::string& name);
    const Entry* find(uint32_t id) const;

    SessionOptions m_options;
    std::string m_log_root;
    std::vector<Entry> m_runs;
    uint32_t m_next_id = 0;
    std::vector<std::string> m_dirs;  // log directory names taken
};

}  // namespace gs
