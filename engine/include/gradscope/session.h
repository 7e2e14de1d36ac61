// Session: training on a worker thread, steered by commands and watched
// through telemetry. Every call returns at once: commands are checked
// against the state, queued, and applied by the worker between steps; a
// command that makes no sense in the current state is refused with a
// reason. Telemetry goes out through lock-free rings that a consumer drains
// into a TelemetryStore; neither side ever waits for the other. Destroying a
// session stops its worker cleanly.
//
// States: idle (made or reset, nothing trained since), running, paused,
// stopped (finished, stopped early, or told to stop), failed (an error the
// run cannot go on from; reset to start again). A non-finite value pauses
// the run (a breakpoint) and names the layer and pass it came from.
//
// Time travel. A session keeps restore points (its training state every few
// steps, in a memory budget, thinned as they age) and rebuilds any step it
// went through exactly: show_step() makes a past step's Snapshot and
// LayerStats without disturbing the run, rewind() takes the run back, and
// fork() starts another run from any past step with other settings. A run
// is a Session: a fork is a Session of its own (its own commands, state,
// telemetry, run log and restore points) on its parent's worker thread, so
// a family of runs trains on one thread, in turns (see gradscope/run_group.h,
// which keeps such a family, and races runs side by side). A front end
// therefore drives every run the way it drives one session, and tells their
// telemetry apart by session or by the run_id on every record.
#pragma once

#include <atomic>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <vector>
#include <thread>

#include "gradscope/backend.h"
#include "gradscope/data_map.h"
#include "gradscope/data_pipeline.h"
#include "gradscope/gauges.h"
#include "gradscope/names.h"
#include "gradscope/run_info.h"
#include "gradscope/session_types.h"
#include "gradscope/spec.h"
#include "gradscope/step_trace.h"
#include "gradscope/telemetry.h"

