// The CPU backend against naive references written here in double precision:
// dense on both paths (plain loops and oneDNN), convolution, pooling,
// activations, softmax, dropout, batch normalization, the losses, reductions,
// and the primitive cache (same op again with other data and batch sizes).
// Every output tensor is pre-filled with garbage, so an op that accumulates
// instead of overwriting, or skips an element, fails.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include "gradcheck.h"
#include "gradscope/backend.h"
#include "gradscope/error.h"
#include "gradscope/rng.h"
#include "gradscope/tensor.h"

namespace {

using gs::Shape;
using gs::Tensor;

constexpr float kGarbage = 12345.0f;
constexpr size_t kSmallGemmMacs = 32 * 1024;  // mirrors backend/cpu_backend.h

gs::Backend& be() { return gs::cpu_backend(); }

std::vector<float> random_values(size_t n, uint64_t seed, double lo = -1.0, double hi = 1.0) {
    gs::Rng rng(seed);
    std::vector<float> v(n);
    for (auto& x : v) x = static_cast<float>(rng.uniform(lo, hi));
    return v;
}

Tensor tensor_of(const Shape& s, const std::vector<float>& v) {
    Tensor t(be(), s);
    EXPECT_EQ(t.numel(), v.size());
    t.from_host(v);
    return t;
}

Tensor garbage(const Shape& s) {
    Tensor t(be(), s);
    be().fill(t, kGarbage);
    return t;
}

std::vector<double> to_double(const std::vector<float>& v) { return {v.begin(), v.end()}; }

// Checks |got - want| <= rel * scale + abs element by element, where scale is
// mag[i] (the sum of absolute terms of a reference sum) if given, else
// |want[i]|. Reports the first few failures only.
void expect_close(const std::vector<float>& got, const std::vector<double>& want, double rel,
                  double abs, const std::string& what, const std::vector<double>* mag = nullptr) {
    ASSERT_EQ(got.size(), want.size()) << what;
    int failures = 0;
    std::ostringstream msg;
    for (size_t i = 0; i < want.size(); ++i) {
        const double scale = mag ? (*mag)[i] : std::fabs(want[i]);
        const double tol = rel * scale + abs;
        if (!(std::fabs(got[i] - want[i]) <= tol)) {
            if (failures < 5)
                msg << "\n  [" << i << "] got " << got[i] << " want " << want[i] << " (tol "
                    << tol << ")";
            ++failures;
        }
    }
    EXPECT_EQ(failures, 0) << what << ": " << failures << " of " << want.size()
                           << " elements differ" << msg.str();
}

// ------------------------------------------------------------ registry ---

TEST(CpuBackend, RegistryAndMemory) {
    EXPECT_EQ(be().name(), "cpu");
    EXPECT_EQ(&gs::backend_by_name("cpu"), &be());
    const auto names = gs::available_backends();
    ASSERT_FALSE(names.empty());
    EXPECT_EQ(names[0], "cpu");
    EXPECT_THROW(gs::backend_by_name("tpu"), gs::Error);

    Tensor z(be(), Shape{3, 5});
    for (float v : z.to_host()) EXPECT_EQ(v, 0.0f);  // allocations are zeroed
    const std::vector<float> v = random_values(15, 1);
    Tensor a = tensor_of(Shape{3, 5}, v);
    EXPECT_EQ(a.to_host(), v);
    Tensor b = garbage(Shape{15});
    be().copy(b, a);
    EXPECT_EQ(b.to_host(), v);
    Tensor c(be(), Shape{4});
    EXPECT_THROW(be().copy(c, a), gs::Error);
    be().fill(a, -2.5f);
    for (float x : a.to_host()) EXPECT_EQ(x, -2.5f);

    Tensor p = tensor_of(Shape{15}, v);
    Tensor q = tensor_of(Shape{15}, random_values(15, 2));
    Tensor y = garbage(Shape{15});
    be().multiply(p, q, y);
    const auto qh = q.to_host(), yh = y.to_host();
    for (size_t i = 0; i < v.size(); ++i) EXPECT_EQ(yh[i], v[i] * qh[i]);
}

// --------------------------------------------------------------- dense ---

struct DenseCase {
    int N, K, M;
};

void check_dense(const DenseCase& c, bool bias, bool want_dx, const Shape& x_shape) {
    SCOPED_TRACE("dense N=" + std::to_string(c.N) + " K=" + std::to_string(c.K) +
                 " M=" + std::to_string(c.M) + (bias ? " bias" : "") + (want_dx ? " dx" : ""));
    const size_t N = c.N, K = c.K, M = c.M;
    const auto xv = random_values(N * K, 11 + N);
    const auto wv = random_values(M * K, 12 + M);
    const auto bv = random_values(M, 13);
    const auto dyv = random_values(N * M, 14 + K);
    Tensor x = tensor_of(x_shape, xv);
    Tensor w = tensor_of(Shape{c.M, c.K}, wv);
    Tensor b = tensor_of(Shape{c.M}, bv);
    Tensor y = garbage(Shape{c.N, c.M});
    be().dense_forward(x, w, bias ? &b : nullptr, y);

    std::vector<double> ry(N * M), rmag(N * M);
    for (size_t n = 0; n < N; ++n)
        for (size_t m = 0; m < M; ++m) {
            double s = bias ? bv[m] : 0.0, a = bias ? std::fabs(bv[m]) : 0.0;
            for (size_t k = 0; k < K; ++k) {
                const double t = static_cast<double>(xv[n * K + k]) * wv[m * K + k];
                s += t;
                a += std::fabs(t);
            }
            ry[n * M + m] = s;
            rmag[n * M + m] = a;
        }
    expect_close(y.to_host(), ry, 1e-5, 1e-6, "y", &rmag);

    Tensor dy = tensor_of(Shape{c.N, c.M}, dyv);
    Tensor dx = garbage(x_shape);
    Tensor dw = garbage(Shape{c.M, c.K});
    Tensor db = garbage(Shape{c.M});
    be().dense_backward(x, w, dy, want_dx ? &dx : nullptr, dw, bias ? &db : nullptr);

    std::vector<double> rdw(M * K, 0.0), mdw(M * K, 0.0), rdx(N * K, 0.0), mdx(N * K, 0.0),
        rdb(M, 0.0), mdb(M, 0.0);
    for (size_t n = 0; n < N; ++n)
        for (size_t m = 0; m < M; ++m) {
            const double g = dyv[n * M + m];
            rdb[m] += g;
            mdb[m] += std::fabs(g);
            for (size_t k = 0; k < K; ++k) {
                rdw[m * K + k] += g * xv[n * K + k];
                mdw[m * K + k] += std::fabs(g * xv[n * K + k]);
                rdx[n * K + k] += g * wv[m * K + k];
                mdx[n * K + k] += std::fabs(g * wv[m * K + k]);
            }
        }
    expect_close(dw.to_host(), rdw, 1e-5, 1e-6, "dw", &mdw);
    if (want_dx) {
        expect_close(dx.to_host(), rdx, 1e-5, 1e-6, "dx", &mdx);
    } else {
        for (float v : dx.to_host()) ASSERT_EQ(v, kGarbage) << "dx written though not asked for";
    }
    if (bias) {
        expect_close(db.to_host(), rdb, 1e-5, 1e-6, "db", &mdb);
    } else {
        for (float v : db.to_host()) ASSERT_EQ(v, kGarbage) << "db written though not asked for";
    }
}

void check_dense_all_variants(const DenseCase& c) {
    for (bool bias : {true, false})
        for (bool dx : {true, false}) check_dense(c, bias, dx, Shape{c.N, c.K});
}

TEST(Dense, SmallShapesUsePlainLoops) {
    const std::vector<DenseCase> cases{{1, 1, 1}, {2, 3, 4}, {4, 5, 3}, {3, 17, 9}, {32, 32, 32}};
    for (const auto& c : cases) {
        ASSERT_LE(static_cast<size_t>(c.N) * c.K * c.M, kSmallGemmMacs);
        check_dense_all_variants(c);
    }
}

TEST(Dense, LargeShapesUseOneDnn) {
    const std::vector<DenseCase> cases{{32, 32, 33}, {64, 784, 256}, {7, 129, 301}, {1, 40000, 1},
                                       {257, 3, 65}};
    for (const auto& c : cases) {
        ASSERT_GT(static_cast<size_t>(c.N) * c.K * c.M, kSmallGemmMacs);
        check_dense_all_variants(c);
    }
}

TEST(Dense, ImageInputIsFlattenedPerItem) {
    // x (N, C, H, W) is seen as (N, C*H*W) on both paths.
    check_dense({2, 60, 3}, true, true, Shape{2, 3, 4, 5});
    check_dense({16, 3 * 8 * 8, 50}, true, true, Shape{16, 3, 8, 8});
}

// -------------------------------------------------------- convolution ---

struct ConvCase {
    int N, C, H, W, O;
    gs::ConvParams p;
};

std::string conv_name(const ConvCase& c) {
    std::ostringstream s;
    s << "conv N" << c.N << " C" << c.C << " " << c.H << "x" << c.W << " O" << c.O << " k"
      << c.p.kh << "x" << c.p.kw << " s" << c.p.sh << "x" << c.p.sw << " p" << c.p.ph << "x"
      << c.p.pw;
    return s.str();
}

void check_conv(const ConvCase& c, bool bias, bool want_dx, uint64_t seed) {
    SCOPED_TRACE(conv_name(c) + (bias ? " bias" : "") + (want_dx ? " dx" : ""));
    const auto& p = c.p;
    const int Ho = (c.H + 2 * p.ph - p.kh) / p.sh + 1, Wo = (c.W + 2 * p.pw - p.kw) / p.sw + 1;
    const size_t nx = static_cast<size_t>(c.N) * c.C * c.H * c.W;
    const size_t nw = static_cast<size_t>(c.O) * c.C * p.kh * p.kw;
    const size_t ny = static_cast<size_t>(c.N) * c.O * Ho * Wo;
    const auto xv = random_values(nx, seed);
    const auto wv = random_values(nw, seed + 1);
    const auto bv = random_values(c.O, seed + 2);
    const auto dyv = random_values(ny, seed + 3);
    auto X = [&](int n, int ch, int h, int w) {
        return ((static_cast<size_t>(n) * c.C + ch) * c.H + h) * c.W + w;
    };
    auto Wi = [&](int o, int ch, int i, int j) {
        return ((static_cast<size_t>(o) * c.C + ch) * p.kh + i) * p.kw + j;
    };
    auto Y = [&](int n, int o, int i, int j) {
        return ((static_cast<size_t>(n) * c.O + o) * Ho + i) * Wo + j;
    };

    std::vector<double> ry(ny), my(ny), rdx(nx, 0.0), mdx(nx, 0.0), rdw(nw, 0.0), mdw(nw, 0.0),
        rdb(c.O, 0.0), mdb(c.O, 0.0);
    for (int n = 0; n < c.N; ++n)
        for (int o = 0; o < c.O; ++o)
            for (int i = 0; i < Ho; ++i)
                for (int j = 0; j < Wo; ++j) {
                    double s = bias ? bv[o] : 0.0, a = bias ? std::fabs(bv[o]) : 0.0;
                    const double g = dyv[Y(n, o, i, j)];
                    rdb[o] += g;
                    mdb[o] += std::fabs(g);
                    for (int ch = 0; ch < c.C; ++ch)
                        for (int ki = 0; ki < p.kh; ++ki)
                            for (int kj = 0; kj < p.kw; ++kj) {
                                const int h = i * p.sh + ki - p.ph, w = j * p.sw + kj - p.pw;
                                if (h < 0 || h >= c.H || w < 0 || w >= c.W) continue;
                                const double xx = xv[X(n, ch, h, w)], ww = wv[Wi(o, ch, ki, kj)];
                                s += xx * ww;
                                a += std::fabs(xx * ww);
                                rdx[X(n, ch, h, w)] += g * ww;
                                mdx[X(n, ch, h, w)] += std::fabs(g * ww);
                                rdw[Wi(o, ch, ki, kj)] += g * xx;
                                mdw[Wi(o, ch, ki, kj)] += std::fabs(g * xx);
                            }
                    ry[Y(n, o, i, j)] = s;
                    my[Y(n, o, i, j)] = a;
                }

    Tensor x = tensor_of(Shape{c.N, c.C, c.H, c.W}, xv);
    Tensor w = tensor_of(Shape{c.O, c.C, p.kh, p.kw}, wv);
    Tensor b = tensor_of(Shape{c.O}, bv);
    Tensor y = garbage(Shape{c.N, c.O, Ho, Wo});
    be().conv2d_forward(p, x, w, bias ? &b : nullptr, y);
    expect_close(y.to_host(), ry, 1e-5, 1e-6, "y", &my);

    Tensor dy = tensor_of(Shape{c.N, c.O, Ho, Wo}, dyv);
    Tensor dx = garbage(x.shape());
    Tensor dw = garbage(w.shape());
    Tensor db = garbage(b.shape());
    be().conv2d_backward(p, x, w, dy, want_dx ? &dx : nullptr, dw, bias ? &db : nullptr);
    expect_close(dw.to_host(), rdw, 1e-5, 1e-6, "dw", &mdw);
    if (want_dx) expect_close(dx.to_host(), rdx, 1e-5, 1e-6, "dx", &mdx);
    if (bias) expect_close(db.to_host(), rdb, 1e-5, 1e-6, "db", &mdb);
}

gs::ConvParams conv_params(int kh, int kw, int sh, int sw, int ph, int pw) {
    gs::ConvParams p;
    p.kh = kh, p.kw = kw, p.sh = sh, p.sw = sw, p.ph = ph, p.pw = pw;
    return p;
}

TEST(Conv2d, ForwardAndBackwardMatchDirectConvolution) {
    const std::vector<ConvCase> cases{
        {2, 3, 7, 9, 4, conv_params(3, 3, 1, 1, 1, 1)},    // "same", non-square input
        {2, 2, 9, 6, 3, conv_params(3, 3, 2, 2, 1, 1)},    // stride 2, padding 1
        {1, 3, 11, 8, 5, conv_params(5, 5, 2, 2, 2, 2)},   // 5x5, stride 2, padding 2
        {3, 1, 8, 8, 2, conv_params(3, 3, 2, 2, 0, 0)},    // stride does not divide: last row dropped
        {2, 4, 5, 7, 3, conv_params(3, 2, 2, 1, 0, 1)},    // non-square kernel, stride, padding
        {2, 5, 6, 6, 7, conv_params(1, 1, 1, 1, 0, 0)},    // 1x1
        {1, 2, 13, 13, 4, conv_params(3, 3, 1, 1, 2, 2)},  // padding wider than needed
    };
    uint64_t seed = 100;
    for (const auto& c : cases)
        for (bool bias : {true, false})
            for (bool dx : {true, false}) check_conv(c, bias, dx, seed += 10);
}

// ------------------------------------------------------------ pooling ---

struct PoolCase {
    int N, C, H, W;
    gs::PoolParams p;
};

gs::PoolParams pool_params(gs::PoolKind kind, int k, int s, int pad) {
    gs::PoolParams p;
    p.kind = kind;
    p.kh = p.kw = k;
    p.sh = p.sw = s;
    p.ph = p.pw = pad;
    return p;
}

struct PoolRun {
    Tensor x, y, ws;
};

// Runs forward with a workspace if the backend wants one.
void pool_forward(const gs::PoolParams& p, PoolRun& r, const Shape& y_shape) {
    const size_t wsz = be().pool2d_workspace(p, r.x.shape());
    if (p.kind == gs::PoolKind::Avg) {
        EXPECT_EQ(wsz, 0u);
    }
    r.ws = wsz ? garbage(Shape{static_cast<int>(wsz)}) : Tensor();
    r.y = garbage(y_shape);
    be().pool2d_forward(p, r.x, r.y, wsz ? &r.ws : nullptr);
}

void check_pool(const PoolCase& c, uint64_t seed) {
    const auto& p = c.p;
    const bool is_max = p.kind == gs::PoolKind::Max;
    const int Ho = (c.H + 2 * p.ph - p.kh) / p.sh + 1, Wo = (c.W + 2 * p.pw - p.kw) / p.sw + 1;
    SCOPED_TRACE(std::string(is_max ? "max" : "avg") + " pool " + std::to_string(c.H) + "x" +
                 std::to_string(c.W) + " k" + std::to_string(p.kh) + " s" + std::to_string(p.sh) +
                 " p" + std::to_string(p.ph) + " -> " + std::to_string(Ho) + "x" +
                 std::to_string(Wo));
    const size_t nx = static_cast<size_t>(c.N) * c.C * c.H * c.W;
    const size_t ny = static_cast<size_t>(c.N) * c.C * Ho * Wo;
    std::vector<float> xv(nx);
    gs::test::distinct_values(xv, seed);  // no ties for max
    const auto dyv = random_values(ny, seed + 1);

    std::vector<double> ry(ny), rdx(nx, 0.0);
    for (int nc = 0; nc < c.N * c.C; ++nc) {
        const float* xp = xv.data() + static_cast<size_t>(nc) * c.H * c.W;
        for (int i = 0; i < Ho; ++i)
            for (int j = 0; j < Wo; ++j) {
                const size_t yi = (static_cast<size_t>(nc) * Ho + i) * Wo + j;
                double best = -std::numeric_limits<double>::infinity(), sum = 0;
                int best_at = -1, count = 0;
                for (int ki = 0; ki < p.kh; ++ki)
                    for (int kj = 0; kj < p.kw; ++kj) {
                        const int h = i * p.sh + ki - p.ph, w = j * p.sw + kj - p.pw;
                        if (h < 0 || h >= c.H || w < 0 || w >= c.W) continue;
                        const double v = xp[h * c.W + w];
                        if (v > best) best = v, best_at = h * c.W + w;
                        sum += v;
                        ++count;
                    }
                ASSERT_GT(count, 0);
                const size_t base = static_cast<size_t>(nc) * c.H * c.W;
                if (is_max) {
                    ry[yi] = best;
                    rdx[base + best_at] += dyv[yi];
                } else {
                    ry[yi] = sum / count;  // padding is not counted
                    for (int ki = 0; ki < p.kh; ++ki)
                        for (int kj = 0; kj < p.kw; ++kj) {
                            const int h = i * p.sh + ki - p.ph, w = j * p.sw + kj - p.pw;
                            if (h < 0 || h >= c.H || w < 0 || w >= c.W) continue;
                            rdx[base + h * c.W + w] += dyv[yi] / count;
                        }
                }
            }
    }

    PoolRun r;
    r.x = tensor_of(Shape{c.N, c.C, c.H, c.W}, xv);
    pool_forward(p, r, Shape{c.N, c.C, Ho, Wo});
    expect_close(r.y.to_host(), ry, 1e-6, 1e-7, "y");
    Tensor dy = tensor_of(Shape{c.N, c.C, Ho, Wo}, dyv);
    Tensor dx = garbage(r.x.shape());
    be().pool2d_backward(p, r.x, dy, r.ws.defined() ? &r.ws : nullptr, dx);
    expect_close(dx.to_host(), rdx, 1e-6, 1e-7, "dx");
}

TEST(Pool2d, MaxAndAvgMatchNaivePooling) {
    uint64_t seed = 500;
    for (gs::PoolKind kind : {gs::PoolKind::Max, gs::PoolKind::Avg}) {
        const std::vector<PoolCase> cases{
            {2, 3, 12, 12, pool_params(kind, 2, 2, 0)},  // exact tiling
            {2, 3, 11, 11, pool_params(kind, 2, 2, 0)},  // 11x11 -> 5x5, last row/col dropped
            {2, 2, 7, 7, pool_params(kind, 3, 2, 1)},    // 7x7 -> 4x4 with padding
            {1, 3, 8, 8, pool_params(kind, 3, 2, 1)},    // 8x8 -> 4x4
            {2, 2, 10, 9, pool_params(kind, 3, 2, 1)},   // non-square 10x9 -> 5x5
            {1, 4, 9, 13, pool_params(kind, 3, 3, 0)},   // 9x13 -> 3x4, last col dropped
            {3, 1, 6, 5, pool_params(kind, 3, 1, 1)},    // overlapping windows, stride 1
            {1, 2, 12, 12, pool_params(kind, 3, 3, 1)},  // padding on the left, last col dropped
        };
        for (const auto& c : cases) check_pool(c, seed += 10);
    }
}

TEST(Pool2d, AvgExcludesPaddingFromTheCount) {
    // 4x4 of ones, kernel 3 stride 2 padding 1: a corner window covers 4
    // input cells and 5 padding cells; the average of what is inside is 1.
    gs::PoolParams p = pool_params(gs::PoolKind::Avg, 3, 2, 1);
    PoolRun r;
    r.x = tensor_of(Shape{1, 1, 4, 4}, std::vector<float>(16, 1.0f));
    pool_forward(p, r, Shape{1, 1, 2, 2});
    for (float v : r.y.to_host()) EXPECT_FLOAT_EQ(v, 1.0f);
    // Backward of dy = 1 at (0,0): the 4 cells of the top-left window get 1/4.
    Tensor dy = tensor_of(Shape{1, 1, 2, 2}, {1.0f, 0.0f, 0.0f, 0.0f});
    Tensor dx = garbage(r.x.shape());
    be().pool2d_backward(p, r.x, dy, nullptr, dx);
    const auto d = dx.to_host();
    const std::vector<float> want{0.25f, 0.25f, 0, 0, 0.25f, 0.25f, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
    EXPECT_EQ(d, want);
}

TEST(Pool2d, MaxIgnoresPadding) {
    // All inputs negative: padding must not act as a zero that wins the max.
    gs::PoolParams p = pool_params(gs::PoolKind::Max, 3, 2, 1);
    std::vector<float> xv(16);
    for (int i = 0; i < 16; ++i) xv[i] = -1.0f - static_cast<float>(i);  // -1 .. -16
    PoolRun r;
    r.x = tensor_of(Shape{1, 1, 4, 4}, xv);
    pool_forward(p, r, Shape{1, 1, 2, 2});
    // Windows: rows/cols {0,1} -> max -1; {0,1}x{1,2,3} -> -2; {1,2,3}x{0,1} -> -5;
    // {1,2,3}x{1,2,3} -> -6.
    EXPECT_EQ(r.y.to_host(), (std::vector<float>{-1.0f, -2.0f, -5.0f, -6.0f}));
    Tensor dy = tensor_of(Shape{1, 1, 2, 2}, {1.0f, 2.0f, 3.0f, 4.0f});
    Tensor dx = garbage(r.x.shape());
    be().pool2d_backward(p, r.x, dy, r.ws.defined() ? &r.ws : nullptr, dx);
    std::vector<float> want(16, 0.0f);
    want[0] = 1.0f, want[1] = 2.0f, want[4] = 3.0f, want[5] = 4.0f;
    EXPECT_EQ(dx.to_host(), want);
}

TEST(Pool2d, MaxPoolingWithoutItsWorkspaceIsAnError) {
    gs::PoolParams p = pool_params(gs::PoolKind::Max, 2, 2, 0);
    Tensor x = tensor_of(Shape{1, 1, 4, 4}, random_values(16, 3));
    Tensor y = garbage(Shape{1, 1, 2, 2});
    if (be().pool2d_workspace(p, x.shape()) == 0) GTEST_SKIP() << "no workspace needed here";
    EXPECT_THROW(be().pool2d_forward(p, x, y, nullptr), gs::Error);
}

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
    const int n = 100003;  // over the parallel threshold
    const auto v = random_values(n, 82);
    Tensor t = tensor_of(Shape{n}, v);
    be().scale(t, 0.37f);
    const auto h = t.to_host();
    for (int i = 0; i < n; ++i) ASSERT_EQ(h[i], v[i] * 0.37f) << i;
}

// ------------------------------------------------- primitive cache ---

TEST(PrimitiveCache, SameShapeAgainWithOtherDataAndOtherBatchSizes) {
    // Each op twice with new data (the cached primitive must rebind its
    // pointers), then on a smaller batch view of the same tensors, then the
    // full batch again.
    for (int round = 0; round < 2; ++round) {
        SCOPED_TRACE("round " + std::to_string(round));
        check_dense({64, 100, 80}, true, true, Shape{64, 100});
        check_dense({48, 100, 80}, true, true, Shape{48, 100});
        check_conv({4, 3, 9, 9, 5, conv_params(3, 3, 2, 2, 1, 1)}, true, true, 900 + round);
        check_conv({2, 3, 9, 9, 5, conv_params(3, 3, 2, 2, 1, 1)}, true, true, 950 + round);
        for (gs::PoolKind k : {gs::PoolKind::Max, gs::PoolKind::Avg}) {
            check_pool({4, 3, 11, 11, pool_params(k, 2, 2, 0)}, 970 + round);
            check_pool({1, 3, 11, 11, pool_params(k, 2, 2, 0)}, 980 + round);
        }
    }

    // Through batch views: outputs of the large batch are left alone past the view.
    const int N = 64, K = 300, M = 200;
    Tensor x = tensor_of(Shape{N, K}, random_values(N * K, 991));
    Tensor w = tensor_of(Shape{M, K}, random_values(M * K, 992));
    Tensor y = garbage(Shape{N, M});
    be().dense_forward(x, w, nullptr, y);
    const auto full = y.to_host();
    be().fill(y, kGarbage);
    Tensor yv = y.batch_view(0, 10);
    be().dense_forward(x.batch_view(0, 10), w, nullptr, yv);
    const auto part = y.to_host();
    for (int i = 0; i < 10 * M; ++i) EXPECT_NEAR(part[i], full[i], 1e-5f * (1 + std::fabs(full[i])));
    for (int i = 10 * M; i < N * M; ++i) ASSERT_EQ(part[i], kGarbage);
    // A view that does not start at item 0.
    Tensor yv2 = y.batch_view(30, 20);
    be().dense_forward(x.batch_view(30, 20), w, nullptr, yv2);
    const auto part2 = y.to_host();
    for (int i = 30 * M; i < 50 * M; ++i)
        EXPECT_NEAR(part2[i], full[i], 1e-5f * (1 + std::fabs(full[i])));
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

}  // namespace
