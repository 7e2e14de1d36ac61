// Tests for dataset.h: InMemoryDataset and the built-in datasets (sizes,
// shapes, balance, determinism, ranges, and each set's own geometry).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "gradscope/dataset.h"
#include "gradscope/error.h"

namespace {

struct Item {
    std::vector<float> x;
    float y;
};

std::vector<Item> items_of(const gs::Dataset& d) {
    const size_t n = d.size();
    const size_t per = d.item_shape().numel();
    std::vector<uint32_t> idx(n);
    for (size_t i = 0; i < n; ++i) idx[i] = static_cast<uint32_t>(i);
    std::vector<float> x(n * per), y(n * static_cast<size_t>(d.target_size()));
    if (n) d.gather(idx.data(), static_cast<int>(n), x.data(), y.data());
    std::vector<Item> out(n);
    for (size_t i = 0; i < n; ++i) {
        out[i].x.assign(x.begin() + static_cast<long>(i * per),
                        x.begin() + static_cast<long>((i + 1) * per));
        out[i].y = y[i];
    }
    return out;
}

std::vector<Item> all_items(const gs::DataSplit& s) {
    auto a = items_of(*s.train);
    auto b = items_of(*s.test);
    a.insert(a.end(), b.begin(), b.end());
    return a;
}

gs::DataSpec spec_for(const std::string& name, int samples = 500, float noise = 0.0f,
                      float test_fraction = 0.2f, uint64_t seed = 1) {
    gs::DataSpec s;
    s.name = name;
    s.samples = samples;
    s.noise = noise;
    s.test_fraction = test_fraction;
    s.seed = seed;
    return s;
}

size_t count_label(const std::vector<Item>& items, float label) {
    return static_cast<size_t>(
        std::count_if(items.begin(), items.end(), [&](const Item& it) { return it.y == label; }));
}

bool same_items(const gs::Dataset& a, const gs::Dataset& b) {
    auto ia = items_of(a), ib = items_of(b);
    if (ia.size() != ib.size()) return false;
    for (size_t i = 0; i < ia.size(); ++i)
        if (ia[i].x != ib[i].x || ia[i].y != ib[i].y) return false;
    return true;
}

const std::vector<std::string> kTwoClass = {"spiral", "circle", "xor", "gaussian", "moons"};

}  // namespace

TEST(InMemoryDataset, AddAndGather) {
    gs::InMemoryDataset d("toy", gs::Shape{3}, 0, 2);
    EXPECT_EQ(d.size(), 0u);
    const float x0[3] = {1, 2, 3}, y0[2] = {10, 11};
    const float x1[3] = {4, 5, 6}, y1[2] = {12, 13};
    d.reserve(2);
    d.add(x0, y0);
    d.add(x1, y1);
    EXPECT_EQ(d.size(), 2u);
    EXPECT_EQ(d.name(), "toy");
    EXPECT_EQ(d.target_size(), 2);
    EXPECT_EQ(d.num_classes(), 0);
    const uint32_t idx[3] = {1, 0, 1};
    std::vector<float> x(9), y(6);
    d.gather(idx, 3, x.data(), y.data());
    EXPECT_EQ(x, (std::vector<float>{4, 5, 6, 1, 2, 3, 4, 5, 6}));
    EXPECT_EQ(y, (std::vector<float>{12, 13, 10, 11, 12, 13}));
}

TEST(InMemoryDataset, GatherOutOfRangeThrows) {
    gs::InMemoryDataset d("toy", gs::Shape{1}, 2);
    const float x = 1, y = 0;
    d.add(&x, &y);
    const uint32_t idx[1] = {1};
    float out_x = 0, out_y = 0;
    EXPECT_THROW(d.gather(idx, 1, &out_x, &out_y), gs::Error);
}

TEST(InMemoryDataset, RejectsBadShapes) {
    EXPECT_THROW(gs::InMemoryDataset("bad", gs::Shape{}, 2), gs::Error);
    EXPECT_THROW(gs::InMemoryDataset("bad", gs::Shape{0, 2}, 2), gs::Error);
    EXPECT_THROW(gs::InMemoryDataset("bad", gs::Shape{2}, -1), gs::Error);
    EXPECT_THROW(gs::InMemoryDataset("bad", gs::Shape{2}, 2, 0), gs::Error);
}

