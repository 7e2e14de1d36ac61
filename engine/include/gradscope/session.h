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
#include "gradscope/data_pipeline.h"
#include "gradscope/names.h"
#include "gradscope/session_types.h"
#include "gradscope/spec.h"
#include "gradscope/telemetry.h"

namespace gs {

class Trainer;
class RunLog;
struct StepResult;

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
    // their cost under this fraction of the training time.
    bool layer_stats = true;
    double stats_budget = 0.03;
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
    // Saves a checkpoint between steps (paused, stopped or idle only).
    CommandResult save_checkpoint(const std::string& path);

    SessionState state() const;
    BreakInfo last_break() const;  // empty after reset()
    // How many times the run has paused or stopped on its own (breakpoints,
    // errors, finishing) or been stopped: a cheap way to notice a new
    // last_break() however briefly the state changed.
    long break_count() const { return m_breaks.load(std::memory_order_relaxed); }
    // Resets applied so far. drain() drops step, epoch and statistics records
    // of earlier runs, so a consumer that clears its store after reset() and
    // waits for this to move on sees only the new run.
    uint32_t run_count() const { return m_run.load(std::memory_order_acquire); }
    long steps_done() const { return m_steps_done.load(std::memory_order_relaxed); }
    // The epoch the next step belongs to (0-based: the epochs finished;
    // restored from a checkpoint), and how many of its items were trained
    // on (0 between epochs).
    int epoch() const { return m_epoch_now.load(std::memory_order_relaxed); }
    size_t epoch_position() const { return m_epoch_position.load(std::memory_order_relaxed); }
    // Blocks until the session is not running (for tests and the command
    // line; front ends poll state() instead). False on timeout.
    bool wait_until_settled(double seconds);

    // Moves the records published since the last call into store; returns
    // how many. Never waits for the training thread.
    size_t drain(TelemetryStore& store);
    size_t dropped_records() const;

private:
    struct Command {
        enum Kind { Reset, Hyper, Schedule, Optimizer, Checkpoint, Breakpoint, Snapshot } kind = Reset;
        explicit Command(Kind k = Reset) : kind(k) {}
        long n = 0;
        std::string name;  // the hyperparameter or breakpoint as asked for; a checkpoint's path
        Hyperparameter hyper = Hyperparameter::Lr;
        BreakpointKind breakpoint = BreakpointKind::Nonfinite;
        double value = 0;
        ScheduleSpec schedule;
        OptimizerSpec optimizer;
        SnapshotRequest snapshot;
    };
    std::shared_ptr<Snapshot> make_snapshot(const SnapshotRequest& q);
    void compute_confusion(int max_mistakes);  // into m_confusion
    Snapshot m_confusion;  // worker-only: the last confusion matrix and mistakes
    mutable std::mutex m_snap_mutex;  // guards only the pointer below
    std::shared_ptr<const Snapshot> m_snapshot;
    CommandResult refuse(const std::string& why);
    // Idle or paused: run `budget` steps (-1: to the epoch's end), then pause.
    // With m_mutex held; `what` names the command in a refusal.
    CommandResult run_budget(long budget, const char* what);
    CommandResult enqueue(Command c);
    void run();
    void apply(const Command& c);
    void train_one();
    void end_epoch();
    EpochRecord close_epoch();  // the finished epoch's record, published; sums reset
    // A step met a non-finite value: says where and why, publishes the
    // statistics at the break, and pauses (session_breaks.cpp).
    void pause_on_nonfinite(const StepResult& r, int epoch_before);
    float weights_max_abs();
    // Per-layer statistics when the budget or the wall-time bound says so.
    void maybe_publish_layer_stats(long step, float lr);
    void publish_layer_stats(long step, float lr);
    void publish(EventRecord e);
    void set_state(SessionState s);  // with m_mutex held

    std::unique_ptr<Trainer> m_trainer;
    std::unique_ptr<RunLog> m_log;
    SessionOptions m_opt;
    int m_epochs;
    std::string m_backend_name;

    mutable std::mutex m_mutex;
    std::condition_variable m_cv;
    std::condition_variable m_settled;
    std::deque<Command> m_queue;
    SessionState m_state = SessionState::Idle;
    long m_budget = 0;          // steps left of a step command (-1: to the epoch's end)
    bool m_busy = false;        // the worker is in a step or a command
    bool m_quit = false;
    BreakInfo m_break;

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
    double m_stats_cost_avg = 0;  // moving average of publish_layer_stats's time (ms)
    std::chrono::steady_clock::time_point m_last_stats{};
    bool m_reached_end = false;  // the run passed its epochs (stop_at_end false)
    long m_next_check_step = 1;  // the next step whose gradients are checked
    double m_step_ms_avg = 0;  // moving average of a step's time
    double m_pace = 0;         // steps per second while running (0: unpaced)
    std::chrono::steady_clock::time_point m_next_due{};

    std::thread m_worker;  // last: starts after everything above exists
};

}  // namespace gs
