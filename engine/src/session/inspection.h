// The statistics the session publishes, as functions of a model, for the
// live run (inspection.cpp) and for a past step rebuilt apart from it
// (time_travel.cpp).
#pragma once

#include <cstddef>

#include "gradscope/model.h"
#include "gradscope/telemetry.h"

namespace gs {

// Layer i's statistics after a training step (its activations, the weights
// and their gradients as the step left them), with the learning rate lr it
// used. run and run_id are left 0.
LayerStats layer_statistics(Model& model, size_t i, long step, float lr);

}  // namespace gs
