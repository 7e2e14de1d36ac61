// Internal to the core's run-log reader: the records of the views, read from
// a line's fields (run_log_reader_views.cpp). Each throws runlog::BadLine for
// a field of the wrong JSON type or a value out of range.
#pragma once

#include "gradscope/confusion.h"
#include "gradscope/data_map.h"
#include "gradscope/telemetry.h"
#include "json_scan.h"

namespace gs::runlog {

// The "weights_hist", "grads_hist" and "acts_hist" of one layer object, where present.
void parse_layer_histograms(const Fields& layer, LayerStats& out);
// A "confusion" line.
void parse_confusion(const Fields& f, ConfusionRecord& out);
// A "datamap" line.
void parse_data_map(const Fields& f, DataMapSummary& out);

}  // namespace gs::runlog