namespace gs {

class Trainer;
class RunLog;
class StepTracer;
struct StepResult;
class Worker;
struct TimeTravel;
struct ForkHandoff;
struct RunCounters;
struct GaugeState;
class DataMapAccumulator;

struct SessionOptions {
    std::string log_dir;          // write a run log there ("" = none)
    int epochs = 0;               // stop after this many (0: the spec's)
    // false: the run goes on past its epochs until paused (the studio); an
    // event ("reached-end") marks the epoch where it would have stopped.
    bool stop_at_end = true;
    long validate_every = 0;      // also validate every N steps (0: per epoch only)
    int early_stop_patience = 0;  // stop after N epochs without a better validation loss
    bool break_on_nonfinite = true;
    std::string resume_from;      // a checkpoint to load before anything runs
    // Per-layer statistics (LayerStats) every few steps, as often as keeps
    // their cost under this fraction of the training time. (1%: with every
    // other stream the telemetry stays within 3% of the training time,
    // gradscope-bench's <case>/telemetry-streams; a sample costs 0.4 ms for
    // mlp-fashion at batch 64, 4 ms for cnn-fashion, about 1-5 steps.)
    bool layer_stats = true;
    double stats_budget = 0.01;
    // ... but not more often than this in training time (0: no bound): the
    // studio draws them 4 times a second, and a run log that keeps every
    // sample grows with them. (mlp-fashion's budget alone allowed ~20 a
    // second, 1.0-1.6% of its training time.)
    double stats_min_interval_ms = 250;
    // ... and at least this often in wall time whatever one slow sample made
    // the budget say (0: no bound), so a view of them never goes stale.
    double stats_max_interval_ms = 1000;
    // The non-finite check looks at the loss every step (free) and at every
    // gradient as often as this fraction of the training time allows (every
    // step on small models). A gradient that overflows between two checks
    // makes the next step's forward pass non-finite, which stops the run
    // there, one step later.
    double check_budget = 0.02;
    size_t ring_capacity = 1 << 16;
    // Train at a lower priority than the thread that made the session (nice
    // +5 for the worker and its OpenMP team): for front ends that draw on
    // the same cores.
    bool background_priority = false;
    // Every epoch takes the training items in their stored order (no shuffling).
    bool shuffle = true;
    // The run log gets one line per step (RunLog::min_step_interval 0: no merging).
    bool log_every_step = false;
    // OpenMP threads the worker trains with (0: the OpenMP default).
    int threads = 0;
    // The confusion matrix (and most confident mistakes) of the snapshots is
    // made at an epoch's end, at most this often in wall time (always with a
    // run log, whose "confusion" record it is, and at the run's last epoch).
    double confusion_every_ms = 100;
    // Restore points (show_step, rewind, fork, save_checkpoint of a past
    // step): the memory they may hold, in bytes (0: none; then only the live
    // step can be shown or forked from). How they are spaced and thinned
    // within it: engine/src/session/restore_points.h; in short, a point every
    // K steps, K = ceil(planned steps / (4 W)) with W about budget / (2 x
    // the bytes of one state), and spacings that double with age.
    size_t restore_budget = size_t{256} << 20;
    // A point every N steps from the start (0: K as above). Thinning and the
    // budget still apply.
    long restore_spacing = 0;
    // Points come less often while taking one costs more than this fraction
    // of the training time (spacing doubled each time).
    double restore_cost_budget = 0.01;
    // Who this run is, for telemetry (run_id on every record), its run log's
    // "run" record and its checkpoints: a uid is made if empty, and the name
    // is the spec's if empty. For a run resumed from another run's
    // checkpoint, set parent_uid, parent_name, fork_step and changes (the
    // command line does): the run log then names its parent.
    RunInfo run;
    // The gauges of the optimization (gradscope/gauges.h; session/gauges.cpp),
    // off by default: sharpness (the top Hessian eigenvalue on a fixed batch,
    // against 2/lr) every sharpness_every steps, and the gradient noise scale
    // every noise_every steps; each runs less often while it costs more
    // than gauge_budget of the training time (its share is in its records).
    long sharpness_every = 0;
    long noise_every = 0;
    double gauge_budget = 0.10;
    // The data map (gradscope/data_map.h): every training item's confidence,
    // variability, right answers and forgetting events, taken from the loss
    // of each step (no second forward pass). Only for classification losses
    // (softmax or binary cross-entropy) and training splits of at most
    // data_map_max_items items (it keeps about 70 bytes an item).
    bool data_map = true;
    size_t data_map_max_items = 1000000;
    DataMapThresholds data_map_thresholds;
    // With a run log: a "datamap" record at each epoch's end, and the
    // per-item table rewritten as datamap.csv next to run.jsonl (atomically)
    // at most every data_map_csv_seconds (and at the last epoch); 0: every
    // epoch; negative: never.
    double data_map_csv_seconds = 10;
};

// Where a session's restore points stand (Session::restore_points()).
struct RestorePointInfo {
    size_t points = 0;    // kept now
    size_t capacity = 0;  // the most the budget holds
    size_t bytes = 0;     // memory they hold (at most budget)
    size_t budget = 0;
    long spacing = 0;     // K: a new point every K steps
    long first_step = 0;  // the run's first step (0, or where it was forked or resumed)
    long oldest_step = -1, newest_step = -1;
};

class Session {
public:
    // Throws gs::Error if the spec does not validate or does not fit the data.
    Session(const ModelSpec& spec, PreparedData data, Backend& backend, SessionOptions options = {});
    ~Session();
    Session(const Session&) = delete;
    Session& operator=(const Session&) = delete;

