// Internal to the core's run-log writer: the JSON text of the records the
// views read (run_log_views.cpp), shared with run_log.cpp's "layers" lines.
#pragma once

#include <string>

#include "gradscope/telemetry.h"

namespace gs {

// Appends a layer object's "weights_hist", "grads_hist" and "acts_hist"
// fields (each {"lo":..,"hi":..,"counts":[...]}) for the histograms it has
// (hi > lo), each preceded by a comma.
void append_layer_histograms(std::string& out, const LayerStats& l);

}  // namespace gs
