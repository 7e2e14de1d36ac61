// The session: every command in every state, exact stepping, live
// hyperparameter changes, the non-finite breakpoint, and telemetry that
// arrives in order.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <cmath>
#include <cstdio>
#include <functional>
#include <thread>

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

// Polls until done() holds or `seconds` pass; true when it held. For
// conditions that take however long the machine needs: the deadline is only
// there to end a test that would otherwise hang.
bool wait_until(const std::function<bool()>& done, double seconds = 30) {
    const auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
    while (!done()) {
        if (std::chrono::steady_clock::now() > end) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    return true;
}

TEST(Session, StartsIdleAndRefusesWhatMakesNoSense) {
    auto s = make_session();
    EXPECT_EQ(s->state(), SessionState::Idle);
    EXPECT_EQ(s->pause().reason, "cannot pause: the session is idle");
    EXPECT_EQ(s->resume().reason, "cannot resume: the session is idle — start it instead");
    EXPECT_EQ(s->stop().reason, "cannot stop: the session is idle");
    EXPECT_EQ(s->step(0).reason, "cannot step 0 batches: give at least 1");
    EXPECT_FALSE(s->set_hyperparameter("learning_rate", 0.1));
    EXPECT_FALSE(s->set_hyperparameter("lr", -1));
    EXPECT_FALSE(s->set_hyperparameter("batch_size", 2.5));
    EXPECT_EQ(s->steps_done(), 0);
}

TEST(Session, StepRunsExactlyNThenPauses) {
    auto s = make_session();
    ASSERT_TRUE(s->step(7));
    settle(*s);
    EXPECT_EQ(s->state(), SessionState::Paused);
    EXPECT_EQ(s->steps_done(), 7);
    ASSERT_TRUE(s->step(13));
    settle(*s);
    EXPECT_EQ(s->steps_done(), 20);
    TelemetryStore t;
    s->drain(t);
    EXPECT_EQ(t.loss().total_added(), 20u);
    EXPECT_EQ(t.last_step().step, 20);
}

TEST(Session, StepEpochStopsAtTheEpochsEnd) {
    auto s = make_session();  // 250 items, batch 10: 25 steps an epoch
    ASSERT_TRUE(s->step(3));
    settle(*s);
    ASSERT_TRUE(s->step_epoch());
    settle(*s);
    EXPECT_EQ(s->state(), SessionState::Paused);
    EXPECT_EQ(s->steps_done(), 25);
    TelemetryStore t;
    s->drain(t);
    ASSERT_EQ(t.epochs().size(), 1u);
    EXPECT_EQ(t.epochs()[0].epoch, 1);
    EXPECT_TRUE(t.epochs()[0].has_validation);  // the test split stands in
}

TEST(Session, RunPauseResumeStopReset) {
    auto s = make_session();
    ASSERT_TRUE(s->start());
    EXPECT_EQ(s->start().reason, "cannot start: the session is running");
    EXPECT_EQ(s->step(1).reason, "cannot step: the session is running — pause it first");
    ASSERT_TRUE(wait_until([&] { return s->steps_done() > 0; }));  // running means running
    ASSERT_TRUE(s->pause());
    settle(*s);
    const long at = s->steps_done();
    EXPECT_GT(at, 0);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));  // time for many steps, were it running
    EXPECT_EQ(s->steps_done(), at);  // paused means paused
    EXPECT_EQ(s->start().reason, "cannot start: the session is paused — resume it instead");
    ASSERT_TRUE(s->resume());
    ASSERT_TRUE(s->stop());
    settle(*s);
    EXPECT_EQ(s->state(), SessionState::Stopped);
    EXPECT_EQ(s->resume().reason, "cannot resume: the session is stopped");
    EXPECT_EQ(s->start().reason, "cannot start: the session is stopped — reset it to start again");
    ASSERT_TRUE(s->reset());
    settle(*s);
    EXPECT_EQ(s->state(), SessionState::Idle);
    EXPECT_EQ(s->steps_done(), 0);
    ASSERT_TRUE(s->step(2));
    settle(*s);
    EXPECT_EQ(s->steps_done(), 2);
}

TEST(Session, ResetReplaysTheSameRun) {
    auto s = make_session();
    ASSERT_TRUE(s->step(30));
    settle(*s);
    TelemetryStore a;
    s->drain(a);
    ASSERT_TRUE(s->reset());
    ASSERT_TRUE(s->step(30));
    settle(*s);
    TelemetryStore b;
    s->drain(b);
    auto pa = a.loss().points(), pb = b.loss().points();
    ASSERT_EQ(pa.size(), 30u);
    ASSERT_EQ(pb.size(), 30u);
    for (size_t i = 0; i < 30; ++i) EXPECT_EQ(pa[i].mean, pb[i].mean) << i;
}

