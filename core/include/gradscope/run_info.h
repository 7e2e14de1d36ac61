// RunInfo: where a run sits in a family of runs. A fork names the run it was
// forked from, the step it was forked at and what it changed there, as a
// list of (name, old value, new value). Plain data for the views (a runs
// panel, curves overlaid in each run's colour), the run log's "run" record
// (docs/run-log.md) and a checkpoint's metadata (docs/checkpoint.md).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "gradscope/spec.h"

namespace gs {

// One hyperparameter a fork changed: "lr", "0.03", "0.06". Values are text as
// a person reads them (numbers in their shortest exact form).
struct RunChange {
    std::string name;
    std::string old_value, new_value;
    bool operator==(const RunChange&) const = default;
};

// No run (a root run's parent).
inline constexpr uint32_t kNoRun = 0xffffffffu;

struct RunInfo {
    // In this process: the run_id every telemetry record of the run carries,
    // unique within a RunGroup (the root run is 0).
    uint32_t id = 0;
    // Unique across processes and machines ("20261122T024011Z-3f9a1c7e"):
    // what run logs and checkpoints name a run by.
    std::string uid;
    std::string name;            // for people; under a log root, the log's directory
    uint32_t parent = kNoRun;    // the parent's id in this process (kNoRun: none here)
    std::string parent_uid;      // the parent's uid ("" for a root run)
    std::string parent_name;
    long fork_step = -1;         // the parent's step the run started from (-1: a root run)
    std::vector<RunChange> changes;  // what differs from the parent at fork_step
    int colour = 0;              // palette index for views: the order runs were made in
    bool is_fork() const { return fork_step >= 0; }
};

// What a fork changes (Session::fork, RunGroup::fork); what is not set stays
// as the parent had it at the step forked from.
struct ForkSpec {
    std::string name;  // "" : the parent's name and the changes ("spiral-tanh lr=0.06")
    // Another optimizer (its state starts from zero), or other settings of
    // the same type (its state goes on).
    std::optional<OptimizerSpec> optimizer;
    std::optional<float> lr;            // on top of optimizer
    std::optional<float> weight_decay;  // on top of optimizer
    std::optional<int> batch_size;
    std::optional<ScheduleSpec> schedule;
    // The built-in data set made again with the same seed and this noise
    // (built-in sets only).
    std::optional<float> noise;
    // The changes asked for, short: "lr=0.06 adam batch=32" ("" for none).
    std::string summary() const;
};

// The hyperparameters a fork can change (optimizer and each of its
// settings, schedule, batch size, data noise), compared field by field: one
// RunChange for each that differs, in that order. The optimizer's type is
// "optimizer"; its settings keep their spec names ("lr", "momentum",
// "weight_decay", ...); a schedule that differs in any way is one change,
// "schedule", written as "cosine(total_steps=4690)"; "batch_size"; "noise".
std::vector<RunChange> spec_changes(const ModelSpec& before, const ModelSpec& after);

// The changes for people: "lr 0.03 -> 0.06, optimizer sgd -> adam" ("no
// changes" for none).
std::string describe_changes(const std::vector<RunChange>& changes);

// A schedule as one word with its settings: "constant", "step(step_size=1000,
// gamma=0.1)", "cosine(total_steps=4690)"; warm-up appended as
// "+warmup(100)". Settings at their defaults are left out.
std::string describe_schedule(const ScheduleSpec& schedule);

// A new run uid: the UTC time to the second and 32 random bits,
// "20261122T024011Z-3f9a1c7e".
std::string new_run_uid();

// name made usable as one directory name: letters, digits and "-_." stay,
// runs of anything else become one "-"; "" becomes "run".
std::string run_dir_name(const std::string& name);

// The shortest text that reads back as the same float: "0.1", "2.5e-05".
std::string short_number(double value);

}  // namespace gs
