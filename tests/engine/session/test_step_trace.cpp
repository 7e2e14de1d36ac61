// The classroom's session commands. The step trace (Session::trace_next_step): the numbers of a traced step
// are the session's own — the forward values a Trainer computes on the same
// items, the gradients and weights of the same step taken untraced, and the
// textbook formulas worked by hand from the trace's inputs (z = Wx + b,
// a = act(z), δ at the output and back through the layers, δ·x, the SGD and
// Adam updates). Networks a trace cannot take are refused with the reason.
// Setting a weight (Session::set_parameter): the next forward pass uses it
// exactly, in the probe and the decision grid alike.
#include <gtest/gtest.h>

#include <cmath>

#include "gradscope/equations.h"
#include "gradscope/presets.h"
#include "gradscope/session.h"
#include "gradscope/trainer.h"
#include "gradscope/validate.h"

namespace gs {
namespace {

ModelSpec spec_of(const std::string& json) {
    SpecResult r = parse_spec(json);
    EXPECT_TRUE(r.ok()) << r.message();
    return r.spec;
}

// 2-4-3-2 on the circle: Tanh, ReLU, and a Softmax fused with its
// cross-entropy.
const char* kSoftmaxNet = R"({
  "input": [2],
  "layers": [{"type": "Dense", "units": 4}, {"type": "Tanh"},
             {"type": "Dense", "units": 3}, {"type": "ReLU"},
             {"type": "Dense", "units": 2}, {"type": "Softmax"}],
  "loss": "softmax_cross_entropy",
  "optimizer": {"type": "sgd", "lr": 0.1},
  "batch_size": 8, "epochs": 5, "seed": 7,
  "data": {"name": "circle", "samples": 60, "noise": 0.05, "test_fraction": 0.2, "seed": 3}
})";

std::shared_ptr<const StepTrace> traced_step(Session& s, int example = 0) {
    EXPECT_TRUE(s.trace_next_step({example}));
    EXPECT_TRUE(s.step(1));
    EXPECT_TRUE(s.wait_until_settled(30));
    return s.latest_trace();
}

float act(const std::string& type, float z) {
    if (type == "Tanh") return std::tanh(z);
    if (type == "ReLU") return z > 0 ? z : 0;
    if (type == "Sigmoid") return 1.0f / (1.0f + std::exp(-z));
    return z;
}
float act_grad(const std::string& type, float z, float a) {
    if (type == "Tanh") return 1 - a * a;
    if (type == "ReLU") return z > 0 ? 1.0f : 0.0f;
    if (type == "Sigmoid") return a * (1 - a);
    return 1;
}

TEST(StepTrace, NumbersAreTheSessionsOwn) {
    const ModelSpec spec = spec_of(kSoftmaxNet);
    Session traced(spec, prepare_data(spec), cpu_backend());
    auto t = traced_step(traced, 3);
    ASSERT_TRUE(t);
    EXPECT_EQ(t->step, 1);
    EXPECT_EQ(t->batch, 8);
    EXPECT_EQ(t->example, 3);
    ASSERT_EQ(t->layers.size(), 3u);
    EXPECT_TRUE(t->updated);
    EXPECT_TRUE(t->layers[2].fused);
    EXPECT_EQ(t->layers[0].activation_type, "Tanh");
    EXPECT_FLOAT_EQ(t->lr, 0.1f);

    // The same step, untraced, in a Trainer of its own: the forward values
    // before it, then the gradients and the weights after it.
    Trainer plain(spec, prepare_data(spec), cpu_backend());
    ASSERT_EQ(t->items.size(), 8u);
    for (int i = 0; i < t->batch; ++i) {
        plain.forward_items(plain.train_data(), &t->items[static_cast<size_t>(i)], 1);
        for (size_t l = 0; l < 3; ++l) {
            const TraceLayer& L = t->layers[l];
            const std::vector<float> z = plain.model().activation(static_cast<size_t>(L.dense)).to_host();
            for (int u = 0; u < L.units; ++u) EXPECT_FLOAT_EQ(L.z.at(i, u), z[static_cast<size_t>(u)]);
        }
    }
    plain.step();
    for (const TraceLayer& L : t->layers) {
        Layer& d = plain.model().layer(static_cast<size_t>(L.dense));
        EXPECT_EQ(L.weight_grad, d.params()[0].grad.to_host());
        EXPECT_EQ(L.bias_grad, d.params()[1].grad.to_host());
        EXPECT_EQ(L.weight_after, d.params()[0].value.to_host());
        EXPECT_EQ(L.bias_after, d.params()[1].value.to_host());
    }
    // And the weights the session itself holds after the step.
    ASSERT_TRUE(traced.request_snapshot());
    ASSERT_TRUE(traced.wait_until_settled(30));
    auto snap = traced.latest_snapshot();
    for (const TraceLayer& L : t->layers)
        EXPECT_EQ(snap->weights[static_cast<size_t>(L.dense)], L.weight_after);

    // The loss: each example's, whose mean is the step's.
    TelemetryStore store;
    traced.drain(store);
    EXPECT_NEAR(t->loss_mean, store.last_step().loss, 1e-5);
    ASSERT_EQ(t->item_loss.size(), 8u);
}

