// Optimizers and learning-rate schedules against steps worked out by hand
// from PyTorch's documented formulas (each expected number is derived in a
// comment next to it), weight decay only where a parameter asks for it,
// gradient clipping by global norm, state names and resetting.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include "gradscope/backend.h"
#include "gradscope/error.h"
#include "gradscope/layer.h"
#include "gradscope/optim.h"
#include "gradscope/spec.h"

namespace {

using gs::OptimizerSpec;
using gs::Param;
using gs::ScheduleSpec;

gs::Backend& be() { return gs::cpu_backend(); }

Param make_param(const std::string& name, const std::vector<float>& value, bool decay = true) {
    Param p;
    p.name = name;
    const gs::Shape s{static_cast<int>(value.size())};
    p.value = gs::Tensor(be(), s);
    p.grad = gs::Tensor(be(), s);
    p.value.from_host(value);
    p.decay = decay;
    return p;
}

void set_grad(Param& p, const std::vector<float>& g) { p.grad.from_host(g); }

// |got - want| <= rel * |want| + abs: float arithmetic against exact decimals.
void expect_values(const gs::Tensor& t, const std::vector<double>& want, double rel = 1e-6,
                   double abs = 1e-7) {
    const std::vector<float> got = t.to_host();
    ASSERT_EQ(got.size(), want.size());
    for (size_t i = 0; i < want.size(); ++i)
        EXPECT_NEAR(got[i], want[i], rel * std::fabs(want[i]) + abs) << "element " << i;
}

OptimizerSpec spec_of(const std::string& type) {
    OptimizerSpec s;
    s.type = type;
    return s;
}

// ------------------------------------------------------------------- SGD ---

TEST(Sgd, PlainStepIsParamMinusLrTimesGrad) {
    Param w = make_param("w", {1.0f, -2.0f, 3.0f});
    gs::Optimizer opt(spec_of("sgd"), be());
    opt.attach({{"w", &w}});
    set_grad(w, {0.5f, 0.25f, -1.0f});
    opt.step(0.1f);
    // p - lr g: 1 - 0.05 = 0.95; -2 - 0.025 = -2.025; 3 + 0.1 = 3.1
    expect_values(w.value, {0.95, -2.025, 3.1});
    EXPECT_EQ(opt.steps_taken(), 1);
    // A second step with another learning rate (the schedule's value).
    set_grad(w, {1.0f, 1.0f, 1.0f});
    opt.step(0.5f);
    expect_values(w.value, {0.45, -2.525, 2.6});
    EXPECT_EQ(opt.steps_taken(), 2);
}

TEST(Sgd, MomentumThreeSteps) {
    // v = mu v + g; p -= lr v (PyTorch: the first step sets v = g).
    OptimizerSpec s = spec_of("sgd");
    s.momentum = 0.9f;
    Param w = make_param("w", {1.0f, -2.0f});
    gs::Optimizer opt(s, be());
    opt.attach({{"w", &w}});
    // element 0: grads 1, 0.5, -0.25; element 1: grads 2, 2, 2.
    set_grad(w, {1.0f, 2.0f});
    opt.step(0.1f);
    // v1 = (1, 2); p1 = (1 - 0.1, -2 - 0.2) = (0.9, -2.2)
    expect_values(w.value, {0.9, -2.2});
    set_grad(w, {0.5f, 2.0f});
    opt.step(0.1f);
    // v2 = (0.9*1 + 0.5, 0.9*2 + 2) = (1.4, 3.8); p2 = (0.9 - 0.14, -2.2 - 0.38) = (0.76, -2.58)
    expect_values(w.value, {0.76, -2.58});
    set_grad(w, {-0.25f, 2.0f});
    opt.step(0.1f);
    // v3 = (0.9*1.4 - 0.25, 0.9*3.8 + 2) = (1.01, 5.42); p3 = (0.76 - 0.101, -2.58 - 0.542)
    expect_values(w.value, {0.659, -3.122});
    auto st = opt.named_state();
    ASSERT_EQ(st.size(), 1u);
    EXPECT_EQ(st[0].first, "w.momentum_buffer");
    expect_values(*st[0].second, {1.01, 5.42});
}

TEST(Sgd, Nesterov) {
    // v = mu v + g; p -= lr (g + mu v)
    OptimizerSpec s = spec_of("sgd");
    s.momentum = 0.9f;
    s.nesterov = true;
    Param w = make_param("w", {1.0f});
    gs::Optimizer opt(s, be());
    opt.attach({{"w", &w}});
    set_grad(w, {1.0f});
    opt.step(0.1f);
    // v1 = 1; p1 = 1 - 0.1 (1 + 0.9*1) = 1 - 0.19 = 0.81
    expect_values(w.value, {0.81});
    set_grad(w, {0.5f});
    opt.step(0.1f);
    // v2 = 0.9 + 0.5 = 1.4; p2 = 0.81 - 0.1 (0.5 + 0.9*1.4) = 0.81 - 0.176 = 0.634
    expect_values(w.value, {0.634});
}

TEST(Sgd, WeightDecayOnlyWhereParamAsksForIt) {
    // g' = g + wd p for decay=true; biases and norms (decay=false) take plain g.
    OptimizerSpec s = spec_of("sgd");
    s.weight_decay = 0.1f;
    Param w = make_param("w", {2.0f, -1.0f}, true);
    Param b = make_param("b", {2.0f}, false);
    gs::Optimizer opt(s, be());
    opt.attach({{"layers.0.weight", &w}, {"layers.0.bias", &b}});
    set_grad(w, {0.5f, 0.0f});
    set_grad(b, {0.5f});
    opt.step(0.1f);
    // w: g' = (0.5 + 0.2, 0 - 0.1) = (0.7, -0.1); p = (2 - 0.07, -1 + 0.01) = (1.93, -0.99)
    expect_values(w.value, {1.93, -0.99});
    // b: p = 2 - 0.1*0.5 = 1.95
    expect_values(b.value, {1.95});
}

TEST(Sgd, MomentumWithWeightDecay) {
    OptimizerSpec s = spec_of("sgd");
    s.momentum = 0.5f;
    s.weight_decay = 0.01f;
    Param w = make_param("w", {1.0f});
    gs::Optimizer opt(s, be());
    opt.attach({{"w", &w}});
    set_grad(w, {1.0f});
    opt.step(1.0f);
    // g' = 1 + 0.01 = 1.01; v = 1.01; p = 1 - 1.01 = -0.01
    expect_values(w.value, {-0.01}, 1e-5);
    opt.step(1.0f);
    // g' = 1 + 0.01*(-0.01) = 0.9999; v = 0.5*1.01 + 0.9999 = 1.5049; p = -0.01 - 1.5049
    expect_values(w.value, {-1.5149}, 1e-6);
}

// ------------------------------------------------------------------ Adam ---

TEST(Adam, ThreeStepsWithBiasCorrection) {
    // m = b1 m + (1-b1) g; v = b2 v + (1-b2) g^2;
    // p -= lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps)
    // lr = 0.1, b1 = 0.9, b2 = 0.999, eps = 1e-8.
    Param w = make_param("w", {1.0f, -0.5f});
    gs::Optimizer opt(spec_of("adam"), be());
    opt.attach({{"w", &w}});
    // element 0: grads 0.5, -1, 2; element 1: grads 0.1, 0.1, 0.1.
    set_grad(w, {0.5f, 0.1f});
    opt.step(0.1f);
    // t=1: m = 0.05, v = 0.00025; m^ = 0.5, v^ = 0.25; p = 1 - 0.1*0.5/(0.5+1e-8) = 0.900000002
    //      element 1: m^ = 0.1, sqrt(v^) = 0.1; p = -0.5 - 0.1 = -0.59999999
    expect_values(w.value, {0.900000002, -0.59999999});
    auto st = opt.named_state();
    ASSERT_EQ(st.size(), 2u);
    EXPECT_EQ(st[0].first, "w.exp_avg");
    EXPECT_EQ(st[1].first, "w.exp_avg_sq");
    expect_values(*st[0].second, {0.05, 0.01});
    expect_values(*st[1].second, {0.00025, 0.00001});
    set_grad(w, {-1.0f, 0.1f});
    opt.step(0.1f);
    // t=2: m = 0.045 - 0.1 = -0.055, v = 0.00024975 + 0.001 = 0.00124975;
    //      1 - b1^2 = 0.19, 1 - b2^2 = 0.001999;
    //      p = 0.900000002 + 0.1/0.19 * 0.055 / (sqrt(0.00124975)/sqrt(0.001999) + 1e-8)
    //        = 0.9366103542
    //      element 1: a constant gradient moves by lr each step: -0.69999998
    expect_values(w.value, {0.9366103542, -0.69999998});
    set_grad(w, {2.0f, 0.1f});
    opt.step(0.1f);
    // t=3: m = -0.0495 + 0.2 = 0.1505, v = 0.00124850025 + 0.004 = 0.00524850025;
    //      1 - b1^3 = 0.271, 1 - b2^3 = 0.002997001;
    //      p = 0.9366103542 - 0.1/0.271 * 0.1505 / (sqrt(v)/sqrt(0.002997001) + 1e-8)
    //        = 0.8946447927
    expect_values(w.value, {0.8946447927, -0.79999997});
    expect_values(*st[0].second, {0.1505, 0.0271});
    expect_values(*st[1].second, {0.00524850025, 0.000029970010}, 1e-5);
    EXPECT_EQ(opt.steps_taken(), 3);
}

TEST(Optimizer, SwitchingFromSgdToAdamStartsAdamFromZeroState) {
    Param w = make_param("w", {1.0f, -2.0f});
    gs::Optimizer opt(spec_of("sgd"), be());
    opt.attach({{"w", &w}});
    set_grad(w, {0.5f, -0.25f});
    opt.step(0.1f);  // sgd: w = (0.95, -1.975)
    expect_values(w.value, {0.95, -1.975});
    OptimizerSpec adam = spec_of("adam");
    opt.set_spec(adam);
    EXPECT_EQ(opt.spec().type, "adam");
    EXPECT_EQ(opt.steps_taken(), 0);
    // Adam's first step from zero moments, bias-corrected: m_hat = g,
    // v_hat = g^2, so each weight moves by lr * g / (|g| + eps) = lr * sign(g).
    set_grad(w, {2.0f, -4.0f});
    opt.step(0.01f);
    expect_values(w.value, {0.95 - 0.01, -1.975 + 0.01}, 1e-6, 1e-7);
    const auto state = opt.named_state();
    ASSERT_EQ(state.size(), 2u);
    EXPECT_EQ(state[0].first, "w.exp_avg");
    EXPECT_EQ(state[1].first, "w.exp_avg_sq");
    EXPECT_THROW(opt.set_spec(spec_of("lbfgs")), gs::Error);
}

TEST(Adam, EpsIsAddedAfterBiasCorrectingTheSecondMoment) {
    // With eps = 0.1 the placement matters: PyTorch adds eps to sqrt(v)/sqrt(1-b2^t).
    OptimizerSpec s = spec_of("adam");
    s.eps = 0.1f;
    Param w = make_param("w", {1.0f});
    gs::Optimizer opt(s, be());
    opt.attach({{"w", &w}});
    set_grad(w, {0.5f});
    opt.step(0.1f);
    // m = 0.05, v = 0.00025; denom = sqrt(0.00025)/sqrt(0.001) + 0.1 = 0.6;
    // p = 1 - 0.1/0.1 * 0.05 / 0.6 = 1 - 0.083333 = 0.916667
    expect_values(w.value, {0.9166666667});
}

TEST(Adam, L2WeightDecayIsAddedToTheGradient) {
    // Adam + L2: g' = g + wd p, then the Adam step on g'.
    OptimizerSpec s = spec_of("adam");
    s.weight_decay = 0.1f;
    Param w = make_param("w", {1.0f});
    Param b = make_param("b", {1.0f}, false);
    gs::Optimizer opt(s, be());
    opt.attach({{"w", &w}, {"b", &b}});
    set_grad(w, {0.5f});
    set_grad(b, {0.5f});
    opt.step(0.1f);
    // w: g' = 0.6; m^ = 0.6, sqrt(v^) = 0.6; p = 1 - 0.1 = 0.9 (+1.7e-9 from eps)
    expect_values(w.value, {0.9000000017});
    expect_values(b.value, {0.900000002});
    opt.step(0.1f);
    // w: g' = 0.5 + 0.09 = 0.59; m = 0.054 + 0.059 = 0.113, v = 0.00035964 + 0.0003481
    //    = 0.00070774; p = 0.9 - 0.1/0.19 * 0.113 / (sqrt(0.00070774)/sqrt(0.001999)) = 0.80004734
    expect_values(w.value, {0.8000473405});
    // b: no decay; a constant gradient moves by lr: 0.8
    expect_values(b.value, {0.80000000399});
}

TEST(AdamW, DecoupledDecayShrinksTheParamBeforeTheAdamStep) {
    // AdamW: p *= 1 - lr wd, then the Adam step on the plain gradient.
    OptimizerSpec s = spec_of("adamw");
    s.weight_decay = 0.1f;
    Param w = make_param("w", {1.0f});
    Param b = make_param("b", {1.0f}, false);
    gs::Optimizer opt(s, be());
    opt.attach({{"w", &w}, {"b", &b}});
    set_grad(w, {0.5f});
    set_grad(b, {0.5f});
    opt.step(0.1f);
    // w: p = 1 * (1 - 0.01) = 0.99; m^ = 0.5, sqrt(v^) = 0.5; p = 0.99 - 0.1 = 0.89
    //    (Adam + L2 gives 0.9 here: see the test above)
    expect_values(w.value, {0.890000002});
    expect_values(b.value, {0.900000002});
    opt.step(0.1f);
    // w: p = 0.89 * 0.99 = 0.8811; a constant gradient's Adam step is lr: 0.7811
    //    (Adam + L2 gives 0.80004734)
    expect_values(w.value, {0.78110000398});
    expect_values(b.value, {0.80000000399});
    EXPECT_GT(std::fabs(w.value.to_host()[0] - 0.8000473405), 0.01);
}

// --------------------------------------------------------------- RMSProp ---

TEST(RmsProp, WithoutMomentum) {
    // sq = alpha sq + (1-alpha) g^2; p -= lr g / (sqrt(sq) + eps); lr 0.01, alpha 0.99
    Param w = make_param("w", {1.0f});
    gs::Optimizer opt(spec_of("rmsprop"), be());
    opt.attach({{"w", &w}});
    set_grad(w, {0.5f});
    opt.step(0.01f);
    // sq = 0.01 * 0.25 = 0.0025; p = 1 - 0.01 * 0.5 / 0.05 = 0.9
    expect_values(w.value, {0.90000002});
    set_grad(w, {1.0f});
    opt.step(0.01f);
    // sq = 0.002475 + 0.01 = 0.012475; sqrt = 0.1116915495; p = 0.9 - 0.01/0.1116915495
    //    = 0.8104677318
    expect_values(w.value, {0.8104677318});
    auto st = opt.named_state();
    ASSERT_EQ(st.size(), 2u);
    EXPECT_EQ(st[0].first, "w.square_avg");
    EXPECT_EQ(st[1].first, "w.momentum_buffer");
    expect_values(*st[0].second, {0.012475});
    expect_values(*st[1].second, {0.0});
}

TEST(RmsProp, WithMomentum) {
    // buf = mu buf + g / (sqrt(sq) + eps); p -= lr buf; mu = 0.9
    OptimizerSpec s = spec_of("rmsprop");
    s.momentum = 0.9f;
    Param w = make_param("w", {1.0f});
    gs::Optimizer opt(s, be());
    opt.attach({{"w", &w}});
    set_grad(w, {0.5f});
    opt.step(0.01f);
    // sq = 0.0025; buf = 0.5 / 0.05 = 10; p = 1 - 0.1 = 0.9
    expect_values(w.value, {0.90000002});
    set_grad(w, {1.0f});
    opt.step(0.01f);
    // sq = 0.012475; buf = 9 + 1/0.1116915495 = 17.953227; p = 0.9 - 0.17953227 = 0.72046775
    expect_values(w.value, {0.7204677498});
    auto st = opt.named_state();
    ASSERT_EQ(st.size(), 2u);
    expect_values(*st[1].second, {17.953227019});
}

TEST(RmsProp, WeightDecay) {
    OptimizerSpec s = spec_of("rmsprop");
    s.weight_decay = 0.1f;
    Param w = make_param("w", {1.0f});
    Param b = make_param("b", {1.0f}, false);
    gs::Optimizer opt(s, be());
    opt.attach({{"w", &w}, {"b", &b}});
    set_grad(w, {0.5f});
    set_grad(b, {0.5f});
    opt.step(0.01f);
    // w: g' = 0.6; sq = 0.0036; p = 1 - 0.01 * 0.6 / 0.06 = 0.9
    // b: g = 0.5; sq = 0.0025; p = 1 - 0.01 * 0.5 / 0.05 = 0.9
    expect_values(w.value, {0.900000017});
    expect_values(b.value, {0.90000002});
    auto st = opt.named_state();
    expect_values(*st[0].second, {0.0036});
    expect_values(*st[2].second, {0.0025});
}

// -------------------------------------------------------------- clipping ---

TEST(Clip, GlobalNormAboveTheLimitScalesEveryGradient) {
    OptimizerSpec s = spec_of("sgd");
    s.clip_norm = 1.0f;
    Param w = make_param("w", {0.0f, 0.0f});
    Param b = make_param("b", {0.0f}, false);
    gs::Optimizer opt(s, be());
    opt.attach({{"w", &w}, {"b", &b}});
    set_grad(w, {3.0f, 0.0f});
    set_grad(b, {-4.0f});
    EXPECT_NEAR(opt.gradient_norm(), 5.0, 1e-12);
    // sqrt(9 + 16) = 5 over both tensors; factor 1 / (5 + 1e-6)
    EXPECT_NEAR(opt.clip_gradients(), 5.0, 1e-12);
    const double f = 1.0 / (5.0 + 1e-6);
    expect_values(w.grad, {3.0 * f, 0.0});
    expect_values(b.grad, {-4.0 * f});
    EXPECT_NEAR(opt.gradient_norm(), 5.0 * f, 1e-6);
    // Parameters are untouched by clipping.
    expect_values(w.value, {0.0, 0.0});
}

TEST(Clip, BelowTheLimitOrOffLeavesGradientsAlone) {
    for (float clip : {10.0f, 5.5f, 0.0f}) {
        SCOPED_TRACE(clip);
        OptimizerSpec s = spec_of("adam");
        s.clip_norm = clip;
        Param w = make_param("w", {0.0f, 0.0f});
        Param b = make_param("b", {0.0f});
        gs::Optimizer opt(s, be());
        opt.attach({{"w", &w}, {"b", &b}});
        set_grad(w, {3.0f, 0.0f});
        set_grad(b, {4.0f});
        EXPECT_NEAR(opt.clip_gradients(), 5.0, 1e-12);
        const std::vector<float> gw = w.grad.to_host(), gb = b.grad.to_host();
        EXPECT_EQ(gw[0], 3.0f);
        EXPECT_EQ(gw[1], 0.0f);
        EXPECT_EQ(gb[0], 4.0f);
    }
}

// ---------------------------------------------------------- state, errors ---

TEST(State, NamesFollowTheParamsInOrder) {
    Param w = make_param("weight", {1.0f});
    Param b = make_param("bias", {1.0f}, false);
    const std::vector<std::pair<std::string, Param*>> params{{"layers.0.weight", &w},
                                                             {"layers.0.bias", &b}};
    auto names = [&](OptimizerSpec s) {
        gs::Optimizer opt(s, be());
        opt.attach(params);
        std::vector<std::string> out;
        for (auto& [name, t] : opt.named_state()) {
            out.push_back(name);
            EXPECT_NE(t, nullptr);
            if (t) {
                EXPECT_EQ(t->numel(), 1u);
            }
        }
        return out;
    };
    using V = std::vector<std::string>;
    OptimizerSpec sgd = spec_of("sgd");
    sgd.momentum = 0.9f;
    EXPECT_EQ(names(sgd),
              (V{"layers.0.weight.momentum_buffer", "layers.0.bias.momentum_buffer"}));
    EXPECT_EQ(names(spec_of("adam")),
              (V{"layers.0.weight.exp_avg", "layers.0.weight.exp_avg_sq", "layers.0.bias.exp_avg",
                 "layers.0.bias.exp_avg_sq"}));
    EXPECT_EQ(names(spec_of("adamw")),
              (V{"layers.0.weight.exp_avg", "layers.0.weight.exp_avg_sq", "layers.0.bias.exp_avg",
                 "layers.0.bias.exp_avg_sq"}));
    EXPECT_EQ(names(spec_of("rmsprop")),
              (V{"layers.0.weight.square_avg", "layers.0.weight.momentum_buffer",
                 "layers.0.bias.square_avg", "layers.0.bias.momentum_buffer"}));
}

TEST(State, ResetStateStartsOverLikeAFreshOptimizer) {
    Param w = make_param("w", {1.0f});
    gs::Optimizer opt(spec_of("adam"), be());
    opt.attach({{"w", &w}});
    set_grad(w, {0.5f});
    opt.step(0.1f);
    set_grad(w, {-1.0f});
    opt.step(0.1f);
    EXPECT_EQ(opt.steps_taken(), 2);
    opt.reset_state();
    EXPECT_EQ(opt.steps_taken(), 0);
    for (auto& [name, t] : opt.named_state())
        for (float v : t->to_host()) EXPECT_EQ(v, 0.0f) << name;
    // From p = 1 again, the first step has t = 1 bias correction: moves by lr.
    w.value.from_host(std::vector<float>{1.0f});
    set_grad(w, {0.5f});
    opt.step(0.1f);
    expect_values(w.value, {0.900000002});
    EXPECT_EQ(opt.steps_taken(), 1);
}

TEST(State, StepsTakenCanBeRestored) {
    // A checkpoint restores t, so bias correction continues: with m, v as after
    // one step of g = 0.5 and t = 1, the next step of g = 0.5 is step t = 2.
    Param w = make_param("w", {1.0f});
    gs::Optimizer opt(spec_of("adam"), be());
    opt.attach({{"w", &w}});
    auto st = opt.named_state();
    st[0].second->from_host(std::vector<float>{0.05f});
    st[1].second->from_host(std::vector<float>{0.00025f});
    opt.set_steps_taken(1);
    set_grad(w, {0.5f});
    opt.step(0.1f);
    // m = 0.095, v = 0.00049975; m^ = 0.5, v^ = 0.25: a constant gradient moves by lr.
    expect_values(w.value, {0.900000002}, 1e-6);
    EXPECT_EQ(opt.steps_taken(), 2);
}

TEST(State, UnknownOptimizerIsAnError) {
    EXPECT_THROW(gs::Optimizer(spec_of("adagrad"), be()), gs::Error);
    try {
        gs::Optimizer opt(spec_of("lbfgs"), be());
        FAIL() << "no error";
    } catch (const gs::Error& e) {
        EXPECT_NE(std::string(e.what()).find("lbfgs"), std::string::npos) << e.what();
    }
}

// ------------------------------------------------------------- schedules ---

ScheduleSpec schedule(const std::string& type) {
    ScheduleSpec s;
    s.type = type;
    return s;
}

void expect_lr(const ScheduleSpec& s, float base, long step, double want) {
    EXPECT_NEAR(gs::scheduled_lr(s, base, step), want, 1e-6 * std::fabs(want) + 1e-12)
        << s.type << " at step " << step;
}

TEST(Schedule, Constant) {
    const ScheduleSpec s = schedule("constant");
    for (long step : {0L, 1L, 999L, 1000000L}) expect_lr(s, 0.05f, step, 0.05);
}

TEST(Schedule, StepMultipliesByGammaEveryStepSize) {
    ScheduleSpec s = schedule("step");
    s.step_size = 10;
    s.gamma = 0.5f;
    expect_lr(s, 0.1f, 0, 0.1);
    expect_lr(s, 0.1f, 9, 0.1);
    expect_lr(s, 0.1f, 10, 0.05);   // 0.1 * 0.5^1
    expect_lr(s, 0.1f, 19, 0.05);
    expect_lr(s, 0.1f, 20, 0.025);  // 0.1 * 0.5^2
    expect_lr(s, 0.1f, 35, 0.0125); // 0.1 * 0.5^3
}

TEST(Schedule, ExponentialMultipliesByGammaEveryStep) {
    ScheduleSpec s = schedule("exponential");
    s.gamma = 0.9f;
    expect_lr(s, 0.1f, 0, 0.1);
    expect_lr(s, 0.1f, 1, 0.09);
    expect_lr(s, 0.1f, 3, 0.0729);  // 0.1 * 0.9^3
    expect_lr(s, 0.1f, 10, 0.1 * std::pow(0.9, 10));
}

TEST(Schedule, CosineFromLrToMinLr) {
    // lr(s) = min + (base - min) (1 + cos(pi s / T)) / 2, s clamped to T
    ScheduleSpec s = schedule("cosine");
    s.total_steps = 100;
    s.min_lr = 0.001f;
    expect_lr(s, 0.1f, 0, 0.1);
    expect_lr(s, 0.1f, 25, 0.0855017857);  // 0.001 + 0.0495 (1 + cos(pi/4))
    expect_lr(s, 0.1f, 50, 0.0505);        // 0.001 + 0.0495 (1 + 0), the midpoint
    expect_lr(s, 0.1f, 75, 0.0154982143);  // 0.001 + 0.0495 (1 - cos(pi/4))
    expect_lr(s, 0.1f, 100, 0.001);
    expect_lr(s, 0.1f, 101, 0.001);  // after the end: min_lr
    expect_lr(s, 0.1f, 5000, 0.001);
}

TEST(Schedule, LinearWarmupOnTopOfCosine) {
    // For step < warmup, lr *= (step + 1) / warmup.
    ScheduleSpec s = schedule("cosine");
    s.total_steps = 100;
    s.min_lr = 0.001f;
    s.warmup_steps = 10;
    expect_lr(s, 0.1f, 0, 0.01);                  // cosine(0) = 0.1, times 1/10
    expect_lr(s, 0.1f, 4, 0.0498048389);          // cosine(4) = 0.0996096777, times 5/10
    expect_lr(s, 0.1f, 9, 0.0980345374);          // cosine(9), times 10/10
    expect_lr(s, 0.1f, 10, 0.0975772976);         // cosine(10), warm-up over
    expect_lr(s, 0.1f, 200, 0.001);
}

TEST(Schedule, LinearWarmupOnConstant) {
    ScheduleSpec s = schedule("constant");
    s.warmup_steps = 4;
    expect_lr(s, 0.2f, 0, 0.05);  // 0.2 * 1/4
    expect_lr(s, 0.2f, 1, 0.1);   // 0.2 * 2/4
    expect_lr(s, 0.2f, 3, 0.2);   // 0.2 * 4/4
    expect_lr(s, 0.2f, 4, 0.2);
}

TEST(Schedule, UnknownScheduleIsAnError) {
    EXPECT_THROW(gs::scheduled_lr(schedule("plateau"), 0.1f, 0), gs::Error);
}

}  // namespace
