// Softmax and the three losses. Losses run as one block that walks the rows,
// writes the gradients (and, when asked, each item's outcome row for the data
// map) and reduces the loss sum and the count of right answers to a single
// LossResult, so a step sends a few bytes to the host.
#include "common.cuh"
#include "gradscope_kernels/elementwise.h"
#include "launchers.h"

namespace gs::cuda {

// x, y: (N, F); one thread per row
__global__ void softmax_forward_kernel(const float* x, float* y, int N, int F) {
    const int n = blockIdx.x * blockDim.x + threadIdx.x;
    if (n >= N) return;
    const float* xr = x + static_cast<size_t>(n) * F;
    float* yr = y + static_cast<size_t>(n) * F;
    float mx = xr[0];
    for (int f = 1; f < F; ++f) mx = fmaxf(mx, xr[f]);
    float s = 0;
    for (int f = 0; f < F; ++f) s += (yr[f] = expf(xr[f] - mx));
    const float inv = 1.0f / s;
    for (int f = 0; f < F; ++f) yr[f] *= inv;
}

// y, dy, dx: (N, F); dx_i = y_i (dy_i - sum_j dy_j y_j)
__global__ void softmax_backward_kernel(const float* y, const float* dy, float* dx, int N, int F) {
    const int n = blockIdx.x * blockDim.x + threadIdx.x;
    if (n >= N) return;
    const size_t o = static_cast<size_t>(n) * F;
    float dot = 0;
    for (int f = 0; f < F; ++f) dot += dy[o + f] * y[o + f];
    for (int f = 0; f < F; ++f) dx[o + f] = y[o + f] * (dy[o + f] - dot);
}

// Thread 0 of the block writes the sums.
__device__ void write_loss(double loss, unsigned long long correct, unsigned long long bad,
                           float first_bad, LossResult* out) {
    loss = block_sum(loss);
    correct = block_sum(correct);
    bad = block_sum(bad);
    if (threadIdx.x == 0) {
        out->loss_sum = loss;
        out->correct = correct;
        out->bad_labels = bad;
        out->first_bad_label = first_bad;
    }
}

// logits, d: (N, K); labels: (N) class indices as floats; items (may be
// null): (N, kLossItemColumns) per-item outcomes; one block
__global__ void softmax_cross_entropy_kernel(const float* logits, const float* labels, float* d,
                                             float* items, int N, int K, LossResult* out) {
    const float invn = 1.0f / static_cast<float>(N);
    double loss = 0;
    unsigned long long correct = 0, bad = 0;
    __shared__ float first_bad;
    if (threadIdx.x == 0) first_bad = 0;
    __syncthreads();
    for (int n = threadIdx.x; n < N; n += blockDim.x) {
        const float* z = logits + static_cast<size_t>(n) * K;
        const float lf = labels[n];
        if (!(lf >= 0 && lf < static_cast<float>(K)) || lf != floorf(lf)) {
            ++bad;
            first_bad = lf;  // any one of them: the host reports it
            continue;
        }
        const int label = static_cast<int>(lf);
        int arg = 0;
        float mx = z[0];
        for (int k = 1; k < K; ++k)
            if (z[k] > mx) mx = z[k], arg = k;
        float* dr = d ? d + static_cast<size_t>(n) * K : nullptr;
        double s = 0;
        for (int k = 0; k < K; ++k) {
            const float e = kernels::fast_exp(z[k] - mx);
            if (dr) dr[k] = e;
            s += e;
        }
        loss += log(s) + mx - z[label];
        correct += arg == label;
        if (items) {
            // The arg max's exponential is exp(0) = 1.
            float* o = items + static_cast<size_t>(n) * kLossItemColumns;
            o[kItemPTrue] = static_cast<float>(kernels::fast_exp(z[label] - mx) / s);
            o[kItemLabel] = static_cast<float>(label);
            o[kItemPredicted] = static_cast<float>(arg);
            o[kItemPPredicted] = static_cast<float>(1.0 / s);
        }
        if (dr) {
            const float sc = static_cast<float>(1.0 / s) * invn;
            for (int k = 0; k < K; ++k) dr[k] *= sc;
            dr[label] -= invn;
        }
    }
    __syncthreads();
    write_loss(loss, correct, bad, first_bad, out);
}

// logits, targets, d: (N); items (may be null): (N, kLossItemColumns); one block
__global__ void sigmoid_bce_kernel(const float* logits, const float* targets, float* d,
                                   float* items, int N, LossResult* out) {
    const float invn = 1.0f / static_cast<float>(N);
    double loss = 0;
    unsigned long long correct = 0;
    for (int n = threadIdx.x; n < N; n += blockDim.x) {
        const float z = logits[n], t = targets[n];
        loss += kernels::bce_with_logits(z, t);
        correct += kernels::bce_correct(z, t);
        if (d) d[n] = kernels::bce_with_logits_grad(z, t, invn);
        if (items) kernels::bce_item_outcome(z, t, items + static_cast<size_t>(n) * kLossItemColumns);
    }
    write_loss(loss, correct, 0, 0.0f, out);
}

// pred, target, d: (N, F); one block
__global__ void mean_squared_error_kernel(const float* pred, const float* target, float* d, int N,
                                          int F, LossResult* out) {
    const float g = 2.0f / (static_cast<float>(N) * static_cast<float>(F));
    double loss = 0;
    unsigned long long correct = 0;
    for (int n = threadIdx.x; n < N; n += blockDim.x) {
        double s = 0;
        bool ok = true;
        for (int f = 0; f < F; ++f) {
            const size_t i = static_cast<size_t>(n) * F + f;
            const float e = pred[i] - target[i];
            s += static_cast<double>(e) * e;
            ok = ok && fabsf(e) < 0.5f;
            if (d) d[i] = g * e;
        }
        loss += s / F;
        correct += ok;
    }
    write_loss(loss, correct, 0, 0.0f, out);
}

void softmax_forward(const float* x, float* y, int N, int F, cudaStream_t s) {
    if (N > 0) softmax_forward_kernel<<<(N + kThreads - 1) / kThreads, kThreads, 0, s>>>(x, y, N, F);
}
void softmax_backward(const float* y, const float* dy, float* dx, int N, int F, cudaStream_t s) {
    if (N > 0)
        softmax_backward_kernel<<<(N + kThreads - 1) / kThreads, kThreads, 0, s>>>(y, dy, dx, N, F);
}
void softmax_cross_entropy(const float* logits, const float* labels, float* d, float* items,
                           int N, int K, LossResult* out, cudaStream_t s) {
    softmax_cross_entropy_kernel<<<1, kThreads, 0, s>>>(logits, labels, d, items, N, K, out);
}
void sigmoid_bce(const float* logits, const float* targets, float* d, float* items, int N,
                 LossResult* out, cudaStream_t s) {
    sigmoid_bce_kernel<<<1, kThreads, 0, s>>>(logits, targets, d, items, N, out);
}
void mean_squared_error(const float* pred, const float* target, float* d, int N, int F,
                        LossResult* out, cudaStream_t s) {
    mean_squared_error_kernel<<<1, kThreads, 0, s>>>(pred, target, d, N, F, out);
}

}  // namespace gs::cuda
