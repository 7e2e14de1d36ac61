// Per-element arithmetic shared by every backend: activations and their
// derivatives, loss terms, dropout masks and optimizer updates. The CPU
// backend calls these in its loops; the CUDA backend calls the same functions
// from its kernels, and the host test suite checks them on every machine.
#pragma once

#include <math.h>
#include <string.h>

#include "gradscope/backend.h"

#if defined(__CUDACC__)
#define GS_HD __host__ __device__ inline
#else
#define GS_HD inline
#endif

namespace gs::kernels {

GS_HD float float_from_bits(int i) {
#if defined(__CUDA_ARCH__)
    return __int_as_float(i);
#else
    float f;
    memcpy(&f, &i, sizeof f);
    return f;
#endif
}

// exp for float, written so loops over it vectorize (libm's expf is a call
// per element): Cephes' expf, range reduction by ln 2, a degree-6
// polynomial and 2^n from the exponent bits. Within 2 ulp of expf on
// [-87, 88]; the input is clamped to that range (no inf, no denormals).
GS_HD float fast_exp(float x) {
    x = fminf(fmaxf(x, -87.3f), 88.3f);
    const float n = floorf(x * 1.44269504088896341f + 0.5f);
    float r = x - n * 0.693359375f;
    r = r - n * -2.12194440e-4f;
    float p = 1.9875691500e-4f;
    p = p * r + 1.3981999507e-3f;
    p = p * r + 8.3334519073e-3f;
    p = p * r + 4.1665795894e-2f;
    p = p * r + 1.6666665459e-1f;
    p = p * r + 5.0000001201e-1f;
    p = p * (r * r) + r + 1.0f;
    return p * float_from_bits((static_cast<int>(n) + 127) << 23);
}

// tanh, vectorizable: Cephes' odd polynomial below 0.625, else
// 1 - 2 / (exp(2|x|) + 1) with the sign of x. Within a few ulp of tanhf.
GS_HD float fast_tanh(float x) {
    const float a = fabsf(x);
    const float z = x * x;
    float p = -5.70498872745e-3f;
    p = p * z + 2.06390887954e-2f;
    p = p * z - 5.37397155531e-2f;
    p = p * z + 1.33314422036e-1f;
    p = p * z - 3.33332819422e-1f;
    const float small = x + x * z * p;
    // Past 8.7, tanh rounds to 1 in float (as tanhf gives).
    const float e = fast_exp(2.0f * fminf(a, 9.0f));
    const float big = copysignf(a >= 8.7f ? 1.0f : 1.0f - 2.0f / (e + 1.0f), x);
    return a < 0.625f ? small : big;
}

GS_HD float relu(float x) { return x > 0.0f ? x : 0.0f; }
GS_HD float relu_grad(float x) { return x > 0.0f ? 1.0f : 0.0f; }
GS_HD float leaky_relu(float x, float a) { return x > 0.0f ? x : a * x; }
GS_HD float leaky_relu_grad(float x, float a) { return x > 0.0f ? 1.0f : a; }
GS_HD float sigmoid(float x) {
    // Stable on both tails: e = exp(-|x|) never overflows.
    const float e = fast_exp(-fabsf(x));
    const float inv = 1.0f / (1.0f + e);
    return x >= 0.0f ? inv : e * inv;
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
// Without momentum there is no v. (Two functions, not a pointer test per
// element, so the loops vectorize.)
GS_HD void sgd_step(float& p, float g, const SgdStep& s) {
    g += s.weight_decay * p;
    p -= s.lr * g;
}
GS_HD void sgd_momentum_step(float& p, float g, float& v, const SgdStep& s) {
    g += s.weight_decay * p;
    v = s.momentum * v + g;
    g = s.nesterov ? g + s.momentum * v : v;
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

// RMSProp as PyTorch does it (not centered), without and with momentum.
GS_HD void rmsprop_step(float& p, float g, float& sq, const RmsPropStep& s) {
    g += s.weight_decay * p;
    sq = s.alpha * sq + (1.0f - s.alpha) * g * g;
    p -= s.lr * g / (sqrtf(sq) + s.eps);
}
GS_HD void rmsprop_momentum_step(float& p, float g, float& sq, float& buf, const RmsPropStep& s) {
    g += s.weight_decay * p;
    sq = s.alpha * sq + (1.0f - s.alpha) * g * g;
    buf = s.momentum * buf + g / (sqrtf(sq) + s.eps);
    p -= s.lr * buf;
}

}  // namespace gs::kernels