TEST(Session, LearningRateChangeTakesEffectAtTheNextStep) {
    auto s = make_session();
    ASSERT_TRUE(s->step(5));
    settle(*s);
    ASSERT_TRUE(s->set_hyperparameter("lr", 0.5));
    ASSERT_TRUE(s->step(1));
    settle(*s);
    TelemetryStore t;
    s->drain(t);
    auto lr = t.lr().points();
    ASSERT_EQ(lr.size(), 6u);
    EXPECT_FLOAT_EQ(lr[4].mean, 0.03f);
    EXPECT_FLOAT_EQ(lr[5].mean, 0.5f);
    bool recorded = false;
    for (const auto& e : t.events())
        recorded = recorded || (e.kind == "hyperparameter" && e.name == "lr" && e.value == 0.5);
    EXPECT_TRUE(recorded);
}

TEST(Session, OptimizerChangeTakesEffectAtTheNextStep) {
    auto s = make_session();
    ASSERT_TRUE(s->step(5));
    settle(*s);
    gs::OptimizerSpec adam;
    adam.type = "adam";
    adam.lr = 0.01f;
    ASSERT_TRUE(s->set_optimizer(adam));
    ASSERT_TRUE(s->step(20));
    settle(*s);
    TelemetryStore t;
    s->drain(t);
    EXPECT_EQ(s->state(), gs::SessionState::Paused);
    auto lr = t.lr().points();
    ASSERT_EQ(lr.size(), 25u);
    EXPECT_FLOAT_EQ(lr[4].mean, 0.03f);
    EXPECT_FLOAT_EQ(lr[5].mean, 0.01f);
    for (const auto& p : t.loss().points()) EXPECT_TRUE(std::isfinite(p.mean));
    bool recorded = false;
    for (const auto& e : t.events())
        recorded = recorded || (e.kind == "hyperparameter" && e.name == "optimizer" &&
                                e.text == "optimizer set to adam");
    EXPECT_TRUE(recorded);
    gs::OptimizerSpec bad;
    bad.type = "lbfgs";
    const auto r = s->set_optimizer(bad);
    EXPECT_FALSE(r.ok);
    EXPECT_EQ(r.reason, "unknown optimizer 'lbfgs'; use sgd, adam, adamw or rmsprop");
}

// The nice value of every thread of this process, from /proc.
std::vector<int> thread_nice_values() {
    std::vector<int> out;
    std::vector<long> tids;
    for (const auto& e : std::filesystem::directory_iterator("/proc/self/task"))
        tids.push_back(std::stol(e.path().filename().string()));
    std::sort(tids.begin(), tids.end());  // the main thread (tid = pid) first
    for (long tid : tids) {
        char path[64];
        std::snprintf(path, sizeof path, "/proc/self/task/%ld/stat", tid);
        FILE* f = std::fopen(path, "r");
        if (!f) continue;
        char buf[1024] = {};
        const size_t n = std::fread(buf, 1, sizeof buf - 1, f);
        std::fclose(f);
        std::string line(buf, n);
        // Field 19 (nice) counts from after the command's closing parenthesis.
        std::string rest = line.substr(line.rfind(')') + 2);
        int field = 3, nice = 0;
        size_t pos = 0;
        while (field < 19 && pos != std::string::npos) {
            pos = rest.find(' ', pos) + 1;
            ++field;
        }
        nice = std::atoi(rest.c_str() + pos);
        out.push_back(nice);
    }
    return out;
}

TEST(Session, BackgroundPriorityLowersTheWorkerOnly) {
    SessionOptions o;
    o.background_priority = true;
    auto s = make_session("spiral-tanh", o);
    ASSERT_TRUE(s->step(5));
    settle(*s);
    const int own = thread_nice_values().front();  // the main thread comes first
    int lowered = 0;
    for (int n : thread_nice_values()) lowered += n == std::min(own + 5, 19);
    EXPECT_GE(lowered, 1);
    EXPECT_EQ(thread_nice_values().front(), own);
}

