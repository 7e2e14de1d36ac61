// The monitor's confusion view: the confusion matrix of a validation pass
// from the run log's "confusion" records (counts or row-normalized, any
// epoch), the pairs most often confused, and the most confident mistakes
// (item, label, prediction, probability: the monitor has no dataset, so no
// images), with the explanation beside them.
#pragma once

#include <vector>

#include "panels.h"

namespace gs::monitor {

struct ConfusionViewState {
    int run = 0;
    int record = -1;         // which confusion record (-1: the newest)
    bool normalized = true;  // row-normalized rates, else counts
};

void draw_confusion_view(const std::vector<RunView>& runs, ConfusionViewState& state);

}  // namespace gs::monitor
