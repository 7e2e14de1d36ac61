// Exponential smoothing of a loss or accuracy curve, as TensorBoard does it:
// s_t = w * s_{t-1} + (1 - w) * y_t, divided by 1 - w^t so the first points
// are not pulled towards 0 (debiasing). No Qt: plain numbers in and out.
#pragma once

#include <vector>

#include "gradscope/telemetry.h"

namespace gs::studio {

// The smoothed value at each point, for weight w in [0, 0.999] (clamped;
// 0 = no smoothing). A decimated point standing for n raw steps counts as n
// steps at its mean (weight w^n), so the curve does not change its meaning
// when old history is decimated. Non-finite values are skipped (the smoothed
// value holds) so one NaN does not erase the curve; points before the first
// finite value are NaN.
std::vector<double> smooth_ema(const std::vector<SeriesPoint>& points, double w);

}  // namespace gs::studio