    CommandResult start();   // idle -> running
    CommandResult pause();   // running -> paused
    CommandResult resume();  // paused -> running
    CommandResult step(long n);   // idle or paused: run exactly n steps, then pause
    CommandResult step_epoch();   // idle or paused: run to the end of the epoch, then pause
    CommandResult stop();    // running or paused -> stopped
    CommandResult reset();   // any state -> idle, weights re-drawn from the seed
    // lr, momentum, weight_decay, clip_norm, batch_size; applied before the
    // next step and recorded as an event. steps_per_second paces a run for
    // watching (0: as fast as it goes); step() and step_epoch() are not paced.
    CommandResult set_hyperparameter(const std::string& name, double value);
    CommandResult set_schedule(const ScheduleSpec& schedule);
    // Another optimizer (type and every hyperparameter), applied before the
    // next step; its state (momentum, moments) starts from zero.
    CommandResult set_optimizer(const OptimizerSpec& optimizer);
    // Pauses the run after a step whose loss ("loss_above") or global
    // gradient norm ("grad_norm_above") exceeds the threshold, or when a
    // ReLU layer's dead fraction ("dead_fraction_above", checked whenever the
    // layer statistics are taken) does; a threshold that is not a finite
    // number clears the condition.
    // "nonfinite" turns the stop at the first non-finite value on (threshold
    // not 0) or off (0); it is on unless SessionOptions says otherwise.
    CommandResult set_breakpoint(const std::string& condition, double threshold);
    // Asks for a Snapshot (probe activations, decision grid, confusion
    // matrix); the worker makes it between steps and latest_snapshot() then
    // returns it. Any state but failed.
    CommandResult request_snapshot(const SnapshotRequest& request = {});
    std::shared_ptr<const Snapshot> latest_snapshot() const;
    // Asks for the data map as of now; the worker copies it out between
    // steps and latest_data_map() then returns it (null before the first,
    // and after reset()). Refused when the session keeps none (data_map_on()).
    CommandResult request_data_map();
    std::shared_ptr<const DataMap> latest_data_map() const;
    // Whether this session keeps a data map (SessionOptions::data_map, a
    // classification loss, a training split small enough).
    bool data_map_on() const { return m_data_map != nullptr; }
    // Saves a checkpoint between steps (paused, stopped or idle only).
    CommandResult save_checkpoint(const std::string& path);

    // The classroom (session/step_trace.cpp). Takes the next training step
    // (whenever it runs: step(1), or the next step of a running session) as
    // a traced step and then publishes its StepTrace (latest_trace()).
    // Refused, with the reason, for a network larger than a trace takes
    // (gradscope/step_trace.h) and in the failed state. A traced step costs
    // copies of the layers' tensors; the steps around it allocate nothing.
    CommandResult trace_next_step(const StepTraceRequest& request = {});
    std::shared_ptr<const StepTrace> latest_trace() const;
    // Sets one weight or bias of a Dense layer, between steps (recorded as a
    // "parameter" event); the next forward pass uses it. Refused for a layer
    // that is not Dense, a unit or input out of range or a value that is
    // not finite; in the failed state.
    CommandResult set_parameter(const ParameterEdit& edit);
    // ---- The gauges (session/gauges.cpp) -------------------------------
    // The learning-rate range test (gradscope/gauges.h) from the state
    // now, between steps; the state is put back exactly afterwards, and
    // latest_lr_range() then returns the result (also a "lr_range" run-log
    // record and an event). Idle, paused or stopped only.
    CommandResult find_lr(const LrRangeOptions& options = {});
    std::shared_ptr<const LrRangeResult> latest_lr_range() const;
    // Turns the sharpness and noise-scale gauges on (an interval in steps)
    // or off (0), applied before the next step.
    CommandResult set_gauges(long sharpness_every, long noise_every);
    // ---- Time travel (time_travel.cpp) -----------------------------------
    // Shows a past step: between steps, apart from the run (which goes on
    // as it was, bit for bit), the worker rebuilds the state after `step`
    // (restores the newest restore point before it and replays the steps
    // from there, exactly) and makes a PastStep: that step's scalars, its
    // LayerStats and its Snapshot as `request` asks. latest_past_step() then
    // returns it. Dragging a timeline may ask many times: only the newest
    // request not yet made is made. Steps from first_step() to steps_done().
    // Any state but failed. A past step has no confusion matrix kept: asking
    // for one (request.confusion) makes a pass over the validation split, so
    // leave it out while dragging and ask for it when the drag stops.
    CommandResult show_step(long step, const SnapshotRequest& request = {});
    std::shared_ptr<const PastStep> latest_past_step() const;
    // Takes the run back to the state after `step` (first_step() to
    // steps_done()), with the settings it had then: the steps after it are
    // gone (fork first to keep them), as are its restore points, and
    // drain() takes them out of the consumer's store (the run log gets a
    // "rewind" event). The state (running, paused) stays as it is. After a
    // non-finite value, last_break().last_healthy_step is the step to go to.
    CommandResult rewind(long step);
    // Saves the training state after any step from first_step() to
    // steps_done() as a checkpoint (a past one is rebuilt first); resuming
    // from it continues as this run did. Any state but running and failed.
    CommandResult save_checkpoint(const std::string& path, long step);
    // A new run that starts from this run's state after `step` (first_step()
    // to steps_done()) with `changes`, on this session's worker. It returns
    // at once: the new session is idle at that step and may be given
    // commands (start, step, ...) at once; the worker rebuilds its state
    // before anything else of it runs (a bad step then fails it, with the
    // reason in last_break()). options: the new run's (the log directory,
    // the budget; run.name, run.id and run.colour are kept, the rest of
    // run is filled in). Null, with the reason in *why, for changes that are
    // not valid. A fork that changes nothing trains exactly as this run.
    std::unique_ptr<Session> fork(long step, const ForkSpec& changes, SessionOptions options,
                                  CommandResult* why = nullptr);
    // Who this run is (id, uid, name, parent, fork step, changes, colour).
    RunInfo info() const;
    void set_name(const std::string& name);
    // The first step this run has (0, or the step it was forked or resumed at).
    long first_step() const { return m_first_step.load(std::memory_order_relaxed); }
    RestorePointInfo restore_points() const;
    // Where the worker's time went since the session was made (WorkerTime,
    // gradscope/session_types.h; gradscope-bench's <case>/telemetry-streams
    // prints the shares).
    using WorkerTime = gs::WorkerTime;
    WorkerTime worker_time() const;

