// Percentiles of the per-layer histograms (gradscope/distributions.h).
#include "gradscope/distributions.h"

#include <algorithm>
#include <cmath>
#include <cstdint>

namespace gs {

float histogram_percentile(const LayerStats::Histogram& h, double q) {
    uint64_t total = 0;
    for (uint32_t c : h.counts) total += c;
    if (!total || !(h.hi >= h.lo)) return NAN;
    const double w = (static_cast<double>(h.hi) - h.lo) / LayerStats::kBins;
    int first = 0, last = LayerStats::kBins - 1;
    while (h.counts[first] == 0) ++first;
    while (h.counts[last] == 0) --last;
    if (!(q > 0)) return static_cast<float>(h.lo + first * w);
    if (q >= 1) return static_cast<float>(h.lo + (last + 1) * w);
    const double target = q * static_cast<double>(total);
    double cum = 0;
    for (int b = first; b <= last; ++b) {
        const double c = h.counts[b];
        if (c > 0 && cum + c >= target) return static_cast<float>(h.lo + (b + (target - cum) / c) * w);
        cum += c;
    }
    return static_cast<float>(h.lo + (last + 1) * w);
}

std::array<float, 9> distribution_percentiles(const LayerStats::Histogram& h) {
    std::array<float, 9> out{};
    for (size_t k = 0; k < out.size(); ++k) out[k] = histogram_percentile(h, kDistributionQuantiles[k]);
    return out;
}

}  // namespace gs
