// A neuron's equations with a traced step's numbers (gradscope/equations.h).
// Every right-hand side ends in the engine's value; the terms before it are
// the trace's own inputs, rounded for reading. Strings are UTF-8.
#include "gradscope/equations.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "gradscope/names.h"

namespace gs {

namespace {

const char* const kMinus = "\xE2\x88\x92";  // U+2212

std::string superscript(int v) {
    static const char* const digits[] = {"⁰", "¹", "²", "³", "⁴", "⁵", "⁶", "⁷", "⁸", "⁹"};
    std::string out = v < 0 ? "⁻" : "";
    for (char c : std::to_string(std::abs(v))) out += digits[c - '0'];
    return out;
}

// The text of a number with its sign as a true minus.
std::string with_minus(std::string s) {
    if (!s.empty() && s[0] == '-') s = kMinus + s.substr(1);
    return s;
}

struct Writer {
    const StepTrace& t;
    const EquationStyle& s;
    int digits() const { return std::clamp(s.digits, 1, 6); }
    std::string n(double v) const { return format_number(v, digits()); }
    // A factor of a product: negative numbers in parentheses. (Appended
    // piece by piece: GCC 12 warns falsely about "(" + s + ")".)
    std::string f(double v) const {
        if (v >= 0) return n(v);
        std::string out = "(";
        out += n(v);
        out += ')';
        return out;
    }
    bool mean(int item) const { return item < 0; }
    std::string batch() const { return " over the batch of " + std::to_string(t.batch); }
    // a·b + c·d + … with at most max_terms written out.
    template <typename Term>
    std::string sum(int count, Term term) const {
        const int shown = std::max(1, s.max_terms);
        std::string out;
        for (int i = 0; i < count && i < shown; ++i) out += (i ? " + " : "") + term(i);
        if (count > shown) out += " + … (" + std::to_string(count - shown) + " more)";
        return out;
    }
};

const TraceLayer& layer_of(const StepTrace& t, size_t layer) { return t.layers.at(layer); }

bool is_output(const StepTrace& t, size_t layer) { return layer + 1 == t.layers.size(); }

LossKind loss_of(const StepTrace& t) {
    const LossName* l = find_loss(t.loss);
    return l ? l->kind : LossKind::MeanSquaredError;
}

// The example's target for an output unit: 1/0 for its class (a class
// index target), else the target value of that unit.
double target_of(const StepTrace& t, int item, int unit) {
    const TraceLayer& out = t.layers.back();
    const float* y = t.targets.data() + static_cast<size_t>(item) * static_cast<size_t>(t.target_width);
    if (t.target_width == out.units) return y[unit];
    if (out.units == 1) return y[0];
    return static_cast<int>(y[0]) == unit ? 1.0 : 0.0;
}

// The activation's derivative at (z, a) in words and numbers:
// {"tanh′(z)", "(1 − 0.48²)", value}.
struct Derivative {
    std::string name, numbers;
    double value;
};
Derivative derivative(const Writer& w, const TraceLayer& l, double z, double a) {
    const std::string& type = l.activation_type;
    if (type == "Tanh") return {"tanh′(z)", "(1 − " + w.n(a) + "²)", 1 - a * a};
    if (type == "Sigmoid") return {"σ′(z)", w.f(a) + "·(1 − " + w.n(a) + ")", a * (1 - a)};
    if (type == "ReLU") return {"ReLU′(z)", z > 0 ? "1 (z > 0)" : "0 (z ≤ 0)", z > 0 ? 1.0 : 0.0};
    if (type == "LeakyReLU")
        return {"LeakyReLU′(z)", z > 0 ? "1 (z > 0)" : w.n(l.alpha) + " (z ≤ 0)", z > 0 ? 1.0 : l.alpha};
    if (type == "GELU") {
        const double cdf = 0.5 * (1 + std::erf(z / std::sqrt(2.0)));
        const double pdf = std::exp(-0.5 * z * z) / std::sqrt(2 * M_PI);
        return {"GELU′(z)", "(Φ(z) + z·φ(z))", cdf + z * pdf};
    }
    return {"1", "1", 1.0};
}

}  // namespace

std::string format_number(double v, int digits) {
    digits = std::clamp(digits, 1, 6);
    if (std::isnan(v)) return "NaN";
    if (std::isinf(v)) return v > 0 ? "∞" : std::string(kMinus) + "∞";
    if (v == 0) return "0";
    const double a = std::abs(v);
    char buf[64];
    if (a < 1e-4 || a >= 1e5) {
        int e = static_cast<int>(std::floor(std::log10(a)));
        double m = v / std::pow(10.0, e);
        std::snprintf(buf, sizeof buf, "%.*f", digits - 1, m);
        if (std::abs(std::strtod(buf, nullptr)) >= 10) {  // 9.96 rounded up to 10.0
            ++e;
            std::snprintf(buf, sizeof buf, "%.*f", digits - 1, v / std::pow(10.0, e));
        }
        std::string mant = buf;
        if (mant.find('.') != std::string::npos) {
            mant.erase(mant.find_last_not_of('0') + 1);
            if (mant.back() == '.') mant.pop_back();
        }
        return with_minus(mant) + "×10" + superscript(e);
    }
    const int lead = static_cast<int>(std::floor(std::log10(a)));
    const int decimals = std::max(0, digits - 1 - lead);
    std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
    std::string out = buf;
    if (out.find('.') != std::string::npos) {  // 0.80 -> 0.8, 1.0 -> 1
        out.erase(out.find_last_not_of('0') + 1);
        if (out.back() == '.') out.pop_back();
    }
    if (out == "-0") out = "0";
    return with_minus(out);
}

std::string pre_activation_equation(const StepTrace& t, size_t layer, int unit, int item,
                                    const EquationStyle& s) {
    const Writer w{t, s};
    const TraceLayer& l = layer_of(t, layer);
    const TraceValues& x = t.layer_input(layer);
    std::string terms = w.sum(l.inputs, [&](int i) { return w.f(l.weight(unit, i)) + "·" + w.f(x.at(item, i)); });
    if (l.has_bias) terms += " + " + w.f(l.bias_before[static_cast<size_t>(unit)]);
    const std::string lhs = w.mean(item) ? "z̄ = Σ wᵢx̄ᵢ" : "z = Σ wᵢxᵢ";
    return lhs + (l.has_bias ? " + b" : "") + " = " + terms + " = " + w.n(l.z.at(item, unit)) +
           (w.mean(item) ? " (means" + w.batch() + ")" : "");
}

std::string activation_equation(const StepTrace& t, size_t layer, int unit, int item,
                                 const EquationStyle& s) {
    const Writer w{t, s};
    const TraceLayer& l = layer_of(t, layer);
    const std::string& type = l.activation_type;
    const double z = l.z.at(item, unit), a = l.a.at(item, unit);
    // name: the function; rule: how it is computed; numbers: with this example's z.
    std::string name = "z", rule, numbers = w.n(z);
    if (type == "Tanh") {
        name = "tanh(z)";
        numbers = "tanh(" + w.n(z) + ")";
    } else if (type == "Sigmoid") {
        name = "σ(z)";
        rule = "1/(1 + e^(−z))";
        numbers = "1/(1 + e^(" + w.n(-z) + "))";
    } else if (type == "ReLU") {
        name = "max(0, z)";
        numbers = "max(0, " + w.n(z) + ")";
    } else if (type == "LeakyReLU") {
        name = "LeakyReLU(z)";
        rule = "z if z > 0, else " + w.n(l.alpha) + "·z";
        numbers = z > 0 ? w.n(z) : w.n(l.alpha) + "·" + w.f(z);
    } else if (type == "GELU") {
        name = "GELU(z)";
        rule = "z·Φ(z)";
        numbers = w.f(z) + "·Φ(" + w.n(z) + ")";
    } else if (type == "Softmax") {
        name = "softmax(z)ⱼ";
        rule = "e^zⱼ / Σₖ e^zₖ";
        numbers = "e^" + w.f(z) + " / (" +
                  w.sum(l.units, [&](int k) { return "e^" + w.f(l.z.at(item, k)); }) + ")";
    }
    if (w.mean(item)) return "ā = mean of " + name + w.batch() + " = " + w.n(a);
    if (type.empty()) return "a = z = " + w.n(a) + " (no activation)";
    return "a = " + name + (rule.empty() ? "" : " = " + rule) + " = " + numbers + " = " + w.n(a);
}

std::string loss_equation(const StepTrace& t, int item, const EquationStyle& s) {
    const Writer w{t, s};
    const std::string id = t.loss;
    if (w.mean(item))
        return "L = (1/B) Σ Lᵢ = mean of each example's loss" + w.batch() + " = " + w.n(t.loss_mean);
    const TraceLayer& out = t.layers.back();
    const double loss = t.item_loss[static_cast<size_t>(item)];
    switch (loss_of(t)) {
        case LossKind::SoftmaxCrossEntropy: {
            const int y = static_cast<int>(t.targets[static_cast<size_t>(item) * static_cast<size_t>(t.target_width)]);
            return "L = −log a_y = −log " + w.n(out.a.at(item, y)) + " = " + w.n(loss) +
                   " (y = class " + std::to_string(y) + ")";
        }
        case LossKind::BinaryCrossEntropy: {
            const double y = target_of(t, item, 0), a = out.a.at(item, 0);
            return "L = −(y·log a + (1 − y)·log(1 − a)) = −(" + w.n(y) + "·log " + w.n(a) + " + " +
                   w.n(1 - y) + "·log " + w.n(1 - a) + ") = " + w.n(loss);
        }
        case LossKind::MeanSquaredError: {
            std::string terms = w.sum(out.units, [&](int k) {
                std::string term = "(";
                term += w.n(out.a.at(item, k));
                term += " − ";
                term += w.n(target_of(t, item, k));
                term += ")²";
                return term;
            });
            if (out.units > 1) terms = "(" + terms + ")/" + std::to_string(out.units);
            return std::string("L = ") + (out.units > 1 ? "Σ (a − y)²/k" : "(a − y)²") + " = " + terms +
                   " = " + w.n(loss);
        }
    }
    return "L = " + w.n(loss);
}

std::string output_gradient_equation(const StepTrace& t, size_t layer, int unit, int item,
                                     const EquationStyle& s) {
    const Writer w{t, s};
    const TraceLayer& l = layer_of(t, layer);
    if (l.da.empty()) return "";
    const double da = l.da.at(item, unit);
    if (w.mean(item)) return "∂L/∂ā = mean of ∂L/∂a" + w.batch() + " = " + w.n(da);
    if (is_output(t, layer)) {  // only mean squared error leaves the output activation unfused
        const int k = l.units;
        return std::string("∂L/∂a = 2(a − y)") + (k > 1 ? "/" + std::to_string(k) : "") + " = 2·(" +
               w.n(l.a.at(item, unit)) + " − " + w.n(target_of(t, item, unit)) + ")" +
               (k > 1 ? "/" + std::to_string(k) : "") + " = " + w.n(da);
    }
    const TraceLayer& up = t.layers[layer + 1];
    return "∂L/∂a = Σₖ wₖⱼδₖ = " +
           w.sum(up.units, [&](int k) { return w.f(up.weight(k, unit)) + "·" + w.f(up.dz.at(item, k)); }) +
           " = " + w.n(da);
}

std::string delta_equation(const StepTrace& t, size_t layer, int unit, int item,
                           const EquationStyle& s) {
    const Writer w{t, s};
    const TraceLayer& l = layer_of(t, layer);
    if (l.dz.empty()) return "δ: no backward pass in this step (" + t.note + ")";
    const double dz = l.dz.at(item, unit);
    if (w.mean(item)) return "δ̄ = mean of δ = ∂L/∂z" + w.batch() + " = " + w.n(dz);
    if (is_output(t, layer) && (l.fused || l.activation_type.empty())) {
        const double y = target_of(t, item, unit);
        if (l.fused)
            return "δ = ∂L/∂z = a − y = " + w.n(l.a.at(item, unit)) + " − " + w.n(y) + " = " + w.n(dz);
        const int k = l.units;
        const std::string over = k > 1 ? "/" + std::to_string(k) : "";
        return "δ = ∂L/∂z = 2(z − y)" + over + " = 2·(" + w.n(l.z.at(item, unit)) + " − " + w.n(y) + ")" +
               over + " = " + w.n(dz);
    }
    if (l.activation_type.empty()) {  // a linear hidden layer: δ is the sum from above
        const TraceLayer& up = t.layers[layer + 1];
        return "δ = ∂L/∂z = Σₖ wₖⱼδₖ = " +
               w.sum(up.units, [&](int k) { return w.f(up.weight(k, unit)) + "·" + w.f(up.dz.at(item, k)); }) +
               " = " + w.n(dz);
    }
    if (l.activation_type == "Softmax") {
        double dot = 0;
        for (int k = 0; k < l.units; ++k) dot += l.a.at(item, k) * l.da.at(item, k);
        return "δ = ∂L/∂z = aⱼ(∂L/∂aⱼ − Σₖ aₖ·∂L/∂aₖ) = " + w.f(l.a.at(item, unit)) + "·(" +
               w.n(l.da.at(item, unit)) + " − " + w.f(dot) + ") = " + w.n(dz);
    }
    const Derivative d = derivative(w, l, l.z.at(item, unit), l.a.at(item, unit));
    return "δ = ∂L/∂a · " + d.name + " = " + w.f(l.da.at(item, unit)) + "·" + d.numbers + " = " + w.n(dz);
}

std::string weight_gradient_equation(const StepTrace& t, size_t layer, int unit, int input,
                                     int item, const EquationStyle& s) {
    const Writer w{t, s};
    const TraceLayer& l = layer_of(t, layer);
    if (l.weight_grad.empty()) return "∂L/∂w: no backward pass in this step (" + t.note + ")";
    const double g = t.weight_grad(layer, item, unit, input);
    if (w.mean(item)) return "∂L/∂w = mean of δ·x" + w.batch() + " = " + w.n(g);
    return "∂L/∂w = δ·x = " + w.f(l.dz.at(item, unit)) + "·" + w.f(t.layer_input(layer).at(item, input)) +
           " = " + w.n(g);
}

std::string bias_gradient_equation(const StepTrace& t, size_t layer, int unit, int item,
                                   const EquationStyle& s) {
    const Writer w{t, s};
    const TraceLayer& l = layer_of(t, layer);
    if (!l.has_bias) return "";
    if (l.bias_grad.empty()) return "∂L/∂b: no backward pass in this step (" + t.note + ")";
    if (w.mean(item))
        return "∂L/∂b = mean of δ" + w.batch() + " = " + w.n(l.bias_grad[static_cast<size_t>(unit)]);
    return "∂L/∂b = δ = " + w.n(l.dz.at(item, unit));
}

std::vector<std::string> update_equations(const StepTrace& t, size_t layer, int unit, int input,
                                          const EquationStyle& s) {
    const Writer w{t, s};
    const TraceLayer& l = layer_of(t, layer);
    const bool is_weight = input >= 0;
    if (!is_weight && !l.has_bias) return {};
    if (!t.updated) return {"no update: " + t.note};
    const size_t at = is_weight ? static_cast<size_t>(unit) * static_cast<size_t>(l.inputs) + static_cast<size_t>(input)
                                : static_cast<size_t>(unit);
    const std::string p = is_weight ? "w" : "b";
    const double before = (is_weight ? l.weight_before : l.bias_before)[at];
    const double after = (is_weight ? l.weight_after : l.bias_after)[at];
    const double grad = (is_weight ? l.weight_grad : l.bias_grad)[at];
    const auto state = [&](int i, bool after_step) -> double {
        const std::vector<float>* v = is_weight ? (after_step ? l.weight_state_after : l.weight_state_before)
                                                : (after_step ? l.bias_state_after : l.bias_state_before);
        return v[i].size() > at ? v[i][at] : 0.0;
    };
    const OptimizerSpec& o = t.optimizer;
    const OptimizerName* on = find_optimizer(o.type);
    const OptimizerKind kind = on ? on->kind : OptimizerKind::Sgd;
    const double lambda = is_weight ? o.weight_decay : 0.0;  // biases do not decay
    const bool decoupled = kind == OptimizerKind::AdamW;
    std::vector<std::string> out;
    // g: the gradient the rule uses (clipped, and with weight decay added).
    std::string gname = "∂L/∂" + p;
    double g = grad;
    if (t.clip_scale != 1.0f) {
        g = grad * t.clip_scale;
        out.push_back("g = c·∂L/∂" + p + " = " + w.n(t.clip_scale) + "·" + w.f(grad) + " = " + w.n(g) +
                      " (clipped: the gradients' norm " + w.n(t.grad_norm) + " is above " + w.n(o.clip_norm) + ")");
        gname = "g";
    }
    if (lambda > 0 && !decoupled) {
        const double g2 = g + lambda * before;
        out.push_back("g = " + gname + " + λ" + p + " = " + w.f(g) + " + " + w.n(lambda) + "·" + w.f(before) +
                      " = " + w.n(g2) + " (weight decay)");
        g = g2;
        gname = "g";
    }
    const std::string lr = w.n(t.lr);
    switch (kind) {
        case OptimizerKind::Sgd:
            if (o.momentum > 0) {
                const double v = state(0, true);
                out.push_back("v ← μ·v + " + gname + " = " + w.n(o.momentum) + "·" + w.f(state(0, false)) + " + " +
                              w.f(g) + " = " + w.n(v));
                if (o.nesterov)
                    out.push_back(p + " ← " + p + " − lr·(" + gname + " + μ·v) = " + w.n(before) + " − " + lr +
                                  "·(" + w.f(g) + " + " + w.n(o.momentum) + "·" + w.f(v) + ") = " + w.n(after));
                else
                    out.push_back(p + " ← " + p + " − lr·v = " + w.n(before) + " − " + lr + "·" + w.f(v) + " = " +
                                  w.n(after));
            } else {
                out.push_back(p + " ← " + p + " − lr·" + gname + " = " + w.n(before) + " − " + lr + "·" + w.f(g) +
                              " = " + w.n(after));
            }
            break;
        case OptimizerKind::Adam:
        case OptimizerKind::AdamW: {
            const double m = state(0, true), v = state(1, true);
            const long step = t.optimizer_steps;
            const double mhat = m / (1 - std::pow(o.beta1, step)), vhat = v / (1 - std::pow(o.beta2, step));
            if (decoupled && lambda > 0)
                out.push_back(p + " ← " + p + " − lr·λ·" + p + " first (AdamW's weight decay)");
            out.push_back("m ← β₁·m + (1 − β₁)·" + gname + " = " + w.n(o.beta1) + "·" + w.f(state(0, false)) +
                          " + " + w.n(1 - o.beta1) + "·" + w.f(g) + " = " + w.n(m));
            out.push_back("v ← β₂·v + (1 − β₂)·" + gname + "² = " + w.n(o.beta2) + "·" + w.f(state(1, false)) +
                          " + " + w.n(1 - o.beta2) + "·" + w.f(g) + "² = " + w.n(v));
            out.push_back(p + " ← " + p + " − lr·m̂/(√v̂ + ε), m̂ = m/(1 − β₁ᵗ), v̂ = v/(1 − β₂ᵗ), t = " +
                          std::to_string(step) + ": " + w.n(before) + " − " + lr + "·" + w.f(mhat) + "/(" +
                          w.n(std::sqrt(vhat)) + " + " + w.n(o.eps) + ") = " + w.n(after));
            out.push_back("Adam divides each step by the recent size of its own gradient, so every weight "
                          "moves by about lr while its gradient keeps its sign.");
            break;
        }
        case OptimizerKind::RmsProp: {
            const double sq = state(0, true);
            out.push_back("s ← α·s + (1 − α)·" + gname + "² = " + w.n(o.alpha) + "·" + w.f(state(0, false)) +
                          " + " + w.n(1 - o.alpha) + "·" + w.f(g) + "² = " + w.n(sq));
            if (o.momentum > 0)
                out.push_back("u ← μ·u + " + gname + "/(√s + ε) = " + w.n(state(1, true)) + "; " + p + " ← " + p +
                              " − lr·u = " + w.n(before) + " − " + lr + "·" + w.f(state(1, true)) + " = " +
                              w.n(after));
            else
                out.push_back(p + " ← " + p + " − lr·" + gname + "/(√s + ε) = " + w.n(before) + " − " + lr + "·" +
                              w.f(g) + "/(" + w.n(std::sqrt(sq)) + " + " + w.n(o.eps) + ") = " + w.n(after));
            out.push_back("RMSProp divides each step by the recent size of its own gradient.");
            break;
        }
    }
    return out;
}

std::vector<std::string> neuron_equations(const StepTrace& t, size_t layer, int unit, int item,
                                          const EquationStyle& s) {
    std::vector<std::string> out = {pre_activation_equation(t, layer, unit, item, s),
                                    activation_equation(t, layer, unit, item, s)};
    if (is_output(t, layer) && !t.item_loss.empty()) out.push_back(loss_equation(t, item, s));
    for (std::string e : {output_gradient_equation(t, layer, unit, item, s),
                          delta_equation(t, layer, unit, item, s),
                          bias_gradient_equation(t, layer, unit, item, s)})
        if (!e.empty()) out.push_back(std::move(e));
    for (std::string& e : update_equations(t, layer, unit, -1, s)) out.push_back(std::move(e));
    return out;
}

std::vector<std::string> connection_equations(const StepTrace& t, size_t layer, int unit,
                                              int input, int item, const EquationStyle& s) {
    const Writer w{t, s};
    const TraceLayer& l = layer_of(t, layer);
    const double wv = l.weight(unit, input), x = t.layer_input(layer).at(item, input);
    std::vector<std::string> out = {
        std::string(w.mean(item) ? "w·x̄" : "w·x") + " = " + w.f(wv) + "·" + w.f(x) + " = " + w.n(wv * x) +
            " (this connection's part of z)",
        weight_gradient_equation(t, layer, unit, input, item, s)};
    for (std::string& e : update_equations(t, layer, unit, input, s)) out.push_back(std::move(e));
    return out;
}

}  // namespace gs
