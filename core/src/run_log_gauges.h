// The reader's part for the gauges' records (run_log_gauges.cpp).
#pragma once

#include "gradscope/run_log_reader.h"
#include "run_log_scan.h"

namespace gs {

// Fills out (and out.kind) for a "sharpness", "noise_scale" or "lr_range"
// line and returns true; false for another type. Throws logscan::BadLine for
// wrong or missing fields.
bool parse_gauge_line(std::string_view type, const logscan::Fields& f, RunLogLine& out);

}  // namespace gs
