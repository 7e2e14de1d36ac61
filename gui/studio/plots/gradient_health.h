// Diagnosing gradient flow: from the newest LayerStats of every layer, and
// from how the run goes (RunContext: the loss so far, the accuracy, the
// optimizer, how the weights have grown), which layers' gradients vanish or
// explode, which ReLU layers have died and which Sigmoid / Tanh layers
// saturate, each with one line of text that says what it means and what to
// try; and first a verdict on the run as a whole (diverging, converged).
// Pure functions, no Qt: the GradientFlowView draws what these decide, and
// the tests check them on hand-made statistics.
//
// Wrong advice is worse than none, so the run comes first:
// - Diverging (the learning rate is too high): the recent loss is 10x the
//   first, or above it while single losses reach 10x it, or a layer's
//   weights are NaN / infinite or huge (rms above 1e3; they start near 1).
//   It explains the rest: no per-layer "vanishing" or "saturated" line then
//   (a saturated Tanh has gradient 0, which looks like vanishing), and never
//   "a higher learning rate". Its text says to lower the rate and reset, or,
//   with diverged weights, that only a reset brings the run back.
// - Converged: train accuracy at least 99%, or the loss below 1e-3 of the
//   first. Small gradients and saturated outputs are expected then: no
//   vanishing (W3-W5) or saturated (A2) lines.
// The per-layer rules (GradientThresholds holds the numbers):
// - Exploding (an error): any gradient statistic, weight norm or update
//   ratio is NaN or infinite (W0); or the update-to-weight ratio (lr * |grad|
//   / |w|) is above 0.1 (W1, plain SGD only: Adam, AdamW and RMSProp scale
//   their steps themselves, so the ratio says nothing there; and not while
//   the loss clearly falls, newest losses below 0.9x the ones just before,
//   as in a fast start: linear regression at lr 0.1 begins with a ratio
//   near 1 and converges; after the first step alone, with no trend yet,
//   only above 10); or mean |grad|
//   is above 1e3, or an earlier layer's mean |grad| is more than 1000x the
//   last weighted layer's (W2).
// - Vanishing (a warning): an earlier layer's mean |grad| is more than 1000x
//   smaller than the last weighted layer's (W3, where the gradient enters);
//   mean |grad| below 1e-7 (W4) or an update ratio positive but below 1e-6
//   (W5, plain SGD only). W4 and W5 need the loss on a plateau far above its
//   end (above 0.3x the first loss) when the run is known: small gradients
//   of a finished run are not a problem. "A higher learning rate" is advised
//   only on such a plateau, with a steady loss and weights that did not grow.
// - Dead units (a warning): a ReLU-like layer's dead_fraction (outputs <= 0
//   for every item of the batch) is at least 0.5 (A1).
// - Saturated (a warning): a Sigmoid / Tanh layer's saturated_fraction
//   (outputs within 1% of the limits) is at least 0.5 (A2); weights that
//   grew tenfold point at the learning rate, otherwise at init or inputs.
// Without a RunContext (known == false) the per-layer rules run on the
// statistics alone, as above, and never advise a higher learning rate.
#pragma once

#include <cmath>
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
    double exploding_ratio_alone = 10; // ... before the loss has a trend (its first step)
    double relative = 1e3;             // vs the last weighted layer's mean |grad|
    double dead_fraction = 0.5;        // ReLU: at least this dead: dead units
    double saturated_fraction = 0.5;   // Sigmoid / Tanh: at least this saturated
    double diverged_weight_rms = 1e3;  // |w| / sqrt(n) above: the weights diverged
};

// A healthy update-to-weight ratio per step lies roughly in this range.
constexpr double kHealthyRatioLo = 1e-4;
constexpr double kHealthyRatioHi = 1e-2;

// How the run goes, beyond one batch's statistics (run_context() reads it
// from the telemetry store).
struct RunContext {
    bool known = false;                // false: statistics alone
    double initial_loss = NAN;         // the run's first loss
    double recent_loss = NAN;          // mean of the newest losses
    double recent_min = NAN, recent_max = NAN;  // single losses among the newest
    // The newer half of the last (up to) 100 losses over the older half's
    // mean: below 1 while the loss falls (NaN: fewer than two losses).
    double loss_trend = NAN;
    double train_accuracy = NAN;       // mean of the newest (0..1); NaN: regression
    std::string optimizer;             // an optimizer id ("" unknown)
    long stats_step = 0, now_step = 0; // where the statistics come from; the newest step
    // Per spec layer: the weight norm of the layer's first statistics this
    // run (NaN: none), to tell weights that grew from weights that started large.
    std::vector<double> first_weight_norm;
    bool adaptive() const;
};

// Whether an optimizer (its id in any case: "adam", "AdamW") scales each
// weight's step itself (Adam, AdamW, RMSProp), so lr * |grad| / |w| is not
// the step it takes. False for SGD and for an unknown id.
bool adaptive_optimizer(const std::string& type);

// Reads the run from the store: its loss and accuracy series, the stats'
// step; the optimizer from the spec; first_weight_norm as given (the view
// keeps it since the run started).
RunContext run_context(const gs::TelemetryStore& store, const gs::ModelSpec& spec,
                       std::vector<double> first_weight_norm);

enum class RunState { Unknown, Learning, Diverging, Converged };

struct RunVerdict {
    RunState state = RunState::Unknown;
    bool weights_diverged = false;  // NaN / infinite or huge: only a reset helps
    double weight_growth = NAN;     // largest now / first weight norm
    std::string text;               // "" for Unknown and Learning
};

RunVerdict diagnose_run(const std::vector<LayerStats>& stats, const ModelSpec& spec, const RunContext& ctx,
                        const GradientThresholds& t = {});

struct LayerDiagnosis {
    int layer = 0;  // spec index, 0-based
    LayerHealth status = LayerHealth::NoData;
    // One line for people, naming the layer 1-based as the engine does:
    // "Layer 5 (Dense): gradients vanishing — mean |grad| 2e-9, 10,000x
    // smaller than the last layer's. Earlier layers barely learn. Try ...".
    // Healthy layers get a short summary; NoData a short note.
    std::string text;
    // text in two parts: what was found ("Layer 5 (Dense): gradients
    // vanishing — mean |grad| 2e-9, ...") and what to try (" This layer and
    // the ones before it barely learn. Try ..."; "" when nothing).
    std::string finding, advice;
};

// One diagnosis per spec layer (index = spec index); stats are indexed by
// LayerStats::layer (TelemetryStore::layers()). Statistics for layers the
// spec does not have are ignored; a spec layer without statistics is NoData.
std::vector<LayerDiagnosis> diagnose_gradients(const std::vector<LayerStats>& stats,
                                               const ModelSpec& spec,
                                               const GradientThresholds& t = {});
// The same, judged with the run in view (see the top of this file).
std::vector<LayerDiagnosis> diagnose_gradients(const std::vector<LayerStats>& stats, const ModelSpec& spec,
                                               const RunContext& ctx, const GradientThresholds& t = {});

// "Layer 5 (Dense)" for a spec index (type "?" when the spec has no such layer).
std::string layer_title(const ModelSpec& spec, int layer);

}  // namespace gs::studio
