// Per-element arithmetic shared by every backend: activations and their
// derivatives, loss terms, dropout masks and optimizer updates. The CPU
// backend calls these in its loops; the CUDA backend calls the same functions
// from its kernels, and the host test suite checks them on every machine.
// Internal to the backends (the INTERFACE target gradscope_kernels, linked
// privately): not part of the engine's public API.
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

// The counter-based generator of gradscope/rng.h (SplitMix64 of seed,
// counter and index) as host-and-device code: dropout masks are the same
// bits on every backend. A host test checks it against uniform_from_counter.
GS_HD unsigned long long counter_mix64(unsigned long long z) {
    z += 0x9e3779b97f4a7c15ULL;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}
GS_HD float counter_uniform(unsigned long long seed, unsigned long long counter,
                            unsigned long long index) {
    const unsigned long long h =
        counter_mix64(seed ^ counter_mix64(counter * 0x632be59bd9b4e019ULL + index));
    return static_cast<float>(h >> 40) * (1.0f / 16777216.0f);
}

// Gradient of the batch-mean binary cross-entropy on a logit.
GS_HD float bce_with_logits_grad(float z, float t, float inv_n) { return (sigmoid(z) - t) * inv_n; }
// A sigmoid-BCE prediction is right when the logit's side matches the target's.
GS_HD bool bce_correct(float z, float t) { return (z > 0.0f) == (t > 0.5f); }
// The per-item row of a sigmoid-BCE loss (gradscope/backend.h, LossItemColumn):
// row[4] = {p(label), label, predicted, p(predicted)}, each probability from
// the sigmoid of the signed logit (no 1 - s cancellation on the tails).
GS_HD void bce_item_outcome(float z, float t, float* row) {
    const bool label = t > 0.5f, predicted = z > 0.0f;
    row[kItemPTrue] = sigmoid(label ? z : -z);
    row[kItemLabel] = label ? 1.0f : 0.0f;
    row[kItemPredicted] = predicted ? 1.0f : 0.0f;
    row[kItemPPredicted] = sigmoid(predicted ? z : -z);
}

// Batch normalization of one value, and its input gradient given the
// per-channel sums (k = gamma * invstd, mdy = mean dy, mdyx = mean dy * xhat).
GS_HD float batchnorm_apply(float x, float mean, float invstd, float gamma, float beta) {
    return (x - mean) * invstd * gamma + beta;
}
GS_HD float batchnorm_input_grad(float dy, float x, float mean, float invstd, float k, float mdy,
                                 float mdyx) {
    return k * (dy - mdy - (x - mean) * invstd * mdyx);
}

// Telemetry statistics of one value.
GS_HD bool is_saturated(float v, float lo, float hi) { return (v <= lo) | (v >= hi); }
// The histogram bin of v for bins over [lo, hi] (w = bins / (hi - lo), or 0
// when hi <= lo); values outside go to the end bins, NaN to none (-1).
// (Selects, no branch and no fminf/fmaxf: those stayed calls into libm, 4-8
// ns a value, and kept the CPU's histogram loop from vectorizing.)
GS_HD int histogram_bin(float v, float lo, float w, int bins) {
    float f = (v - lo) * w;
    f = f > 0.0f ? f : 0.0f;  // NaN (an infinite value in an infinite range) too: the first bin
    const float top = static_cast<float>(bins - 1);
    const int b = static_cast<int>(f < top ? f : top);
    return v == v ? b : -1;
}

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
