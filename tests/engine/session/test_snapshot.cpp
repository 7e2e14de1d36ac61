// Snapshots carry the weights, gradients and biases of Dense and Conv2D
// layers for drawing: equal to the model's parameters (as a checkpoint
// saves them), gradients of the last step (as the layer statistics measure
// them), nothing for layers without weights, and the size cap respected.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>

#include "gradscope/io.h"
#include "gradscope/presets.h"
#include "gradscope/session.h"

namespace gs {
namespace {

std::shared_ptr<const Snapshot> snapshot_after(Session& s, long steps, const SnapshotRequest& q) {
    EXPECT_TRUE(s.step(steps));
    EXPECT_TRUE(s.wait_until_settled(60));
    EXPECT_TRUE(s.request_snapshot(q));
    EXPECT_TRUE(s.wait_until_settled(60));
    return s.latest_snapshot();
}

double l2(const std::vector<float>& v) {
    double sum = 0;
    for (float x : v) sum += static_cast<double>(x) * x;
    return std::sqrt(sum);
}

TEST(Snapshot, DenseWeightsEqualTheModelsAfterTraining) {
    ModelSpec spec = load_preset("spiral-tanh");
    SessionOptions o;
    o.stats_budget = 1e9;  // statistics after every step: the last one is comparable
    o.stats_min_interval_ms = 0;
    Session s(spec, prepare_data(spec), cpu_backend(), o);
    SnapshotRequest q;
    q.grid = 0;
    auto snap = snapshot_after(s, 40, q);
    ASSERT_NE(snap, nullptr);
    ASSERT_EQ(snap->step, 40);
    ASSERT_EQ(snap->weights.size(), spec.layers.size());
    ASSERT_EQ(snap->weight_grads.size(), spec.layers.size());
    ASSERT_EQ(snap->parameter_shapes.size(), spec.layers.size());

    const std::string ckpt = testing::TempDir() + "gs_snapshot_params.safetensors";
    ASSERT_TRUE(s.save_checkpoint(ckpt));
    ASSERT_TRUE(s.wait_until_settled(60));
    const SafetensorsFile f = load_safetensors(ckpt);
    std::remove(ckpt.c_str());

    TelemetryStore store;
    s.drain(store);
    const std::vector<int> units{8, 0, 8, 0, 1, 0}, inputs{2, 0, 8, 0, 8, 0};
    for (size_t l = 0; l < spec.layers.size(); ++l) {
        SCOPED_TRACE("layer " + std::to_string(l));
        if (spec.layers[l].type != "Dense") {  // Tanh, Sigmoid: nothing
            EXPECT_TRUE(snap->parameter_shapes[l].empty());
            EXPECT_TRUE(snap->weights[l].empty());
            EXPECT_TRUE(snap->weight_grads[l].empty());
            EXPECT_TRUE(snap->biases[l].empty());
            continue;
        }
        EXPECT_EQ(snap->parameter_shapes[l], (std::vector<int>{units[l], inputs[l]}));
        const NamedArray* w = f.find("layers." + std::to_string(l) + ".weight");
        const NamedArray* b = f.find("layers." + std::to_string(l) + ".bias");
        ASSERT_NE(w, nullptr);
        ASSERT_NE(b, nullptr);
        EXPECT_EQ(snap->weights[l], w->values);  // bit for bit
        EXPECT_EQ(snap->biases[l], b->values);
        // The gradients of step 40, as the statistics of step 40 measured them.
        ASSERT_EQ(snap->weight_grads[l].size(), w->values.size());
        const LayerStats& st = store.layers()[l];
        ASSERT_EQ(st.step, 40);
        EXPECT_GT(st.grad_norm, 0.0f);
        EXPECT_NEAR(l2(snap->weight_grads[l]), st.grad_norm, 1e-5 * st.grad_norm + 1e-9);
        EXPECT_NEAR(l2(snap->weights[l]), st.weight_norm, 1e-5 * st.weight_norm);
    }
    // The weights moved since initialization: a snapshot before training differs.
    Session fresh(spec, prepare_data(spec), cpu_backend());
    ASSERT_TRUE(fresh.request_snapshot(q));
    ASSERT_TRUE(fresh.wait_until_settled(60));
    EXPECT_NE(fresh.latest_snapshot()->weights[0], snap->weights[0]);
}

// A 1-input model's snapshot holds its fitted curve: `grid` points along the
// input (lo..hi, the training inputs' range with a margin), each the model's
// output there. For linear regression's Dense 1 that is w * x + b.
TEST(Snapshot, OneInputModelsGetTheirFittedCurve) {
    ModelSpec spec = load_preset("linear-regression");
    Session s(spec, prepare_data(spec), cpu_backend());
    SnapshotRequest q;
    q.grid = 256;
    auto snap = snapshot_after(s, 20, q);
    ASSERT_NE(snap, nullptr);
    ASSERT_EQ(snap->grid, 256);
    EXPECT_LT(snap->lo[0], snap->hi[0]);
    ASSERT_EQ(snap->grid_units.size(), 1u);
    ASSERT_EQ(snap->grid_units[0].size(), 1u);
    const std::vector<float>& curve = snap->grid_units[0][0];
    ASSERT_EQ(curve.size(), 256u);
    ASSERT_EQ(snap->weights[0].size(), 1u);
    ASSERT_EQ(snap->biases[0].size(), 1u);
    const float w = snap->weights[0][0], b = snap->biases[0][0];
    for (int c : {0, 100, 255}) {
        const float x = snap->lo[0] + (c + 0.5f) / 256 * (snap->hi[0] - snap->lo[0]);
        EXPECT_NEAR(curve[static_cast<size_t>(c)], w * x + b, 1e-4f * (1 + std::abs(w * x + b))) << c;
    }
}

TEST(Snapshot, CapLeavesOutLargeLayersButKeepsTheirShape) {
    ModelSpec spec = load_preset("spiral-tanh");
    Session s(spec, prepare_data(spec), cpu_backend());
    SnapshotRequest q;
    q.grid = 0;
    q.max_parameter_floats = 16;  // 2x8 = 16 fits; 8x8 = 64 and 8x1 = 8 ...
    auto snap = snapshot_after(s, 3, q);
    ASSERT_NE(snap, nullptr);
    EXPECT_EQ(snap->weights[0].size(), 16u);
    EXPECT_EQ(snap->weight_grads[0].size(), 16u);
    EXPECT_TRUE(snap->weights[2].empty());  // 64 > 16
    EXPECT_TRUE(snap->weight_grads[2].empty());
    EXPECT_EQ(snap->parameter_shapes[2], (std::vector<int>{8, 8}));
    EXPECT_EQ(snap->weights[4].size(), 8u);  // 8 <= 16
}

TEST(Snapshot, ParametersOnlyWhenAskedFor) {
    ModelSpec spec = load_preset("spiral-tanh");
    Session s(spec, prepare_data(spec), cpu_backend());
    SnapshotRequest q;
    q.grid = 0;
    q.parameters = false;
    auto snap = snapshot_after(s, 2, q);
    ASSERT_NE(snap, nullptr);
    EXPECT_TRUE(snap->weights.empty());
    EXPECT_TRUE(snap->parameter_shapes.empty());
}

TEST(Snapshot, ConvKernelsUnderTheCap) {
    ModelSpec spec = load_preset("cnn-fashion");
    spec.data.name = "synthetic";  // the shapes matter here, not Fashion-MNIST
    spec.data.samples = 128;
    spec.data.limit = 0;
    spec.data.normalize = false;
    Session s(spec, prepare_data(spec), cpu_backend());
    SnapshotRequest q;
    q.grid = 0;
    q.confusion = false;
    q.max_parameter_floats = 20000;  // conv 1: 32x1x3x3 = 288; conv 2: 64x32x3x3 = 18432;
                                     // conv 3: 36864; dense 1: 64x576 = 36864; dense 2: 640
    auto snap = snapshot_after(s, 2, q);
    ASSERT_NE(snap, nullptr);
    EXPECT_EQ(snap->parameter_shapes[0], (std::vector<int>{32, 1, 3, 3}));
    EXPECT_EQ(snap->weights[0].size(), 288u);
    EXPECT_EQ(snap->biases[0].size(), 32u);
    EXPECT_EQ(snap->weights[3].size(), 18432u);
    EXPECT_TRUE(snap->weights[6].empty());
    EXPECT_EQ(snap->parameter_shapes[6], (std::vector<int>{64, 64, 3, 3}));
    EXPECT_TRUE(snap->weights[9].empty());
    EXPECT_EQ(snap->weights[11].size(), 640u);
    for (size_t l : {1u, 2u, 8u, 12u}) EXPECT_TRUE(snap->parameter_shapes[l].empty()) << l;
}

// Issue 14: per-unit views have a budget whatever the spec. 3,000 Tanh
// layers of 2 units would be 3,000 x 2 x 64 x 64 floats of decision grids
// (98 MB; at 512 x 512, 6.3 GB); a grid finer than kMaxGrid is refused.
TEST(Snapshot, GridsAndProbesStayWithinTheirBudget) {
    ModelSpec spec = load_preset("spiral-tanh");  // Dense(8) Tanh Dense(8) Tanh Dense(1) Sigmoid
    const std::vector<LayerSpec> preset = spec.layers;
    spec.layers = {preset[0]};
    spec.layers[0].units = 2;
    spec.layers.insert(spec.layers.end(), 3000, preset[1]);  // Tanh
    spec.layers.push_back(preset[4]);
    spec.layers.push_back(preset[5]);
    spec.batch_size = 256;  // the grid's 4,096 points in 16 passes
    Session s(spec, prepare_data(spec), cpu_backend());
    const CommandResult r = s.step(1);
    ASSERT_TRUE(r) << r.reason;
    ASSERT_TRUE(s.wait_until_settled(60));
    SnapshotRequest q;
    q.confusion = false;
    q.parameters = false;
    q.grid = SnapshotRequest::kMaxGrid + 1;
    EXPECT_FALSE(s.request_snapshot(q));  // refused, with the range
    q.grid = 64;  // 3,003 layers x 2 units x 64 x 64 floats: past the budget
    ASSERT_TRUE(s.request_snapshot(q));
    ASSERT_TRUE(s.wait_until_settled(120));
    auto snap = s.latest_snapshot();
    ASSERT_NE(snap, nullptr);
    EXPECT_EQ(snap->grid, 64);
    size_t floats = 0, layers_with_grids = 0;
    for (const auto& units : snap->grid_units) {
        layers_with_grids += !units.empty();
        for (const auto& u : units) floats += u.size();
    }
    EXPECT_LE(floats, SnapshotRequest::kMaxGridFloats);
    EXPECT_GT(layers_with_grids, 0u);  // the first layers still have theirs
    EXPECT_FALSE(snap->grid_units[0].empty());
    EXPECT_EQ(snap->grid_layers_left_out, spec.layers.size() - layers_with_grids);
    EXPECT_GT(snap->grid_layers_left_out, 0u);
    // Every layer keeps its shape; the probe's floats are within theirs.
    ASSERT_EQ(snap->probe_shapes.size(), spec.layers.size());
    size_t probe = 0;
    for (const auto& a : snap->probe_activations) probe += a.size();
    EXPECT_LE(probe, SnapshotRequest::kMaxProbeFloats);
}

}  // namespace
}  // namespace gs
