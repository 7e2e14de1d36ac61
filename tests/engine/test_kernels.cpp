// The shared per-element arithmetic (gradscope/kernels/elementwise.h): the
// vectorizable exp, tanh and sigmoid against libm in double precision.
#include <gtest/gtest.h>

#include <cmath>

#include "gradscope/kernels/elementwise.h"

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

}  // namespace
}  // namespace gs
