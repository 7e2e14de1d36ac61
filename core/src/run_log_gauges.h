// The reader's part for the gauges' records (run_log_gauges.cpp).
#pragma once

#include "gradscope/run_log_reader.h"
#include "json_scan.h"

namespace gs {

// Fills out (and out.kind) for a "sharpness", "noise_scale" or "lr_range"
// line and returns true; false for another type. Throws runlog::BadLine for
// wrong or missing fields.
bool parse_gauge_line(std::string_view type, const runlog::Fields& f, RunLogLine& out);

}  // namespace gs
