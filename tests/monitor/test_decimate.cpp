// Min/max decimation keeps the shape: every bucket's min and max equal a
// brute-force scan of the points in its pixel column, spikes included.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>
#include <vector>

#include "plot/decimate.h"
#include "track.h"

namespace gs::plot {
namespace {

struct Data {
    std::vector<double> x;
    std::vector<float> y;
    MinMaxPyramid pyr;
};

Data make(size_t n, unsigned seed) {
    Data d;
    std::mt19937 rng(seed);
    std::normal_distribution<float> noise(0, 0.1f);
    double x = 0;
    for (size_t i = 0; i < n; ++i) {
        x += 1 + (rng() % 3);  // uneven steps, as merged log lines give
        float y = std::sin(static_cast<float>(i) * 1e-3f) + noise(rng);
        if (i % 9973 == 0) y = 50;   // rare spikes up
        if (i % 7919 == 0) y = -40;  // and down
        if (i % 1013 == 0) y = std::numeric_limits<float>::quiet_NaN();
        d.x.push_back(x);
        d.y.push_back(y);
        d.pyr.add(y);
    }
    return d;
}

void check(const Data& d, double x0, double x1, int buckets, bool use_pyramid) {
    std::vector<Bucket> out;
    decimate(d.x.data(), d.y.data(), d.x.size(), use_pyramid ? &d.pyr : nullptr, x0, x1, buckets,
             out);
    ASSERT_FALSE(out.empty());
    const double w = (x1 - x0) / buckets;
    size_t covered = 0;
    for (const Bucket& b : out) {
        if (b.x_first < x0 || b.x_first >= x1) {
            EXPECT_EQ(b.count, 1u);  // an edge point just outside the view
            continue;
        }
        const long col = static_cast<long>((b.x_first - x0) / w);
        const double c0 = x0 + col * w, c1 = x0 + (col + 1) * w;
        float lo = INFINITY, hi = -INFINITY;
        uint32_t count = 0;
        for (size_t i = 0; i < d.x.size(); ++i)
            if (d.x[i] >= c0 && d.x[i] < c1 && d.x[i] < x1) {
                ++count;
                if (d.y[i] < lo) lo = d.y[i];
                if (d.y[i] > hi) hi = d.y[i];
            }
        ASSERT_EQ(b.count, count) << "column " << col;
        covered += count;
        if (lo <= hi) {
            EXPECT_EQ(b.lo, lo) << "column " << col;
            EXPECT_EQ(b.hi, hi) << "column " << col;
        } else {
            EXPECT_TRUE(std::isnan(b.lo));
        }
    }
    size_t in_view = 0;
    for (double x : d.x) in_view += x >= x0 && x < x1;
    EXPECT_EQ(covered, in_view);
}

TEST(Decimate, EveryBucketKeepsItsMinAndMax) {
    const Data d = make(100000, 1);
    const double end = d.x.back() + 1;
    check(d, 0, end, 800, true);
    check(d, 0, end, 800, false);
    check(d, 12345.5, 54321.25, 333, true);  // a zoomed view, unaligned
    check(d, 100, 160, 1000, true);          // fewer points than columns
}

TEST(Decimate, SpikesSurviveAtAnyZoom) {
    const Data d = make(200000, 2);
    std::vector<Bucket> out;
    decimate(d.x.data(), d.y.data(), d.x.size(), &d.pyr, d.x.front(), d.x.back() + 1, 300, out);
    float hi = -INFINITY, lo = INFINITY;
    for (const Bucket& b : out) {
        hi = std::max(hi, b.hi);
        lo = std::min(lo, b.lo);
    }
    EXPECT_EQ(hi, 50.0f);
    EXPECT_EQ(lo, -40.0f);
    EXPECT_LE(out.size(), 302u);  // at most one per column, plus the edges
}

TEST(Decimate, PyramidRangeMatchesAScanForEveryRangeOfASmallSeries) {
    std::vector<float> ys;
    MinMaxPyramid p;
    std::mt19937 rng(3);
    for (int i = 0; i < 77; ++i) {
        ys.push_back(static_cast<float>(rng() % 1000) - 500);
        p.add(ys.back());
    }
    for (size_t i = 0; i < ys.size(); ++i)
        for (size_t j = i + 1; j <= ys.size(); ++j) {
            float lo, hi;
            ASSERT_TRUE(p.range(ys.data(), i, j, lo, hi));
            EXPECT_EQ(lo, *std::min_element(ys.begin() + i, ys.begin() + j));
            EXPECT_EQ(hi, *std::max_element(ys.begin() + i, ys.begin() + j));
        }
}

TEST(Decimate, SmoothedTrackIsADebiasedMovingAverage) {
    monitor::Track t;
    for (int i = 1; i <= 4; ++i) t.add(i, static_cast<float>(i));
    const monitor::TrackView v = t.view(0.5f);
    ASSERT_EQ(v.n, 4u);
    EXPECT_FLOAT_EQ(v.y[0], 1.0f);                    // debiased: the first value itself
    EXPECT_FLOAT_EQ(v.y[1], (0.25f + 1.0f) / 0.75f);  // (0.5*0.5*1 + 0.5*2) / (1 - 0.25)
    t.add(5, 5);                                      // extended, not recomputed
    EXPECT_EQ(t.view(0.5f).n, 5u);
    EXPECT_EQ(t.view(0).y, t.y().data());
}

}  // namespace
}  // namespace gs::plot
