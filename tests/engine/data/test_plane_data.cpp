// The classroom's 2-D data: drawn sets ("points"), multi-class Gaussian
// clusters and spirals, and input features (x1², x2², x1·x2, sin) — read and
// written in spec JSON with their limits and errors, split and trained like
// the other 2-D sets; features change the input width, let a network with no
// hidden layer learn the circle (which raw inputs cannot), and the decision
// grid stays a picture of the plane.
#include <gtest/gtest.h>

#include <cmath>
#include <set>
#include <string>

#include "gradscope/dataset.h"
#include "gradscope/input_features.h"
#include "gradscope/session.h"
#include "gradscope/trainer.h"
#include "gradscope/validate.h"

namespace gs {
namespace {

// A spec around a data object and a layer list.
std::string spec_json(const std::string& data, const std::string& input = "[2]",
                      const std::string& layers = R"([{"type": "Dense", "units": 3}, {"type": "Softmax"}])") {
    return R"({"input": )" + input + R"(, "layers": )" + layers +
           R"(, "loss": "softmax_cross_entropy", "batch_size": 10, "epochs": 50, "data": )" + data + "}";
}

// The message of the issue on `field`, or "" when there is none.
std::string issue_on(const SpecResult& r, const std::string& field) {
    for (const SpecIssue& i : r.issues)
        if (i.field == field) return i.str();
    return "";
}

TEST(PlaneData, DrawnPointsRoundTripThroughTheSpec) {
    SpecResult r = parse_spec(spec_json(
        R"({"name": "points", "classes": 3, "points": [[0.5, -0.25, 0], [-0.75, 0.125, 2], [0.1, 0.2, 1]], "features": ["x1", "x2", "x1*x2"]})",
        "[3]"));
    ASSERT_TRUE(r.ok()) << r.message();
    ASSERT_EQ(r.spec.data.points.size(), 3u);
    EXPECT_EQ(r.spec.data.points[1], (DataPoint{-0.75f, 0.125f, 2}));
    EXPECT_EQ(r.spec.data.classes, 3);
    EXPECT_EQ(r.spec.data.features, (std::vector<std::string>{"x1", "x2", "x1*x2"}));
    const std::string text = spec_to_json(r.spec);
    EXPECT_NE(text.find(R"("points": [[0.5, -0.25, 0], [-0.75, 0.125, 2], [0.1, 0.2, 1]])"), std::string::npos) << text;
    SpecResult back = parse_spec(text);
    ASSERT_TRUE(back.ok()) << back.message();
    EXPECT_EQ(back.spec.data.points, r.spec.data.points);
    EXPECT_EQ(spec_to_json(back.spec), text);
}

TEST(PlaneData, ReadingReportsBadPointsAndFeatures) {
    SpecResult r = parse_spec(spec_json(
        R"({"name": "points", "points": [[0, 0, 0], [1, 2], [0, "a", 1], [0, 0, 99], [0, 0, 1.5]], "features": ["x1", "x1^3", "x1", "sinx1"]})"));
    EXPECT_FALSE(r.ok());
    const std::string all = r.message();
    EXPECT_NE(all.find("data.points: point 2: expects [x, y, class], got an array"), std::string::npos) << all;
    EXPECT_NE(all.find("point 3: x and y must be finite numbers"), std::string::npos) << all;
    EXPECT_NE(all.find("point 4: the class must be an integer from 0 to 15, got 99"), std::string::npos) << all;
    EXPECT_NE(all.find("point 5: the class must be an integer"), std::string::npos) << all;
    EXPECT_NE(all.find("unknown feature 'x1^3'; did you mean 'x1^2'?"), std::string::npos) << all;
    EXPECT_NE(all.find("'x1' is listed twice"), std::string::npos) << all;
    EXPECT_NE(all.find("unknown feature 'sinx1'; use x1, x2, x1^2, x2^2, x1*x2, sin(x1) or sin(x2)"), std::string::npos) << all;

    std::string many = R"({"name": "points", "points": [)";
    for (int i = 0; i <= kMaxDataPoints; ++i) many += std::string(i ? "," : "") + "[0, 0, 0]";
    r = parse_spec(spec_json(many + "]}"));
    EXPECT_EQ(issue_on(r, "data.points"),
              "data.points: 10,001 points; a drawn set holds at most 10,000 — draw fewer or use a CSV file");
    r = parse_spec(spec_json(R"({"name": "points", "points": []})"));
    EXPECT_NE(issue_on(r, "data.points").find("a drawn set needs points"), std::string::npos) << r.message();
}

TEST(PlaneData, ValidationNamesTheSetAndTheInputWidth) {
    SpecResult r = parse_spec(spec_json(R"({"name": "circle", "classes": 3})"));
    EXPECT_NE(issue_on(r, "data.classes").find("only gaussian, spiral and points take a number of classes"),
              std::string::npos) << r.message();
    r = parse_spec(spec_json(R"({"name": "gaussian", "classes": 9})"));
    EXPECT_NE(issue_on(r, "data.classes").find("must be between 2 and 6, got 9"), std::string::npos) << r.message();
    r = parse_spec(spec_json(R"({"name": "points", "classes": 2, "points": [[0, 0, 0], [1, 1, 4]]})"));
    EXPECT_NE(issue_on(r, "data.classes").find("point 2 has class 4 but classes is 2"), std::string::npos)
        << r.message();
    r = parse_spec(spec_json(R"({"name": "spiral", "points": [[0, 0, 0]]})"));
    EXPECT_NE(issue_on(r, "data.points").find("points are read for data \"points\" only"), std::string::npos)
        << r.message();
    r = parse_spec(spec_json(R"({"name": "fashion-mnist", "features": ["x1"]})", "[784]"));
    EXPECT_NE(issue_on(r, "data.features").find("input features apply to the 2-D sets"), std::string::npos)
        << r.message();
    r = parse_spec(spec_json(R"({"name": "circle", "features": ["x1", "x2", "x1^2", "x2^2"]})"));
    EXPECT_EQ(issue_on(r, "input"),
              "input: the data gives 4 inputs per point (features x1, x2, x1^2 and x2^2) but input is "
              "[2] — set \"input\" to [4]");
}

TEST(PlaneData, MultiClassClustersAndSpirals) {
    for (int k : {3, 4, 6}) {
        for (const char* name : {"gaussian", "spiral"}) {
            SCOPED_TRACE(std::string(name) + " " + std::to_string(k));
            DataSpec d;
            d.name = name;
            d.samples = 600;
            d.classes = k;
            DataSplit s = make_builtin_dataset(d);
            EXPECT_EQ(s.train->num_classes(), k);
            EXPECT_EQ(s.train->class_names().size(), static_cast<size_t>(k));
            // Every class is there in both splits, in proportion.
            std::vector<int> total(static_cast<size_t>(k), 0);
            std::vector<double> cx(static_cast<size_t>(k), 0), cy(static_cast<size_t>(k), 0);
            for (auto* split : {s.train.get(), s.test.get()}) {
                std::vector<int> count(static_cast<size_t>(k), 0);
                for (uint32_t i = 0; i < split->size(); ++i) {
                    float x[2], y;
                    split->gather(&i, 1, x, &y);
                    ++count[static_cast<size_t>(y)];
                    ++total[static_cast<size_t>(y)];
                    cx[static_cast<size_t>(y)] += x[0];
                    cy[static_cast<size_t>(y)] += x[1];
                }
                for (int c = 0; c < k; ++c)
                    EXPECT_NEAR(count[static_cast<size_t>(c)], static_cast<double>(split->size()) / k, 2);
            }
            // Gaussian clusters sit evenly on a circle of radius 0.6, class 0
            // at the top (a mean of 100 to 200 points of spread 0.15).
            if (std::string(name) == "gaussian")
                for (int c = 0; c < k; ++c) {
                    const double a = M_PI / 2 + 2 * M_PI * c / k;
                    const size_t i = static_cast<size_t>(c);
                    EXPECT_NEAR(cx[i] / total[i], 0.6 * std::cos(a), 0.05);
                    EXPECT_NEAR(cy[i] / total[i], 0.6 * std::sin(a), 0.05);
                }
        }
    }
    // Two classes are today's sets, point for point.
    DataSpec two;
    two.name = "gaussian";
    DataSpec explicit_two = two;
    explicit_two.classes = 2;
    EXPECT_EQ(dynamic_cast<InMemoryDataset&>(*make_builtin_dataset(two).train).inputs(),
              dynamic_cast<InMemoryDataset&>(*make_builtin_dataset(explicit_two).train).inputs());
}

TEST(PlaneData, ADrawnSetSplitsAndTrains) {
    // Three blobs of points drawn by hand, four classes declared (one unused).
    std::string pts;
    const float centres[3][2] = {{-0.6f, -0.5f}, {0.6f, -0.5f}, {0.0f, 0.6f}};
    for (int c = 0; c < 3; ++c)
        for (int i = 0; i < 20; ++i)
            pts += (pts.empty() ? "" : ", ") + std::string("[") +
                   std::to_string(centres[c][0] + 0.01f * static_cast<float>(i % 5 - 2)) + ", " +
                   std::to_string(centres[c][1] + 0.01f * static_cast<float>(i / 5 - 2)) + ", " +
                   std::to_string(c) + "]";
    SpecResult r = parse_spec(spec_json(R"({"name": "points", "classes": 4, "test_fraction": 0.25, "points": [)" +
                                            pts + "]}",
                                        "[2]", R"([{"type": "Dense", "units": 4}, {"type": "Softmax"}])"));
    ASSERT_TRUE(r.ok()) << r.message();
    r.spec.optimizer.lr = 0.5f;
    PreparedData data = prepare_data(r.spec);
    EXPECT_EQ(data.train->size(), 45u);
    EXPECT_EQ(data.test->size(), 15u);
    EXPECT_EQ(data.train->num_classes(), 4);
    Trainer t(r.spec, std::move(data), cpu_backend());
    for (int e = 0; e < 40; ++e) t.run_epoch();
    EXPECT_EQ(t.evaluate(*t.test_data()).accuracy, 1.0);
}

// Logistic regression (no hidden layer) on the circle.
double circle_accuracy(const std::string& features, int input) {
    const std::string data = R"({"name": "circle", "samples": 400, "test_fraction": 0.25)" +
                             (features.empty() ? "" : R"(, "features": )" + features) + "}";
    SpecResult r = parse_spec(R"({"input": [)" + std::to_string(input) +
                              R"(], "layers": [{"type": "Dense", "units": 1}, {"type": "Sigmoid"}],
        "loss": "binary_cross_entropy", "optimizer": {"type": "sgd", "lr": 1.0},
        "batch_size": 20, "epochs": 100, "data": )" + data + "}");
    EXPECT_TRUE(r.ok()) << r.message();
    PreparedData prepared = prepare_data(r.spec);
    EXPECT_EQ(prepared.train->item_shape(), Shape{input});
    Trainer t(r.spec, std::move(prepared), cpu_backend());
    for (int e = 0; e < 60; ++e) t.run_epoch();
    return t.evaluate(*t.test_data()).accuracy;
}

TEST(PlaneData, FeaturesLetOneNeuronLearnTheCircle) {
    EXPECT_GE(circle_accuracy(R"(["x1^2", "x2^2"])", 2), 0.97);
    EXPECT_GE(circle_accuracy(R"J(["x1", "x2", "x1^2", "x2^2", "x1*x2", "sin(x1)", "sin(x2)"])J", 7), 0.95);
    EXPECT_LE(circle_accuracy("", 2), 0.75);  // a straight line cannot part a disk from a ring
}

TEST(PlaneData, FeatureItemsAndTheGridOverThePlane) {
    SpecResult r = parse_spec(spec_json(R"J({"name": "moons", "samples": 100, "features": ["x2", "x1^2", "sin(x1)"]})J",
                                        "[3]", R"([{"type": "Dense", "units": 2}, {"type": "Softmax"}])"));
    ASSERT_TRUE(r.ok()) << r.message();
    PreparedData data = prepare_data(r.spec);
    // Each item is the features of its point, which gather_plane gives back.
    for (uint32_t i = 0; i < 5; ++i) {
        float x[3], y, xy[2];
        data.train->gather(&i, 1, x, &y);
        ASSERT_TRUE(data.train->gather_plane(&i, 1, xy));
        EXPECT_EQ(x[0], xy[1]);
        EXPECT_EQ(x[1], xy[0] * xy[0]);
        EXPECT_EQ(x[2], std::sin(xy[0]));
    }
    Session s(r.spec, std::move(data), cpu_backend());
    SnapshotRequest q;
    q.grid = 6;
    ASSERT_TRUE(s.request_snapshot(q));
    ASSERT_TRUE(s.wait_until_settled(30));
    auto snap = s.latest_snapshot();
    ASSERT_EQ(snap->grid, 6);
    // The grid spans the moons' plane (x in [-1, 1], y in [-0.5, 0.5]) with a margin.
    EXPECT_NEAR(snap->lo[0], -1.2, 0.1);
    EXPECT_NEAR(snap->hi[1], 0.6, 0.1);
    const std::vector<float>& w = snap->weights[0];
    for (int cell : {0, 14, 35}) {
        const float px = snap->lo[0] + (static_cast<float>(cell % 6) + 0.5f) / 6 * (snap->hi[0] - snap->lo[0]);
        const float py = snap->lo[1] + (static_cast<float>(cell / 6) + 0.5f) / 6 * (snap->hi[1] - snap->lo[1]);
        const float z = w[0] * py + w[1] * px * px + w[2] * std::sin(px) + snap->biases[0][0];
        EXPECT_NEAR(snap->grid_units[0][0][static_cast<size_t>(cell)], z, 1e-5);
    }
}

}  // namespace
}  // namespace gs
