// What the session shows of a network while it trains: per-layer
// statistics within their time budget, and snapshots (probe activations,
// the decision grid, the confusion matrix and the worst mistakes) on
// request.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "gradscope/presets.h"
#include "gradscope/session.h"

namespace gs {
namespace {

std::unique_ptr<Session> make_session(const std::string& preset = "spiral-tanh",
                                      SessionOptions o = {}) {
    ModelSpec s = load_preset(preset);
    return std::make_unique<Session>(s, prepare_data(s), cpu_backend(), o);
}

void settle(Session& s) { ASSERT_TRUE(s.wait_until_settled(30)) << state_name(s.state()); }

// Asks for a snapshot between steps and returns it once the worker made it.
std::shared_ptr<const Snapshot> snapshot_of(Session& s, const SnapshotRequest& q) {
    EXPECT_TRUE(s.request_snapshot(q));
    settle(s);
    return s.latest_snapshot();
}

TEST(Session, LayerStatisticsOnABudget) {
    auto s = make_session();  // spiral-tanh: Dense Tanh Dense Tanh Dense (+ fused Sigmoid)
    ASSERT_TRUE(s->step(2000));
    settle(*s);
    TelemetryStore t;
    s->drain(t);
    ASSERT_EQ(t.layers().size(), 5u);
    for (size_t i = 0; i < 5; ++i) {
        const LayerStats& l = t.layers()[i];
        EXPECT_EQ(l.layer, static_cast<int>(i));
        EXPECT_GT(l.step, 0);
        const bool dense = i % 2 == 0;
        EXPECT_EQ(l.has_weights, dense);
        if (dense) {
            EXPECT_GT(l.weight_norm, 0.0f);
            EXPECT_GT(l.grad_norm, 0.0f);
            EXPECT_NEAR(l.update_ratio, 0.03f * l.grad_norm / l.weight_norm, 1e-6f);
            uint32_t n = 0;
            for (uint32_t c : l.weights.counts) n += c;
            EXPECT_EQ(n, i == 0 ? 2u * 8 : i == 2 ? 8u * 8 : 8u * 1);  // every weight counted once
        } else {
            EXPECT_GE(l.saturated_fraction, 0.0f);  // Tanh
            EXPECT_LE(l.saturated_fraction, 1.0f);
            EXPECT_LE(l.act_std, 1.0f);
        }
        uint32_t acts = 0;
        for (uint32_t c : l.acts.counts) acts += c;
        EXPECT_EQ(acts, 10u * (i == 4 ? 1 : 8));  // the batch of 10
    }
    // The budget: on a network this small the statistics cost more than a
    // step, so they are taken far less often than every step.
    const size_t taken = t.layer_grad_norm(0).total_added();
    EXPECT_GE(taken, 1u);
    EXPECT_LT(taken, 2000u / 4);
}

// Where the worker's time went: every step counted, each stream's work
// apart from the steps', and nothing for a stream that is off.
TEST(Session, WorkerTimeCountsEachStreamApart) {
    SessionOptions o;
    o.stats_budget = 1e9;  // statistics after every step
    o.stats_min_interval_ms = 0;
    o.data_map = false;
    auto s = make_session("spiral-tanh", o);
    ASSERT_TRUE(s->step(50));
    settle(*s);
    ASSERT_NE(snapshot_of(*s, {}), nullptr);
    ASSERT_NE(snapshot_of(*s, {}), nullptr);
    const Session::WorkerTime t = s->worker_time();
    EXPECT_EQ(t.steps, 50);
    EXPECT_EQ(t.stats_samples, 50);
    EXPECT_EQ(t.snapshots, 2);
    EXPECT_GT(t.steps_ms, 0.0);
    EXPECT_GT(t.stats_ms, 0.0);
    EXPECT_GT(t.snapshots_ms, 0.0);
    EXPECT_GE(t.stats_ms, 50 * t.stats_min_ms);
    EXPECT_GE(t.snapshots_ms, 2 * t.snapshot_min_ms);
    EXPECT_GT(t.step_min_ms, 0.0);
    EXPECT_EQ(t.data_map_ms, 0.0);  // off
    o.restore_budget = 0;
    // Statistics off: none taken, no time for them.
    o.layer_stats = false;
    auto quiet = make_session("spiral-tanh", o);
    ASSERT_TRUE(quiet->step(20));
    settle(*quiet);
    EXPECT_EQ(quiet->worker_time().steps, 20);
    EXPECT_EQ(quiet->worker_time().stats_samples, 0);
    EXPECT_EQ(quiet->worker_time().stats_ms, 0.0);
    EXPECT_EQ(quiet->worker_time().restore_ms, 0.0);  // no restore points either
    EXPECT_GT(t.restore_ms, 0.0);                     // the first run took some
}

// Statistics no more often than stats_min_interval_ms of training time,
// whatever the budget allows: with a bound no run reaches, only the first
// step's sample (and a rewind's or a reset's, which ask for one at once).
TEST(Session, LayerStatisticsNoMoreOftenThanTheirLeastInterval) {
    for (const double least : {1e9, 0.0}) {
        SessionOptions o;
        o.stats_budget = 1e9;  // the budget alone: after every step
        o.stats_max_interval_ms = 0;
        o.stats_min_interval_ms = least;
        o.data_map = false;
        auto s = make_session("spiral-tanh", o);
        ASSERT_TRUE(s->step(40));
        settle(*s);
        EXPECT_EQ(s->worker_time().stats_samples, least > 0 ? 1 : 40) << "least " << least << " ms";
    }
}

// The epoch-end confusion pass comes at most every confusion_every_ms: with
// a bound no run reaches, only the first epoch's end makes one (spiral-tanh:
// 250 training items in batches of 10, so 25 steps), and a snapshot of the
// paused run one more, at its step; with none, every epoch's end.
TEST(Session, ConfusionAtEpochEndsAtMostAsOftenAsAsked) {
    for (const double every : {1e9, 0.0}) {
        SessionOptions o;
        o.confusion_every_ms = every;
        auto s = make_session("spiral-tanh", o);
        ASSERT_TRUE(s->step(250));
        settle(*s);
        ASSERT_EQ(s->epoch(), 10);
        EXPECT_EQ(s->worker_time().confusion_passes, every > 0 ? 1 : 10) << "every " << every << " ms";
        SnapshotRequest q;
        q.grid = 0;
        auto snap = snapshot_of(*s, q);
        ASSERT_NE(snap, nullptr);
        EXPECT_EQ(snap->confusion_step, 250);
        EXPECT_EQ(snap->step, 250);
        EXPECT_EQ(s->worker_time().confusion_passes, every > 0 ? 2 : 10);
    }
}

TEST(Session, SnapshotsOnRequest) {
    auto s = make_session();  // spiral-tanh: 2 inputs, two classes, a 250-item test split
    EXPECT_EQ(s->latest_snapshot(), nullptr);
    ASSERT_TRUE(s->step(200));
    settle(*s);
    SnapshotRequest q;
    q.probe = 3;
    q.grid = 16;
    q.misclassified = 5;
    auto snap = snapshot_of(*s, q);
    ASSERT_NE(snap, nullptr);
    EXPECT_EQ(snap->step, 200);
    // Probe: all six layers (the final Sigmoid too), with their shapes.
    ASSERT_EQ(snap->probe_activations.size(), 6u);
    EXPECT_EQ(snap->probe, 3);
    EXPECT_EQ(snap->probe_shapes[0], std::vector<int>{8});
    EXPECT_EQ(snap->probe_activations[0].size(), 8u);
    EXPECT_EQ(snap->probe_activations[5].size(), 1u);
    const float p = snap->probe_activations[5][0];
    EXPECT_GT(p, 0.0f);
    EXPECT_LT(p, 1.0f);
    // Tanh outputs are the tanh of the Dense outputs before them.
    for (size_t u = 0; u < 8; ++u)
        EXPECT_NEAR(snap->probe_activations[1][u], std::tanh(snap->probe_activations[0][u]), 1e-6);
    // Grid: every unit of every layer over 16 x 16 points of the plane.
    EXPECT_EQ(snap->grid, 16);
    ASSERT_EQ(snap->grid_units.size(), 6u);
    ASSERT_EQ(snap->grid_units[1].size(), 8u);
    ASSERT_EQ(snap->grid_units[5].size(), 1u);
    ASSERT_EQ(snap->grid_units[5][0].size(), 256u);
    for (float v : snap->grid_units[5][0]) EXPECT_TRUE(v > 0.0f && v < 1.0f);
    EXPECT_LT(snap->lo[0], -0.9f);  // the spiral spans about [-1, 1]
    EXPECT_GT(snap->hi[0], 0.9f);
    // Confusion matrix over the 250 test items; the mistakes are its
    // off-diagonal, most confident first.
    ASSERT_EQ(snap->classes, 2);
    uint32_t total = 0;
    for (uint32_t c : snap->confusion) total += c;
    EXPECT_EQ(total, 250u);
    const uint32_t wrong = snap->confusion[1] + snap->confusion[2];
    EXPECT_EQ(snap->mistakes.size(), std::min<size_t>(5, wrong));
    for (size_t i = 1; i < snap->mistakes.size(); ++i)
        EXPECT_GE(snap->mistakes[i - 1].confidence, snap->mistakes[i].confidence);
    for (const auto& m : snap->mistakes) EXPECT_NE(m.label, m.predicted);
    EXPECT_EQ(snap->confusion_step, 200);  // from the last epoch's validation
    // A fresh pass on request, after more steps.
    ASSERT_TRUE(s->step(3));
    settle(*s);
    q.fresh_confusion = true;
    ASSERT_TRUE(s->request_snapshot(q));
    settle(*s);
    EXPECT_EQ(s->latest_snapshot()->confusion_step, 203);
    // Training goes on from where it was.
    ASSERT_TRUE(s->step(5));
    settle(*s);
    EXPECT_EQ(s->steps_done(), 208);
}

// Every item's outcome on request, from the same pass as the matrix: the
// items of each cell are exactly as many as the cell counts.
TEST(Session, SnapshotOutcomesMatchTheConfusionMatrix) {
    auto s = make_session();
    ASSERT_TRUE(s->step(150));
    settle(*s);
    SnapshotRequest q;
    q.grid = 0;
    ASSERT_TRUE(s->request_snapshot(q));
    settle(*s);
    EXPECT_TRUE(s->latest_snapshot()->outcomes.empty());  // not asked for
    q.outcomes = true;
    ASSERT_TRUE(s->request_snapshot(q));
    settle(*s);
    auto snap = s->latest_snapshot();
    ASSERT_EQ(snap->classes, 2);
    ASSERT_EQ(snap->outcomes.size(), 250u);
    std::vector<uint32_t> counts(4, 0);
    for (size_t i = 0; i < snap->outcomes.size(); ++i) {
        const auto& o = snap->outcomes[i];
        EXPECT_EQ(o.item, static_cast<int>(i));
        EXPECT_GE(o.confidence, 0.5f);  // of the predicted class, of two
        EXPECT_LE(o.confidence, 1.0f);
        ++counts[static_cast<size_t>(o.label * 2 + o.predicted)];
    }
    EXPECT_EQ(counts, snap->confusion);
}

}  // namespace
}  // namespace gs
