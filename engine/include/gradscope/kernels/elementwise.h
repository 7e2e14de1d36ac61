// Per-element arithmetic shared by every backend: activations and their
// derivatives, loss terms, dropout masks and optimizer updates. The CPU
// backend calls these in its loops; the CUDA backend calls the same functions
// from its kernels, and the host test suite checks them on every machine.
#pragma once

#include <math.h>

#include "gradscope/backend.h"

#if defined(__CUDACC__)
#define GS_HD __host__ __device__ inline
#else
#define GS_HD inline
#endif

namespace gs::kernels {

GS_HD float relu(float x) { return x > 0.0f ? x : 0.0f; }
GS_HD float relu_grad(float x) { return x > 0.0f ? 1.0f : 0.0f; }
GS_HD float leaky_relu(float x, float a) { return x > 0.0f ? x : a * x; }
GS_HD float leaky_relu_grad(float x, float a) { return x > 0.0f ? 1.0f : a; }
GS_HD float sigmoid(float x) {
    // Stable on both tails.
    if (x >= 0.0f) return 1.0f / (1.0f + expf(-x));
    const float e = expf(x);
    return e / (1.0f + e);
}
GS_HD float sigmoid_grad_from_y(float y) { return y * (1.0f - y); }
GS_HD float tanh_grad_from_y(float y) { return 1.0f - y * y; }
// Exact GELU, x * Phi(x), as PyTorch's default.
GS_HD float gelu(float x) { return 0.5f * x * (1.0f + erff(x * 0.70710678118654752f)); }
GS_HD float gelu_grad(float x) {
    const float cdf = 0.5f * (1.0f + erff(x * 0.70710678118654752f));
    const float pdf = 0.39894228040143268f * expf(-0.5f * x * x);
    return cdf + x * pdf;
}

// log(1 + exp(-|z|)) + max(z, 0) - z t: binary cross-entropy on a logit.
GS_HD float bce_with_logits(float z, float t) {
    return fmaxf(z, 0.0f) - z * t + log1pf(expf(-fabsf(z)));
}

// Inverted dropout: 0 with probability p, else 1 / (1 - p).
GS_HD float dropout_mask(float u, float p, float scale) { return u < p ? 0.0f : scale; }

// SGD as PyTorch does it: g += wd p; v = mu v + g; p -= lr (nesterov ? g + mu v : v).
GS_HD void sgd_step(float& p, float g, float* v, const SgdStep& s) {
    g += s.weight_decay * p;
    if (v) {
        *v = s.momentum * *v + g;
        g = s.nesterov ? g + s.momentum * *v : *v;
    }
    p -= s.lr * g;
}

struct AdamFactors {
    float step_size;     // lr / (1 - beta1^t)
    float inv_sqrt_bc2;  // 1 / sqrt(1 - beta2^t)
};

inline AdamFactors adam_factors(const AdamStep& s) {
    const double bc1 = 1.0 - pow(static_cast<double>(s.beta1), static_cast<double>(s.t));
    const double bc2 = 1.0 - pow(static_cast<double>(s.beta2), static_cast<double>(s.t));
    return {static_cast<float>(s.lr / bc1), static_cast<float>(1.0 / sqrt(bc2))};
}

// Adam and AdamW (decoupled weight decay), in PyTorch's arithmetic.
GS_HD void adam_step(float& p, float g, float& m, float& v, const AdamStep& s,
                     const AdamFactors& f) {
    if (s.decoupled)
        p *= 1.0f - s.lr * s.weight_decay;
    else
        g += s.weight_decay * p;
    m = s.beta1 * m + (1.0f - s.beta1) * g;
    v = s.beta2 * v + (1.0f - s.beta2) * g * g;
    const float denom = sqrtf(v) * f.inv_sqrt_bc2 + s.eps;
    p -= f.step_size * m / denom;
}

// RMSProp as PyTorch does it (not centered).
GS_HD void rmsprop_step(float& p, float g, float& sq, float* buf, const RmsPropStep& s) {
    g += s.weight_decay * p;
    sq = s.alpha * sq + (1.0f - s.alpha) * g * g;
    const float avg = sqrtf(sq) + s.eps;
    if (buf) {
        *buf = s.momentum * *buf + g / avg;
        p -= s.lr * *buf;
    } else {
        p -= s.lr * g / avg;
    }
}

}  // namespace gs::kernels