TEST(StepTrace, FormulasWorkedByHandAgree) {
    const ModelSpec spec = spec_of(kSoftmaxNet);
    Session s(spec, prepare_data(spec), cpu_backend());
    auto t = traced_step(s);
    ASSERT_TRUE(t);
    const int B = t->batch;
    for (int i = 0; i < B; ++i) {
        // Forward: z = Wx + b and a = act(z), layer by layer.
        for (size_t l = 0; l < t->layers.size(); ++l) {
            const TraceLayer& L = t->layers[l];
            const TraceValues& x = t->layer_input(l);
            for (int u = 0; u < L.units; ++u) {
                double z = L.bias_before[static_cast<size_t>(u)];
                for (int k = 0; k < L.inputs; ++k) z += L.weight(u, k) * x.at(i, k);
                EXPECT_NEAR(L.z.at(i, u), z, 1e-5);
                if (!L.fused) {
                    EXPECT_NEAR(L.a.at(i, u), act(L.activation_type, L.z.at(i, u)), 1e-5);
                }
            }
        }
        // The output: softmax probabilities, δ = p - y, and -log p_y.
        const TraceLayer& out = t->layers.back();
        const int y = static_cast<int>(t->targets[static_cast<size_t>(i)]);
        const float e0 = std::exp(out.z.at(i, 0)), e1 = std::exp(out.z.at(i, 1));
        EXPECT_NEAR(out.a.at(i, 0), e0 / (e0 + e1), 1e-6);
        for (int u = 0; u < 2; ++u)
            EXPECT_NEAR(out.dz.at(i, u), out.a.at(i, u) - (u == y ? 1.0f : 0.0f), 1e-5);
        EXPECT_NEAR(t->item_loss[static_cast<size_t>(i)], -std::log(out.a.at(i, y)), 1e-5);
        // Back through the hidden layers: ∂L/∂a = Wᵀδ, δ = ∂L/∂a · act'(z).
        for (size_t l = t->layers.size() - 1; l-- > 0;) {
            const TraceLayer& L = t->layers[l];
            const TraceLayer& next = t->layers[l + 1];
            for (int u = 0; u < L.units; ++u) {
                double da = 0;
                for (int k = 0; k < next.units; ++k) da += next.weight(k, u) * next.dz.at(i, k);
                EXPECT_NEAR(L.da.at(i, u), da, 1e-5);
                EXPECT_NEAR(L.dz.at(i, u),
                            L.da.at(i, u) * act_grad(L.activation_type, L.z.at(i, u), L.a.at(i, u)), 1e-5);
            }
        }
    }
    // The batch mean of δ·x is the gradient the trainer applied, and of δ the bias gradient.
    for (size_t l = 0; l < t->layers.size(); ++l) {
        const TraceLayer& L = t->layers[l];
        for (int u = 0; u < L.units; ++u) {
            double db = 0;
            for (int i = 0; i < B; ++i) db += L.dz.at(i, u);
            EXPECT_NEAR(L.bias_grad[static_cast<size_t>(u)], db / B, 1e-6);
            EXPECT_NEAR(L.dz.at(-1, u), db / B, 1e-6);
            for (int k = 0; k < L.inputs; ++k) {
                double dw = 0;
                for (int i = 0; i < B; ++i) dw += t->weight_grad(l, i, u, k);
                EXPECT_NEAR(t->weight_grad(l, -1, u, k), dw / B, 1e-6);
                // Plain SGD: w ← w − lr·∂L/∂w.
                const size_t at = static_cast<size_t>(u) * L.inputs + k;
                EXPECT_NEAR(L.weight_after[at], L.weight_before[at] - 0.1f * L.weight_grad[at], 1e-7);
            }
        }
    }
}

