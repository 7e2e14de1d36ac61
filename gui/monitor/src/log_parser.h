// A fast, tolerant parser for run.jsonl lines (docs/run-log.md). It reads the
// known record types ("run", "step", "epoch", "event", "layers") by hand,
// without building a JSON tree: a million step lines parse in a fraction of
// a second. It accepts exactly what the engine's writer writes and what the
// format allows (any field order, unknown fields, whitespace, escapes), and
// rejects what the engine's reader (read_run_log) rejects: a line that is not
// one JSON object, or whose known fields have the wrong JSON types.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "gradscope/telemetry.h"

namespace gs::monitor {

enum class LineKind { Run, Step, Epoch, Event, Layers, Unknown, Garbage };

// One parsed line; only the part its kind names is filled.
struct ParsedLine {
    LineKind kind = LineKind::Garbage;
    StepRecord step;
    long merged = 1;
    EpochRecord epoch;
    EventRecord event;
    std::vector<LayerStats> layers;  // histograms left empty
    std::string spec_json;           // "run": the spec, as written
    std::string backend;             // "run"
};

// Parses one line (without its '\n'). Unknown: valid JSON object of a type
// this version does not know (skip it, it is not an error). Garbage: not an
// object, no string "type", or a known type with wrong or missing fields.
LineKind parse_line(std::string_view line, ParsedLine& out);

}  // namespace gs::monitor