    SessionState state() const;
    BreakInfo last_break() const;  // empty after reset()
    // How many times the run has paused or stopped on its own (breakpoints,
    // errors, finishing) or been stopped: a cheap way to notice a new
    // last_break() however briefly the state changed.
    long break_count() const { return m_breaks.load(std::memory_order_relaxed); }
    // Resets and rewinds applied so far. drain() drops step, epoch and
    // statistics records of earlier runs, so a consumer that clears its store
    // after reset() and waits for this to move on sees only the new run;
    // after a rewind it drops the records after the step gone back to, and
    // truncates the store there (TelemetryStore::truncate_after).
    uint32_t run_count() const { return m_run.load(std::memory_order_acquire); }
    long steps_done() const { return m_steps_done.load(std::memory_order_relaxed); }
    // The record of the last epoch that ended (before any: epoch 0, or the
    // epoch a resumed checkpoint had ended, with no statistics): kept here
    // too, since the telemetry ring drops records a slow consumer never took.
    EpochRecord last_epoch() const;
    // The epoch the next step belongs to (0-based: the epochs finished;
    // restored from a checkpoint), and how many of its items were trained
    // on (0 between epochs).
    int epoch() const { return m_epoch_now.load(std::memory_order_relaxed); }
    size_t epoch_position() const { return m_epoch_position.load(std::memory_order_relaxed); }
    // Blocks until the session is not running (for tests and the command
    // line; front ends poll state() instead). False on timeout.
    bool wait_until_settled(double seconds);

