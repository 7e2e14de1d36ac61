// Gauges of the optimization itself (plain data, shared by the engine, the
// run log, the monitor and the studio):
//
//   learning-rate range test  (Smith 2015): from the current state, a few
//       hundred steps while the learning rate rises exponentially over a
//       range; the loss against the rate, a suggested rate where the loss
//       falls fastest; the state is put back exactly afterwards.
//   sharpness                 (Cohen et al. 2021): the top eigenvalue of the
//       loss Hessian on a fixed batch, against 2/lr, the edge of stability.
//   gradient noise scale      (McCandlish et al. 2018): B_simple =
//       tr(Σ)/|G|², from the gradient norms of small and large batches.
//
// The explanation texts that the monitor and the studio show beside each
// gauge live here too (core/src/gauges.cpp), written once.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace gs {

struct LrRangeOptions {
    double lr_min = 1e-5;
    double lr_max = 10.0;
    int steps = 200;           // steps over the range (fewer if the loss explodes)
    double explode = 4.0;      // stop when the smoothed loss exceeds this x its best
    double smoothing = 0.9;    // exponential moving average of the loss (bias corrected)
};

// "" if the options make sense, else why not (in words).
std::string lr_range_problem(const LrRangeOptions& o);

struct LrRangeResult {
    long step = 0;             // the run's step the test started from (and is back at)
    uint32_t run_id = 0;
    LrRangeOptions options;
    std::vector<float> lr;     // per step of the test: the rate it used
    std::vector<float> loss;   // its batch loss
    std::vector<float> smoothed;  // the moving average the suggestion reads
    double suggested_lr = 0;   // where the smoothed loss falls fastest against log lr (0: none)
    int suggested_index = -1;
    bool exploded = false;     // stopped early: the loss exploded or was not finite
    std::string stopped;       // why it ended, in words
    double seconds = 0;        // how long it took
    std::string error;         // non-empty: it could not run (the state is as before)
};

// Picks the suggestion of a finished test: the point where the loss falls
// fastest against log10(lr) — the loss averaged over half a decade of rates
// either side, its slope taken across a decade — before its lowest point.
// Sets suggested_lr/_index (0/-1: the loss never fell).
void suggest_lr(LrRangeResult& r);

// Sharpness (session option sharpness_every).
struct SharpnessRecord {
    long step = 0;
    uint32_t run = 0, run_id = 0;  // as in StepRecord
    float sharpness = 0;     // top Hessian eigenvalue estimate (largest |λ|, signed)
    float lr = 0;            // the learning rate at this step
    float edge = 0;          // 2 / lr: the edge of stability for plain gradient descent
    int iterations = 0;      // power iterations this estimate took
    float cost_share = 0;    // this gauge's time as a fraction of the training time so far
};

// Gradient noise scale (session option noise_every).
struct NoiseScaleRecord {
    long step = 0;
    uint32_t run = 0, run_id = 0;
    float b_simple = 0;      // tr(Σ)/|G|² from the moving averages (0: none yet; +inf while the averaged |G|² is not positive: the gradient is lost in the noise)
    float grad_sq = 0;       // |G|² estimate (moving average)
    float trace = 0;         // tr(Σ) estimate (moving average)
    int batch = 0;           // the training batch size, to compare with
    float cost_share = 0;
};

// Explanations in words, for the monitor and the studio.
const char* sharpness_about();    // what the gauge is, a few sentences
const char* noise_scale_about();
const char* lr_range_about();
// What the last value means now.
std::string sharpness_verdict(double sharpness, double lr);
std::string noise_scale_verdict(double b_simple, int batch);
std::string lr_range_verdict(const LrRangeResult& r, double current_lr);

}  // namespace gs
