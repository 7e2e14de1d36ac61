// The shared per-element arithmetic (gradscope_kernels/elementwise.h): the
// vectorizable exp, tanh and sigmoid against libm in double precision.
#include <gtest/gtest.h>

#include <cmath>

#include "gradscope_kernels/elementwise.h"
#include "gradscope/rng.h"
#include "gradscope/tensor.h"

namespace gs {
namespace {

// Relative error in units of float epsilon (about ulps near 1).
double rel_eps(double got, double want) {
    return std::fabs(got - want) / std::max(std::fabs(want), 1e-30) / 1.1920929e-7;
}

TEST(Kernels, FastExpIsWithinTwoUlpsOverTheFloatRange) {
    double worst = 0;
    for (double x = -87.0; x <= 88.0; x += 0.00137) {
        const float xf = static_cast<float>(x);
        worst = std::max(worst, rel_eps(kernels::fast_exp(xf), std::exp(static_cast<double>(xf))));
    }
    EXPECT_LT(worst, 2.0);
    EXPECT_EQ(kernels::fast_exp(0.0f), 1.0f);
    // Clamped, never inf or denormal.
    EXPECT_TRUE(std::isfinite(kernels::fast_exp(1000.0f)));
    EXPECT_GT(kernels::fast_exp(-1000.0f), 0.0f);
    EXPECT_TRUE(std::isnormal(kernels::fast_exp(-1000.0f)));
}

TEST(Kernels, FastTanhMatchesTanh) {
    double worst_rel = 0;
    for (double x = -12.0; x <= 12.0; x += 0.000731) {
        const float xf = static_cast<float>(x);
        const double want = std::tanh(static_cast<double>(xf));
        const float got = kernels::fast_tanh(xf);
        // Relative error away from 0, absolute error in float eps near it.
        worst_rel = std::max(worst_rel, std::fabs(want) > 1e-3 ? rel_eps(got, want)
                                                               : std::fabs(got - want) / 1.19e-7);
    }
    EXPECT_LT(worst_rel, 4.0);
    EXPECT_EQ(kernels::fast_tanh(0.0f), 0.0f);
    EXPECT_EQ(kernels::fast_tanh(20.0f), 1.0f);
    EXPECT_EQ(kernels::fast_tanh(-20.0f), -1.0f);
    EXPECT_EQ(kernels::fast_tanh(-0.3f), -kernels::fast_tanh(0.3f));
}

TEST(Kernels, SigmoidMatchesItsFormulaOnBothTails) {
    double worst = 0;
    for (double x = -80.0; x <= 80.0; x += 0.00391) {
        const float xf = static_cast<float>(x);
        const double want = 1.0 / (1.0 + std::exp(-static_cast<double>(xf)));
        worst = std::max(worst, rel_eps(kernels::sigmoid(xf), want));
    }
    EXPECT_LT(worst, 4.0);
    EXPECT_EQ(kernels::sigmoid(0.0f), 0.5f);
}

TEST(Kernels, DerivativesFromOutputs) {
    EXPECT_FLOAT_EQ(kernels::sigmoid_grad_from_y(0.25f), 0.1875f);
    EXPECT_FLOAT_EQ(kernels::tanh_grad_from_y(0.5f), 0.75f);
    EXPECT_EQ(kernels::relu_grad(0.0f), 0.0f);
    EXPECT_EQ(kernels::leaky_relu_grad(-1.0f, 0.2f), 0.2f);
    // GELU'(x) by central differences in double.
    for (float x : {-3.0f, -1.0f, -0.1f, 0.0f, 0.7f, 2.5f}) {
        const double h = 1e-3;
        const double num = (0.5 * (x + h) * (1 + std::erf((x + h) / std::sqrt(2.0))) -
                            0.5 * (x - h) * (1 + std::erf((x - h) / std::sqrt(2.0)))) /
                           (2 * h);
        EXPECT_NEAR(kernels::gelu_grad(x), num, 1e-5) << x;
    }
}

TEST(Kernels, BinaryCrossEntropyOnLogitsIsStable) {
    // -t log(s) - (1 - t) log(1 - s) with s = sigmoid(z), in double, using
    // log(1 - s) = log(s) - z so neither log loses precision at the tails.
    for (float z : {-30.0f, -2.0f, 0.0f, 1.5f, 30.0f}) {
        for (float t : {0.0f, 0.3f, 1.0f}) {
            const double zd = z;
            const double log_s = zd >= 0 ? -std::log1p(std::exp(-zd)) : zd - std::log1p(std::exp(zd));
            const double want = -t * log_s - (1 - t) * (log_s - zd);
            EXPECT_NEAR(kernels::bce_with_logits(z, t), want, 1e-5 * std::max(1.0, want))
                << z << " " << t;
        }
    }
}

// The host-and-device copy of the dropout generator gives the bits of
// gradscope/rng.h's uniform_from_counter, so CUDA masks equal CPU masks.
TEST(Kernels, CounterUniformIsTheRngsGenerator) {
    for (uint64_t seed : {0ULL, 1ULL, 1234567ULL, 0xffffffffffffffffULL})
        for (uint64_t counter : {0ULL, 42ULL, 1ULL << 40})
            for (uint64_t i = 0; i < 2000; i += 7)
                ASSERT_EQ(kernels::counter_uniform(seed, counter, i),
                          uniform_from_counter(seed, counter, i))
                    << seed << " " << counter << " " << i;
    const float u = kernels::counter_uniform(3, 4, 5);
    EXPECT_GE(u, 0.0f);
    EXPECT_LT(u, 1.0f);
}

// The CPU backend's dropout is the mask the shared functions give.
TEST(Kernels, DropoutMaskMatchesTheCpuBackend) {
    Backend& be = cpu_backend();
    Tensor x(be, {8, 50}), mask(be, {8, 50}), y(be, {8, 50});
    be.fill(x, 2.0f);
    be.dropout_forward(0.25f, 99, 7, x, mask, y);
    const std::vector<float> m = mask.to_host();
    int dropped = 0;
    for (size_t i = 0; i < m.size(); ++i) {
        const float want = kernels::dropout_mask(kernels::counter_uniform(99, 7, i), 0.25f, 1.0f / 0.75f);
        ASSERT_EQ(m[i], want) << i;
        dropped += want == 0.0f;
    }
    EXPECT_GT(dropped, 60);  // about 100 of 400
    EXPECT_LT(dropped, 140);
}

TEST(Kernels, BinaryCrossEntropyGradientAndAccuracy) {
    for (float z : {-4.0f, -0.5f, 0.0f, 0.8f, 6.0f})
        for (float t : {0.0f, 0.4f, 1.0f}) {
            const double h = 1e-3;
            const double num = (kernels::bce_with_logits(z + float(h), t) -
                                kernels::bce_with_logits(z - float(h), t)) / (2 * h);
            EXPECT_NEAR(kernels::bce_with_logits_grad(z, t, 0.5f), 0.5 * num, 2e-3) << z << " " << t;
        }
    EXPECT_TRUE(kernels::bce_correct(0.3f, 1.0f));
    EXPECT_FALSE(kernels::bce_correct(0.0f, 1.0f));  // z = 0 predicts 0
    EXPECT_TRUE(kernels::bce_correct(-2.0f, 0.2f));
}

TEST(Kernels, HistogramBinsAndSaturation) {
    const float w = 10.0f / 2.0f;  // 10 bins over [-1, 1]
    EXPECT_EQ(kernels::histogram_bin(-1.0f, -1.0f, w, 10), 0);
    EXPECT_EQ(kernels::histogram_bin(-0.79f, -1.0f, w, 10), 1);
    EXPECT_EQ(kernels::histogram_bin(0.99f, -1.0f, w, 10), 9);
    EXPECT_EQ(kernels::histogram_bin(1.0f, -1.0f, w, 10), 9);    // hi goes to the last bin
    EXPECT_EQ(kernels::histogram_bin(-50.0f, -1.0f, w, 10), 0);  // outside: end bins
    EXPECT_EQ(kernels::histogram_bin(50.0f, -1.0f, w, 10), 9);
    EXPECT_EQ(kernels::histogram_bin(NAN, -1.0f, w, 10), -1);
    EXPECT_EQ(kernels::histogram_bin(3.0f, 1.0f, 0.0f, 10), 0);  // hi <= lo
    // The CPU backend's histogram is these bins.
    Backend& be = cpu_backend();
    const std::vector<float> v{-3.0f, -1.0f, -0.5f, 0.0f, 0.25f, 0.999f, 1.0f, 7.0f, NAN};
    Tensor t(be, {static_cast<int>(v.size())});
    t.from_host(v);
    uint32_t counts[4];
    be.histogram(t, -1.0f, 1.0f, 4, counts);
    uint32_t want[4] = {0, 0, 0, 0};
    for (float x : v)
        if (int b = kernels::histogram_bin(x, -1.0f, 2.0f, 4); b >= 0) ++want[b];
    for (int b = 0; b < 4; ++b) EXPECT_EQ(counts[b], want[b]) << b;
    EXPECT_EQ(want[0] + want[1] + want[2] + want[3], 8u);
    EXPECT_TRUE(kernels::is_saturated(0.99f, 0.01f, 0.99f));
    EXPECT_TRUE(kernels::is_saturated(0.0f, 0.01f, 0.99f));
    EXPECT_FALSE(kernels::is_saturated(0.5f, 0.01f, 0.99f));
}

// Batch normalization's per-element halves against the CPU backend.
TEST(Kernels, BatchnormHelpersMatchTheCpuBackend) {
    Backend& be = cpu_backend();
    const int N = 6, C = 2;
    Tensor x(be, {N, C}), g(be, {C}), b(be, {C}), rm(be, {C}), rv(be, {C}), sm(be, {C}),
        si(be, {C}), y(be, {N, C}), dy(be, {N, C}), dx(be, {N, C}), dg(be, {C}), db(be, {C});
    Rng rng(5);
    std::vector<float> xv(N * C), dyv(N * C);
    for (auto& v : xv) v = static_cast<float>(rng.uniform(-2, 3));
    for (auto& v : dyv) v = static_cast<float>(rng.uniform(-1, 1));
    x.from_host(xv);
    dy.from_host(dyv);
    g.from_host(std::vector<float>{1.5f, 0.5f});
    b.from_host(std::vector<float>{0.1f, -0.2f});
    be.fill(rv, 1.0f);
    be.batchnorm_forward(true, 1e-5f, 0.1f, x, g, b, rm, rv, sm, si, y);
    be.batchnorm_backward(x, g, sm, si, dy, dx, dg, db);
    const auto yv = y.to_host(), dxv = dx.to_host(), mean = sm.to_host(), inv = si.to_host();
    const auto dgv = dg.to_host(), dbv = db.to_host();
    const float gam[2] = {1.5f, 0.5f}, bet[2] = {0.1f, -0.2f};
    for (int c = 0; c < C; ++c) {
        const float k = gam[c] * inv[c];
        const float mdy = dbv[c] / N, mdyx = dgv[c] / N;
        for (int n = 0; n < N; ++n) {
            const int i = n * C + c;
            EXPECT_NEAR(kernels::batchnorm_apply(xv[i], mean[c], inv[c], gam[c], bet[c]), yv[i], 1e-6);
            EXPECT_NEAR(kernels::batchnorm_input_grad(dyv[i], xv[i], mean[c], inv[c], k, mdy, mdyx),
                        dxv[i], 1e-5);
        }
    }
}

}  // namespace
}  // namespace gs