    // Moves the records published since the last call into store; returns
    // how many. Never waits for the training thread. One consumer (one
    // store) per session. At most TelemetryStore::kMaxEpochs / 2 epoch
    // records a call (the store keeps the newest kMaxEpochs), so a caller
    // that reads the store's epochs after each drain misses none; the others
    // wait for the next call.
    size_t drain(TelemetryStore& store);
    size_t dropped_records() const;

private:
    friend class Worker;
    friend class RunGroup;
    // A fork: made by fork(), its state handed over by the parent's worker.
    Session(const ModelSpec& spec, PreparedData data, Backend& backend, SessionOptions options,
            std::shared_ptr<Worker> worker, std::shared_ptr<ForkHandoff> handoff);
    struct Command {
        enum Kind { Reset, Hyper, Schedule, Optimizer, Checkpoint, Breakpoint, Snapshot,
                    ShowStep, Rewind, ForkInto, SaveStep, Trace, SetParameter, DataMap, LrFind,
                    Gauges } kind = Reset;
        explicit Command(Kind k = Reset) : kind(k) {}
        long n = 0;
        std::string name;  // the hyperparameter or breakpoint as asked for; a checkpoint's path
        Hyperparameter hyper = Hyperparameter::Lr;
        BreakpointKind breakpoint = BreakpointKind::Nonfinite;
        double value = 0;
        ScheduleSpec schedule;
        OptimizerSpec optimizer;
        SnapshotRequest snapshot;
        StepTraceRequest trace;
        ParameterEdit edit;
        LrRangeOptions lr_range;
        std::shared_ptr<ForkHandoff> handoff;  // ForkInto: the fork to hand the state of step n to
        long serial = 0;                       // ShowStep: only the newest is made
    };
    std::shared_ptr<Snapshot> make_snapshot(Trainer& t, Snapshot& confusion, const SnapshotRequest& q);
    void compute_confusion(Trainer& t, Snapshot& out, int max_mistakes);
    Snapshot m_confusion;  // worker-only: the last confusion matrix and mistakes
    mutable std::mutex m_snap_mutex;  // guards only the two pointers below
    std::shared_ptr<const Snapshot> m_snapshot;
    std::shared_ptr<const StepTrace> m_trace;
    // Worker-only: the tracer of the next step (set while one is asked for).
    std::shared_ptr<StepTracer> m_tracer;
    void arm_trace(const StepTraceRequest& request);
    void finish_trace(const StepResult& r);
    void apply_parameter_edit(const ParameterEdit& edit, EventRecord& e);
    std::shared_ptr<const DataMap> m_data_map_out;
    // The data map and the records of the views (session/views.cpp), worker-only.
    std::unique_ptr<DataMapAccumulator> m_data_map;
    std::chrono::steady_clock::time_point m_data_map_csv_at{};
    void setup_data_map();
    void reset_data_map();
    void observe_data_map();
    void publish_data_map();
    void log_epoch_views(bool last_epoch);
    CommandResult refuse(const std::string& why);
    // Idle or paused: run `budget` steps (-1: to the epoch's end), then pause.
    // With m_mutex held; `what` names the command in a refusal.
    CommandResult run_budget(long budget, const char* what);
    CommandResult enqueue(Command c);
    // The worker's side (worker.h), with m_mutex held: whether this session
    // has something to do now (else when a paced step is due, into wake),
    // and its round: a fork's state, the queued commands, at most one step.
    bool ready(std::chrono::steady_clock::time_point now,
               std::chrono::steady_clock::time_point& wake) const;
    void work(std::unique_lock<std::mutex>& lock);
    void fail(const std::exception& e);  // with m_mutex held
    void apply(const Command& c);
    void train_one();
    void end_epoch();
    EpochRecord close_epoch();  // the finished epoch's record, published; sums reset
    // A step met a non-finite value: says where and why, publishes the
    // statistics at the break, and pauses (session_breaks.cpp).
    void pause_on_nonfinite(const StepResult& r, int epoch_before);
    float weights_max_abs();
    // Per-layer statistics when the budget or the wall-time bound says so
    // (their ms; -1: none due).
    double maybe_publish_layer_stats(long step, float lr);
    void publish_layer_stats(long step, float lr);
    void publish(EventRecord e);
    void set_state(SessionState s);  // with m_mutex held
    // The gauges, worker side (gauges.cpp).
    void apply_gauges(const Command& c);
    void run_gauges(long step, float lr, double step_ms);
    std::unique_ptr<GaugeState> m_gauges;  // worker-only
    std::shared_ptr<const LrRangeResult> m_lr_range;  // guarded by m_snap_mutex
    SpscRing<SharpnessRecord> m_sharpness_ring{1024};
    SpscRing<NoiseScaleRecord> m_noise_ring{1024};
    // Time travel, worker side (time_travel.cpp).
    void start_time_travel();    // the restore points, sized; the first point
    double after_step();         // a restore point when one is due (its ms; -1: none due)
    void reset_time_travel(EventRecord& e);  // Reset: points from the start again
    void note_settings(const Command& c);  // a change a replay must repeat
    void note_skip();            // a batch a non-finite value used without an update
    void apply_time_travel(const Command& c);
    void adopt(ForkHandoff& h);  // a fork's first round: the parent's state, the changes
    void hand_over(const Command& c);  // ForkInto
    void show_past(const Command& c);
    void rewind_to(long step);
    void save_step(const Command& c);
    // The replayer brought to the state after `step`; with stepped, by a
    // step (its activations and gradients are that step's).
    Trainer& reach(long step, bool stepped);
    void take_base_point();
    void update_point_info();
    void check_reachable(long step) const;  // throws gs::Error naming the range
    RunCounters counters() const;
    void set_counters(const RunCounters& c);