TEST(Session, StepsPerSecondPacesARunForWatching) {
    auto s = make_session();
    ASSERT_TRUE(s->set_hyperparameter("steps_per_second", 50));
    const auto t0 = std::chrono::steady_clock::now();
    ASSERT_TRUE(s->start());
    ASSERT_TRUE(wait_until([&] { return s->steps_done() >= 1; }));
    std::this_thread::sleep_for(std::chrono::milliseconds(400));
    ASSERT_TRUE(s->pause());
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    settle(*s);
    const long paced = s->steps_done();
    // 50 a second for however long it really ran (0.4 s or more on a busy
    // machine), plus the first step and the 0.1 s of catch-up the pacing
    // allows. Unpaced, spiral-tanh does thousands.
    EXPECT_LE(paced, static_cast<long>(50 * (seconds + 0.1)) + 1) << seconds << " s";
    // One step every 1000 s: after the first step (its turn came long ago),
    // the worker waits for the next one's turn. A pause there holds it.
    ASSERT_TRUE(s->set_hyperparameter("steps_per_second", 1e-3));
    ASSERT_TRUE(s->resume());
    ASSERT_TRUE(wait_until([&] { return s->steps_done() == paced + 1; }));
    ASSERT_TRUE(s->pause());
    settle(*s);
    EXPECT_EQ(s->steps_done(), paced + 1);
    // Explicit steps are not paced, also when asked for during that wait:
    // five at this pace would take 4000 s.
    ASSERT_TRUE(s->step(5));
    ASSERT_TRUE(s->wait_until_settled(30)) << "explicit steps waited for the pace";
    EXPECT_EQ(s->steps_done(), paced + 6);
    // 0 lifts the pace: 100 more steps (100,000 s at the old pace).
    ASSERT_TRUE(s->set_hyperparameter("steps_per_second", 0));
    ASSERT_TRUE(s->resume());
    EXPECT_TRUE(wait_until([&] { return s->steps_done() > paced + 6 + 100; })) << "still paced";
    ASSERT_TRUE(s->pause());
    settle(*s);
    EXPECT_FALSE(s->set_hyperparameter("steps_per_second", -1));
    EXPECT_FALSE(s->set_hyperparameter("steps_per_second", 1e-12));  // one step in 30,000 years
}

TEST(Session, ACheckpointThatCannotBeWrittenIsReportedAndTheRunGoesOn) {
    auto s = make_session();
    ASSERT_TRUE(s->step(3));
    settle(*s);
    ASSERT_TRUE(s->save_checkpoint("/nonexistent/dir/run.safetensors"));
    settle(*s);
    EXPECT_EQ(s->state(), SessionState::Paused);
    TelemetryStore t;
    s->drain(t);
    bool reported = false;
    for (const auto& e : t.events())
        reported = reported || (e.kind == "error" &&
                                e.text.rfind("could not save the checkpoint: ", 0) == 0 &&
                                e.text.find("/nonexistent/dir") != std::string::npos);
    EXPECT_TRUE(reported);
    ASSERT_TRUE(s->step(2));
    settle(*s);
    EXPECT_EQ(s->steps_done(), 5);
}

TEST(Session, DrainAfterAResetGivesOnlyTheNewRun) {
    auto s = make_session();
    ASSERT_TRUE(s->step(5));
    settle(*s);
    EXPECT_EQ(s->run_count(), 0u);
    ASSERT_TRUE(s->reset());  // the old run's five records are still in the rings
    ASSERT_TRUE(s->step(3));
    settle(*s);
    EXPECT_EQ(s->run_count(), 1u);
    TelemetryStore t;
    s->drain(t);
    EXPECT_EQ(t.loss().total_added(), 3u);
    EXPECT_EQ(t.last_step().step, 3);
    EXPECT_EQ(t.last_step().run, 1u);
    for (const auto& st : t.layers()) EXPECT_TRUE(st.step == 0 || st.run == 1u);
}

TEST(Session, FinishesAfterItsEpochs) {
    SessionOptions o;
    o.epochs = 2;
    auto s = make_session("spiral-tanh", o);
    ASSERT_TRUE(s->start());
    settle(*s);
    EXPECT_EQ(s->state(), SessionState::Stopped);
    EXPECT_EQ(s->steps_done(), 50);
    EXPECT_EQ(s->last_break().kind, "finished");
}

// A model on a hand-made dataset whose values are chosen to break one pass.
struct Broken {
    ModelSpec spec;
    PreparedData data;
};

