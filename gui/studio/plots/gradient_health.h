// Diagnosing gradient flow: from the newest LayerStats of every layer, which
// layers' gradients vanish or explode, which ReLU layers have died and which
// Sigmoid / Tanh layers saturate, each with one line of text that says what
// it means and what to try. Pure functions, no Qt: the GradientFlowView
// draws what these decide, and the tests check them on hand-made statistics.
//
// The rules (GradientThresholds holds the numbers):
// - Exploding (an error): any gradient statistic, weight norm or update
//   ratio is NaN or infinite; or the update-to-weight ratio (lr * |grad| /
//   |w|) is above 0.1, so one step changes the weights by more than 10%; or
//   mean |grad| is above 1e3; or an earlier layer's mean |grad| is more than
//   1000x the last weighted layer's.
// - Vanishing (a warning): mean |grad| is below 1e-7; or the update ratio is
//   positive but below 1e-6 (a million steps to change the weights once
//   over); or an earlier layer's mean |grad| is more than 1000x smaller than
//   the last weighted layer's (which is where the gradient enters). A ratio
//   of exactly 0 means lr = 0 and is not held against the layer.
// - Dead units (a warning): a ReLU-like layer's dead_fraction (outputs <= 0
//   for every item of the batch) is at least 0.5.
// - Saturated (a warning): a Sigmoid / Tanh layer's saturated_fraction
//   (outputs within 1% of the limits) is at least 0.5.
// The relative rules compare with the last layer that has weights, and only
// when that layer's own mean |grad| is finite and positive. Healthy
// update ratios sit around 1e-3 (kHealthyRatioLo .. kHealthyRatioHi).
#pragma once

#include <string>
#include <vector>

#include "gradscope/spec.h"
#include "gradscope/telemetry.h"

namespace gs::studio {

enum class LayerHealth {
    NoData,     // no statistics yet, or nothing to check (Flatten, pools, ...)
    Healthy,
    Vanishing,
    Exploding,  // including NaN / inf
    DeadUnits,
    Saturated,
};

const char* health_name(LayerHealth h);  // "healthy", "vanishing", ...
// Exploding is an error; vanishing, dead and saturated are warnings.
bool health_is_error(LayerHealth h);
bool health_is_problem(LayerHealth h);  // anything but NoData and Healthy

struct GradientThresholds {
    double vanishing_mean_abs = 1e-7;  // mean |grad| below: vanishing
    double exploding_mean_abs = 1e3;   // mean |grad| above: exploding
    double vanishing_ratio = 1e-6;     // update ratio below (and > 0): vanishing
    double exploding_ratio = 1e-1;     // update ratio above: exploding
    double relative = 1e3;             // vs the last weighted layer's mean |grad|
    double dead_fraction = 0.5;        // ReLU: at least this dead: dead units
    double saturated_fraction = 0.5;   // Sigmoid / Tanh: at least this saturated
};

// A healthy update-to-weight ratio per step lies roughly in this range.
constexpr double kHealthyRatioLo = 1e-4;
constexpr double kHealthyRatioHi = 1e-2;

struct LayerDiagnosis {
    int layer = 0;  // spec index, 0-based
    LayerHealth status = LayerHealth::NoData;
    // One line for people, naming the layer 1-based as the engine does:
    // "Layer 5 (Dense): gradients vanishing — mean |grad| 2e-9, 10,000x
    // smaller than the last layer's. Earlier layers barely learn. Try ...".
    // Healthy layers get a short summary; NoData a short note.
    std::string text;
};

// One diagnosis per spec layer (index = spec index); stats are indexed by
// LayerStats::layer (TelemetryStore::layers()). Statistics for layers the
// spec does not have are ignored; a spec layer without statistics is NoData.
std::vector<LayerDiagnosis> diagnose_gradients(const std::vector<LayerStats>& stats,
                                               const ModelSpec& spec,
                                               const GradientThresholds& t = {});

// "Layer 5 (Dense)" for a spec index (type "?" when the spec has no such layer).
std::string layer_title(const ModelSpec& spec, int layer);

}  // namespace gs::studio
