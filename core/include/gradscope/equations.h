// A neuron's equations with the real numbers of a traced step
// (gradscope/step_trace.h), for views to show when a neuron or a connection
// is hovered: "z = Σ wᵢxᵢ + b = 0.31·0.80 + (−1.2)·0.15 + 0.05 = 0.52",
// "a = tanh(z) = tanh(0.52) = 0.48", "∂L/∂w = δ·x = 0.12·0.80 = 0.096",
// "w ← w − lr·∂L/∂w = 0.31 − 0.1·0.096 = 0.30" — and what momentum, Adam and
// RMSProp do. Pure functions of the trace, UTF-8, numbers rounded to a few
// significant digits (the result shown is the engine's, not the sum of the
// rounded terms). For one example of the batch, or the batch mean
// (kBatchMean), where an equation that does not hold for means (a = tanh(z))
// becomes "mean of ... over the batch".
//
// layer is the TraceLayer's index (StepTrace::layers), unit the neuron in
// it, input the connection's input (the network's input for layer 0, the
// previous layer's neuron after it), item the example's place in the batch.
#pragma once

#include <string>
#include <vector>

#include "gradscope/step_trace.h"

namespace gs {

inline constexpr int kBatchMean = -1;

struct EquationStyle {
    int digits = 2;     // significant digits of each number (1 to 6)
    int max_terms = 6;  // terms of a sum written out; the rest become "… (n more)"
};

// A number as the equations write it: "0.52", "−1.2", "0.096", "12",
// "3.1×10⁻⁵" (a true minus sign; scientific below 10⁻⁴ and from 10⁵).
std::string format_number(double v, int digits = 2);

// Forward: the neuron's pre-activation and output.
std::string pre_activation_equation(const StepTrace& t, size_t layer, int unit, int item,
                                    const EquationStyle& s = {});
std::string activation_equation(const StepTrace& t, size_t layer, int unit, int item,
                                const EquationStyle& s = {});
// The loss of one example (or the batch mean), from the output layer.
std::string loss_equation(const StepTrace& t, int item, const EquationStyle& s = {});
// Backward: ∂L/∂a (the output's loss gradient, or Σₖ wₖⱼδₖ from the layer
// above), "" where the trace has none (no activation, or one fused with the
// loss); then δ = ∂L/∂z.
std::string output_gradient_equation(const StepTrace& t, size_t layer, int unit, int item,
                                     const EquationStyle& s = {});
std::string delta_equation(const StepTrace& t, size_t layer, int unit, int item,
                           const EquationStyle& s = {});
// ∂L/∂w of a connection (δ·x) and ∂L/∂b of a neuron (δ).
std::string weight_gradient_equation(const StepTrace& t, size_t layer, int unit, int input,
                                     int item, const EquationStyle& s = {});
std::string bias_gradient_equation(const StepTrace& t, size_t layer, int unit, int item,
                                   const EquationStyle& s = {});
// The update of a weight (input >= 0) or of the neuron's bias (input < 0),
// one line per equation of the optimizer (the batch mean is what updates):
// SGD "w ← w − lr·∂L/∂w = …"; with momentum the velocity first; Adam its two
// running means, the step and a sentence on what it does; RMSProp its
// running mean of g². Weight decay and clipping appear where they acted.
std::vector<std::string> update_equations(const StepTrace& t, size_t layer, int unit, int input,
                                          const EquationStyle& s = {});

// Everything a hovered neuron shows, in the order of the step: z, a, the
// loss (output neurons), ∂L/∂a, δ, ∂L/∂b and the bias's update.
std::vector<std::string> neuron_equations(const StepTrace& t, size_t layer, int unit, int item,
                                          const EquationStyle& s = {});
// And a hovered connection: its weight's term in z, ∂L/∂w and its update.
std::vector<std::string> connection_equations(const StepTrace& t, size_t layer, int unit,
                                              int input, int item, const EquationStyle& s = {});

}  // namespace gs
