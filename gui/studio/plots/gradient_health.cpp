// Gradient-flow diagnosis rules; see gradient_health.h for what they are.
#include "plots/gradient_health.h"

#include <cmath>

#include "plots/number_format.h"

namespace gs::studio {

namespace {

bool finite(float v) { return std::isfinite(v); }

// The store sizes its vector to the highest layer seen, so a layer whose
// statistics have not arrived yet is a default record (step 0).
bool has_stats(const LayerStats& s) { return s.step > 0; }

const char* kVanishingAdvice =
    " This layer and the ones before it barely learn. Try ReLU instead of Sigmoid/Tanh, He "
    "initialization, BatchNorm, or a higher learning rate.";
const char* kExplodingAdvice =
    " Steps overshoot, so the loss jumps or turns NaN. Try a lower learning rate or gradient "
    "clipping (clip_norm).";

LayerDiagnosis weighted(const LayerStats& s, const std::string& title, int layer, double last_mean,
                        bool is_last, const GradientThresholds& t) {
    LayerDiagnosis d;
    d.layer = layer;
    const double mean = s.grad_mean_abs, ratio = s.update_ratio;
    if (!finite(s.grad_mean_abs) || !finite(s.grad_max_abs) || !finite(s.grad_norm) ||
        !finite(s.weight_norm) || !finite(s.update_ratio)) {
        d.status = LayerHealth::Exploding;
        const bool weights_bad = !finite(s.weight_norm);
        d.text = title + (weights_bad ? ": weights are NaN or infinite" : ": gradients are NaN or infinite") +
                 " — training has diverged. Try a lower learning rate or gradient clipping "
                 "(clip_norm), then reset.";
        return d;
    }
    const bool relative_ok = !is_last && std::isfinite(last_mean) && last_mean > 0;
    const double rel = relative_ok ? mean / last_mean : 1.0;
    const std::string m = "mean |grad| " + format_number(mean);
    if (ratio > t.exploding_ratio) {
        d.status = LayerHealth::Exploding;
        d.text = title + ": gradients exploding — update/weight ratio " + format_number(ratio) +
                 ", so one step changes the weights by " + format_percent(ratio) + "." + kExplodingAdvice;
    } else if (mean > t.exploding_mean_abs || (relative_ok && rel > t.relative)) {
        d.status = LayerHealth::Exploding;
        d.text = title + ": gradients exploding — " + m +
                 (relative_ok && rel > t.relative
                      ? ", " + format_factor(rel) + " larger than the last layer's."
                      : ", above " + format_number(t.exploding_mean_abs) + ".") +
                 kExplodingAdvice;
    } else if (relative_ok && rel < 1 / t.relative) {
        d.status = LayerHealth::Vanishing;
        d.text = title + ": gradients vanishing — " + m +
                 (rel > 0 ? ", " + format_factor(1 / rel) + " smaller than the last layer's."
                          : ", while the last layer's are not.") +
                 kVanishingAdvice;
    } else if (mean < t.vanishing_mean_abs) {
        d.status = LayerHealth::Vanishing;
        d.text = title + ": gradients vanishing — " + m + ", below " + format_number(t.vanishing_mean_abs) +
                 "." + kVanishingAdvice;
    } else if (ratio > 0 && ratio < t.vanishing_ratio) {
        d.status = LayerHealth::Vanishing;
        d.text = title + ": updates vanishing — update/weight ratio " + format_number(ratio) +
                 ", so a step barely changes the weights (healthy is about 1e-3)." + kVanishingAdvice;
    } else {
        d.status = LayerHealth::Healthy;
        d.text = title + ": healthy — " + m + ", update/weight ratio " + format_number(ratio) + ".";
    }
    return d;
}

LayerDiagnosis activation(const LayerStats& s, const LayerSpec& spec, const std::string& title,
                          int layer, const GradientThresholds& t) {
    LayerDiagnosis d;
    d.layer = layer;
    if (s.dead_fraction >= 0) {
        const std::string pct = format_percent(s.dead_fraction);
        if (s.dead_fraction >= t.dead_fraction) {
            d.status = LayerHealth::DeadUnits;
            d.text = title + ": " + pct +
                     " of units are dead — they output 0 for every sample, so no gradient flows "
                     "through them and they stop learning. Try a lower learning rate, He "
                     "initialization, or LeakyReLU.";
        } else {
            d.status = LayerHealth::Healthy;
            d.text = title + ": healthy — " + pct + " dead units.";
        }
    } else if (s.saturated_fraction >= 0) {
        const std::string pct = format_percent(s.saturated_fraction);
        const bool sig = spec.type == "Sigmoid";
        if (s.saturated_fraction >= t.saturated_fraction) {
            d.status = LayerHealth::Saturated;
            d.text = title + ": " + pct + " of outputs saturated (" + (sig ? "near 0 or 1" : "near -1 or 1") +
                     "), where the gradient is almost 0, so learning stalls. Try Xavier "
                     "initialization, normalized inputs, BatchNorm, a lower learning rate, or ReLU.";
        } else {
            d.status = LayerHealth::Healthy;
            d.text = title + ": healthy — " + pct + " of outputs saturated.";
        }
    } else {
        d.text = title + ": nothing to check.";
    }
    return d;
}

}  // namespace

const char* health_name(LayerHealth h) {
    switch (h) {
        case LayerHealth::NoData: return "no data";
        case LayerHealth::Healthy: return "healthy";
        case LayerHealth::Vanishing: return "vanishing";
        case LayerHealth::Exploding: return "exploding";
        case LayerHealth::DeadUnits: return "dead units";
        case LayerHealth::Saturated: return "saturated";
    }
    return "?";
}

bool health_is_error(LayerHealth h) { return h == LayerHealth::Exploding; }

bool health_is_problem(LayerHealth h) { return h != LayerHealth::NoData && h != LayerHealth::Healthy; }

std::string layer_title(const ModelSpec& spec, int layer) {
    const bool known = layer >= 0 && static_cast<size_t>(layer) < spec.layers.size();
    return "Layer " + std::to_string(layer + 1) + " (" +
           (known ? spec.layers[static_cast<size_t>(layer)].type : std::string("?")) + ")";
}

std::vector<LayerDiagnosis> diagnose_gradients(const std::vector<LayerStats>& stats,
                                               const ModelSpec& spec, const GradientThresholds& t) {
    const int n = static_cast<int>(spec.layers.size());
    auto stat_of = [&](int i) -> const LayerStats* {
        if (i < 0 || static_cast<size_t>(i) >= stats.size()) return nullptr;
        const LayerStats& s = stats[static_cast<size_t>(i)];
        return has_stats(s) ? &s : nullptr;
    };
    // The last layer with weights and statistics: where the gradient enters.
    int last = -1;
    for (int i = n - 1; i >= 0 && last < 0; --i)
        if (const LayerStats* s = stat_of(i); s && s->has_weights) last = i;
    const double last_mean = last >= 0 ? stat_of(last)->grad_mean_abs : NAN;

    std::vector<LayerDiagnosis> out;
    out.reserve(static_cast<size_t>(n));
    for (int i = 0; i < n; ++i) {
        const std::string title = layer_title(spec, i);
        const LayerStats* s = stat_of(i);
        if (!s) {
            out.push_back({i, LayerHealth::NoData, title + ": no statistics yet."});
        } else if (s->has_weights) {
            out.push_back(weighted(*s, title, i, last_mean, i == last, t));
        } else {
            out.push_back(activation(*s, spec.layers[static_cast<size_t>(i)], title, i, t));
        }
    }
    return out;
}

}  // namespace gs::studio
