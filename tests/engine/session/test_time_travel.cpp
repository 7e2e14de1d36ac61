// Time travel in a session: any past step rebuilt from the restore points is
// the state the run had at that step, bit for bit (every preset with data
// here, a model with BatchNorm, dropout and augmentation, settings changed
// while it ran); showing a past step leaves the run as it was and gives the
// statistics and snapshot the run gave then; rewinding goes back and on
// again the same way; a non-finite value leaves a healthy step to go back
// to; a past step saved as a checkpoint resumes as the run went on.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <map>

#include "gradscope/error.h"
#include "gradscope/io.h"
#include "gradscope/presets.h"
#include "gradscope/session.h"
#include "session_checks.h"

namespace gs {
namespace {

using test::live_state;
using test::same_state;
using test::settle;
using test::state_at;

// Runs `total` steps, keeping the live state at each step of `at` on the
// way, then rebuilds each of them (in the order given) and compares.
void check_exact_replay(const ModelSpec& spec, PreparedData data, long total, std::vector<long> at,
                        SessionOptions o = {}) {
    Session s(spec, std::move(data), cpu_backend(), o);
    std::vector<long> sorted = at;
    std::sort(sorted.begin(), sorted.end());
    std::map<long, SafetensorsFile> live;
    long done = 0;
    for (long a : sorted) {
        if (a > done) {
            ASSERT_TRUE(s.step(a - done));
            settle(s);
            done = a;
        }
        live[a] = live_state(s);
    }
    if (total > done) {
        ASSERT_TRUE(s.step(total - done));
        settle(s);
    }
    ASSERT_EQ(s.steps_done(), total);
    for (long a : at) {
        std::string why;
        EXPECT_TRUE(same_state(live[a], state_at(s, a), &why)) << spec.name << " step " << a << ": " << why;
    }
}

PreparedData data_or_skip(const ModelSpec& spec) {
    try {
        return prepare_data(spec);
    } catch (const Error& e) {
        return {};
    }
}

TEST(TimeTravel, SpiralReplaysExactly) {
    const ModelSpec s = load_preset("spiral-tanh");
    // 25 steps an epoch: epoch ends, mid-epoch, the first and the last step,
    // asked for backwards and forwards.
    check_exact_replay(s, prepare_data(s), 3000, {2999, 0, 25, 24, 26, 777, 1500, 3000, 1});
}

TEST(TimeTravel, SpiralReplaysExactlyWhenThinnedHard) {
    const ModelSpec s = load_preset("spiral-tanh");
    SessionOptions o;
    o.restore_budget = 48 << 10;  // a few dozen points for 4,000 steps: spacings double and widen
    check_exact_replay(s, prepare_data(s), 4000, {3, 1234, 2048, 3999, 17});
}

TEST(TimeTravel, XorAndLinearRegressionReplayExactly) {
    for (const char* name : {"xor-sigmoid", "linear-regression"}) {
        ModelSpec s = load_preset(name);
        s.epochs = 100000;  // one step an epoch: enough epochs for the steps
        SessionOptions o;
        o.restore_spacing = 16;
        check_exact_replay(s, prepare_data(s), 500, {0, 7, 64, 333, 499}, o);
    }
}

TEST(TimeTravel, FashionPresetsReplayExactly) {
    for (const char* name : {"mlp-fashion", "cnn-fashion"}) {
        const ModelSpec s = load_preset(name);
        PreparedData d = data_or_skip(s);
        if (!d.train) GTEST_SKIP() << "Fashion-MNIST is not installed";
        SessionOptions o;
        o.restore_spacing = 8;  // replays of up to 7 steps
        check_exact_replay(s, std::move(d), 30, {29, 0, 13, 30}, o);
    }
}

// A small CNN with BatchNorm (running statistics), dropout (masks from the
// step), flips and crops (from the item's place in the run) and a cosine
// schedule with warm-up, on synthetic images.
ModelSpec busy_spec() {
    SpecResult r = parse_spec(R"({
      "name": "busy",
      "input": [1, 8, 8],
      "layers": [
        {"type": "Conv2D", "filters": 4, "kernel": 3, "padding": 1}, {"type": "BatchNorm"},
        {"type": "ReLU"}, {"type": "MaxPool2D"}, {"type": "Flatten"}, {"type": "Dropout", "rate": 0.3},
        {"type": "Dense", "units": 3}, {"type": "Softmax"}],
      "loss": "softmax_cross_entropy",
      "optimizer": {"type": "adam", "lr": 0.01},
      "schedule": {"type": "cosine", "total_steps": 300, "warmup_steps": 20},
      "batch_size": 16, "epochs": 50, "seed": 5,
      "data": {"name": "synthetic", "samples": 120, "test_fraction": 0.25, "seed": 2,
               "augment_flip": true, "augment_crop_padding": 1}})");
    EXPECT_TRUE(r.ok()) << r.message();
    return r.spec;
}

PreparedData busy_data(const ModelSpec& s) {
    PreparedData d;
    DataSplit split = make_builtin_dataset(s.data, s.input, 3);
    d.train = split.train;
    d.test = split.test;
    d.preprocess.flip = true;
    d.preprocess.crop_padding = 1;
    return d;
}

void check_busy_replay(const SessionOptions& o) {
    const ModelSpec spec = busy_spec();
    Session s(spec, busy_data(spec), cpu_backend(), o);
    std::map<long, SafetensorsFile> live;
    auto run_to = [&](long step) {
        ASSERT_TRUE(s.step(step - s.steps_done()));
        settle(s);
        live[step] = live_state(s);
    };
    run_to(10);
    ASSERT_TRUE(s.set_hyperparameter("lr", 0.003));  // between two points: the journal replays it
    run_to(45);
    ASSERT_TRUE(s.set_hyperparameter("batch_size", 7));  // mid-epoch, another batch size
    run_to(70);
    OptimizerSpec sgd;
    sgd.type = "sgd";
    sgd.lr = 0.05f;
    sgd.momentum = 0.9f;
    ASSERT_TRUE(s.set_optimizer(sgd));  // another optimizer, its state from zero
    ASSERT_TRUE(s.set_hyperparameter("weight_decay", 1e-3));
    run_to(101);
    ScheduleSpec step_schedule;
    step_schedule.type = "step";
    step_schedule.step_size = 30;
    step_schedule.gamma = 0.5f;
    ASSERT_TRUE(s.set_schedule(step_schedule));
    run_to(160);
    for (long at : {101L, 10L, 159L, 45L, 70L, 160L}) {
        if (!live.count(at)) continue;
        std::string why;
        EXPECT_TRUE(same_state(live[at], state_at(s, at), &why)) << "step " << at << ": " << why;
    }
    // A step between the changes, rebuilt twice from different starting
    // points (a point, and the replayer already past it), is the same.
    const SafetensorsFile a = state_at(s, 60), b = state_at(s, 140), c = state_at(s, 60);
    EXPECT_TRUE(same_state(a, c));
    EXPECT_FALSE(same_state(a, b));
}

TEST(TimeTravel, BatchNormDropoutAugmentationAndChangedSettingsReplayExactly) {
    SessionOptions o;
    o.restore_spacing = 32;
    check_busy_replay(o);
}

// The same when taking points seems dear (as on a loaded machine): the
// spacing doubles at every point, so replays start from other points and
// cross the journal's changes from elsewhere.
TEST(TimeTravel, ReplaysAreExactWhateverPointsAreKept) {
    SessionOptions o;
    o.restore_spacing = 8;
    o.restore_cost_budget = 1e-12;
    check_busy_replay(o);
}

TEST(TimeTravel, ShowingAPastStepLeavesTheRunAsItWas) {
    const ModelSpec spec = load_preset("spiral-tanh");
    SessionOptions o;
    o.stats_budget = 1e9;  // statistics after every step, to compare with
    o.stats_min_interval_ms = 0;
    Session watched(spec, prepare_data(spec), cpu_backend(), o);
    Session plain(spec, prepare_data(spec), cpu_backend(), o);
    TelemetryStore store;
    ASSERT_TRUE(watched.step(200));
    settle(watched);
    watched.drain(store);
    ASSERT_TRUE(watched.step(100));  // few enough that no statistics record is dropped
    settle(watched);
    watched.drain(store);
    ASSERT_EQ(watched.dropped_records(), 0u);
    // The snapshot the run gives at step 300, while it is there.
    SnapshotRequest q;
    q.grid = 16;
    ASSERT_TRUE(watched.request_snapshot(q));
    settle(watched);
    const std::shared_ptr<const Snapshot> then = watched.latest_snapshot();
    ASSERT_TRUE(then);
    ASSERT_TRUE(watched.step(200));
    settle(watched);
    ASSERT_TRUE(watched.show_step(300, q));
    settle(watched);
    const std::shared_ptr<const PastStep> past = watched.latest_past_step();
    ASSERT_TRUE(past);
    EXPECT_EQ(past->step, 300);
    EXPECT_EQ(past->snapshot.step, 300);
    EXPECT_EQ(past->snapshot.probe_activations, then->probe_activations);
    EXPECT_EQ(past->snapshot.grid_units, then->grid_units);
    EXPECT_EQ(past->snapshot.weights, then->weights);
    EXPECT_EQ(past->snapshot.weight_grads, then->weight_grads);
    // The statistics are the ones the run published after step 300.
    ASSERT_EQ(past->layers.size(), store.layers().size());
    for (const LayerStats& l : past->layers) {
        const LayerStats& t = store.layers()[static_cast<size_t>(l.layer)];
        EXPECT_EQ(t.step, 300);
        EXPECT_EQ(l.act_mean, t.act_mean);
        EXPECT_EQ(l.act_std, t.act_std);
        EXPECT_EQ(l.grad_norm, t.grad_norm);
        EXPECT_EQ(l.weight_norm, t.weight_norm);
        EXPECT_EQ(std::memcmp(l.grads.counts, t.grads.counts, sizeof l.grads.counts), 0);
    }
    EXPECT_EQ(past->record.step, 300);
    EXPECT_FALSE(std::isnan(past->record.loss));
    // The run goes on exactly as one that was never looked back at.
    ASSERT_TRUE(watched.step(100));
    ASSERT_TRUE(plain.step(600));
    settle(watched);
    settle(plain);
    std::string why;
    EXPECT_TRUE(same_state(live_state(watched, "w"), live_state(plain, "p"), &why)) << why;
}

// A weight set by hand between steps (the classroom) is part of the run: a
// replay from a restore point before it sets it at the same place.
TEST(TimeTravel, AWeightSetByHandIsReplayed) {
    const ModelSpec spec = load_preset("spiral-tanh");
    SessionOptions o;
    o.restore_spacing = 64;  // the point before step 90 is step 64, before the edit
    Session s(spec, prepare_data(spec), cpu_backend(), o);
    ASSERT_TRUE(s.step(70));
    settle(s);
    ASSERT_TRUE(s.set_parameter({0, "weight", 1, 0, 2.5f}));
    ASSERT_TRUE(s.step(20));
    settle(s);
    const SafetensorsFile at90 = live_state(s);
    ASSERT_TRUE(s.step(60));
    settle(s);
    std::string why;
    EXPECT_TRUE(same_state(at90, state_at(s, 90), &why)) << why;
    // Rewinding to a step after the edit (rebuilt from step 64, through the
    // edit) and going on again takes the same way.
    ASSERT_TRUE(s.rewind(80));
    settle(s);
    ASSERT_TRUE(s.step(10));
    settle(s);
    EXPECT_TRUE(same_state(at90, live_state(s), &why)) << why;
}

TEST(TimeTravel, OnlyTheNewestShowStepIsMade) {
    const ModelSpec spec = load_preset("spiral-tanh");
    Session s(spec, prepare_data(spec), cpu_backend());
    ASSERT_TRUE(s.step(1000));
    settle(s);
    for (long step = 10; step <= 900; step += 10) ASSERT_TRUE(s.show_step(step));
    settle(s);
    ASSERT_TRUE(s.latest_past_step());
    EXPECT_EQ(s.latest_past_step()->step, 900);
    EXPECT_FALSE(s.show_step(1001));
    EXPECT_FALSE(s.show_step(-1));
}

TEST(TimeTravel, RewindGoesBackAndOnTheSameWay) {
    const ModelSpec spec = load_preset("spiral-tanh");
    Session s(spec, prepare_data(spec), cpu_backend());
    TelemetryStore store;
    ASSERT_TRUE(s.step(200));
    settle(s);
    const SafetensorsFile at200 = live_state(s);
    s.drain(store);
    ASSERT_EQ(store.loss().total_added(), 200u);
    ASSERT_TRUE(s.rewind(120));
    settle(s);
    EXPECT_EQ(s.steps_done(), 120);
    s.drain(store);  // the store forgets steps 121 to 200
    EXPECT_EQ(store.last_step().step, 120);
    EXPECT_EQ(store.loss().total_added(), 120u);
    ASSERT_TRUE(s.step(80));
    settle(s);
    s.drain(store);
    EXPECT_EQ(store.loss().total_added(), 200u);
    EXPECT_EQ(store.last_step().step, 200);
    std::string why;
    EXPECT_TRUE(same_state(at200, live_state(s), &why)) << why;
    // Steps after the rewind are gone.
    EXPECT_FALSE(s.show_step(201));
}

TEST(TimeTravel, RewindAfterANonFiniteValueLandsOnAFiniteState) {
    ModelSpec spec = load_preset("linear-regression");
    spec.epochs = 100000;
    Session s(spec, prepare_data(spec), cpu_backend());
    ASSERT_TRUE(s.step(100));
    settle(s);
    // A learning rate far too large: within a few steps the weights overflow
    // and a step meets a non-finite value.
    ASSERT_TRUE(s.set_hyperparameter("lr", 1e30));
    ASSERT_TRUE(s.resume());
    settle(s);
    const BreakInfo b = s.last_break();
    ASSERT_EQ(b.kind, "nonfinite") << b.message;
    ASSERT_GT(b.step, 101);
    EXPECT_EQ(b.last_healthy_step, b.step - 2);  // the last state a whole step went through from
    EXPECT_FALSE(test::all_finite(live_state(s)));
    ASSERT_TRUE(s.rewind(b.last_healthy_step));
    settle(s);
    EXPECT_EQ(s.steps_done(), b.last_healthy_step);
    EXPECT_TRUE(test::all_finite(live_state(s)));
    // It is the run's state: the same settings meet the same value at the same step.
    ASSERT_TRUE(s.step(10));
    settle(s);
    EXPECT_EQ(s.last_break().kind, "nonfinite");
    EXPECT_EQ(s.last_break().step, b.step);
    // Back to before the rate was raised, that change goes too: it trains on.
    ASSERT_TRUE(s.rewind(100));
    ASSERT_TRUE(s.step(300));
    settle(s);
    EXPECT_EQ(s.steps_done(), 400) << s.last_break().message;
    EXPECT_TRUE(test::all_finite(live_state(s)));
    TelemetryStore t;
    s.drain(t);
    EXPECT_FLOAT_EQ(t.last_step().lr, 0.1f);
}

TEST(TimeTravel, APastStepSavedAsACheckpointResumesAsTheRunWentOn) {
    const ModelSpec spec = load_preset("spiral-tanh");
    Session s(spec, prepare_data(spec), cpu_backend());
    ASSERT_TRUE(s.step(700));
    settle(s);
    const std::string path = testing::TempDir() + "gs_past.safetensors";
    ASSERT_TRUE(s.save_checkpoint(path, 333));
    settle(s);
    const auto meta = checkpoint_metadata(path);
    EXPECT_EQ(meta.at("step"), "333");
    EXPECT_EQ(meta.at("run_id"), s.info().uid);
    SessionOptions o;
    o.resume_from = path;
    Session resumed(spec, prepare_data(spec), cpu_backend(), o);
    EXPECT_EQ(resumed.steps_done(), 333);
    EXPECT_EQ(resumed.first_step(), 333);
    ASSERT_TRUE(resumed.step(367));
    settle(resumed);
    std::string why;
    EXPECT_TRUE(same_state(live_state(s), live_state(resumed, "r"), &why)) << why;
    // Its own past goes back to where it started, not before.
    EXPECT_TRUE(resumed.show_step(333));
    EXPECT_FALSE(resumed.show_step(332));
    std::remove(path.c_str());
}

}  // namespace
}  // namespace gs