    std::unique_ptr<Trainer> m_trainer;
    std::unique_ptr<RunLog> m_log;
    SessionOptions m_opt;
    int m_epochs;
    std::string m_backend_name;
    PreparedData m_data;  // the data the trainer has (shared): for replays and forks

    std::shared_ptr<Worker> m_core;  // the thread that trains this session (shared by a family)
    std::mutex& m_mutex;             // the worker's: one lock for the whole family
    std::condition_variable& m_cv;
    std::condition_variable& m_settled;
    std::deque<Command> m_queue;
    SessionState m_state = SessionState::Idle;
    long m_budget = 0;          // steps left of a step command (-1: to the epoch's end)
    bool m_busy = false;        // the worker is in a step or a command
    bool m_quit = false;
    BreakInfo m_break;
    EpochRecord m_last_epoch;
    RunInfo m_info;                            // its name may change (set_name)
    std::shared_ptr<ForkHandoff> m_handoff;    // a fork waiting for its state
    // Resets (-1) and rewinds (the step) by the run count they started:
    // drain() drops and truncates by it.
    std::vector<std::pair<uint32_t, long>> m_history;
    uint32_t m_drained_run = 0;  // consumer side: the run count drain() last caught up with
    mutable std::mutex m_past_mutex;  // guards only the two below
    std::shared_ptr<const PastStep> m_past;
    RestorePointInfo m_point_info;
    std::atomic<long> m_show_serial{0};  // the newest show_step asked for
    std::atomic<long> m_first_step{0};
    std::unique_ptr<TimeTravel> m_tt;  // worker-only: restore points, the replayer

    std::atomic<long> m_steps_done{0};
    std::atomic<int> m_epoch_now{0};
    std::atomic<size_t> m_epoch_position{0};
    void note_progress();  // m_epoch_now and m_epoch_position from the trainer
    std::atomic<long> m_breaks{0};
    std::atomic<uint32_t> m_run{0};
    SpscRing<StepRecord> m_steps;
    SpscRing<EpochRecord> m_epochs_ring;
    SpscRing<EventRecord> m_events;
    SpscRing<LayerStats> m_stats;

    // Worker-only.
    double m_epoch_loss = 0, m_epoch_correct = 0;
    size_t m_epoch_items = 0;
    bool m_epoch_regression = false;
    double m_best_val = 1e300;
    double m_loss_above = NAN, m_grad_norm_above = NAN;  // condition breakpoints (NaN: off)
    double m_dead_above = NAN;
    std::string m_dead_hit;  // set by publish_layer_stats when a layer passes m_dead_above
    int m_bad_epochs = 0;
    std::chrono::steady_clock::time_point m_started;
    long m_next_stats_step = 1;
    std::chrono::steady_clock::time_point m_confusion_at{};  // the last epoch-end confusion pass
    bool m_confusion_behind = false;  // an epoch ended without one since
    double m_stats_cost_avg = 0;  // moving average of publish_layer_stats's time (ms)
    std::chrono::steady_clock::time_point m_last_stats{};
    bool m_reached_end = false;  // the run passed its epochs (stop_at_end false)
    long m_next_check_step = 1;  // the next step whose gradients are checked
    double m_step_ms_avg = 0;  // moving average of a step's time
    WorkerTime m_time_own;            // the worker's own count ...
    mutable std::mutex m_time_mutex;  // ... and its copy for worker_time(), under this
    WorkerTime m_time;
    void publish_worker_time();       // every 256 steps, after commands, when it stops
    double m_pace = 0;         // steps per second while running (0: unpaced)
    std::chrono::steady_clock::time_point m_next_due{};
};

}  // namespace gs