TEST(BuiltinDatasets, NamesAreListed) {
    const auto names = gs::builtin_dataset_names();
    for (const char* n : {"spiral", "circle", "xor", "gaussian", "moons", "line", "synthetic"})
        EXPECT_NE(std::find(names.begin(), names.end(), n), names.end()) << n;
}

TEST(BuiltinDatasets, UnknownNameListsTheBuiltins) {
    try {
        gs::make_builtin_dataset(spec_for("spirals"));
        FAIL() << "expected an error";
    } catch (const gs::Error& e) {
        const std::string m = e.what();
        EXPECT_NE(m.find("'spirals'"), std::string::npos) << m;
        for (const auto& n : gs::builtin_dataset_names())
            EXPECT_NE(m.find(n), std::string::npos) << m;
        EXPECT_NE(m.find("fashion-mnist"), std::string::npos) << m;
    }
}

TEST(BuiltinDatasets, BadParametersThrow) {
    EXPECT_THROW(gs::make_builtin_dataset(spec_for("spiral", 0)), gs::Error);
    EXPECT_THROW(gs::make_builtin_dataset(spec_for("spiral", -5)), gs::Error);
    EXPECT_THROW(gs::make_builtin_dataset(spec_for("spiral", 100, -0.1f)), gs::Error);
    EXPECT_THROW(gs::make_builtin_dataset(spec_for("spiral", 100, NAN)), gs::Error);
    EXPECT_THROW(gs::make_builtin_dataset(spec_for("spiral", 100, 0, 1.0f)), gs::Error);
    EXPECT_THROW(gs::make_builtin_dataset(spec_for("spiral", 100, 0, -0.1f)), gs::Error);
}

TEST(BuiltinDatasets, NameIsCaseInsensitive) {
    auto s = gs::make_builtin_dataset(spec_for("Spiral", 100));
    EXPECT_EQ(s.train->size() + s.test->size(), 100u);
}

TEST(BuiltinDatasets, TwoClassSetsHaveSizesShapesAndBalance) {
    for (const auto& name : kTwoClass) {
        SCOPED_TRACE(name);
        const auto s = gs::make_builtin_dataset(spec_for(name, 500, 0.1f, 0.2f));
        ASSERT_TRUE(s.train && s.test);
        EXPECT_EQ(s.train->size(), 400u);
        EXPECT_EQ(s.test->size(), 100u);
        for (const auto* d : {s.train.get(), s.test.get()}) {
            EXPECT_EQ(d->item_shape(), gs::Shape{2});
            EXPECT_EQ(d->num_classes(), 2);
            EXPECT_EQ(d->target_size(), 1);
            EXPECT_EQ(d->class_names().size(), 2u);
        }
        const auto train = items_of(*s.train), test = items_of(*s.test);
        EXPECT_EQ(count_label(train, 0), 200u);
        EXPECT_EQ(count_label(train, 1), 200u);
        EXPECT_EQ(count_label(test, 0), 50u);
        EXPECT_EQ(count_label(test, 1), 50u);
        // Shuffled: the first half of the training split is not one class.
        size_t ones = 0;
        for (size_t i = 0; i < 200; ++i) ones += train[i].y == 1.0f;
        EXPECT_GT(ones, 70u);
        EXPECT_LT(ones, 130u);
    }
}

TEST(BuiltinDatasets, OddSampleCountsSplitNearlyEvenly) {
    for (const auto& name : kTwoClass) {
        SCOPED_TRACE(name);
        const auto items = all_items(gs::make_builtin_dataset(spec_for(name, 101, 0, 0.3f)));
        ASSERT_EQ(items.size(), 101u);
        EXPECT_EQ(count_label(items, 0), 51u);
        EXPECT_EQ(count_label(items, 1), 50u);
    }
}