Broken broken_run(const char* layers_json, float x_bad, float target, const char* loss) {
    SpecResult r = parse_spec(std::string(R"({"input": [2], "layers": )") + layers_json +
                              R"(, "loss": ")" + loss +
                              R"(", "optimizer": {"type": "sgd", "lr": 0.1}, "batch_size": 4,
                                 "data": {"name": "line"}})");
    EXPECT_TRUE(r.ok()) << r.message();
    auto d = std::make_shared<InMemoryDataset>("hand-made", Shape{2}, 0);
    for (int i = 0; i < 4; ++i) {
        const float x[2] = {i == 2 ? x_bad : 0.5f, 0.25f};
        const float y = i == 2 ? target : 1.0f;
        d->add(x, &y);
    }
    Broken b{r.spec, {}};
    b.data.train = d;
    return b;
}

TEST(Session, NonFiniteInTheForwardPassNamesTheLayer) {
    // An infinite input makes the first Dense layer's output infinite.
    Broken b = broken_run(R"([{"type": "Dense", "units": 3}, {"type": "Tanh"},
                              {"type": "Dense", "units": 1}])",
                          INFINITY, 1.0f, "mse");
    Session s(b.spec, b.data, cpu_backend());
    ASSERT_TRUE(s.start());
    settle(s);
    EXPECT_EQ(s.state(), SessionState::Paused);
    const BreakInfo k = s.last_break();
    EXPECT_EQ(k.kind, "nonfinite");
    EXPECT_EQ(k.pass, "forward");
    EXPECT_EQ(k.layer, "layer 1 (Dense)");
    EXPECT_EQ(k.step, 1);
    EXPECT_EQ(s.steps_done(), 0);  // no update happened
    EXPECT_EQ(k.message,
              "a non-finite value appeared in the forward pass at layer 1 (Dense), step 1 "
              "(epoch 1); the weights are as before that batch — lower the learning rate?");
    // The batch is kept: all four items, among them the one with the infinity.
    ASSERT_EQ(k.batch.size(), 4u);
    ASSERT_EQ(k.batch_inputs.size(), 8u);
    int infinite = 0;
    for (size_t i = 0; i < 4; ++i)
        if (std::isinf(k.batch_inputs[2 * i])) {
            ++infinite;
            EXPECT_EQ(k.batch[i], 2u);  // item 2 of the hand-made set
        }
    EXPECT_EQ(infinite, 1);
}

TEST(Session, StopOnNonFiniteCanBeTurnedOffAndOnAgain) {
    Broken b = broken_run(R"([{"type": "Dense", "units": 3}, {"type": "Tanh"},
                              {"type": "Dense", "units": 1}])",
                          INFINITY, 1.0f, "mse");
    Session s(b.spec, b.data, cpu_backend());
    ASSERT_TRUE(s.set_breakpoint("nonfinite", 0));
    ASSERT_TRUE(s.step(3));
    settle(s);
    EXPECT_EQ(s.state(), SessionState::Paused);
    EXPECT_EQ(s.steps_done(), 3);  // trained on through the infinite item
    EXPECT_TRUE(s.last_break().kind.empty());
    ASSERT_TRUE(s.set_breakpoint("nonfinite", 1));
    ASSERT_TRUE(s.step(3));
    settle(s);
    EXPECT_EQ(s.last_break().kind, "nonfinite");
    EXPECT_EQ(s.steps_done(), 3);  // the first step that met it made no update
}

TEST(Session, ResetForgetsTheLastBreakAndBreaksAreCounted) {
    Broken b = broken_run(R"([{"type": "Dense", "units": 3}, {"type": "Tanh"},
                              {"type": "Dense", "units": 1}])",
                          INFINITY, 1.0f, "mse");
    Session s(b.spec, b.data, cpu_backend());
    EXPECT_EQ(s.break_count(), 0);
    ASSERT_TRUE(s.step(3));  // stepping into the infinity
    settle(s);
    EXPECT_EQ(s.last_break().kind, "nonfinite");
    EXPECT_EQ(s.break_count(), 1);
    ASSERT_TRUE(s.reset());
    settle(s);
    EXPECT_TRUE(s.last_break().kind.empty());
    EXPECT_EQ(s.break_count(), 1);
}

TEST(Session, NonFiniteInTheBackwardPassNamesTheLayer) {
    // Everything forward stays finite (the loss is summed in double), but the
    // weight gradient of the last layer, dy * x = 1e30 * 1e10, overflows.
    Broken b = broken_run(R"([{"type": "Dense", "units": 1}])", 1e10f, 1e30f, "mse");
    Session s(b.spec, b.data, cpu_backend());
    ASSERT_TRUE(s.step(1));
    settle(s);
    const BreakInfo k = s.last_break();
    EXPECT_EQ(k.kind, "nonfinite");
    EXPECT_EQ(k.pass, "backward");
    EXPECT_EQ(k.layer, "layer 1 (Dense)");
    EXPECT_EQ(s.state(), SessionState::Paused);
}

