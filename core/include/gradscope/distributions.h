// Distributions over time from the per-layer histograms (LayerStats, and
// the "weights_hist", "grads_hist", "acts_hist" of the run log's "layers"
// lines): percentiles read from a 32-bin histogram, and the nine that
// TensorBoard's distributions view draws as bands (the normal's minimum,
// -1.5, -1, -0.5 sigma, median, +0.5, +1, +1.5 sigma, maximum). For the
// monitor's distributions view now and the studio's later.
#pragma once

#include <array>

#include "gradscope/telemetry.h"

namespace gs {

// The fractions of TensorBoard's bands, lowest first: 0, 6.68%, 15.87%,
// 30.85%, 50%, 69.15%, 84.13%, 93.32%, 100%.
inline constexpr std::array<double, 9> kDistributionQuantiles = {0,      0.0668, 0.1587, 0.3085, 0.5,
                                                                 0.6915, 0.8413, 0.9332, 1};

// Whether a histogram was taken (its range is not empty).
inline bool has_histogram(const LayerStats::Histogram& h) { return h.hi > h.lo; }

// The value below which fraction q (0 to 1) of the counts lie, linearly
// interpolated within its bin (the bins split [lo, hi] evenly); q 0 and 1
// give the edges of the first and last non-empty bins. NaN when empty.
float histogram_percentile(const LayerStats::Histogram& h, double q);

// The nine percentiles of kDistributionQuantiles, lowest first.
std::array<float, 9> distribution_percentiles(const LayerStats::Histogram& h);

}  // namespace gs
