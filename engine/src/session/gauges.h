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
    // One estimate's time, the last few of each gauge: the spacing follows
    // their median, so an estimate the scheduler stalled does not silence a
    // gauge for long.
    struct Recent {
        double ms[5] = {};
        int n = 0;
        double add_and_median(double v);
    };
    Recent sharpness_recent, noise_recent;
};

inline double GaugeState::Recent::add_and_median(double v) {
    ms[n % 5] = v;
    ++n;
    const int k = std::min(n, 5);
    double s[5];
    for (int i = 0; i < k; ++i) {  // insertion sort of at most five
        int j = i;
        for (; j > 0 && s[j - 1] > ms[i]; --j) s[j] = s[j - 1];
        s[j] = ms[i];
    }
    return s[k / 2];
}

}  // namespace gs
