// Equations with the real numbers (gradscope/equations.h), from a step
// trace made by hand: a 2-1-1 network (tanh hidden neuron, sigmoid output
// fused with binary cross-entropy) on a batch of two. Each string is what a
// hovered neuron or connection shows, exactly; numbers are rounded to two
// significant digits with true minus signs.
#include <gtest/gtest.h>

#include <cmath>

#include "gradscope/equations.h"

namespace gs {
namespace {

TraceValues values(std::vector<float> items, int units) {
    TraceValues v;
    v.units = units;
    const int n = static_cast<int>(items.size()) / units;
    v.mean.assign(static_cast<size_t>(units), 0.0f);
    for (int i = 0; i < n; ++i)
        for (int u = 0; u < units; ++u) v.mean[static_cast<size_t>(u)] += items[static_cast<size_t>(i * units + u)] / n;
    v.items = std::move(items);
    return v;
}

// x = (0.8, 0.15) and (0.4, −0.45), label 1 and 0; w = (0.31, −1.2), b = 0.05;
// then w = 2, b = −0.1 into the output. Every number worked out here.
StepTrace hand_trace() {
    StepTrace t;
    t.step = 7;
    t.batch = 2;
    t.loss = "binary_cross_entropy";
    t.input = values({0.8f, 0.15f, 0.4f, -0.45f}, 2);
    t.targets = {1.0f, 0.0f};
    t.layers.resize(2);
    TraceLayer& h = t.layers[0];
    h.dense = 0;
    h.activation = 1;
    h.activation_type = "Tanh";
    h.inputs = 2;
    h.units = 1;
    h.weight_before = {0.31f, -1.2f};
    h.bias_before = {0.05f};
    TraceLayer& o = t.layers[1];
    o.dense = 2;
    o.activation = 3;
    o.activation_type = "Sigmoid";
    o.fused = true;
    o.inputs = 1;
    o.units = 1;
    o.weight_before = {2.0f};
    o.bias_before = {-0.1f};
    std::vector<float> z0, a0, z1, a1, d1, da0, d0, loss;
    for (int i = 0; i < 2; ++i) {
        const float* x = t.input.items.data() + 2 * i;
        z0.push_back(0.31f * x[0] - 1.2f * x[1] + 0.05f);
        a0.push_back(std::tanh(z0.back()));
        z1.push_back(2.0f * a0.back() - 0.1f);
        a1.push_back(1.0f / (1.0f + std::exp(-z1.back())));
        d1.push_back(a1.back() - t.targets[static_cast<size_t>(i)]);
        da0.push_back(2.0f * d1.back());
        d0.push_back(da0.back() * (1 - a0.back() * a0.back()));
        loss.push_back(i == 0 ? -std::log(a1.back()) : -std::log(1 - a1.back()));
    }
    h.z = values(z0, 1);
    h.a = values(a0, 1);
    h.da = values(da0, 1);
    h.dz = values(d0, 1);
    o.z = values(z1, 1);
    o.a = values(a1, 1);
    o.dz = values(d1, 1);
    t.item_loss = loss;
    t.loss_mean = (loss[0] + loss[1]) / 2;
    h.weight_grad = {-0.5f, 0.25f};
    h.bias_grad = {h.dz.mean[0]};
    o.weight_grad = {0.1f};
    o.bias_grad = {o.dz.mean[0]};
    t.updated = true;
    t.optimizer.type = "sgd";
    t.optimizer.lr = 0.1f;
    t.lr = 0.1f;
    t.optimizer_steps = 7;
    h.weight_after = {0.36f, -1.225f};
    h.bias_after = {0.05f - 0.1f * h.bias_grad[0]};
    o.weight_after = {1.99f};
    o.bias_after = {-0.1f - 0.1f * o.bias_grad[0]};
    return t;
}

TEST(Equations, NumbersAreShortAndSigned) {
    EXPECT_EQ(format_number(0.52), "0.52");
    EXPECT_EQ(format_number(0.80), "0.8");
    EXPECT_EQ(format_number(-1.2), "−1.2");
    EXPECT_EQ(format_number(0.0961), "0.096");
    EXPECT_EQ(format_number(12.3), "12");
    EXPECT_EQ(format_number(1.0), "1");
    EXPECT_EQ(format_number(0), "0");
    EXPECT_EQ(format_number(-0.0004), "−0.0004");
    EXPECT_EQ(format_number(3.14e-5), "3.1×10⁻⁵");
    EXPECT_EQ(format_number(-2.5e-7), "−2.5×10⁻⁷");
    EXPECT_EQ(format_number(9.97e-6), "1×10⁻⁵");
    EXPECT_EQ(format_number(1.5e6), "1.5×10⁶");
    EXPECT_EQ(format_number(0.123456, 3), "0.123");
    EXPECT_EQ(format_number(NAN), "NaN");
    EXPECT_EQ(format_number(-INFINITY), "−∞");
}

TEST(Equations, ForwardForOneExample) {
    const StepTrace t = hand_trace();
    EXPECT_EQ(pre_activation_equation(t, 0, 0, 0), "z = Σ wᵢxᵢ + b = 0.31·0.8 + (−1.2)·0.15 + 0.05 = 0.12");
    EXPECT_EQ(activation_equation(t, 0, 0, 0), "a = tanh(z) = tanh(0.12) = 0.12");
    EXPECT_EQ(pre_activation_equation(t, 1, 0, 1), "z = Σ wᵢxᵢ + b = 2·0.61 + (−0.1) = 1.1");
    EXPECT_EQ(activation_equation(t, 1, 0, 1), "a = σ(z) = 1/(1 + e^(−z)) = 1/(1 + e^(−1.1)) = 0.76");
    EXPECT_EQ(loss_equation(t, 0), "L = −(y·log a + (1 − y)·log(1 − a)) = −(1·log 0.53 + 0·log 0.47) = 0.63");
}

TEST(Equations, BackwardForOneExample) {
    const StepTrace t = hand_trace();
    EXPECT_EQ(delta_equation(t, 1, 0, 0), "δ = ∂L/∂z = a − y = 0.53 − 1 = −0.47");
    EXPECT_EQ(output_gradient_equation(t, 1, 0, 0), "");  // fused: δ is all there is
    EXPECT_EQ(output_gradient_equation(t, 0, 0, 0), "∂L/∂a = Σₖ wₖⱼδₖ = 2·(−0.47) = −0.93");
    EXPECT_EQ(delta_equation(t, 0, 0, 0), "δ = ∂L/∂a · tanh′(z) = (−0.93)·(1 − 0.12²) = −0.92");
    EXPECT_EQ(weight_gradient_equation(t, 0, 0, 0, 0), "∂L/∂w = δ·x = (−0.92)·0.8 = −0.74");
    EXPECT_EQ(bias_gradient_equation(t, 0, 0, 0), "∂L/∂b = δ = −0.92");
}

TEST(Equations, TheBatchMean) {
    const StepTrace t = hand_trace();
    EXPECT_EQ(pre_activation_equation(t, 0, 0, kBatchMean),
              "z̄ = Σ wᵢx̄ᵢ + b = 0.31·0.6 + (−1.2)·(−0.15) + 0.05 = 0.42 (means over the batch of 2)");
    EXPECT_EQ(activation_equation(t, 0, 0, kBatchMean), "ā = mean of tanh(z) over the batch of 2 = 0.37");
    EXPECT_EQ(weight_gradient_equation(t, 0, 0, 1, kBatchMean), "∂L/∂w = mean of δ·x over the batch of 2 = 0.25");
    EXPECT_EQ(loss_equation(t, kBatchMean).rfind("L = (1/B) Σ Lᵢ = mean of each example's loss over the batch of 2 = ", 0), 0u);
}

TEST(Equations, SgdMomentumAndAdamUpdates) {
    StepTrace t = hand_trace();
    EXPECT_EQ(update_equations(t, 0, 0, 0), (std::vector<std::string>{"w ← w − lr·∂L/∂w = 0.31 − 0.1·(−0.5) = 0.36"}));
    t.optimizer.weight_decay = 0.01f;
    EXPECT_EQ(update_equations(t, 0, 0, 0)[0], "g = ∂L/∂w + λw = (−0.5) + 0.01·0.31 = −0.5 (weight decay)");
    EXPECT_EQ(update_equations(t, 0, 0, -1).size(), 1u);  // biases do not decay

    t = hand_trace();
    t.optimizer.momentum = 0.9f;
    t.state_names[0] = "velocity";
    t.layers[0].weight_state_before[0] = {0.2f, 0.0f};
    t.layers[0].weight_state_after[0] = {-0.32f, 0.25f};
    EXPECT_EQ(update_equations(t, 0, 0, 0),
              (std::vector<std::string>{"v ← μ·v + ∂L/∂w = 0.9·0.2 + (−0.5) = −0.32",
                                        "w ← w − lr·v = 0.31 − 0.1·(−0.32) = 0.36"}));

    t = hand_trace();
    t.optimizer.type = "adam";
    t.optimizer.lr = t.lr = 0.01f;
    t.optimizer_steps = 1;
    t.layers[0].weight_state_before[0] = {0.0f, 0.0f};
    t.layers[0].weight_state_before[1] = {0.0f, 0.0f};
    t.layers[0].weight_state_after[0] = {-0.05f, 0.025f};
    t.layers[0].weight_state_after[1] = {0.00025f, 0.0000625f};
    t.layers[0].weight_after = {0.32f, -1.21f};
    const std::vector<std::string> adam = update_equations(t, 0, 0, 0);
    ASSERT_EQ(adam.size(), 4u);
    EXPECT_EQ(adam[0], "m ← β₁·m + (1 − β₁)·∂L/∂w = 0.9·0 + 0.1·(−0.5) = −0.05");
    EXPECT_EQ(adam[1], "v ← β₂·v + (1 − β₂)·∂L/∂w² = 1·0 + 0.001·(−0.5)² = 0.00025");
    EXPECT_EQ(adam[2],
              "w ← w − lr·m̂/(√v̂ + ε), m̂ = m/(1 − β₁ᵗ), v̂ = v/(1 − β₂ᵗ), t = 1: 0.31 − 0.01·(−0.5)/(0.5 + "
              "1×10⁻⁸) = 0.32");
    EXPECT_NE(adam[3].find("moves by about lr"), std::string::npos);
}

TEST(Equations, WhatAHoverShows) {
    const StepTrace t = hand_trace();
    const std::vector<std::string> neuron = neuron_equations(t, 0, 0, 0);
    ASSERT_EQ(neuron.size(), 6u);  // z, a, ∂L/∂a, δ, ∂L/∂b, b's update
    EXPECT_EQ(neuron[0].rfind("z = ", 0), 0u);
    EXPECT_EQ(neuron[5].rfind("b ← b − lr·∂L/∂b = 0.05 − 0.1·", 0), 0u) << neuron[5];
    const std::vector<std::string> output = neuron_equations(t, 1, 0, 1);
    EXPECT_EQ(output[2], "L = −(y·log a + (1 − y)·log(1 − a)) = −(0·log 0.76 + 1·log 0.24) = 1.4");
    const std::vector<std::string> link = connection_equations(t, 0, 0, 1, 1);
    ASSERT_EQ(link.size(), 3u);
    EXPECT_EQ(link[0], "w·x = (−1.2)·(−0.45) = 0.54 (this connection's part of z)");
    EXPECT_EQ(link[2], "w ← w − lr·∂L/∂w = −1.2 − 0.1·0.25 = −1.2");

    StepTrace stopped = hand_trace();
    stopped.updated = false;
    stopped.note = "a non-finite value appeared in the forward pass; the step stopped before the update";
    EXPECT_EQ(update_equations(stopped, 0, 0, 0),
              (std::vector<std::string>{"no update: " + stopped.note}));
}

}  // namespace
}  // namespace gs