TEST(StepTrace, MeanSquaredErrorThroughASigmoidOutput) {
    ModelSpec spec = load_preset("xor-sigmoid");  // 2-3-1, Sigmoid after each, mse, batch 4
    Session s(spec, prepare_data(spec), cpu_backend());
    ASSERT_TRUE(s.step(5));
    ASSERT_TRUE(s.wait_until_settled(30));
    auto t = traced_step(s, 2);
    ASSERT_TRUE(t);
    EXPECT_EQ(t->step, 6);
    const TraceLayer& out = t->layers.back();
    EXPECT_FALSE(out.fused);
    for (int i = 0; i < 4; ++i) {
        const float a = out.a.at(i, 0), y = t->targets[static_cast<size_t>(i)];
        EXPECT_NEAR(out.da.at(i, 0), 2 * (a - y), 1e-5);                // ∂(a - y)²/∂a
        EXPECT_NEAR(out.dz.at(i, 0), 2 * (a - y) * a * (1 - a), 1e-5);  // times σ'(z)
        EXPECT_NEAR(t->item_loss[static_cast<size_t>(i)], (a - y) * (a - y), 1e-6);
    }
}

TEST(StepTrace, AdamUpdateAndItsState) {
    ModelSpec spec = spec_of(kSoftmaxNet);
    spec.optimizer.type = "adam";
    spec.optimizer.lr = 0.01f;
    Session s(spec, prepare_data(spec), cpu_backend());
    auto t = traced_step(s);
    ASSERT_TRUE(t);
    EXPECT_EQ(t->state_names[0], "m");
    EXPECT_EQ(t->state_names[1], "v");
    EXPECT_EQ(t->optimizer_steps, 1);
    const TraceLayer& L = t->layers[0];
    ASSERT_EQ(L.weight_state_after[0].size(), L.weight_before.size());
    for (size_t k = 0; k < L.weight_before.size(); ++k) {
        const float g = L.weight_grad[k];
        EXPECT_FLOAT_EQ(L.weight_state_before[0][k], 0.0f);
        EXPECT_NEAR(L.weight_state_after[0][k], 0.1f * g, 1e-7);
        EXPECT_NEAR(L.weight_state_after[1][k], 0.001f * g * g, 1e-9);
        // t = 1: m̂ = g, v̂ = g², so every weight moves by about lr against its gradient's sign.
        const double mhat = L.weight_state_after[0][k] / 0.1, vhat = L.weight_state_after[1][k] / 0.001;
        EXPECT_NEAR(L.weight_after[k], L.weight_before[k] - 0.01 * mhat / (std::sqrt(vhat) + 1e-8), 1e-6);
    }
}

