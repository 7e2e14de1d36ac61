// Optimizer updates: one kernel per optimizer, run once per parameter tensor
// (the Backend interface updates one tensor at a time). The arithmetic is
// gradscope_kernels/elementwise.h's, as on the CPU.
#include "common.cuh"
#include "gradscope_kernels/elementwise.h"
#include "launchers.h"

namespace gs::cuda {

// p, g, v: (n); v null: plain SGD
__global__ void sgd_update_kernel(float* p, const float* g, float* v, size_t n, SgdStep st) {
    if (v) {
        GS_GRID_STRIDE(i, n) kernels::sgd_momentum_step(p[i], g[i], v[i], st);
    } else {
        GS_GRID_STRIDE(i, n) kernels::sgd_step(p[i], g[i], st);
    }
}

// p, g, m, v: (n)
__global__ void adam_update_kernel(float* p, const float* g, float* m, float* v, size_t n,
                                   AdamStep st, kernels::AdamFactors f) {
    GS_GRID_STRIDE(i, n) kernels::adam_step(p[i], g[i], m[i], v[i], st, f);
}

// p, g, sq, buf: (n); buf null: no momentum
__global__ void rmsprop_update_kernel(float* p, const float* g, float* sq, float* buf, size_t n,
                                      RmsPropStep st) {
    if (buf) {
        GS_GRID_STRIDE(i, n) kernels::rmsprop_momentum_step(p[i], g[i], sq[i], buf[i], st);
    } else {
        GS_GRID_STRIDE(i, n) kernels::rmsprop_step(p[i], g[i], sq[i], st);
    }
}

void sgd_update(float* p, const float* g, float* velocity, size_t n, const SgdStep& st,
                cudaStream_t s) {
    if (n) sgd_update_kernel<<<grid_for(n), kThreads, 0, s>>>(p, g, velocity, n, st);
}
void adam_update(float* p, const float* g, float* m, float* v, size_t n, const AdamStep& st,
                 cudaStream_t s) {
    // Bias corrections in double on the host, as the CPU backend computes them.
    if (n)
        adam_update_kernel<<<grid_for(n), kThreads, 0, s>>>(p, g, m, v, n, st,
                                                            kernels::adam_factors(st));
}
void rmsprop_update(float* p, const float* g, float* sq, float* buffer, size_t n,
                    const RmsPropStep& st, cudaStream_t s) {
    if (n) rmsprop_update_kernel<<<grid_for(n), kThreads, 0, s>>>(p, g, sq, buffer, n, st);
}

}  // namespace gs::cuda