TEST(BuiltinDatasets, SameSeedSameDataOtherSeedOtherData) {
    for (const auto& name : {"spiral", "circle", "xor", "gaussian", "moons", "line"}) {
        SCOPED_TRACE(name);
        const auto a = gs::make_builtin_dataset(spec_for(name, 200, 0.1f, 0.25f, 7));
        const auto b = gs::make_builtin_dataset(spec_for(name, 200, 0.1f, 0.25f, 7));
        const auto c = gs::make_builtin_dataset(spec_for(name, 200, 0.1f, 0.25f, 8));
        EXPECT_TRUE(same_items(*a.train, *b.train));
        EXPECT_TRUE(same_items(*a.test, *b.test));
        EXPECT_FALSE(same_items(*a.train, *c.train));
    }
}

TEST(BuiltinDatasets, CoordinatesStayInRange) {
    const float noise = 0.1f;
    for (const auto& name : {"spiral", "circle", "xor", "moons"}) {
        SCOPED_TRACE(name);
        for (const auto& it : all_items(gs::make_builtin_dataset(spec_for(name, 1000, noise)))) {
            EXPECT_LE(std::fabs(it.x[0]), 1.0f + noise + 1e-6f);
            EXPECT_LE(std::fabs(it.x[1]), 1.0f + noise + 1e-6f);
        }
        // Without noise the points span most of [-1, 1].
        float lo = 0, hi = 0;
        for (const auto& it : all_items(gs::make_builtin_dataset(spec_for(name, 1000)))) {
            EXPECT_LE(std::fabs(it.x[0]), 1.0f + 1e-6f);
            EXPECT_LE(std::fabs(it.x[1]), 1.0f + 1e-6f);
            lo = std::min(lo, it.x[0]);
            hi = std::max(hi, it.x[0]);
        }
        EXPECT_LT(lo, -0.8f);
        EXPECT_GT(hi, 0.8f);
    }
}

TEST(BuiltinDatasets, TestFractionZeroGivesAnEmptyTestSetOfTheSameShape) {
    const auto s = gs::make_builtin_dataset(spec_for("circle", 100, 0, 0.0f));
    EXPECT_EQ(s.train->size(), 100u);
    ASSERT_TRUE(s.test);
    EXPECT_EQ(s.test->size(), 0u);
    EXPECT_EQ(s.test->item_shape(), gs::Shape{2});
    EXPECT_EQ(s.test->num_classes(), 2);
}

TEST(BuiltinDatasets, XorFourSamplesAreTheExactCorners) {
    const auto s = gs::make_builtin_dataset(spec_for("xor", 4, 0.3f, 0.0f));
    const auto train = items_of(*s.train);
    ASSERT_EQ(train.size(), 4u);
    const float expect[4][3] = {{0, 0, 0}, {0, 1, 1}, {1, 0, 1}, {1, 1, 0}};
    for (size_t i = 0; i < 4; ++i) {
        EXPECT_EQ(train[i].x[0], expect[i][0]);
        EXPECT_EQ(train[i].x[1], expect[i][1]);
        EXPECT_EQ(train[i].y, expect[i][2]);
    }
    EXPECT_EQ(s.test->size(), 0u);
    // With a test split, the test set is the same four corners.
    const auto t = gs::make_builtin_dataset(spec_for("xor", 4, 0, 0.5f));
    EXPECT_EQ(t.train->size(), 4u);
    EXPECT_TRUE(same_items(*t.train, *t.test));
}

TEST(BuiltinDatasets, XorLabelsFollowTheSignOfTheProduct) {
    for (const auto& it : all_items(gs::make_builtin_dataset(spec_for("xor", 400)))) {
        const float product = it.x[0] * it.x[1];
        ASSERT_NE(product, 0.0f);
        EXPECT_EQ(it.y, product > 0 ? 0.0f : 1.0f);
    }
}

TEST(BuiltinDatasets, CircleIsADiskInsideARing) {
    for (const auto& it : all_items(gs::make_builtin_dataset(spec_for("circle", 400)))) {
        const float r = std::hypot(it.x[0], it.x[1]);
        if (it.y == 0)
            EXPECT_LE(r, 0.5f + 1e-6f);
        else
            EXPECT_GE(r, 0.7f - 1e-6f);
    }
}

