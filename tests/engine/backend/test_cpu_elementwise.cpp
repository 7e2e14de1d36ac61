// The CPU backend's element-wise and per-feature ops against naive references
// written here in double precision: activations, softmax, dropout, batch
// normalization, the losses, reductions, and tensor statistics (summary and
// histogram). Every output tensor is pre-filled with garbage, so an op that
// accumulates instead of overwriting, or skips an element, fails.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "backend_reference.h"
#include "gradscope/backend.h"
#include "gradscope/error.h"
#include "gradscope/tensor.h"

namespace {

using gs::Shape;
using gs::Tensor;
using namespace gs::test;  // be(), tensor_of(), garbage(), expect_close(), ...

// -------------------------------------------------------- activations ---

std::vector<float> activation_inputs() {
    std::vector<float> v;
    for (int i = -120; i <= 120; ++i) v.push_back(static_cast<float>(i) * 0.05f + 0.013f);
    for (float s : {0.0f, 1e-3f, -1e-3f, 0.5f, -0.5f, 8.0f, -8.0f, 20.0f, -20.0f}) v.push_back(s);
    return v;
}

struct ActRef {
    double y, dydx;
};

ActRef act_ref(gs::Activation a, double alpha, double x) {
    switch (a) {
        case gs::Activation::ReLU: return {x > 0 ? x : 0.0, x > 0 ? 1.0 : 0.0};
        case gs::Activation::LeakyReLU: return {x > 0 ? x : alpha * x, x > 0 ? 1.0 : alpha};
        case gs::Activation::Sigmoid: {
            const double s = 1.0 / (1.0 + std::exp(-x));
            return {s, s * (1.0 - s)};
        }
        case gs::Activation::Tanh: {
            const double t = std::tanh(x);
            return {t, 1.0 - t * t};
        }
        case gs::Activation::GELU: {
            const double cdf = 0.5 * (1.0 + std::erf(x / std::sqrt(2.0)));
            const double pdf = std::exp(-0.5 * x * x) / std::sqrt(2.0 * M_PI);
            return {x * cdf, cdf + x * pdf};
        }
    }
    return {0, 0};
}

TEST(Activation, ForwardAndBackwardMatchStdFormulas) {
    const std::vector<float> xv = activation_inputs();
    const int n = static_cast<int>(xv.size());
    const auto dyv = random_values(xv.size(), 77, -2.0, 2.0);
    const std::vector<std::pair<gs::Activation, std::string>> acts{
        {gs::Activation::ReLU, "relu"},       {gs::Activation::LeakyReLU, "leaky_relu"},
        {gs::Activation::Sigmoid, "sigmoid"}, {gs::Activation::Tanh, "tanh"},
        {gs::Activation::GELU, "gelu"}};
    for (const auto& [a, name] : acts) {
        SCOPED_TRACE(name);
        const float alpha = 0.1f;
        Tensor x = tensor_of(Shape{n}, xv);
        Tensor y = garbage(Shape{n});
        be().activation_forward(a, alpha, x, y);
        std::vector<double> ry(xv.size()), rdx(xv.size());
        for (size_t i = 0; i < xv.size(); ++i) {
            const ActRef r = act_ref(a, alpha, xv[i]);
            ry[i] = r.y;
            rdx[i] = dyv[i] * r.dydx;
        }
        expect_close(y.to_host(), ry, 2e-6, 2e-7, name + " y");
        Tensor dy = tensor_of(Shape{n}, dyv);
        Tensor dx = garbage(Shape{n});
        be().activation_backward(a, alpha, x, y, dy, dx);
        // Sigmoid and tanh take f' from y in float: 1 - y loses ~1e-7 absolute.
        expect_close(dx.to_host(), rdx, 1e-5, 3e-7, name + " dx");
    }
    // ReLU's derivative at 0 is 0, as PyTorch's; LeakyReLU's is alpha.
    Tensor x0 = tensor_of(Shape{1}, {0.0f}), y0 = garbage(Shape{1}), g = tensor_of(Shape{1}, {1.0f});
    Tensor d0 = garbage(Shape{1});
    be().activation_forward(gs::Activation::ReLU, 0, x0, y0);
    be().activation_backward(gs::Activation::ReLU, 0, x0, y0, g, d0);
    EXPECT_EQ(d0.to_host()[0], 0.0f);
    be().activation_backward(gs::Activation::LeakyReLU, 0.2f, x0, y0, g, d0);
    EXPECT_EQ(d0.to_host()[0], 0.2f);
}

TEST(Activation, SigmoidIsFiniteAtExtremes) {
    const std::vector<float> xv{100.0f, -100.0f, 1000.0f, -1000.0f, 88.0f, -88.0f};
    const int n = static_cast<int>(xv.size());
    Tensor x = tensor_of(Shape{n}, xv);
    Tensor y = garbage(Shape{n});
    be().activation_forward(gs::Activation::Sigmoid, 0, x, y);
    const auto yh = y.to_host();
    for (int i = 0; i < n; ++i) {
        ASSERT_TRUE(std::isfinite(yh[i])) << xv[i];
        if (xv[i] > 0) {
            EXPECT_EQ(yh[i], 1.0f) << xv[i];
        } else {
            EXPECT_GE(yh[i], 0.0f) << xv[i];
            EXPECT_LT(yh[i], 1e-37f) << xv[i];
        }
    }
    Tensor dy = tensor_of(Shape{n}, std::vector<float>(xv.size(), 1.0f));
    Tensor dx = garbage(Shape{n});
    be().activation_backward(gs::Activation::Sigmoid, 0, x, y, dy, dx);
    for (float v : dx.to_host()) {
        EXPECT_TRUE(std::isfinite(v));
        EXPECT_GE(v, 0.0f);
        EXPECT_LT(v, 1e-37f);
    }
    // Tanh saturates to exactly +-1 and a zero derivative.
    be().activation_forward(gs::Activation::Tanh, 0, x, y);
    for (int i = 0; i < n; ++i) EXPECT_EQ(y.to_host()[i], xv[i] > 0 ? 1.0f : -1.0f);
}

// ------------------------------------------------------------ softmax ---

TEST(Softmax, ForwardAndBackwardMatchDouble) {
    const int N = 6, F = 7;
    auto xv = random_values(N * F, 31, -3.0, 3.0);
    for (int f = 0; f < F; ++f) xv[5 * F + f] = 1000.0f - static_cast<float>(f);  // stable?
    const auto dyv = random_values(N * F, 32);
    std::vector<double> ry(N * F), rdx(N * F);
    for (int n = 0; n < N; ++n) {
        double mx = -1e300, s = 0, dot = 0;
        for (int f = 0; f < F; ++f) mx = std::max(mx, static_cast<double>(xv[n * F + f]));
        for (int f = 0; f < F; ++f) s += std::exp(xv[n * F + f] - mx);
        for (int f = 0; f < F; ++f) ry[n * F + f] = std::exp(xv[n * F + f] - mx) / s;
        for (int f = 0; f < F; ++f) dot += dyv[n * F + f] * ry[n * F + f];
        for (int f = 0; f < F; ++f) rdx[n * F + f] = ry[n * F + f] * (dyv[n * F + f] - dot);
    }
    Tensor x = tensor_of(Shape{N, F}, xv);
    Tensor y = garbage(Shape{N, F});
    be().softmax_forward(x, y);
    const auto yh = y.to_host();
    expect_close(yh, ry, 2e-6, 1e-8, "y");
    for (int n = 0; n < N; ++n) {
        double s = 0;
        for (int f = 0; f < F; ++f) s += yh[n * F + f];
        EXPECT_NEAR(s, 1.0, 1e-6) << "row " << n;
    }
    Tensor dy = tensor_of(Shape{N, F}, dyv);
    Tensor dx = garbage(Shape{N, F});
    be().softmax_backward(y, dy, dx);
    expect_close(dx.to_host(), rdx, 1e-5, 1e-7, "dx");
}

// ------------------------------------------------------------ dropout ---

TEST(Dropout, MaskIsZeroOrInverseKeepAndFollowsSeedAndCounter) {
    const int n = 100000;
    const float p = 0.3f;
    const float scale = 1.0f / (1.0f - p);
    const auto xv = random_values(n, 41, 0.5, 2.0);
    Tensor x = tensor_of(Shape{n}, xv);
    Tensor mask = garbage(Shape{n}), y = garbage(Shape{n});
    be().dropout_forward(p, 1234, 7, x, mask, y);
    const auto m = mask.to_host(), yh = y.to_host();
    long kept = 0;
    for (int i = 0; i < n; ++i) {
        ASSERT_TRUE(m[i] == 0.0f || m[i] == scale) << i << ": " << m[i];
        ASSERT_EQ(yh[i], xv[i] * m[i]) << i;
        // The mask is the shared counter-based draw, the same on every backend.
        ASSERT_EQ(m[i] == 0.0f, gs::uniform_from_counter(1234, 7, static_cast<uint64_t>(i)) < p);
        kept += m[i] != 0.0f;
    }
    // Binomial(1e5, 0.7): standard deviation 0.00145 of the fraction.
    EXPECT_NEAR(static_cast<double>(kept) / n, 0.7, 0.007);

    Tensor mask2 = garbage(Shape{n}), y2 = garbage(Shape{n});
    be().dropout_forward(p, 1234, 7, x, mask2, y2);
    EXPECT_EQ(mask2.to_host(), m);  // deterministic for (seed, counter)
    EXPECT_EQ(y2.to_host(), yh);

    auto differing = [&](uint64_t seed, uint64_t counter) {
        Tensor m3 = garbage(Shape{n}), y3 = garbage(Shape{n});
        be().dropout_forward(p, seed, counter, x, m3, y3);
        const auto h = m3.to_host();
        long d = 0;
        for (int i = 0; i < n; ++i) d += (h[i] == 0.0f) != (m[i] == 0.0f);
        return static_cast<double>(d) / n;
    };
    // Independent masks disagree on 2 p (1 - p) = 42% of the elements.
    EXPECT_NEAR(differing(1234, 8), 0.42, 0.02);  // next step
    EXPECT_NEAR(differing(1235, 7), 0.42, 0.02);  // another seed

    // p = 0 keeps everything with scale 1.
    be().dropout_forward(0.0f, 1, 1, x, mask, y);
    for (float v : mask.to_host()) ASSERT_EQ(v, 1.0f);
    EXPECT_EQ(y.to_host(), xv);
}

// --------------------------------------------------------- batch norm ---

struct BnRef {
    std::vector<double> y, mean, invstd, var_unbiased;
};

// x viewed as (N, C, S); biased variance for normalizing.
BnRef bn_ref(const std::vector<double>& x, int N, int C, int S, const std::vector<double>& g,
             const std::vector<double>& b, double eps) {
    BnRef r;
    r.y.resize(x.size());
    for (int c = 0; c < C; ++c) {
        double s = 0, ss = 0;
        const double cnt = static_cast<double>(N) * S;
        for (int n = 0; n < N; ++n)
            for (int i = 0; i < S; ++i) s += x[(static_cast<size_t>(n) * C + c) * S + i];
        const double mean = s / cnt;
        for (int n = 0; n < N; ++n)
            for (int i = 0; i < S; ++i) {
                const double d = x[(static_cast<size_t>(n) * C + c) * S + i] - mean;
                ss += d * d;
            }
        const double invstd = 1.0 / std::sqrt(ss / cnt + eps);
        r.mean.push_back(mean);
        r.invstd.push_back(invstd);
        r.var_unbiased.push_back(ss / (cnt - 1));
        for (int n = 0; n < N; ++n)
            for (int i = 0; i < S; ++i) {
                const size_t k = (static_cast<size_t>(n) * C + c) * S + i;
                r.y[k] = (x[k] - mean) * invstd * g[c] + b[c];
            }
    }
    return r;
}

// The textbook batch-norm backward, in double.
void bn_backward_ref(const std::vector<double>& x, const std::vector<double>& dy, int N, int C,
                     int S, const std::vector<double>& g, double eps, std::vector<double>& dx,
                     std::vector<double>& dg, std::vector<double>& dbeta) {
    const BnRef f = bn_ref(x, N, C, S, g, std::vector<double>(C, 0.0), eps);
    const double cnt = static_cast<double>(N) * S;
    dx.assign(x.size(), 0.0);
    dg.assign(C, 0.0);
    dbeta.assign(C, 0.0);
    for (int c = 0; c < C; ++c) {
        double sdy = 0, sdyx = 0;
        for (int n = 0; n < N; ++n)
            for (int i = 0; i < S; ++i) {
                const size_t k = (static_cast<size_t>(n) * C + c) * S + i;
                sdy += dy[k];
                sdyx += dy[k] * (x[k] - f.mean[c]) * f.invstd[c];
            }
        dg[c] = sdyx;
        dbeta[c] = sdy;
        for (int n = 0; n < N; ++n)
            for (int i = 0; i < S; ++i) {
                const size_t k = (static_cast<size_t>(n) * C + c) * S + i;
                const double xh = (x[k] - f.mean[c]) * f.invstd[c];
                dx[k] = g[c] * f.invstd[c] / cnt * (cnt * dy[k] - sdy - xh * sdyx);
            }
    }
}

struct BnTensors {
    Tensor x, gamma, beta, rmean, rvar, smean, sinvstd, y;
};

BnTensors bn_tensors(const Shape& xs, const std::vector<float>& xv, const std::vector<float>& g,
                     const std::vector<float>& b, const std::vector<float>& rm,
                     const std::vector<float>& rv) {
    const int C = static_cast<int>(g.size());
    return {tensor_of(xs, xv),          tensor_of(Shape{C}, g),  tensor_of(Shape{C}, b),
            tensor_of(Shape{C}, rm),    tensor_of(Shape{C}, rv), garbage(Shape{C}),
            garbage(Shape{C}),          garbage(xs)};
}

void check_batchnorm(const Shape& xs) {
    SCOPED_TRACE("batchnorm " + xs.str());
    const int N = xs[0], C = xs[1];
    const int S = static_cast<int>(xs.per_item()) / C;
    const float eps = 1e-5f, momentum = 0.1f;
    // Channel c has mean ~c - 1 and spread ~c + 1.
    std::vector<float> xv = random_values(xs.numel(), 51);
    for (int n = 0; n < N; ++n)
        for (int c = 0; c < C; ++c)
            for (int i = 0; i < S; ++i) {
                float& v = xv[(static_cast<size_t>(n) * C + c) * S + i];
                v = v * static_cast<float>(c + 1) + static_cast<float>(c - 1);
            }
    const std::vector<float> ones(C, 1.0f), zeros(C, 0.0f);
    const auto gv = random_values(C, 52, 0.5, 2.0), bv = random_values(C, 53);
    std::vector<float> rm0(C), rv0(C);
    for (int c = 0; c < C; ++c) rm0[c] = 0.5f * c, rv0[c] = 2.0f + c;

    // Training with gamma 1, beta 0: each channel of y has mean 0, variance ~1.
    {
        BnTensors t = bn_tensors(xs, xv, ones, zeros, rm0, rv0);
        be().batchnorm_forward(true, eps, momentum, t.x, t.gamma, t.beta, t.rmean, t.rvar,
                               t.smean, t.sinvstd, t.y);
        const auto y = t.y.to_host();
        for (int c = 0; c < C; ++c) {
            double s = 0, ss = 0;
            for (int n = 0; n < N; ++n)
                for (int i = 0; i < S; ++i) s += y[(static_cast<size_t>(n) * C + c) * S + i];
            const double mean = s / (N * S);
            for (int n = 0; n < N; ++n)
                for (int i = 0; i < S; ++i) {
                    const double d = y[(static_cast<size_t>(n) * C + c) * S + i] - mean;
                    ss += d * d;
                }
            EXPECT_NEAR(mean, 0.0, 1e-6) << "channel " << c;
            EXPECT_NEAR(ss / (N * S), 1.0, 1e-4) << "channel " << c;
        }
    }

    // Training with gamma, beta: y, saved statistics and running statistics.
    const std::vector<double> xd = to_double(xv), gd = to_double(gv), bd = to_double(bv);
    const BnRef ref = bn_ref(xd, N, C, S, gd, bd, eps);
    BnTensors t = bn_tensors(xs, xv, gv, bv, rm0, rv0);
    be().batchnorm_forward(true, eps, momentum, t.x, t.gamma, t.beta, t.rmean, t.rvar, t.smean,
                           t.sinvstd, t.y);
    expect_close(t.y.to_host(), ref.y, 1e-5, 1e-6, "train y");
    expect_close(t.smean.to_host(), ref.mean, 1e-5, 1e-6, "save_mean");
    expect_close(t.sinvstd.to_host(), ref.invstd, 1e-5, 0, "save_invstd");
    std::vector<double> want_rm(C), want_rv(C);
    for (int c = 0; c < C; ++c) {
        // running = (1 - momentum) running + momentum batch, with the unbiased variance
        want_rm[c] = 0.9 * rm0[c] + 0.1 * ref.mean[c];
        want_rv[c] = 0.9 * rv0[c] + 0.1 * ref.var_unbiased[c];
    }
    expect_close(t.rmean.to_host(), want_rm, 1e-5, 1e-6, "running_mean");
    expect_close(t.rvar.to_host(), want_rv, 1e-5, 0, "running_var");

    // Backward against the textbook formula.
    const auto dyv = random_values(xs.numel(), 54);
    std::vector<double> rdx, rdg, rdb;
    bn_backward_ref(xd, to_double(dyv), N, C, S, gd, eps, rdx, rdg, rdb);
    Tensor dy = tensor_of(xs, dyv);
    Tensor dx = garbage(xs), dg = garbage(Shape{C}), db = garbage(Shape{C});
    be().batchnorm_backward(t.x, t.gamma, t.smean, t.sinvstd, dy, dx, dg, db);
    double dx_scale = 0;
    for (double v : rdx) dx_scale = std::max(dx_scale, std::fabs(v));
    expect_close(dx.to_host(), rdx, 1e-4, 1e-5 * dx_scale, "dx");
    expect_close(dg.to_host(), rdg, 1e-5, 1e-5, "dgamma");
    expect_close(db.to_host(), rdb, 1e-5, 1e-5, "dbeta");

    // Eval uses the running statistics and leaves them alone.
    BnTensors e = bn_tensors(xs, xv, gv, bv, rm0, rv0);
    be().batchnorm_forward(false, eps, momentum, e.x, e.gamma, e.beta, e.rmean, e.rvar, e.smean,
                           e.sinvstd, e.y);
    std::vector<double> want_eval(xv.size());
    for (int n = 0; n < N; ++n)
        for (int c = 0; c < C; ++c)
            for (int i = 0; i < S; ++i) {
                const size_t k = (static_cast<size_t>(n) * C + c) * S + i;
                want_eval[k] = (xd[k] - rm0[c]) / std::sqrt(rv0[c] + 1e-5) * gd[c] + bd[c];
            }
    expect_close(e.y.to_host(), want_eval, 1e-5, 1e-6, "eval y");
    EXPECT_EQ(e.rmean.to_host(), rm0);
    EXPECT_EQ(e.rvar.to_host(), rv0);
}

TEST(BatchNorm, ImagesAndFeatures) {
    check_batchnorm(Shape{8, 3, 4, 5});
    check_batchnorm(Shape{16, 6});
    check_batchnorm(Shape{4, 2, 1, 1});
}

TEST(BatchNorm, ReferenceBackwardMatchesFiniteDifferences) {
    // Checks the formula the backend is held to: central differences of
    // L = sum(r * bn(x)) in double.
    const int N = 5, C = 2, S = 3;
    const double eps = 1e-5;
    const auto xd = to_double(random_values(N * C * S, 61, -2.0, 2.0));
    const auto r = to_double(random_values(N * C * S, 62));
    const std::vector<double> g{1.5, 0.7}, b{0.1, -0.3};
    std::vector<double> dx, dg, db;
    bn_backward_ref(xd, r, N, C, S, g, eps, dx, dg, db);
    auto loss = [&](const std::vector<double>& x, const std::vector<double>& gg,
                    const std::vector<double>& bb) {
        const BnRef f = bn_ref(x, N, C, S, gg, bb, eps);
        double s = 0;
        for (size_t i = 0; i < x.size(); ++i) s += r[i] * f.y[i];
        return s;
    };
    const double h = 1e-6;
    for (size_t i = 0; i < xd.size(); ++i) {
        auto xp = xd, xm = xd;
        xp[i] += h, xm[i] -= h;
        EXPECT_NEAR((loss(xp, g, b) - loss(xm, g, b)) / (2 * h), dx[i], 1e-6) << "x " << i;
    }
    for (int c = 0; c < C; ++c) {
        auto gp = g, gm = g, bp = b, bm = b;
        gp[c] += h, gm[c] -= h, bp[c] += h, bm[c] -= h;
        EXPECT_NEAR((loss(xd, gp, b) - loss(xd, gm, b)) / (2 * h), dg[c], 1e-6);
        EXPECT_NEAR((loss(xd, g, bp) - loss(xd, g, bm)) / (2 * h), db[c], 1e-6);
    }
}

// ------------------------------------------------------------- losses ---

TEST(Loss, SoftmaxCrossEntropy) {
    const int N = 5, K = 4;
    auto zv = random_values(N * K, 71, -3.0, 3.0);
    const std::vector<float> labels{0, 3, 1, 2, 3};
    // Row 1 predicts its label; row 2 does not.
    zv[1 * K + 3] = 5.0f;
    zv[2 * K + 0] = 6.0f;
    double want_loss = 0;
    long want_correct = 0;
    std::vector<double> want_grad(N * K);
    for (int n = 0; n < N; ++n) {
        double mx = -1e300, s = 0;
        int arg = 0;
        for (int k = 0; k < K; ++k)
            if (zv[n * K + k] > mx) mx = zv[n * K + k], arg = k;
        for (int k = 0; k < K; ++k) s += std::exp(zv[n * K + k] - mx);
        const double lse = mx + std::log(s);
        const int y = static_cast<int>(labels[n]);
        want_loss += lse - zv[n * K + y];
        want_correct += arg == y;
        for (int k = 0; k < K; ++k)
            want_grad[n * K + k] = (std::exp(zv[n * K + k] - lse) - (k == y)) / N;
    }
    Tensor z = tensor_of(Shape{N, K}, zv), l = tensor_of(Shape{N}, labels);
    Tensor d = garbage(Shape{N, K});
    const gs::LossSums r = be().softmax_cross_entropy(z, l, &d);
    EXPECT_NEAR(r.loss_sum, want_loss, 1e-6 * want_loss);
    EXPECT_EQ(r.correct, want_correct);
    EXPECT_GE(r.correct, 1);
    EXPECT_LT(r.correct, N);
    expect_close(d.to_host(), want_grad, 1e-5, 1e-8, "dlogits");
    // Without a gradient: the same sums.
    const gs::LossSums r2 = be().softmax_cross_entropy(z, l, nullptr);
    EXPECT_EQ(r2.loss_sum, r.loss_sum);
    EXPECT_EQ(r2.correct, r.correct);
}

TEST(Loss, SoftmaxCrossEntropyWithHugeLogitsStaysFinite) {
    // Row 0: logit 1000 on the wrong class: loss 1000 - 0, gradient (1, -1, 0) / 2.
    // Row 1: logit 1000 on the right class: loss ~0.
    Tensor z = tensor_of(Shape{2, 3}, {1000.0f, 0.0f, -1000.0f, 0.0f, 1000.0f, 0.0f});
    Tensor l = tensor_of(Shape{2}, {1.0f, 1.0f});
    Tensor d = garbage(Shape{2, 3});
    const gs::LossSums r = be().softmax_cross_entropy(z, l, &d);
    ASSERT_TRUE(std::isfinite(r.loss_sum));
    EXPECT_NEAR(r.loss_sum, 1000.0, 1e-9);
    EXPECT_EQ(r.correct, 1);
    expect_close(d.to_host(), {0.5, -0.5, 0.0, 0.0, 0.0, 0.0}, 1e-6, 1e-12, "dlogits");
}

TEST(Loss, SoftmaxCrossEntropyRejectsLabelsOutsideTheClasses) {
    Tensor z = tensor_of(Shape{2, 3}, random_values(6, 72));
    for (float bad : {3.0f, -1.0f, 1.5f, 100.0f, std::nanf("")}) {
        SCOPED_TRACE(bad);
        Tensor l = tensor_of(Shape{2}, {0.0f, bad});
        Tensor d(be(), Shape{2, 3});
        EXPECT_THROW(be().softmax_cross_entropy(z, l, &d), gs::Error);
        EXPECT_THROW(be().softmax_cross_entropy(z, l, nullptr), gs::Error);
    }
    Tensor ok = tensor_of(Shape{2}, {0.0f, 2.0f});
    EXPECT_NO_THROW(be().softmax_cross_entropy(z, ok, nullptr));
}

TEST(Loss, SigmoidBinaryCrossEntropy) {
    // loss = -t log s(z) - (1 - t) log(1 - s(z)); d/dz = (s(z) - t) / N
    const std::vector<float> zv{2.0f, -1.0f, 0.5f, -3.0f, 100.0f, -100.0f, 0.0f};
    const std::vector<float> tv{1.0f, 1.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.3f};
    const int N = static_cast<int>(zv.size());
    double want = 0;
    std::vector<double> grad(N);
    for (int i = 0; i < N; ++i) {
        const double z = zv[i], t = tv[i];
        // log s(z) = -log1p(exp(-z)), log(1 - s(z)) = -log1p(exp(z)), stable per sign
        const double log_s = z >= 0 ? -std::log1p(std::exp(-z)) : z - std::log1p(std::exp(z));
        const double log_1ms = z >= 0 ? -z - std::log1p(std::exp(-z)) : -std::log1p(std::exp(z));
        want += -t * log_s - (1 - t) * log_1ms;
        grad[i] = (1.0 / (1.0 + std::exp(-z)) - t) / N;
    }
    Tensor z = tensor_of(Shape{N, 1}, zv), t = tensor_of(Shape{N}, tv);
    Tensor d = garbage(Shape{N, 1});
    const gs::LossSums r = be().sigmoid_binary_cross_entropy(z, t, &d);
    ASSERT_TRUE(std::isfinite(r.loss_sum));
    EXPECT_NEAR(r.loss_sum, want, 1e-6 * want);
    // Right: z=2,t=1; z=-3,t=0; z=-100,t=0; z=0,t=0.3 (0 > 0 is false, 0.3 > 0.5 false).
    // Wrong: z=-1,t=1; z=0.5,t=0; z=100,t=0.
    EXPECT_EQ(r.correct, 4);
    expect_close(d.to_host(), grad, 1e-6, 1e-8, "dlogits");
}

TEST(Loss, MeanSquaredError) {
    // loss_sum = sum_n mean_f (p - t)^2; d/dp = 2 (p - t) / (N F)
    const int N = 3, F = 2;
    const std::vector<float> pv{0.1f, 0.9f, 2.0f, -1.0f, 0.4f, 0.6f};
    const std::vector<float> tv{0.0f, 1.0f, 1.0f, -1.0f, 0.0f, 1.0f};
    // row 0: (0.01 + 0.01)/2 = 0.01, all |e| < 0.5 -> match
    // row 1: (1 + 0)/2 = 0.5, |e| = 1 -> no match
    // row 2: (0.16 + 0.16)/2 = 0.16, all |e| < 0.5 -> match
    const double want = 0.01 + 0.5 + 0.16;
    std::vector<double> grad(N * F);
    for (int i = 0; i < N * F; ++i)
        grad[i] = 2.0 * (static_cast<double>(pv[i]) - tv[i]) / (N * F);
    Tensor p = tensor_of(Shape{N, F}, pv), t = tensor_of(Shape{N, F}, tv);
    Tensor d = garbage(Shape{N, F});
    gs::LossSums r = be().mean_squared_error(p, t, true, &d);
    EXPECT_NEAR(r.loss_sum, want, 1e-6 * want);
    EXPECT_EQ(r.correct, 2);
    expect_close(d.to_host(), grad, 1e-6, 1e-9, "dpred");
    r = be().mean_squared_error(p, t, false, nullptr);
    EXPECT_NEAR(r.loss_sum, want, 1e-6 * want);
    EXPECT_EQ(r.correct, -1);  // not a classification
}

// --------------------------------------------------------- reductions ---

TEST(Reduction, SumSquaresOfAMillionElementsIsExactAndRepeatable) {
    const int n = 1000003;
    const auto v = random_values(n, 81);
    double want = 0;
    for (float x : v) want += static_cast<double>(x) * x;
    Tensor t = tensor_of(Shape{n}, v);
    const double a = be().sum_squares(t);
    const double b = be().sum_squares(t);
    EXPECT_NEAR(a, want, 1e-9 * want);
    EXPECT_EQ(a, b);  // bit-identical
    // A view of part of it.
    Tensor part = t.batch_view(10, 1000);
    double want_part = 0;
    for (int i = 10; i < 1010; ++i) want_part += static_cast<double>(v[i]) * v[i];
    EXPECT_NEAR(be().sum_squares(part), want_part, 1e-12 * want_part);
    Tensor empty_ish = tensor_of(Shape{1}, {-3.0f});
    EXPECT_EQ(be().sum_squares(empty_ish), 9.0);
}

TEST(Reduction, ScaleMultipliesEveryElement) {
    const int n = 300007;  // over the elementwise parallel threshold (1 << 17)
    const auto v = random_values(n, 82);
    Tensor t = tensor_of(Shape{n}, v);
    be().scale(t, 0.37f);
    const auto h = t.to_host();
    for (int i = 0; i < n; ++i) ASSERT_EQ(h[i], v[i] * 0.37f) << i;
}

}  // namespace

