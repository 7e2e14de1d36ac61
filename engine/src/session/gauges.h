// The gauges' worker-side state of a Session (session/gauges.cpp).
#pragma once

#include "gradscope/optimization_gauges.h"

namespace gs {

struct GaugeState {
    SharpnessEstimator sharpness;
    NoiseScaleEstimator noise;
    long sharpness_every = 0, noise_every = 0;  // 0: off
    long next_sharpness = 1, next_noise = 1;    // the next step each runs at
    long last_step = 0;                         // the step the gauges last saw
    double train_ms = 0;                        // training time while a gauge was on
    double sharpness_ms = 0, noise_ms = 0;      // each gauge's time so far
    // Moving averages of one estimate's time: the spacing follows them, so
    // one estimate the scheduler stalled does not silence a gauge.
    double sharpness_avg_ms = 0, noise_avg_ms = 0;
};

}  // namespace gs
