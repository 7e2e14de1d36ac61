// The CPU backend's statistics of a tensor: the summary (sums, extremes,
// counts, dead features) and the histogram that the per-layer statistics,
// the health checks and the views read.
//
// They once were one scalar loop each: 50 ms for a statistics sample of
// cnn-fashion at batch 64 (its activations are 6 M floats), twice its
// training step, which made a sample due every second cost 5% of the run
// (gradscope-bench --cases cnn-fashion/b64/telemetry-streams). Now each runs
// in blocks split across the threads, each block vectorized; blocks are added
// in a fixed order, so the result does not depend on the number of threads.
// Values that are NaN count in no extreme and in no bin (as before: they show
// in the sums, which the non-finite checks read).
#include <omp.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "backend/cpu_backend.h"
#include "gradscope_kernels/elementwise.h"

namespace gs {

namespace {

constexpr size_t kStatsBlock = size_t{1} << 14;      // floats a block sums
constexpr size_t kStatsParallelMin = size_t{1} << 20;  // below: one thread (0.1-0.2 ms)

struct Part {
    double s = 0, s2 = 0, sa = 0;
    float mn = std::numeric_limits<float>::infinity(), mx = -std::numeric_limits<float>::infinity();
    size_t np = 0, sat = 0;
};

Part summarize_block(const float* p, size_t n, float sat_lo, float sat_hi) {
    double s = 0, s2 = 0, sa = 0;
    float mn = std::numeric_limits<float>::infinity(), mx = -mn;
    size_t np = 0, sat = 0;
#pragma omp simd reduction(+ : s, s2, sa, np, sat) reduction(min : mn) reduction(max : mx)
    for (size_t i = 0; i < n; ++i) {
        const float v = p[i];
        const double d = v;
        s += d;
        s2 += d * d;
        sa += std::fabs(d);
        // A NaN compares false: it changes neither extreme.
        mn = v < mn ? v : mn;
        mx = v > mx ? v : mx;
        np += v <= 0.0f;
        sat += (v <= sat_lo) | (v >= sat_hi);
    }
    return Part{s, s2, sa, mn, mx, np, sat};
}

}  // namespace

TensorSummary CpuBackend::summarize(const Tensor& t, float sat_lo, float sat_hi) {
    TensorSummary r;
    const float* p = t.data();
    const size_t n = t.numel();
    r.count = n;
    if (!n) return r;
    const size_t blocks = (n + kStatsBlock - 1) / kStatsBlock;
    std::vector<Part> parts(blocks);
#pragma omp parallel for schedule(static) if (n >= kStatsParallelMin)
    for (size_t b = 0; b < blocks; ++b) {
        const size_t first = b * kStatsBlock;
        parts[b] = summarize_block(p + first, std::min(kStatsBlock, n - first), sat_lo, sat_hi);
    }
    Part all;
    for (const Part& q : parts) {
        all.s += q.s;
        all.s2 += q.s2;
        all.sa += q.sa;
        all.mn = std::min(all.mn, q.mn);
        all.mx = std::max(all.mx, q.mx);
        all.np += q.np;
        all.sat += q.sat;
    }
    r.sum = all.s;
    r.sum_sq = all.s2;
    r.sum_abs = all.sa;
    // Only NaN: no extreme, and NaN says so.
    const bool any = all.mn <= all.mx;
    r.min = any ? all.mn : NAN;
    r.max = any ? all.mx : NAN;
    r.nonpositive = all.np;
    r.saturated = all.sat;
    // Dead features: positions <= 0 in every item of the batch. Each thread
    // takes a range of features and walks the items row by row, so that it
    // reads memory in order.
    const size_t items = t.shape().rank >= 2 ? static_cast<size_t>(t.dim(0)) : 1;
    const size_t per = n / items;
    r.features = per;
    const size_t ranges = (per + kStatsBlock - 1) / kStatsBlock;
    std::vector<size_t> dead(ranges, 0);
#pragma omp parallel for schedule(static) if (n >= kStatsParallelMin)
    for (size_t b = 0; b < ranges; ++b) {
        const size_t f0 = b * kStatsBlock, f1 = std::min(per, f0 + kStatsBlock);
        unsigned char alive[kStatsBlock];
        const size_t w = f1 - f0;
        for (size_t f = 0; f < w; ++f) alive[f] = 0;
        for (size_t i = 0; i < items; ++i) {
            const float* row = p + i * per + f0;
#pragma omp simd
            for (size_t f = 0; f < w; ++f) alive[f] |= !(row[f] <= 0.0f);
        }
        size_t d = 0;
        for (size_t f = 0; f < w; ++f) d += !alive[f];
        dead[b] = d;
    }
    for (size_t d : dead) r.dead_features += d;
    return r;
}

void CpuBackend::histogram(const Tensor& t, float lo, float hi, int bins, uint32_t* counts) {
    for (int b = 0; b < bins; ++b) counts[b] = 0;
    if (bins <= 0) return;
    const float* p = t.data();
    const size_t n = t.numel();
    const float w = hi > lo ? static_cast<float>(bins) / (hi - lo) : 0.0f;
    const size_t nb = static_cast<size_t>(bins);
    if (nb > 4096) {  // an unusual request: one row, one thread
        for (size_t i = 0; i < n; ++i)
            if (const int b = kernels::histogram_bin(p[i], lo, w, bins); b >= 0) ++counts[b];
        return;
    }
    const size_t blocks = (n + kStatsBlock - 1) / kStatsBlock;
    // One row of counts per block; the rows are added in order.
    std::vector<uint32_t> rows(blocks * nb, 0);
#pragma omp parallel for schedule(static) if (n >= kStatsParallelMin)
    for (size_t b = 0; b < blocks; ++b) {
        const size_t first = b * kStatsBlock, m = std::min(kStatsBlock, n - first);
        const float* q = p + first;
        // Four interleaved rows of counts: values in one bin one after the
        // other would otherwise wait on each other's increment.
        std::vector<uint32_t> four(4 * nb, 0);
        int bin[256];
        for (size_t k = 0; k < m; k += 256) {
            const size_t c = std::min<size_t>(256, m - k);
            // The bins of a chunk, vectorized (the same binning as every
            // other backend's: NaN in none, an infinite value or range in an
            // end bin, never out of bounds; NaN in none) ...
#pragma omp simd
            for (size_t i = 0; i < c; ++i) {
                const int j = kernels::histogram_bin(q[k + i], lo, w, bins);
                bin[i] = j < 0 ? -1 : static_cast<int>((i & 3) * nb) + j;
            }
            // ... then counted.
            for (size_t i = 0; i < c; ++i)
                if (bin[i] >= 0) ++four[static_cast<size_t>(bin[i])];
        }
        uint32_t* row = rows.data() + b * nb;
        for (size_t j = 0; j < nb; ++j) row[j] = four[j] + four[nb + j] + four[2 * nb + j] + four[3 * nb + j];
    }
    for (size_t b = 0; b < blocks; ++b)
        for (size_t k = 0; k < nb; ++k) counts[k] += rows[b * nb + k];
}

}  // namespace gs