TEST(StepTrace, ClippingAndAStepStoppedBeforeItsUpdate) {
    ModelSpec spec = spec_of(kSoftmaxNet);
    spec.optimizer.clip_norm = 0.01f;
    Session s(spec, prepare_data(spec), cpu_backend());
    auto t = traced_step(s);
    ASSERT_TRUE(t);
    EXPECT_GT(t->grad_norm, 0.01);
    EXPECT_NEAR(t->clip_scale, 0.01 / t->grad_norm, 1e-5);
    const TraceLayer& L = t->layers[1];
    for (size_t k = 0; k < L.weight_before.size(); ++k)
        EXPECT_NEAR(L.weight_after[k], L.weight_before[k] - 0.1f * t->clip_scale * L.weight_grad[k], 1e-7);
    EXPECT_NE(update_equations(*t, 1, 0, 0)[0].find("(clipped: the gradients' norm"), std::string::npos);

    // A learning rate that overflows the weights (to −∞ at step 2): step 3's
    // loss is not finite, and its trace says the update did not happen.
    ModelSpec line = load_preset("linear-regression");
    line.optimizer.lr = 1e30f;
    Session boom(line, prepare_data(line), cpu_backend());
    ASSERT_TRUE(boom.step(2));
    ASSERT_TRUE(boom.wait_until_settled(30));
    auto stopped = traced_step(boom);
    ASSERT_TRUE(stopped);
    EXPECT_EQ(stopped->step, 3);
    EXPECT_FALSE(stopped->updated);
    EXPECT_NE(stopped->note.find("non-finite value appeared in the forward pass"), std::string::npos);
    EXPECT_TRUE(stopped->layers[0].dz.empty());  // no backward pass
    EXPECT_EQ(update_equations(*stopped, 0, 0, 0), (std::vector<std::string>{"no update: " + stopped->note}));
    EXPECT_EQ(boom.last_break().kind, "nonfinite");
}

TEST(StepTrace, OnlyTheNextStepIsTracedAndLargeNetworksAreRefused) {
    const ModelSpec spec = spec_of(kSoftmaxNet);
    Session s(spec, prepare_data(spec), cpu_backend());
    auto first = traced_step(s);
    ASSERT_TRUE(s.step(3));
    ASSERT_TRUE(s.wait_until_settled(30));
    EXPECT_EQ(s.latest_trace(), first);  // untraced steps publish nothing
    auto again = traced_step(s);
    EXPECT_EQ(again->step, 5);

    ModelSpec wide = spec;
    wide.layers[0].units = 100;
    Session w(wide, prepare_data(wide), cpu_backend());
    CommandResult r = w.trace_next_step();
    EXPECT_FALSE(r.ok);
    EXPECT_NE(r.reason.find("layer 1 (Dense) has 100 units"), std::string::npos) << r.reason;

    ModelSpec norm = spec;
    norm.layers.insert(norm.layers.begin() + 1, LayerSpec{});
    norm.layers[1].type = "BatchNorm";
    Session b(norm, prepare_data(norm), cpu_backend());
    r = b.trace_next_step();
    EXPECT_FALSE(r.ok);
    EXPECT_NE(r.reason.find("layer 2 (BatchNorm) is neither"), std::string::npos) << r.reason;
}

TEST(StepTrace, EquationsEndInTheEnginesNumbers) {
    const ModelSpec spec = spec_of(kSoftmaxNet);
    Session s(spec, prepare_data(spec), cpu_backend());
    auto t = traced_step(s, 1);
    ASSERT_TRUE(t);
    auto ends_with = [](const std::string& text, const std::string& tail) {
        return text.size() >= tail.size() && text.compare(text.size() - tail.size(), tail.size(), tail) == 0;
    };
    for (size_t l = 0; l < t->layers.size(); ++l) {
        const TraceLayer& L = t->layers[l];
        EXPECT_TRUE(ends_with(pre_activation_equation(*t, l, 0, 1), " = " + format_number(L.z.at(1, 0))));
        EXPECT_TRUE(ends_with(activation_equation(*t, l, 0, 1), " = " + format_number(L.a.at(1, 0))));
        EXPECT_TRUE(ends_with(delta_equation(*t, l, 0, 1), " = " + format_number(L.dz.at(1, 0))));
        EXPECT_TRUE(ends_with(weight_gradient_equation(*t, l, 0, 0, kBatchMean),
                              " = " + format_number(L.weight_grad[0])));
        const std::vector<std::string> update = update_equations(*t, l, 0, 0);
        ASSERT_EQ(update.size(), 1u);
        EXPECT_TRUE(ends_with(update[0], " = " + format_number(L.weight_after[0]))) << update[0];
    }
    EXPECT_EQ(neuron_equations(*t, 2, 1, 1).size(), 6u);  // z, a, L, δ, ∂L/∂b, b ←
}

