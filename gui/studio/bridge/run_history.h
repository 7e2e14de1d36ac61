// RunHistory: the curves and epochs of a run as plain data, to carry them
// across a new session that resumes from a checkpoint (Load checkpoint, a
// project saved with its weights): taken from one TelemetryStore up to a
// step, and replayed into another, so the plot goes on where it stopped.
// Core types only (no engine, no widgets).
#pragma once

#include <vector>

#include "gradscope/telemetry.h"

namespace gs::studio {

struct RunHistory {
    long step = 0;  // the last step it covers
    std::vector<SeriesPoint> loss, accuracy;  // as Series::points() gives them
    std::vector<EpochRecord> epochs;
    std::vector<EventRecord> events;  // hyperparameter changes and breakpoints (the plot's markers)
    bool empty() const { return loss.empty() && epochs.empty(); }
};

// What `store` holds of the steps 1..up_to_step (everything when < 0).
RunHistory history_of(const TelemetryStore& store, long up_to_step = -1);
// Adds the history to `store` (normally a fresh one): one step record per
// point (a decimated point as its mean), the epochs and the events.
void replay(const RunHistory& history, TelemetryStore& store);

}  // namespace gs::studio
