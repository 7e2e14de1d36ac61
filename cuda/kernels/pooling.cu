// Max and average pooling (NCHW). Max pooling records where each maximum was
// (the first one in the window, as oneDNN does) so its backward needs no
// output; both backwards gather per input element, so no atomics are needed.
#include <cfloat>

#include "common.cuh"
#include "launchers.h"

namespace gs::cuda {

namespace {
// Positions of the window of output (oh, ow) that lie inside the input.
__device__ int avg_count(const PoolParams& p, const PoolShape& d, int oh, int ow) {
    const int h0 = max(oh * p.sh - p.ph, 0), h1 = min(oh * p.sh - p.ph + p.kh, d.H);
    const int w0 = max(ow * p.sw - p.pw, 0), w1 = min(ow * p.sw - p.pw + p.kw, d.W);
    return max(h1 - h0, 0) * max(w1 - w0, 0);
}
}  // namespace

// x: (N, C, H, W) -> y, ws: (N, C, Ho, Wo); one thread per output
__global__ void pool_forward_kernel(PoolParams p, PoolShape d, const float* x, float* y, int* ws) {
    const size_t total = static_cast<size_t>(d.N) * d.C * d.Ho * d.Wo;
    GS_GRID_STRIDE(o, total) {
        const int ow = static_cast<int>(o % d.Wo);
        const int oh = static_cast<int>((o / d.Wo) % d.Ho);
        const size_t plane = o / (static_cast<size_t>(d.Wo) * d.Ho);
        const float* xp = x + plane * d.H * d.W;
        if (p.kind == PoolKind::Max) {
            float best = -FLT_MAX;
            int at = -1;
            for (int i = 0; i < p.kh; ++i) {
                const int h = oh * p.sh - p.ph + i;
                if (h < 0 || h >= d.H) continue;
                for (int j = 0; j < p.kw; ++j) {
                    const int w = ow * p.sw - p.pw + j;
                    if (w < 0 || w >= d.W) continue;
                    const float v = xp[h * d.W + w];
                    if (at < 0 || v > best) best = v, at = h * d.W + w;
                }
            }
            y[o] = at < 0 ? 0.0f : best;
            ws[o] = at;
        } else {
            float s = 0;
            for (int i = 0; i < p.kh; ++i) {
                const int h = oh * p.sh - p.ph + i;
                if (h < 0 || h >= d.H) continue;
                for (int j = 0; j < p.kw; ++j) {
                    const int w = ow * p.sw - p.pw + j;
                    if (w >= 0 && w < d.W) s += xp[h * d.W + w];
                }
            }
            const int c = avg_count(p, d, oh, ow);
            y[o] = c ? s / static_cast<float>(c) : 0.0f;
        }
    }
}

// dy, ws: (N, C, Ho, Wo) -> dx: (N, C, H, W); one thread per input element
__global__ void pool_backward_kernel(PoolParams p, PoolShape d, const float* dy, const int* ws,
                                     float* dx) {
    const size_t total = static_cast<size_t>(d.N) * d.C * d.H * d.W;
    GS_GRID_STRIDE(e, total) {
        const int w = static_cast<int>(e % d.W);
        const int h = static_cast<int>((e / d.W) % d.H);
        const size_t plane = e / (static_cast<size_t>(d.W) * d.H);
        const size_t base = plane * d.Ho * d.Wo;
        // Outputs whose window holds (h, w).
        const int lh = h + p.ph - p.kh + 1, lw = w + p.pw - p.kw + 1;
        const int oh0 = lh <= 0 ? 0 : (lh + p.sh - 1) / p.sh;
        const int ow0 = lw <= 0 ? 0 : (lw + p.sw - 1) / p.sw;
        const int oh1 = min(d.Ho - 1, (h + p.ph) / p.sh);
        const int ow1 = min(d.Wo - 1, (w + p.pw) / p.sw);
        float g = 0;
        for (int oh = oh0; oh <= oh1; ++oh)
            for (int ow = ow0; ow <= ow1; ++ow) {
                const size_t o = base + static_cast<size_t>(oh) * d.Wo + ow;
                if (p.kind == PoolKind::Max) {
                    if (ws[o] == h * d.W + w) g += dy[o];
                } else {
                    const int c = avg_count(p, d, oh, ow);
                    if (c) g += dy[o] / static_cast<float>(c);
                }
            }
        dx[e] = g;
    }
}

void pool_forward(const PoolParams& p, const PoolShape& d, const float* x, float* y, int* ws,
                  cudaStream_t s) {
    const size_t total = static_cast<size_t>(d.N) * d.C * d.Ho * d.Wo;
    if (total) pool_forward_kernel<<<grid_for(total), kThreads, 0, s>>>(p, d, x, y, ws);
}
void pool_backward(const PoolParams& p, const PoolShape& d, const float* dy, const int* ws,
                   float* dx, cudaStream_t s) {
    const size_t total = static_cast<size_t>(d.N) * d.C * d.H * d.W;
    if (total) pool_backward_kernel<<<grid_for(total), kThreads, 0, s>>>(p, d, dy, ws, dx);
}

}  // namespace gs::cuda