namespace {

TEST(Statistics, SummaryAndDeadFeaturesAndHistogram) {
    gs::Backend& be = gs::cpu_backend();
    // Three items of four features; feature 1 is <= 0 in every item.
    gs::Tensor t(be, gs::Shape{3, 4});
    t.from_host(std::vector<float>{1, 0, -2, 0.995f, 2, -1, 3, 0.5f, -1, -3, 1, -0.999f});
    const gs::TensorSummary s = be.summarize(t, -0.99f, 0.99f);
    EXPECT_EQ(s.count, 12u);
    EXPECT_NEAR(s.sum, 1.0 + 0 - 2 + 0.995 + 2 - 1 + 3 + 0.5 - 1 - 3 + 1 - 0.999, 1e-6);
    EXPECT_FLOAT_EQ(s.min, -3);
    EXPECT_FLOAT_EQ(s.max, 3);
    EXPECT_EQ(s.nonpositive, 6u);
    EXPECT_EQ(s.features, 4u);
    EXPECT_EQ(s.dead_features, 1u);
    EXPECT_EQ(s.saturated, 10u);  // all but 0 and 0.5
    uint32_t counts[4];
    be.histogram(t, -3, 3, 4, counts);  // bins [-3,-1.5) [-1.5,0) [0,1.5) [1.5,3]
    EXPECT_EQ(counts[0], 2u);
    EXPECT_EQ(counts[1], 3u);
    EXPECT_EQ(counts[2], 5u);
    EXPECT_EQ(counts[3], 2u);
}

// A run that trains on through an infinity (stop on NaN turned off) asks
// for histograms over an infinite range: every finite value lands in a
// bin, NaN in none, and nothing indexes out of the counts.
TEST(CpuBackend, HistogramOverAnInfiniteRangeStaysInItsBins) {
    auto& be = gs::cpu_backend();
    const std::vector<float> v = {1.0f, INFINITY, -INFINITY, NAN, -2.0f};
    gs::Tensor t(be, gs::Shape{5});
    t.from_host(v);
    uint32_t counts[4];
    be.histogram(t, -INFINITY, INFINITY, 4, counts);
    EXPECT_EQ(counts[0] + counts[1] + counts[2] + counts[3], 4u);
    be.histogram(t, -1.0f, NAN, 4, counts);
    EXPECT_EQ(counts[0] + counts[1] + counts[2] + counts[3], 4u);
}

}  // namespace
