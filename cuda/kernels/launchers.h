// Host-side launchers of the CUDA backend's own kernels (kernels/*.cu). Each
// enqueues its work on `stream` and returns; none synchronizes. Shapes are
// given as (N, C, H, W) / (N, F) like the Backend interface. Kernels carry a
// `_kernel` suffix; these launchers do not.
#pragma once

#include <cuda_runtime.h>

#include <cstddef>
#include <cstdint>

#include "gradscope/backend.h"

namespace gs::cuda {

// Results of the reductions, written to device memory by one final block.
struct SummaryResult {
    double sum, sum_sq, sum_abs;
    float min, max;
    unsigned long long nonpositive, saturated, dead_features;
};
struct LossResult {
    double loss_sum;
    unsigned long long correct;
    unsigned long long bad_labels;  // softmax cross-entropy: labels not a class
    float first_bad_label;
};
// Per-block partial results the reductions need (device scratch of
// kReduceBlocks * kPartialBytes bytes).
inline constexpr int kReduceBlocks = 256;
inline constexpr size_t kPartialBytes = 64;

// --- elementwise.cu ---------------------------------------------------------
void fill(float* p, float value, size_t n, cudaStream_t s);
void scale(float* p, float factor, size_t n, cudaStream_t s);
void multiply(const float* a, const float* b, float* y, size_t n, cudaStream_t s);
void activation_forward(Activation a, float alpha, const float* x, float* y, size_t n,
                        cudaStream_t s);
void activation_backward(Activation a, float alpha, const float* x, const float* y,
                         const float* dy, float* dx, size_t n, cudaStream_t s);
void dropout_forward(float p, uint64_t seed, uint64_t counter, const float* x, float* mask,
                     float* y, size_t n, cudaStream_t s);
// y(N,M) += b(M)
void add_bias_rows(float* y, const float* b, int N, int M, cudaStream_t s);
// db(M) = sum_n dy(N,M)
void sum_rows(const float* dy, float* db, int N, int M, cudaStream_t s);

// --- optimizers.cu: one kernel per optimizer and parameter tensor -------------
void sgd_update(float* p, const float* g, float* velocity, size_t n, const SgdStep& st,
                cudaStream_t s);
void adam_update(float* p, const float* g, float* m, float* v, size_t n, const AdamStep& st,
                 cudaStream_t s);
void rmsprop_update(float* p, const float* g, float* sq, float* buffer, size_t n,
                    const RmsPropStep& st, cudaStream_t s);

// --- softmax_losses.cu --------------------------------------------------------
// Softmax over F features of N rows.
void softmax_forward(const float* x, float* y, int N, int F, cudaStream_t s);
void softmax_backward(const float* y, const float* dy, float* dx, int N, int F, cudaStream_t s);
// Losses: sums into *out (device); gradients of the batch mean into d (may be
// null); classification losses also write items (may be null), the per-item
// outcome rows (N, kLossItemColumns) of gradscope/backend.h.
void softmax_cross_entropy(const float* logits, const float* labels, float* d, float* items,
                           int N, int K, LossResult* out, cudaStream_t s);
void sigmoid_bce(const float* logits, const float* targets, float* d, float* items, int N,
                 LossResult* out, cudaStream_t s);
void mean_squared_error(const float* pred, const float* target, float* d, int N, int F,
                        LossResult* out, cudaStream_t s);

// --- reductions.cu --------------------------------------------------------------
// *out (device) = sum of squares of p[0..n), in double.
void sum_squares(const float* p, size_t n, void* partials, double* out, cudaStream_t s);
// Statistics of p viewed as (items, n / items).
void summarize(const float* p, size_t n, size_t items, float sat_lo, float sat_hi,
               void* partials, SummaryResult* out, cudaStream_t s);
// Adds to counts[bins] (device, zeroed by the caller) the values of p over [lo, hi].
void histogram(const float* p, size_t n, float lo, float hi, int bins, uint32_t* counts,
               cudaStream_t s);

// --- pooling.cu -----------------------------------------------------------------
struct PoolShape {
    int N, C, H, W, Ho, Wo;
};
// Max pooling keeps the flat index (h * W + w) of each maximum in ws (Ho*Wo
// ints per plane); average pooling divides by the positions inside the input.
void pool_forward(const PoolParams& p, const PoolShape& d, const float* x, float* y, int* ws,
                  cudaStream_t s);
void pool_backward(const PoolParams& p, const PoolShape& d, const float* dy, const int* ws,
                   float* dx, cudaStream_t s);

// --- batchnorm.cu: x, y (N, C, S) with S = H * W (1 for features) ----------------
void batchnorm_forward_training(float eps, float momentum, const float* x, const float* gamma,
                                const float* beta, float* running_mean, float* running_var,
                                float* save_mean, float* save_invstd, float* y, int N, int C,
                                long S, cudaStream_t s);
void batchnorm_forward_inference(float eps, const float* x, const float* gamma, const float* beta,
                                 const float* running_mean, const float* running_var, float* y,
                                 int N, int C, long S, cudaStream_t s);
void batchnorm_backward(const float* x, const float* gamma, const float* save_mean,
                        const float* save_invstd, const float* dy, float* dx, float* dgamma,
                        float* dbeta, int N, int C, long S, cudaStream_t s);

}  // namespace gs::cuda