TEST(BuiltinDatasets, GaussianClustersSitOnTheDiagonal) {
    double sum[2][2] = {{0, 0}, {0, 0}};
    size_t n[2] = {0, 0};
    for (const auto& it : all_items(gs::make_builtin_dataset(spec_for("gaussian", 2000)))) {
        const int c = static_cast<int>(it.y);
        sum[c][0] += it.x[0];
        sum[c][1] += it.x[1];
        ++n[c];
    }
    EXPECT_NEAR(sum[0][0] / n[0], -0.4, 0.03);
    EXPECT_NEAR(sum[0][1] / n[0], -0.4, 0.03);
    EXPECT_NEAR(sum[1][0] / n[1], 0.4, 0.03);
    EXPECT_NEAR(sum[1][1] / n[1], 0.4, 0.03);
}

TEST(BuiltinDatasets, MoonsLieOnTheirArcs) {
    for (const auto& it : all_items(gs::make_builtin_dataset(spec_for("moons", 400)))) {
        // Undo the scaling: x' = (x - 0.5) / 1.5, y' = (y - 0.25) / 1.5.
        const double x = it.x[0] * 1.5 + 0.5, y = it.x[1] * 1.5 + 0.25;
        if (it.y == 0) {
            EXPECT_NEAR(std::hypot(x, y), 1.0, 1e-5);  // upper arc about (0, 0)
            EXPECT_GE(y, -1e-5);
        } else {
            EXPECT_NEAR(std::hypot(x - 1.0, y - 0.5), 1.0, 1e-5);  // lower arc about (1, 0.5)
            EXPECT_LE(y, 0.5 + 1e-5);
        }
    }
}

TEST(BuiltinDatasets, SpiralArmsInterleave) {
    const auto items = all_items(gs::make_builtin_dataset(spec_for("spiral", 500)));
    // Class 1 is class 0 turned by half a turn.
    std::vector<std::pair<float, float>> zero, one;
    for (const auto& it : items) (it.y == 0 ? zero : one).push_back({it.x[0], it.x[1]});
    ASSERT_EQ(zero.size(), one.size());
    for (const auto& p : zero) {
        const bool found = std::any_of(one.begin(), one.end(), [&](const auto& q) {
            return std::fabs(q.first + p.first) < 1e-5f && std::fabs(q.second + p.second) < 1e-5f;
        });
        EXPECT_TRUE(found) << p.first << ", " << p.second;
    }
    // Walking out along the positive x axis crosses arm 0 (r = 1/7), arm 1
    // (3/7), arm 0 (5/7), and reaches the end of arm 1 (r near 1).
    std::vector<std::pair<float, float>> ray;  // (radius, label)
    for (const auto& it : items) {
        const float r = std::hypot(it.x[0], it.x[1]);
        if (r > 0.05f && std::fabs(std::atan2(it.x[1], it.x[0])) < 0.15f) ray.push_back({r, it.y});
    }
    std::sort(ray.begin(), ray.end());
    std::vector<float> runs;
    for (const auto& [r, label] : ray)
        if (runs.empty() || runs.back() != label) runs.push_back(label);
    EXPECT_EQ(runs, (std::vector<float>{0, 1, 0, 1}));
}

TEST(BuiltinDatasets, LineIsRegression) {
    const auto s = gs::make_builtin_dataset(spec_for("line", 200, 0.0f, 0.2f));
    EXPECT_EQ(s.train->num_classes(), 0);
    EXPECT_EQ(s.train->item_shape(), gs::Shape{1});
    EXPECT_EQ(s.train->size(), 160u);
    EXPECT_EQ(s.test->size(), 40u);
    for (const auto& it : all_items(s)) {
        EXPECT_GE(it.x[0], -1.0f);
        EXPECT_LE(it.x[0], 1.0f);
        EXPECT_NEAR(it.y, 2.0f * it.x[0] + 0.5f, 1e-5f);
    }
    // With noise, residuals have about the noise's standard deviation.
    double sq = 0;
    const auto noisy = all_items(gs::make_builtin_dataset(spec_for("line", 2000, 0.1f)));
    for (const auto& it : noisy) sq += std::pow(it.y - (2.0 * it.x[0] + 0.5), 2);
    EXPECT_NEAR(std::sqrt(sq / noisy.size()), 0.1, 0.01);
}