TEST(Session, AnAbsurdLearningRateStopsAtTheFirstNonFiniteValue) {
    ModelSpec spec = load_preset("mlp-fashion");
    spec.data.name = "synthetic";
    spec.data.samples = 256;
    spec.data.test_fraction = 0;
    spec.optimizer.lr = 1e30f;
    spec.optimizer.momentum = 0;
    Session s(spec, prepare_data(spec), cpu_backend());
    ASSERT_TRUE(s.start());
    settle(s);
    EXPECT_EQ(s.state(), SessionState::Paused);
    const BreakInfo b = s.last_break();
    EXPECT_EQ(b.kind, "nonfinite");
    EXPECT_EQ(b.step, s.steps_done() + 1);  // the step that broke made no update
    EXPECT_FALSE(b.layer.empty());
}

TEST(Session, ConditionBreakpointsPauseAfterTheStep) {
    auto s = make_session();
    ASSERT_TRUE(s->set_breakpoint("loss_above", 0.0));  // any loss is above 0
    ASSERT_TRUE(s->start());
    settle(*s);
    EXPECT_EQ(s->state(), SessionState::Paused);
    EXPECT_EQ(s->steps_done(), 1);
    const BreakInfo b = s->last_break();
    EXPECT_EQ(b.kind, "condition");
    EXPECT_NE(b.message.find("rose above 0.000000 at step 1"), std::string::npos) << b.message;

    ASSERT_TRUE(s->set_breakpoint("loss_above", NAN));  // cleared
    ASSERT_TRUE(s->set_breakpoint("grad_norm_above", 1e-12));
    ASSERT_TRUE(s->resume());
    settle(*s);
    EXPECT_EQ(s->steps_done(), 2);
    EXPECT_NE(s->last_break().message.find("gradient norm"), std::string::npos);
    ASSERT_TRUE(s->set_breakpoint("grad_norm_above", NAN));
    ASSERT_TRUE(s->step(5));
    settle(*s);
    EXPECT_EQ(s->steps_done(), 7);
    EXPECT_FALSE(s->set_breakpoint("accuracy_below", 0.5));
}

