// The CPU backend's summary and histogram (engine/src/backend/cpu_stats.cpp)
// on tensors of many blocks, split across threads, against plain one-loop
// references written here: the same counts, extremes and bins, sums equal to
// rounding, and the same answer whatever the number of threads.
#include <gtest/gtest.h>
#include <omp.h>

#include <cmath>
#include <cstdint>
#include <vector>

#include "gradscope/backend.h"
#include "gradscope/rng.h"
#include "gradscope/tensor.h"
#include "gradscope_kernels/elementwise.h"

namespace {

struct Reference {
    double sum = 0, sum_sq = 0, sum_abs = 0;
    float min = INFINITY, max = -INFINITY;
    size_t nonpositive = 0, saturated = 0, dead = 0;
};

Reference reference(const std::vector<float>& v, size_t items, float lo, float hi) {
    Reference r;
    for (float x : v) {
        r.sum += x;
        r.sum_sq += static_cast<double>(x) * x;
        r.sum_abs += std::fabs(x);
        if (x < r.min) r.min = x;
        if (x > r.max) r.max = x;
        r.nonpositive += x <= 0.0f;
        r.saturated += (x <= lo) | (x >= hi);
    }
    const size_t per = v.size() / items;
    for (size_t f = 0; f < per; ++f) {
        bool dead = true;
        for (size_t i = 0; i < items; ++i) dead = dead && v[i * per + f] <= 0.0f;
        r.dead += dead;
    }
    return r;
}

// Items x per values in [-1, 1], a quarter of the features dead (<= 0 in
// every item), with a few NaN and infinities when asked.
std::vector<float> relu_like(int items, int per, bool odd_values) {
    gs::Rng rng(11);
    std::vector<float> v(static_cast<size_t>(items) * per);
    for (int i = 0; i < items; ++i)
        for (int f = 0; f < per; ++f) {
            float x = static_cast<float>(rng.uniform(-1.0, 1.0));
            if (f % 4 == 1) x = -std::fabs(x);
            if (f % 7 == 0 && i % 3 == 0) x = 0.0f;
            v[static_cast<size_t>(i) * per + f] = x;
        }
    if (odd_values) {
        v[5] = NAN;
        v[v.size() / 2] = INFINITY;
        v[v.size() - 3] = -INFINITY;
        v[v.size() - 1] = NAN;
    }
    return v;
}

void expect_summary_as_reference(int items, int per, bool odd_values) {
    gs::Backend& be = gs::cpu_backend();
    const std::vector<float> v = relu_like(items, per, odd_values);
    gs::Tensor t(be, gs::Shape{items, per});
    t.from_host(v);
    const gs::TensorSummary s = be.summarize(t, -0.99f, 0.99f);
    const Reference r = reference(v, static_cast<size_t>(items), -0.99f, 0.99f);
    EXPECT_EQ(s.count, v.size());
    EXPECT_EQ(s.min, r.min);
    EXPECT_EQ(s.max, r.max);
    EXPECT_EQ(s.nonpositive, r.nonpositive);
    EXPECT_EQ(s.saturated, r.saturated);
    EXPECT_EQ(s.features, static_cast<size_t>(per));
    EXPECT_EQ(s.dead_features, r.dead);
    EXPECT_GT(r.dead, static_cast<size_t>(per) / 5);  // the case is the one meant
    if (odd_values) {
        EXPECT_TRUE(std::isnan(s.sum));  // the non-finite checks read the sums
        EXPECT_TRUE(std::isnan(s.sum_sq));
        return;
    }
    EXPECT_NEAR(s.sum, r.sum, 1e-9 * r.sum_abs);
    EXPECT_NEAR(s.sum_sq, r.sum_sq, 1e-9 * r.sum_sq);
    EXPECT_NEAR(s.sum_abs, r.sum_abs, 1e-9 * r.sum_abs);
}

TEST(CpuStats, SummaryOfManyBlocksIsThePlainLoops) {
    expect_summary_as_reference(64, 32 * 28 * 28, false);  // a conv layer's output: 1.6 M floats
    expect_summary_as_reference(3, 100003, false);          // ragged blocks
    expect_summary_as_reference(64, 10, false);             // one block
}

TEST(CpuStats, SummaryWithNaNAndInfinitiesKeepsTheirMeaning) {
    expect_summary_as_reference(16, 40000, true);
    gs::Backend& be = gs::cpu_backend();
    gs::Tensor t(be, gs::Shape{100000});
    t.from_host(std::vector<float>(100000, NAN));
    const gs::TensorSummary s = be.summarize(t, -1, 1);
    EXPECT_TRUE(std::isnan(s.min));  // no number to be the least
    EXPECT_TRUE(std::isnan(s.max));
}

TEST(CpuStats, HistogramOfManyBlocksIsThePlainLoop) {
    gs::Backend& be = gs::cpu_backend();
    for (bool odd : {false, true}) {
        const std::vector<float> v = relu_like(64, 25000, odd);
        gs::Tensor t(be, gs::Shape{64, 25000});
        t.from_host(v);
        for (int bins : {1, 7, 32, 5000}) {
            std::vector<uint32_t> got(static_cast<size_t>(bins)), want(static_cast<size_t>(bins), 0);
            const float lo = -0.8f, hi = 0.9f;
            be.histogram(t, lo, hi, bins, got.data());
            const float w = static_cast<float>(bins) / (hi - lo);
            for (float x : v)
                if (const int b = gs::kernels::histogram_bin(x, lo, w, bins); b >= 0) ++want[static_cast<size_t>(b)];
            EXPECT_EQ(got, want) << bins << " bins" << (odd ? " with NaN and infinities" : "");
        }
    }
}

TEST(CpuStats, TheSameAnswerOnOneThreadAsOnAll) {
    gs::Backend& be = gs::cpu_backend();
    const std::vector<float> v = relu_like(32, 50001, false);
    gs::Tensor t(be, gs::Shape{32, 50001});
    t.from_host(v);
    const gs::TensorSummary all = be.summarize(t, -0.5f, 0.5f);
    std::vector<uint32_t> h_all(32), h_one(32);
    be.histogram(t, -1, 1, 32, h_all.data());
    const int threads = omp_get_max_threads();
    omp_set_num_threads(1);
    const gs::TensorSummary one = be.summarize(t, -0.5f, 0.5f);
    be.histogram(t, -1, 1, 32, h_one.data());
    omp_set_num_threads(threads);
    EXPECT_EQ(all.sum, one.sum);  // blocks added in a fixed order: bit for bit
    EXPECT_EQ(all.sum_sq, one.sum_sq);
    EXPECT_EQ(all.dead_features, one.dead_features);
    EXPECT_EQ(h_all, h_one);
}

}  // namespace
