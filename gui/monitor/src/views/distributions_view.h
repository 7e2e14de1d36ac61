// The monitor's distributions view: for one layer of a run, its weights,
// gradients or outputs over time from the histograms the run log's "layers"
// lines carry: TensorBoard's distributions (bands between percentiles
// around the median, over steps) or its histograms (one curve per sample,
// stacked from the oldest at the back to the newest in front), with the
// explanation beside them.
#pragma once

#include <vector>

#include "gradscope/telemetry.h"
#include "panels.h"

namespace gs::monitor {

struct DistributionsViewState {
    int run = 0;
    int layer = -1;    // -1: the first layer with histograms
    int kind = 0;      // 0 weights, 1 gradients, 2 outputs (activations)
    bool stacked = false;
    bool inner = false;  // bands: fit the value axis to the 7-93% band, not min to max
};

void draw_distributions_view(const std::vector<RunView>& runs, DistributionsViewState& state);

}  // namespace gs::monitor
