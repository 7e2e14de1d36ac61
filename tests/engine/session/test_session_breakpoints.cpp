// The session's breakpoints: a non-finite value in the forward or the
// backward pass names its layer and keeps the batch, turning that check off
// and on, conditions on the loss, the gradient norm and dead units, and
// early stopping.
#include <gtest/gtest.h>

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
    // The cause is the data, not the weights: training on skips the batch.
    EXPECT_EQ(k.message,
              "a non-finite value appeared in the forward pass at layer 1 (Dense), step 1 "
              "(epoch 1); training item 2 of this batch holds a non-finite input; the weights are "
              "as before that batch, and training on skips it");
    EXPECT_LT(k.weights_max_abs, 10.0f);
    EXPECT_FALSE(k.diverged());
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

TEST(Session, DivergedWeightsAtANonFiniteBreakSayResetAndShowTheirStatistics) {
    // Linear regression at learning rate 50: the loss grows 1e4x a step and
    // overflows at step 21, when the weight is already about 1e36. No
    // learning rate brings that back: the message says reset.
    ModelSpec spec = load_preset("linear-regression");
    spec.optimizer.lr = 50;
    SessionOptions o;  // the budget's statistics: step 1's only
    o.stats_budget = 1e-9;
    o.stats_max_interval_ms = 0;
    Session s(spec, prepare_data(spec), cpu_backend(), o);
    ASSERT_TRUE(s.start());
    settle(s);
    ASSERT_EQ(s.state(), SessionState::Paused);
    const BreakInfo b = s.last_break();
    ASSERT_EQ(b.kind, "nonfinite");
    EXPECT_GT(b.weights_max_abs, 1e30f);
    EXPECT_TRUE(b.diverged());
    EXPECT_NE(b.message.find("the weights have diverged"), std::string::npos) << b.message;
    EXPECT_NE(b.message.find("reset the run"), std::string::npos) << b.message;
    EXPECT_EQ(b.message.find("lower the learning rate?"), std::string::npos) << b.message;
    // The statistics at the break (not the budget's sample of step 1), with
    // the diverged weight in them.
    TelemetryStore store;
    s.drain(store);
    ASSERT_FALSE(store.layers().empty());
    EXPECT_EQ(store.layers()[0].step, s.steps_done());
    EXPECT_TRUE(!std::isfinite(store.layers()[0].weight_norm) || store.layers()[0].weight_norm > 1e30f);
    // One batch is one epoch here: the skipped batch closed one, and it has its record.
    EXPECT_EQ(s.epoch(), static_cast<int>(store.epochs().size()));
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

}  // namespace
}  // namespace gs
