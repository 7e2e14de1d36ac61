// The CPU backend against naive references written here in double precision:
// the registry and memory ops, dense on both paths (plain loops and oneDNN),
// convolution, pooling, and the primitive cache (same op again with other
// data and batch sizes). Every output tensor is pre-filled with garbage, so an
// op that accumulates instead of overwriting, or skips an element, fails.
// Activations, softmax, dropout, batch norm, losses, reductions and
// statistics are in test_cpu_elementwise.cpp.
#include <gtest/gtest.h>
#include <omp.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include "backend_reference.h"
#include "gradcheck.h"
#include "gradscope/backend.h"
#include "gradscope/error.h"
#include "gradscope/tensor.h"

namespace {

using gs::Shape;
using gs::Tensor;
using namespace gs::test;  // be(), tensor_of(), garbage(), expect_close(), ...

constexpr size_t kSmallGemmMacs = 32 * 1024;         // mirror backend/cpu_backend.h
constexpr size_t kOneThreadGemmMacs = 1024 * 1024;

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

TEST(Dense, SmallOneDnnProductsRunOnOneThreadAndLeaveTheThreadCountAlone) {
    // Products up to kOneThreadGemmMacs are made and run with OpenMP held to
    // one thread (mlp-fashion's 128 -> 10 layer at batch 64 and 256); the
    // caller's thread count must be what it was, before and after the
    // primitive is cached, and larger products still get every thread.
    const int initial = omp_get_max_threads();
    const int threads = 2;  // whatever the machine has; what the caller asked for
    omp_set_num_threads(threads);
    const std::vector<DenseCase> cases{{64, 128, 10}, {256, 128, 10}, {7, 129, 301},
                                       {64, 256, 128}};
    for (int pass = 0; pass < 2; ++pass)
        for (const auto& c : cases) {
            const size_t macs = static_cast<size_t>(c.N) * c.K * c.M;
            ASSERT_GT(macs, kSmallGemmMacs);
            check_dense_all_variants(c);
            ASSERT_EQ(omp_get_max_threads(), threads)
                << "after a product of " << macs << " multiply-adds (one thread up to "
                << kOneThreadGemmMacs << ")";
        }
    omp_set_num_threads(initial);
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
