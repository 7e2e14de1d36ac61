// The monitor's data map view: every training item as a dot, variability
// against confidence, coloured by how often it was right, with the regions
// (easy to learn, ambiguous, hard to learn) named, from datamap.csv beside
// the log; hovering or clicking a dot shows the item's label, the class the
// network prefers and its history over the epochs (the monitor has no
// dataset, so no image). Beside it: the region counts over epochs and the
// lists (likely mislabeled, never learned, most forgotten) from the
// "datamap" records, each with its explanation.
#pragma once

#include <vector>

#include "panels.h"

namespace gs::monitor {

struct DataMapViewState {
    int run = 0;
    int list = 0;        // 0 likely mislabeled, 1 never learned, 2 most forgotten
    long selected = -1;  // the item clicked (-1: none)
};

void draw_data_map_view(const std::vector<RunView>& runs, DataMapViewState& state);

}  // namespace gs::monitor
