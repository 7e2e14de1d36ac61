// Elementwise kernels: fill, scale, multiply, activations and their
// derivatives, dropout, dense bias. The per-element arithmetic is the shared
// gradscope_kernels/elementwise.h that the CPU backend runs too.
#include "common.cuh"
#include "gradscope_kernels/elementwise.h"
#include "launchers.h"

namespace gs::cuda {

// p: (n)
__global__ void fill_kernel(float* p, float value, size_t n) {
    GS_GRID_STRIDE(i, n) p[i] = value;
}

// p: (n)
__global__ void scale_kernel(float* p, float factor, size_t n) {
    GS_GRID_STRIDE(i, n) p[i] *= factor;
}

// a, b, y: (n)
__global__ void multiply_kernel(const float* a, const float* b, float* y, size_t n) {
    GS_GRID_STRIDE(i, n) y[i] = a[i] * b[i];
}

// x, y: (n)
__global__ void activation_forward_kernel(Activation a, float alpha, const float* x, float* y,
                                          size_t n) {
    GS_GRID_STRIDE(i, n) {
        const float v = x[i];
        float r = 0.0f;
        switch (a) {
            case Activation::ReLU: r = kernels::relu(v); break;
            case Activation::LeakyReLU: r = kernels::leaky_relu(v, alpha); break;
            case Activation::Sigmoid: r = kernels::sigmoid(v); break;
            case Activation::Tanh: r = kernels::fast_tanh(v); break;
            case Activation::GELU: r = kernels::gelu(v); break;
        }
        y[i] = r;
    }
}

// x, y, dy, dx: (n); dx = dy * f'(x)
__global__ void activation_backward_kernel(Activation a, float alpha, const float* x,
                                           const float* y, const float* dy, float* dx, size_t n) {
    GS_GRID_STRIDE(i, n) {
        float d = 0.0f;
        switch (a) {
            case Activation::ReLU: d = kernels::relu_grad(x[i]); break;
            case Activation::LeakyReLU: d = kernels::leaky_relu_grad(x[i], alpha); break;
            case Activation::Sigmoid: d = kernels::sigmoid_grad_from_y(y[i]); break;
            case Activation::Tanh: d = kernels::tanh_grad_from_y(y[i]); break;
            case Activation::GELU: d = kernels::gelu_grad(x[i]); break;
        }
        dx[i] = dy[i] * d;
    }
}

// x, mask, y: (n); mask from (seed, counter, index) exactly as the CPU backend
__global__ void dropout_forward_kernel(float p, float scale, unsigned long long seed,
                                       unsigned long long counter, const float* x, float* mask,
                                       float* y, size_t n) {
    GS_GRID_STRIDE(i, n) {
        const float m = kernels::dropout_mask(kernels::counter_uniform(seed, counter, i), p, scale);
        mask[i] = m;
        y[i] = x[i] * m;
    }
}

// y: (N, M), b: (M)
__global__ void add_bias_rows_kernel(float* y, const float* b, size_t total, int M) {
    GS_GRID_STRIDE(i, total) y[i] += b[i % static_cast<size_t>(M)];
}

// dy: (N, M), db: (M); one thread per column, rows added in order
__global__ void sum_rows_kernel(const float* dy, float* db, int N, int M) {
    const int m = blockIdx.x * blockDim.x + threadIdx.x;
    if (m >= M) return;
    double s = 0;
    for (int n = 0; n < N; ++n) s += dy[static_cast<size_t>(n) * M + m];
    db[m] = static_cast<float>(s);
}

void fill(float* p, float value, size_t n, cudaStream_t s) {
    if (n) fill_kernel<<<grid_for(n), kThreads, 0, s>>>(p, value, n);
}
void scale(float* p, float factor, size_t n, cudaStream_t s) {
    if (n) scale_kernel<<<grid_for(n), kThreads, 0, s>>>(p, factor, n);
}
void multiply(const float* a, const float* b, float* y, size_t n, cudaStream_t s) {
    if (n) multiply_kernel<<<grid_for(n), kThreads, 0, s>>>(a, b, y, n);
}
void activation_forward(Activation a, float alpha, const float* x, float* y, size_t n,
                        cudaStream_t s) {
    if (n) activation_forward_kernel<<<grid_for(n), kThreads, 0, s>>>(a, alpha, x, y, n);
}
void activation_backward(Activation a, float alpha, const float* x, const float* y,
                         const float* dy, float* dx, size_t n, cudaStream_t s) {
    if (n) activation_backward_kernel<<<grid_for(n), kThreads, 0, s>>>(a, alpha, x, y, dy, dx, n);
}
void dropout_forward(float p, uint64_t seed, uint64_t counter, const float* x, float* mask,
                     float* y, size_t n, cudaStream_t s) {
    const float keep = 1.0f - p;
    const float sc = keep > 0 ? 1.0f / keep : 0.0f;
    if (n)
        dropout_forward_kernel<<<grid_for(n), kThreads, 0, s>>>(p, sc, seed, counter, x, mask, y, n);
}
void add_bias_rows(float* y, const float* b, int N, int M, cudaStream_t s) {
    const size_t total = static_cast<size_t>(N) * static_cast<size_t>(M);
    if (total) add_bias_rows_kernel<<<grid_for(total), kThreads, 0, s>>>(y, b, total, M);
}
void sum_rows(const float* dy, float* db, int N, int M, cudaStream_t s) {
    if (M > 0) sum_rows_kernel<<<(M + kThreads - 1) / kThreads, kThreads, 0, s>>>(dy, db, N, M);
}

}  // namespace gs::cuda
