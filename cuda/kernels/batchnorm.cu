// Batch normalization per channel over (N, S): one block per channel reduces
// in double and normalizes, in the CPU backend's arithmetic (two passes,
// running variance unbiased).
#include "common.cuh"
#include "gradscope_kernels/elementwise.h"
#include "launchers.h"

namespace gs::cuda {

namespace {
__device__ inline size_t at(int n, int c, long i, int C, long S) {
    return (static_cast<size_t>(n) * C + c) * static_cast<size_t>(S) + static_cast<size_t>(i);
}
}  // namespace

// x, y: (N, C, S); per-channel tensors (C); one block per channel
__global__ void batchnorm_forward_training_kernel(float eps, float momentum, const float* x,
                                                  const float* gamma, const float* beta,
                                                  float* running_mean, float* running_var,
                                                  float* save_mean, float* save_invstd, float* y,
                                                  int N, int C, long S) {
    const int c = blockIdx.x;
    const long count = static_cast<long>(N) * S;
    __shared__ float mean_s, invstd_s;
    double s = 0;
    for (long j = threadIdx.x; j < count; j += blockDim.x) s += x[at(static_cast<int>(j / S), c, j % S, C, S)];
    s = block_sum(s);
    __shared__ double m_s;
    if (threadIdx.x == 0) m_s = s / static_cast<double>(count);
    __syncthreads();
    const double m = m_s;
    double ss = 0;
    for (long j = threadIdx.x; j < count; j += blockDim.x) {
        const double e = x[at(static_cast<int>(j / S), c, j % S, C, S)] - m;
        ss += e * e;
    }
    ss = block_sum(ss);
    if (threadIdx.x == 0) {
        const double var = ss / static_cast<double>(count);
        const float mean = static_cast<float>(m);
        const float invstd = static_cast<float>(1.0 / sqrt(var + eps));
        save_mean[c] = mean;
        save_invstd[c] = invstd;
        const double unbiased = count > 1 ? ss / static_cast<double>(count - 1) : var;
        running_mean[c] = (1 - momentum) * running_mean[c] + momentum * mean;
        running_var[c] = static_cast<float>((1 - momentum) * running_var[c] + momentum * unbiased);
        mean_s = mean;
        invstd_s = invstd;
    }
    __syncthreads();
    const float g = gamma[c], b = beta[c];
    for (long j = threadIdx.x; j < count; j += blockDim.x) {
        const size_t k = at(static_cast<int>(j / S), c, j % S, C, S);
        y[k] = kernels::batchnorm_apply(x[k], mean_s, invstd_s, g, b);
    }
}

// x, y: (N, C, S); one thread per element
__global__ void batchnorm_forward_inference_kernel(float eps, const float* x, const float* gamma,
                                                   const float* beta, const float* running_mean,
                                                   const float* running_var, float* y, size_t n,
                                                   int C, long S) {
    GS_GRID_STRIDE(k, n) {
        const int c = static_cast<int>((k / static_cast<size_t>(S)) % static_cast<size_t>(C));
        const float invstd = 1.0f / sqrtf(running_var[c] + eps);
        y[k] = kernels::batchnorm_apply(x[k], running_mean[c], invstd, gamma[c], beta[c]);
    }
}

// x, dy, dx: (N, C, S); per-channel tensors (C); one block per channel
__global__ void batchnorm_backward_kernel(const float* x, const float* gamma,
                                          const float* save_mean, const float* save_invstd,
                                          const float* dy, float* dx, float* dgamma, float* dbeta,
                                          int N, int C, long S) {
    const int c = blockIdx.x;
    const long count = static_cast<long>(N) * S;
    const float mean = save_mean[c], invstd = save_invstd[c];
    double sdy = 0, sdyx = 0;
    for (long j = threadIdx.x; j < count; j += blockDim.x) {
        const size_t k = at(static_cast<int>(j / S), c, j % S, C, S);
        sdy += dy[k];
        sdyx += dy[k] * (x[k] - mean) * invstd;
    }
    sdy = block_sum(sdy);
    sdyx = block_sum(sdyx);
    __shared__ float mdy_s, mdyx_s;
    if (threadIdx.x == 0) {
        dgamma[c] = static_cast<float>(sdyx);
        dbeta[c] = static_cast<float>(sdy);
        mdy_s = static_cast<float>(sdy / static_cast<double>(count));
        mdyx_s = static_cast<float>(sdyx / static_cast<double>(count));
    }
    __syncthreads();
    const float k = gamma[c] * invstd;
    for (long j = threadIdx.x; j < count; j += blockDim.x) {
        const size_t e = at(static_cast<int>(j / S), c, j % S, C, S);
        dx[e] = kernels::batchnorm_input_grad(dy[e], x[e], mean, invstd, k, mdy_s, mdyx_s);
    }
}

void batchnorm_forward_training(float eps, float momentum, const float* x, const float* gamma,
                                const float* beta, float* running_mean, float* running_var,
                                float* save_mean, float* save_invstd, float* y, int N, int C,
                                long S, cudaStream_t s) {
    if (C > 0)
        batchnorm_forward_training_kernel<<<C, kThreads, 0, s>>>(
            eps, momentum, x, gamma, beta, running_mean, running_var, save_mean, save_invstd, y, N,
            C, S);
}
void batchnorm_forward_inference(float eps, const float* x, const float* gamma, const float* beta,
                                 const float* running_mean, const float* running_var, float* y,
                                 int N, int C, long S, cudaStream_t s) {
    const size_t n = static_cast<size_t>(N) * C * static_cast<size_t>(S);
    if (n)
        batchnorm_forward_inference_kernel<<<grid_for(n), kThreads, 0, s>>>(
            eps, x, gamma, beta, running_mean, running_var, y, n, C, S);
}
void batchnorm_backward(const float* x, const float* gamma, const float* save_mean,
                        const float* save_invstd, const float* dy, float* dx, float* dgamma,
                        float* dbeta, int N, int C, long S, cudaStream_t s) {
    if (C > 0)
        batchnorm_backward_kernel<<<C, kThreads, 0, s>>>(x, gamma, save_mean, save_invstd, dy, dx,
                                                         dgamma, dbeta, N, C, S);
}

}  // namespace gs::cuda
