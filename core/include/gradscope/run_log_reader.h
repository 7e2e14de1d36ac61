// The one reader of run.jsonl (docs/run-log.md is the contract): a fast,
// tolerant line parser that the monitor's follower uses line by line, and
// read_run_log, which reads a whole file with it. It reads the known record
// types ("run", "step", "epoch", "event", "layers", "confusion", "datamap") by hand, without building
// a JSON tree (a million step lines parse in a fraction of a second), and
// accepts what the format allows: any field order, unknown fields,
// whitespace, escapes. A line that is not one JSON object (including invalid
// UTF-8 or a malformed number), or whose known fields have the wrong JSON
// types, is garbage.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "gradscope/run_info.h"
#include "gradscope/confusion.h"
#include "gradscope/data_map.h"
#include "gradscope/telemetry.h"

namespace gs {

// Sharpness, NoiseScale, LrRange: the gauges of the optimization
// (gradscope/gauges.h; docs/run-log.md).
enum class RunLogLineKind { Run, Step, Epoch, Event, Layers, Confusion, DataMap, Sharpness, NoiseScale, LrRange, Unknown, Garbage };

// One parsed line; only the part its kind names is filled.
struct RunLogLine {
    RunLogLineKind kind = RunLogLineKind::Garbage;
    StepRecord step;
    long merged = 1;
    EpochRecord epoch;
    EventRecord event;
    // Histograms are filled where the line carries them (hi > lo), else left empty.
    std::vector<LayerStats> layers;
    ConfusionRecord confusion;
    DataMapSummary data_map;
    SharpnessRecord sharpness;
    NoiseScaleRecord noise_scale;
    LrRangeResult lr_range;  // options.lr_min, lr_max, steps; lr, loss; suggestion; stopped
    std::string spec_json;           // "run": the spec object, as written ("" without one)
    std::string backend;             // "run"
    // "run": the run's identity where the log names it (uid, name; for a
    // fork parent_uid, parent_name, fork_step and changes); id, parent and
    // colour are not in logs and stay as RunInfo has them.
    RunInfo run;
};

// Parses one line (without its '\n'). Unknown: a valid JSON object of a type
// this version does not know (skip it, it is not an error). Garbage: not one
// JSON object, no string "type", or a known type with wrong or missing
// fields. Where a key appears twice, the last one counts.
RunLogLineKind parse_run_log_line(std::string_view line, RunLogLine& out);

// What a run log holds, read back. Tolerant: a partial last line is left
// out, garbage lines are skipped and counted.
struct RunLogContents {
    std::string spec_json;  // from the first "run" record, as written
    std::string backend;
    RunInfo run;            // from the first "run" record (see RunLogLine::run)
    std::vector<StepRecord> steps;
    std::vector<long> merged;  // per step line: how many steps it stands for
    std::vector<EpochRecord> epochs;
    std::vector<EventRecord> events;
    // Every layer of every "layers" line, in file order (histograms where
    // the line carries them: hi > lo).
    std::vector<LayerStats> layers;
    std::vector<ConfusionRecord> confusions;  // "confusion" lines, in file order
    std::vector<DataMapSummary> data_maps;    // "datamap" lines, in file order
    // The gauges: sharpness and noise-scale estimates (dropped after a
    // rewind's step like steps), and every learning-rate range test.
    std::vector<SharpnessRecord> sharpness;
    std::vector<NoiseScaleRecord> noise_scale;
    std::vector<LrRangeResult> lr_ranges;
    // Lines that are not JSON objects with a known type, or whose fields
    // have the wrong JSON types (docs/run-log.md). Empty lines are ignored.
    size_t garbage_lines = 0;
    bool partial_last_line = false;
};
// The longest line read_run_log parses (a "run" line holds the spec, at most
// 16 MiB); a longer one is garbage, skipped without being held in memory.
inline constexpr size_t kMaxRunLogLineBytes = 64ull << 20;
// Reads a whole run.jsonl once. An event of kind "rewind" at step t (the run
// went back to step t) drops the steps, epochs and layers after t read so
// far, as the run itself dropped them. Throws gs::Error (naming the path)
// only when the file cannot be read, or is not a regular file (a FIFO, a
// device).
RunLogContents read_run_log(const std::string& path);

}  // namespace gs
