// The panels both windows draw (the monitor of run logs, and the inspector
// of an in-process session): loss and accuracy (train per step, validation
// per epoch), learning rate, samples/s, per-layer gradient norms and
// update ratios over time, the latest gradient flow and activation
// statistics per layer as bars, and events (hyperparameter changes and
// breakpoints, also drawn as markers on every step plot). Several runs
// overlay in their colours, with a legend.
#pragma once

#include <vector>

#include <imgui.h>

#include "plot/bar_chart.h"
#include "plot/line_plot.h"
#include "run_data.h"

namespace gs::monitor {

struct RunView {
    const RunData* data = nullptr;
    ImU32 color = IM_COL32_WHITE;
};

struct PanelState {
    PanelState();
    plot::AxisRange steps;  // the step axis the plots share
    bool link_x = true;
    float smoothing = 0.6f;
    plot::LinePlotState loss, accuracy, lr, sps, grad_norm, update_ratio;
    plot::BarChartState flow, acts;
    int flow_metric = 0;  // grad norm, mean |grad|, max |grad|, update ratio, weight norm
    int act_metric = 0;   // mean, std, dead fraction, saturated fraction
    int layer = -1;       // layer drawn over time when several runs overlay (-1: first with weights)
    bool show_events = true;
};

// Draws the panels into the current window, filling its remaining space.
void draw_panels(const std::vector<RunView>& runs, PanelState& state);

}  // namespace gs::monitor
