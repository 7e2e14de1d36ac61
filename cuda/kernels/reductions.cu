// Reductions for the loss scale, gradient norms and telemetry: sums of
// squares, summaries (sums, extremes, zero / saturated / dead counts) and
// histograms. Two stages (kReduceBlocks partials, then one block) in a fixed
// order, so a result does not change from run to run; only the final few
// numbers are copied to the host.
#include <cfloat>

#include "common.cuh"
#include "gradscope_kernels/elementwise.h"
#include "launchers.h"

namespace gs::cuda {

namespace {

struct SummaryPartial {
    double sum, sum_sq, sum_abs;
    float min, max;
    unsigned long long nonpositive, saturated;
};
static_assert(sizeof(SummaryPartial) <= kPartialBytes, "partials do not fit their scratch");

template <bool Max>
__device__ float block_extreme(float v) {
    __shared__ float warp_vals[kThreads / 32];
    for (int o = 16; o > 0; o >>= 1) {
        const float u = __shfl_down_sync(0xffffffffu, v, o);
        v = Max ? fmaxf(v, u) : fminf(v, u);
    }
    const int lane = threadIdx.x % 32, warp = threadIdx.x / 32;
    __syncthreads();
    if (lane == 0) warp_vals[warp] = v;
    __syncthreads();
    float r = Max ? -FLT_MAX : FLT_MAX;
    if (warp == 0) {
        r = lane < kThreads / 32 ? warp_vals[lane] : r;
        for (int o = 16; o > 0; o >>= 1) {
            const float u = __shfl_down_sync(0xffffffffu, r, o);
            r = Max ? fmaxf(r, u) : fminf(r, u);
        }
    }
    return r;
}

unsigned reduce_blocks(size_t n) {
    const unsigned g = grid_for(n);
    return g < static_cast<unsigned>(kReduceBlocks) ? g : static_cast<unsigned>(kReduceBlocks);
}

}  // namespace

// p: (n) -> partials: (gridDim.x) doubles
// Every field of a summary reduced over the block (the result in thread 0).
__device__ void block_reduce_summary(double& s, double& s2, double& sa, unsigned long long& np,
                                     unsigned long long& sat, float& mn, float& mx) {
    s = block_sum(s);
    s2 = block_sum(s2);
    sa = block_sum(sa);
    np = block_sum(np);
    sat = block_sum(sat);
    mn = block_extreme<false>(mn);
    mx = block_extreme<true>(mx);
}

__global__ void sum_squares_partial_kernel(const float* p, size_t n, double* partials) {
    double s = 0;
    GS_GRID_STRIDE(i, n) s += static_cast<double>(p[i]) * p[i];
    s = block_sum(s);
    if (threadIdx.x == 0) partials[blockIdx.x] = s;
}

// partials: (count) -> *out; one block
__global__ void sum_partials_kernel(const double* partials, int count, double* out) {
    double s = 0;
    for (int b = threadIdx.x; b < count; b += blockDim.x) s += partials[b];
    s = block_sum(s);
    if (threadIdx.x == 0) *out = s;
}

// p: (n) -> partials: (gridDim.x)
__global__ void summary_partial_kernel(const float* p, size_t n, float lo, float hi,
                                       SummaryPartial* partials) {
    double s = 0, s2 = 0, sa = 0;
    float mn = FLT_MAX, mx = -FLT_MAX;
    unsigned long long np = 0, sat = 0;
    GS_GRID_STRIDE(i, n) {
        const float v = p[i];
        s += v;
        s2 += static_cast<double>(v) * v;
        sa += fabsf(v);
        mn = fminf(mn, v);
        mx = fmaxf(mx, v);
        np += v <= 0.0f;
        sat += kernels::is_saturated(v, lo, hi);
    }
    block_reduce_summary(s, s2, sa, np, sat, mn, mx);
    if (threadIdx.x == 0) partials[blockIdx.x] = {s, s2, sa, mn, mx, np, sat};
}

// partials: (count) -> *out; one block
__global__ void summary_final_kernel(const SummaryPartial* partials, int count,
                                     SummaryResult* out) {
    double s = 0, s2 = 0, sa = 0;
    float mn = FLT_MAX, mx = -FLT_MAX;
    unsigned long long np = 0, sat = 0;
    for (int b = threadIdx.x; b < count; b += blockDim.x) {
        const SummaryPartial& q = partials[b];
        s += q.sum;
        s2 += q.sum_sq;
        sa += q.sum_abs;
        mn = fminf(mn, q.min);
        mx = fmaxf(mx, q.max);
        np += q.nonpositive;
        sat += q.saturated;
    }
    block_reduce_summary(s, s2, sa, np, sat, mn, mx);
    if (threadIdx.x == 0) *out = {s, s2, sa, mn, mx, np, sat, 0ULL};
}

// p: (items, per); one thread per feature: dead when <= 0 in every item
__global__ void dead_features_kernel(const float* p, size_t items, size_t per,
                                     SummaryResult* out) {
    GS_GRID_STRIDE(f, per) {
        bool dead = true;
        for (size_t i = 0; i < items && dead; ++i) dead = p[i * per + f] <= 0.0f;
        if (dead) atomicAdd(&out->dead_features, 1ULL);
    }
}

// p: (n) -> counts: (bins)
__global__ void histogram_kernel(const float* p, size_t n, float lo, float w, int bins,
                                 uint32_t* counts) {
    GS_GRID_STRIDE(i, n) {
        const int b = kernels::histogram_bin(p[i], lo, w, bins);
        if (b >= 0) atomicAdd(&counts[b], 1u);
    }
}

void sum_squares(const float* p, size_t n, void* partials, double* out, cudaStream_t s) {
    const unsigned g = reduce_blocks(n);
    auto* part = static_cast<double*>(partials);
    sum_squares_partial_kernel<<<g, kThreads, 0, s>>>(p, n, part);
    sum_partials_kernel<<<1, kThreads, 0, s>>>(part, static_cast<int>(g), out);
}

void summarize(const float* p, size_t n, size_t items, float sat_lo, float sat_hi, void* partials,
               SummaryResult* out, cudaStream_t s) {
    const unsigned g = reduce_blocks(n);
    auto* part = static_cast<SummaryPartial*>(partials);
    summary_partial_kernel<<<g, kThreads, 0, s>>>(p, n, sat_lo, sat_hi, part);
    summary_final_kernel<<<1, kThreads, 0, s>>>(part, static_cast<int>(g), out);
    const size_t per = items ? n / items : n;
    if (per) dead_features_kernel<<<grid_for(per), kThreads, 0, s>>>(p, items, per, out);
}

void histogram(const float* p, size_t n, float lo, float hi, int bins, uint32_t* counts,
               cudaStream_t s) {
    const float w = hi > lo ? static_cast<float>(bins) / (hi - lo) : 0.0f;
    if (n) histogram_kernel<<<grid_for(n), kThreads, 0, s>>>(p, n, lo, w, bins, counts);
}

}  // namespace gs::cuda
