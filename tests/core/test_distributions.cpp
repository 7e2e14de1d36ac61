// Percentiles of the per-layer histograms: exact on hand-made histograms
// (edges, interpolation within a bin, empty bins skipped), and the nine of
// TensorBoard's bands in order.
#include <gtest/gtest.h>

#include <cmath>

#include "gradscope/distributions.h"

namespace gs {
namespace {

TEST(Distributions, PercentilesInterpolateWithinTheirBin) {
    LayerStats::Histogram h;
    h.lo = 0;
    h.hi = 32;  // bins of width 1
    EXPECT_TRUE(std::isnan(histogram_percentile(h, 0.5)));  // empty
    EXPECT_FALSE(has_histogram(LayerStats::Histogram{}));
    EXPECT_TRUE(has_histogram(h));
    h.counts[2] = 10;
    h.counts[29] = 10;
    EXPECT_FLOAT_EQ(histogram_percentile(h, 0), 2.0f);     // the first non-empty bin's left edge
    EXPECT_FLOAT_EQ(histogram_percentile(h, 1), 30.0f);    // the last one's right edge
    EXPECT_FLOAT_EQ(histogram_percentile(h, 0.25), 2.5f);  // half of bin 2
    EXPECT_FLOAT_EQ(histogram_percentile(h, 0.5), 3.0f);   // all of it
    EXPECT_FLOAT_EQ(histogram_percentile(h, 0.75), 29.5f); // the empty bins between are skipped
    for (uint32_t& c : h.counts) c = 1;
    h.lo = -1;
    h.hi = 1;  // bins of width 1/16
    EXPECT_FLOAT_EQ(histogram_percentile(h, 0.5), 0.0f);
    const auto q = distribution_percentiles(h);
    EXPECT_FLOAT_EQ(q[0], -1.0f);
    EXPECT_FLOAT_EQ(q[8], 1.0f);
    EXPECT_FLOAT_EQ(q[4], 0.0f);
    for (size_t k = 1; k < q.size(); ++k) EXPECT_LT(q[k - 1], q[k]) << k;
    EXPECT_NEAR(q[6], -1 + 2 * 0.8413f, 1e-6f);  // uniform: the quantile itself
}

}  // namespace
}  // namespace gs
