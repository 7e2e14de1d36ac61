// StepTrace: one training step of a small dense network split into its
// phases, with the engine's own numbers — the forward pass layer by layer
// (each neuron's pre-activation z and output a, for every example of the
// batch and their mean), the loss (per example and mean), the backward pass
// (δ = ∂L/∂z on each neuron, ∂L/∂w on each connection, ∂L/∂b) and the update
// (each weight and bias before and after, with the optimizer's settings and
// state). A Session makes one when asked (Session::trace_next_step): the
// worker runs the next step as usual and copies the layers' tensors out on
// the way; the trace is then immutable and shared (like a Snapshot).
// ParameterEdit is the other classroom command: set one weight or bias.
// gradscope/equations.h renders a neuron's equations from a trace.
//
// "Per example" means the example's own loss ℓᵢ: z, a, δᵢ = ∂ℓᵢ/∂z and
// ∂ℓᵢ/∂w = δᵢ·xᵢ. The batch loss is the mean L = (1/B) Σ ℓᵢ, so the batch
// mean of δ is ∂L/∂z summed over the batch, and the mean of ∂ℓᵢ/∂w is the
// gradient the optimizer applied (before clipping).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "gradscope/spec.h"

namespace gs {

// The networks a trace takes: a chain of Dense layers, each followed by at
// most one activation (ReLU, LeakyReLU, Sigmoid, Tanh, GELU; Softmax last),
// with a flat input.
inline constexpr int kTraceMaxDense = 8;     // Dense layers
inline constexpr int kTraceMaxUnits = 64;    // units of each
inline constexpr int kTraceMaxInputs = 16;   // network inputs
inline constexpr int kTraceMaxBatch = 1024;  // examples in the traced step

struct StepTraceRequest {
    int example = 0;  // the example views follow first, by its place in the batch (clamped)
};

// One number per unit for every example of a batch, and their mean.
struct TraceValues {
    int units = 0;
    std::vector<float> items;  // batch x units, one row per example
    std::vector<float> mean;   // units

    bool empty() const { return mean.empty(); }
    // The value of a unit for one example, or the batch mean (item < 0).
    float at(int item, int unit) const {
        return item < 0 ? mean[static_cast<size_t>(unit)]
                        : items[static_cast<size_t>(item) * static_cast<size_t>(units) +
                                static_cast<size_t>(unit)];
    }
};

// One layer of neurons as the canvas draws it: a Dense layer and the
// activation after it. Weights are units x inputs, row-major: [j * inputs + i]
// is the connection from input i to unit j.
struct TraceLayer {
    int dense = -1;       // the Dense layer's index in the spec
    int activation = -1;  // its activation's index in the spec, -1 for none
    std::string activation_type;  // canonical type ("Tanh", "Softmax"), "" for none (a = z)
    float alpha = 0;      // LeakyReLU's slope
    // The activation is folded into the loss (a final Softmax with softmax
    // cross-entropy, a final Sigmoid with binary cross-entropy): a is
    // computed here for the views, and the loss gives δ = ∂L/∂z directly.
    bool fused = false;
    int inputs = 0, units = 0;

    TraceValues z, a;  // forward: pre-activation and output
    TraceValues da;    // ∂L/∂a; empty without an activation or when fused (δ is all there is)
    TraceValues dz;    // δ = ∂L/∂z

    bool has_bias = true;
    std::vector<float> weight_before, weight_after;  // units x inputs
    std::vector<float> bias_before, bias_after;      // units (empty without a bias)
    // ∂L/∂w and ∂L/∂b as the trainer computed them: the batch mean, before clipping.
    std::vector<float> weight_grad, bias_grad;
    // The optimizer's state of these weights and biases before and after the
    // step (index 0 and 1 as StepTrace::state_names says); empty where the
    // optimizer keeps none (plain SGD).
    std::vector<float> weight_state_before[2], weight_state_after[2];
    std::vector<float> bias_state_before[2], bias_state_after[2];

    float weight(int unit, int input) const {
        return weight_before[static_cast<size_t>(unit) * static_cast<size_t>(inputs) +
                             static_cast<size_t>(input)];
    }
};

struct StepTrace {
    long step = 0;     // the step traced, 1-based (as StepRecord::step)
    int epoch = 0;     // 0-based
    int batch = 0;     // examples in it
    int example = 0;   // the example asked for (clamped to the batch)
    std::vector<uint32_t> items;  // the examples' places in the training split

    // Forward: the network's input as it saw it (input features and
    // normalization applied), and each layer of neurons.
    TraceValues input;
    std::vector<TraceLayer> layers;

    // Loss: its id (gradscope/names.h), each example's target as the loss
    // takes it (target_width values: a class index, a one-hot row or the
    // regression values), each example's loss and the batch mean.
    std::string loss;
    int target_width = 1;
    std::vector<float> targets;    // batch x target_width
    std::vector<float> item_loss;  // batch
    double loss_mean = 0;

    // Update: whether it happened (a non-finite value stops a step before
    // it; note says where), the optimizer's settings in force, the learning
    // rate it used (the schedule applied), its step count after this step
    // (Adam's t), the gradients' global norm before clipping (0 when not
    // measured) and the factor clipping multiplied them by (1: none).
    bool updated = false;
    std::string note;
    OptimizerSpec optimizer;
    float lr = 0;
    long optimizer_steps = 0;
    double grad_norm = 0;
    float clip_scale = 1;
    // What TraceLayer's optimizer state holds: "velocity" (SGD with
    // momentum), "m" and "v" (Adam, AdamW), "square average" and "momentum
    // buffer" (RMSProp); "" where there is none.
    std::string state_names[2];

    // The values a layer's weights multiply: the network's input for the
    // first layer, the previous layer's output a after it.
    const TraceValues& layer_input(size_t layer) const {
        return layer == 0 ? input : layers[layer - 1].a;
    }
    // ∂ℓ/∂w of one connection for one example (δ·x), or the batch mean
    // (item < 0: the trainer's gradient).
    float weight_grad(size_t layer, int item, int unit, int in) const {
        const TraceLayer& l = layers[layer];
        if (item < 0)
            return l.weight_grad[static_cast<size_t>(unit) * static_cast<size_t>(l.inputs) +
                                 static_cast<size_t>(in)];
        return l.dz.at(item, unit) * layer_input(layer).at(item, in);
    }
};

// Set one weight or bias of a Dense layer between steps
// (Session::set_parameter).
struct ParameterEdit {
    int layer = 0;                 // the Dense layer's index in the spec
    std::string param = "weight";  // "weight" or "bias"
    int unit = 0;                  // the unit (row), 0-based
    int input = 0;                 // the input (column) of a weight, 0-based
    float value = 0;
};

}  // namespace gs