TEST(BuiltinDatasets, SyntheticHasTheAskedShapeAndClasses) {
    const gs::Shape item{3, 4, 5};
    const auto s = gs::make_builtin_dataset(spec_for("synthetic", 1000, 0, 0.1f), item, 10);
    EXPECT_EQ(s.train->item_shape(), item);
    EXPECT_EQ(s.train->num_classes(), 10);
    EXPECT_EQ(s.train->size(), 900u);
    EXPECT_EQ(s.test->size(), 100u);
    double sum = 0, sq = 0;
    size_t count = 0;
    std::vector<size_t> per_class(10, 0);
    for (const auto& it : all_items(s)) {
        ASSERT_EQ(it.x.size(), 60u);
        ASSERT_GE(it.y, 0.0f);
        ASSERT_LT(it.y, 10.0f);
        ASSERT_EQ(it.y, std::floor(it.y));
        ++per_class[static_cast<size_t>(it.y)];
        for (float v : it.x) {
            sum += v;
            sq += v * v;
            ++count;
        }
    }
    EXPECT_NEAR(sum / count, 0.0, 0.02);
    EXPECT_NEAR(std::sqrt(sq / count), 1.0, 0.02);
    for (size_t c : per_class) EXPECT_GT(c, 50u);

    const auto again = gs::make_builtin_dataset(spec_for("synthetic", 1000, 0, 0.1f), item, 10);
    EXPECT_TRUE(same_items(*s.train, *again.train));
}

TEST(BuiltinDatasets, SyntheticNeedsShapeAndClasses) {
    EXPECT_THROW(gs::make_builtin_dataset(spec_for("synthetic", 10)), gs::Error);
    EXPECT_THROW(gs::make_builtin_dataset(spec_for("synthetic", 10), gs::Shape{4}), gs::Error);
    EXPECT_THROW(gs::make_builtin_dataset(spec_for("synthetic", 10), gs::Shape{}, 3), gs::Error);
}

namespace {

// The two regression sets: 2-D inputs in [-1, 1], a target that follows its
// formula (plane: (x1 + x2) / 2; multi-gaussian: +1 and -1 bumps), seeded.
TEST(BuiltinRegression, PlaneFollowsItsFormula) {
    gs::DataSpec d;
    d.name = "plane";
    d.samples = 400;
    d.noise = 0;
    d.test_fraction = 0.25f;
    gs::DataSplit s = gs::make_builtin_dataset(d);
    EXPECT_EQ(s.train->num_classes(), 0);
    EXPECT_EQ(s.train->size(), 300u);
    EXPECT_EQ(s.test->size(), 100u);
    std::vector<uint32_t> idx(300);
    for (uint32_t i = 0; i < 300; ++i) idx[i] = i;
    std::vector<float> x(600), y(300);
    s.train->gather(idx.data(), 300, x.data(), y.data());
    for (int i = 0; i < 300; ++i) {
        EXPECT_LE(std::fabs(x[2 * i]), 1.0f);
        EXPECT_NEAR(y[i], 0.5f * (x[2 * i] + x[2 * i + 1]), 1e-6f);
    }
}

TEST(BuiltinRegression, MultiGaussianHasBumpsOfBothSigns) {
    gs::DataSpec d;
    d.name = "multi-gaussian";
    d.samples = 2000;
    d.test_fraction = 0;
    gs::DataSplit s = gs::make_builtin_dataset(d);
    std::vector<uint32_t> idx(2000);
    for (uint32_t i = 0; i < 2000; ++i) idx[i] = i;
    std::vector<float> x(4000), y(2000);
    s.train->gather(idx.data(), 2000, x.data(), y.data());
    float lo = 0, hi = 0;
    for (int i = 0; i < 2000; ++i) {
        lo = std::min(lo, y[i]);
        hi = std::max(hi, y[i]);
        EXPECT_LE(std::fabs(y[i]), 1.0f);
    }
    EXPECT_LT(lo, -0.8f);
    EXPECT_GT(hi, 0.8f);
    gs::DataSplit t = gs::make_builtin_dataset(d);
    std::vector<float> x2(4000), y2(2000);
    t.train->gather(idx.data(), 2000, x2.data(), y2.data());
    EXPECT_EQ(y, y2);
}

}  // namespace