TEST(Session, DeadUnitBreakpointNamesTheLayer) {
    // mlp-fashion's ReLU layers on synthetic data; any dead fraction is
    // above -1, so the first statistics taken (step 1) stop the run.
    ModelSpec spec = load_preset("mlp-fashion");
    spec.data.name = "synthetic";
    spec.data.samples = 256;
    spec.data.test_fraction = 0;
    Session s(spec, prepare_data(spec), cpu_backend());
    ASSERT_TRUE(s.set_breakpoint("dead_fraction_above", -1));
    ASSERT_TRUE(s.start());
    settle(s);
    EXPECT_EQ(s.state(), SessionState::Paused);
    EXPECT_EQ(s.steps_done(), 1);
    EXPECT_EQ(s.last_break().kind, "condition");
    EXPECT_NE(s.last_break().message.find("layer 2 (ReLU) has"), std::string::npos)
        << s.last_break().message;
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

TEST(Session, SnapshotsOnRequest) {
    auto s = make_session();  // spiral-tanh: 2 inputs, two classes, a 250-item test split
    EXPECT_EQ(s->latest_snapshot(), nullptr);
    ASSERT_TRUE(s->step(200));
    settle(*s);
    SnapshotRequest q;
    q.probe = 3;
    q.grid = 16;
    q.misclassified = 5;
    ASSERT_TRUE(s->request_snapshot(q));
    settle(*s);
    auto snap = s->latest_snapshot();
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

TEST(Session, ResumeEqualsTheUninterruptedRunBitForBit) {
    const std::string ckpt = testing::TempDir() + "gs_session_resume.safetensors";
    SessionOptions o;
    o.epochs = 3;
    auto whole = make_session("spiral-tanh", o);
    ASSERT_TRUE(whole->start());
    settle(*whole);
    TelemetryStore all;
    whole->drain(all);
    ASSERT_EQ(all.loss().total_added(), 75u);

    auto first = make_session("spiral-tanh", o);
    ASSERT_TRUE(first->step(37));  // mid-epoch
    settle(*first);
    ASSERT_TRUE(first->save_checkpoint(ckpt));
    settle(*first);
    o.resume_from = ckpt;
    auto second = make_session("spiral-tanh", o);
    EXPECT_EQ(second->steps_done(), 37);
    ASSERT_TRUE(second->start());
    settle(*second);
    TelemetryStore rest;
    second->drain(rest);
    auto a = all.loss().points(), b = rest.loss().points();
    ASSERT_EQ(b.size(), 75u - 37u);
    for (size_t i = 0; i < b.size(); ++i) {
        EXPECT_EQ(b[i].x, a[37 + i].x);
        EXPECT_EQ(b[i].mean, a[37 + i].mean) << "step " << b[i].x;
    }
    std::remove(ckpt.c_str());
}

TEST(Session, EarlyStoppingAfterEpochsWithoutImprovement) {
    SessionOptions o;
    o.early_stop_patience = 2;
    ModelSpec spec = load_preset("spiral-tanh");
    spec.optimizer.lr = 1e-12f;  // the validation loss cannot improve measurably
    Session s(spec, prepare_data(spec), cpu_backend(), o);
    ASSERT_TRUE(s.start());
    settle(s);
    EXPECT_EQ(s.state(), SessionState::Stopped);
    EXPECT_EQ(s.last_break().kind, "early-stop");
    // Epoch 1 sets the best; epochs 2 and 3 fail to beat it.
    EXPECT_LE(s.steps_done(), 3 * 25);
}

TEST(Session, ValidatesEveryNStepsWhenAsked) {
    SessionOptions o;
    o.validate_every = 10;
    auto s = make_session("spiral-tanh", o);
    ASSERT_TRUE(s->step(35));
    settle(*s);
    TelemetryStore t;
    s->drain(t);
    std::vector<long> at;
    for (const auto& e : t.events())
        if (e.kind == "validation") at.push_back(e.step);
    EXPECT_EQ(at, (std::vector<long>{10, 20, 30}));
    ASSERT_EQ(t.epochs().size(), 1u);  // and at the end of epoch 1 (step 25)
    EXPECT_TRUE(t.epochs()[0].has_validation);
}

TEST(Session, DestroyingARunningSessionStopsIt) {
    // 200,000 epochs of spiral-tanh: five million steps, minutes of training.
    SessionOptions o;
    o.epochs = 200000;
    auto s = make_session("spiral-tanh", o);
    ASSERT_TRUE(s->start());
    ASSERT_TRUE(wait_until([&] { return s->steps_done() > 0; }));
    const auto t0 = std::chrono::steady_clock::now();
    s.reset();
    // The worker stops after the step it is in (microseconds); the bound is only
    // there to tell that from running the whole run.
    EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(20));
}

// A command never waits for the step in progress: bursts of commands while
// cnn-fashion trains on batches of 512 (a step takes 150 ms or more) each
// see at most one step end, where commands that waited for the step would
// see one per command. Counted in steps, not in milliseconds, so a busy
// machine slows both sides alike.
TEST(Session, CommandsReturnAtOnceWhileTraining) {
    ModelSpec spec = load_preset("cnn-fashion");
    spec.data.name = "synthetic";
    spec.data.samples = 1024;
    spec.data.test_fraction = 0;
    spec.batch_size = 512;
    SessionOptions o;
    o.epochs = 1000;  // runs until stopped
    Session s(spec, prepare_data(spec), cpu_backend(), o);
    ASSERT_TRUE(s.start());
    ASSERT_TRUE(wait_until([&] { return s.steps_done() >= 1; }, 60));
    TelemetryStore t;
    const long first = s.steps_done();
    long worst = 0;
    for (int i = 0; i < 10; ++i) {
        const long before = s.steps_done();
        for (int k = 0; k < 4; ++k) {
            EXPECT_EQ(s.state(), SessionState::Running);
            s.drain(t);
            EXPECT_TRUE(s.set_hyperparameter("lr", 1e-3));
        }
        const long after = s.steps_done();
        worst = std::max(worst, after - before);
        // The next burst in another step.
        ASSERT_TRUE(wait_until([&] { return s.steps_done() > after; }, 60));
    }
    s.stop();
    settle(s);
    EXPECT_LE(worst, 1) << "a burst of 12 commands saw " << worst << " steps end";
    EXPECT_GE(s.steps_done() - first, 10);
}

}  // namespace
}  // namespace gs