TEST(SetParameter, TheNextForwardPassUsesIt) {
    ModelSpec spec = spec_of(kSoftmaxNet);
    Session s(spec, prepare_data(spec), cpu_backend());
    ASSERT_TRUE(s.step(4));
    ASSERT_TRUE(s.wait_until_settled(30));
    ASSERT_TRUE(s.set_parameter({0, "weight", 2, 1, 2.5f}));
    ASSERT_TRUE(s.set_parameter({0, "bias", 2, 0, -0.75f}));
    SnapshotRequest q;
    q.probe = 5;
    q.grid = 8;
    ASSERT_TRUE(s.request_snapshot(q));
    ASSERT_TRUE(s.wait_until_settled(30));
    auto snap = s.latest_snapshot();
    ASSERT_TRUE(snap);
    ASSERT_EQ(snap->weights[0].size(), 8u);
    EXPECT_EQ(snap->weights[0][2 * 2 + 1], 2.5f);
    EXPECT_EQ(snap->biases[0][2], -0.75f);

    // The probe item's first layer, by hand with the edited weights.
    PreparedData data = prepare_data(spec);
    const Dataset& eval = *data.test;  // no validation split: snapshots look at the test split
    float x[2], y;
    const uint32_t item = static_cast<uint32_t>(snap->probe);
    eval.gather(&item, 1, x, &y);
    const std::vector<float>& w = snap->weights[0];
    for (int u = 0; u < 4; ++u) {
        const float z = w[static_cast<size_t>(u) * 2] * x[0] + w[static_cast<size_t>(u) * 2 + 1] * x[1] +
                        snap->biases[0][static_cast<size_t>(u)];
        EXPECT_NEAR(snap->probe_activations[0][static_cast<size_t>(u)], z, 1e-6);
        EXPECT_NEAR(snap->probe_activations[1][static_cast<size_t>(u)], std::tanh(z), 1e-6);
    }
    // A cell of the decision grid: the point at its centre, by hand.
    const int g = snap->grid, cell = 2 * g + 5;  // row 2, column 5
    const float px = snap->lo[0] + (5 + 0.5f) / g * (snap->hi[0] - snap->lo[0]);
    const float py = snap->lo[1] + (2 + 0.5f) / g * (snap->hi[1] - snap->lo[1]);
    const float z2 = 2.5f * py + w[4] * px - 0.75f;
    EXPECT_NEAR(snap->grid_units[0][2][static_cast<size_t>(cell)], z2, 1e-5);

    TelemetryStore store;
    s.drain(store);
    int edits = 0;
    for (const EventRecord& e : store.events())
        if (e.kind == "parameter") {
            ++edits;
            if (edits == 1) {
                EXPECT_EQ(e.name, "layers.0.weight[2][1]");
                EXPECT_EQ(e.value, 2.5);
                EXPECT_NE(e.text.find("the weight from input 2 to unit 3 set to 2.5"), std::string::npos) << e.text;
            }
        }
    EXPECT_EQ(edits, 2);
}

TEST(SetParameter, RefusesWhatIsNotThere) {
    ModelSpec spec = spec_of(kSoftmaxNet);
    Session s(spec, prepare_data(spec), cpu_backend());
    auto refused = [&](const ParameterEdit& e, const std::string& why) {
        CommandResult r = s.set_parameter(e);
        EXPECT_FALSE(r.ok);
        EXPECT_NE(r.reason.find(why), std::string::npos) << r.reason;
    };
    refused({1, "weight", 0, 0, 1}, "only Dense layers have weights");
    refused({9, "weight", 0, 0, 1}, "the model has 6 layers");
    refused({0, "weight", 4, 0, 1}, "units 1 to 4, not 5");
    refused({0, "weight", 0, 2, 1}, "inputs 1 to 2, not 3");
    refused({0, "gamma", 0, 0, 1}, "use weight or bias");
    refused({0, "bias", 0, 0, NAN}, "finite");
}

}  // namespace
}  // namespace gs
