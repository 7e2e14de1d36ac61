// The plain types a Session answers with (gradscope/session.h): its state,
// the result of a command, and why a run paused or stopped on its own. Plain
// data with no engine behind it, so front ends and views can hold them
// without linking the engine.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace gs {

// idle (made or reset, nothing trained since), running, paused, stopped
// (finished, stopped early, or told to stop), failed (reset to start again).
// Ids and labels in gradscope/names.h (state_name is the id).
enum class SessionState { Idle, Running, Paused, Stopped, Failed };
const char* state_name(SessionState s);

struct CommandResult {
    bool ok = true;
    std::string reason;  // why it was refused
    explicit operator bool() const { return ok; }
};

// Why the run paused or stopped on its own.
struct BreakInfo {
    BreakInfo() = default;
    BreakInfo(std::string k, std::string l, std::string p, long s, int e, std::string m)
        : kind(std::move(k)), layer(std::move(l)), pass(std::move(p)), step(s), epoch(e),
          message(std::move(m)) {}
    std::string kind;    // "nonfinite", "condition", "finished", "early-stop", "stopped", "error"
    std::string layer;   // "layer 3 (Dense)" where known
    std::string pass;    // "forward" or "backward"
    long step = 0;
    int epoch = 0;
    std::string message;  // for people
    // For a non-finite value: the last healthy step, the newest state from
    // which a whole step went through with finite values (the state before
    // the one the failing step started from; 0 at the earliest, or a fork's
    // first step). Session::rewind(last_healthy_step) goes back to it. -1
    // for other breaks.
    long last_healthy_step = -1;
    // For a non-finite value: the batch that produced it, kept for
    // inspection: its items' places in the training split, their inputs
    // (items x item size, as the dataset gives them) and targets.
    std::vector<uint32_t> batch;
    std::vector<float> batch_inputs, batch_targets;
    // For a non-finite value: the largest |weight| of the model at the break
    // (infinite when a weight is not finite). Past kDivergedWeight no
    // learning rate brings the run back: it must be reset.
    float weights_max_abs = 0;
    static constexpr float kDivergedWeight = 1e6f;
    // A non-finite break whose weights have diverged: every batch overflows again.
    bool diverged() const { return kind == "nonfinite" && !(weights_max_abs < kDivergedWeight); }
};

// Where a session's worker's time went since the session was made, in ms of
// wall time: the training steps, and each telemetry stream's own work on top
// (Session::worker_time).
struct WorkerTime {
    long steps = 0;
    double steps_ms = 0;      // the training steps, without the checks below
    double checks_ms = 0;     // non-finite checks of the gradients
    double stats_ms = 0;      // per-layer statistics
    double restore_ms = 0;    // restore points
    double data_map_ms = 0;   // observing the data map, and copying it out
    double records_ms = 0;    // step records: ring, run log
    double snapshots_ms = 0;  // snapshots asked for
    long stats_samples = 0, snapshots = 0;
    long confusion_passes = 0;  // the confusion matrix made (epoch ends, paused snapshots)
    // The cheapest of each (a sample's own cost, whatever preempted the others).
    double stats_min_ms = 0, snapshot_min_ms = 0, step_min_ms = 0;
};

}  // namespace gs
