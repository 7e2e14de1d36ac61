// The Gauges tab of the monitor (and the inspector): the gauges of the
// optimization a run log carries (gradscope/gauges.h) — sharpness against
// 2/lr, the gradient noise scale against the batch size, the learning-rate
// range tests (loss against log10 lr, the suggestion marked) — each with its
// explanation in words and what its last value means, from the core's texts.
#pragma once

#include <vector>

#include "panels.h"

namespace gs::monitor {

struct GaugePanelState {
    GaugePanelState();
    plot::LinePlotState sharpness, noise, lr_range;
};

// Whether any run carries a gauge (the tab says so when none does).
bool has_gauges(const std::vector<RunView>& runs);
void draw_gauges(const std::vector<RunView>& runs, GaugePanelState& state);

}  // namespace gs::monitor
