// Gradient-flow diagnosis rules; see gradient_health.h for what they are.
#include "plots/gradient_health.h"

#include <algorithm>
#include <cctype>

#include "plots/number_format.h"
#include "gradscope/names.h"

namespace gs::studio {

namespace {

bool finite(double v) { return std::isfinite(v); }

// The store sizes its vector to the highest layer seen, so a layer whose
// statistics have not arrived yet is a default record (step 0).
bool has_stats(const LayerStats& s) { return s.step > 0; }

// |w| / sqrt(number of weights): about 0.1 to 1 at the start of a run.
double weight_rms(const LayerStats& s) {
    double n = 0;
    for (uint32_t c : s.weights.counts) n += c;
    return s.weight_norm / std::sqrt(std::max(1.0, n));
}

bool weights_diverged(const LayerStats& s, const GradientThresholds& t) {
    return s.has_weights && (!finite(s.weight_norm) || weight_rms(s) > t.diverged_weight_rms);
}

const char* kExplodingAdvice =
    " Steps overshoot, so the loss jumps or turns NaN. Try a lower learning rate or gradient "
    "clipping (clip_norm).";

// What the run allows the rules to say.
struct Judgement {
    const RunContext* ctx;
    RunVerdict run;
    bool diverging = false, converged = false;
    bool plateau = true;           // the loss far above its end (or nothing known)
    bool higher_lr_ok = false;     // a steady plateau with weights that did not grow
    bool falling = false;          // the newest losses clearly below the ones just before
};

Judgement judge(const std::vector<LayerStats>& stats, const ModelSpec& spec, const RunContext& ctx,
                const GradientThresholds& t) {
    Judgement j{&ctx, diagnose_run(stats, spec, ctx, t)};
    j.diverging = j.run.state == RunState::Diverging;
    j.converged = j.run.state == RunState::Converged;
    const double l0 = ctx.initial_loss, l = ctx.recent_loss;
    const bool loss_known = ctx.known && finite(l0) && finite(l) && l0 > 0;
    j.plateau = !ctx.known || !loss_known || l > 0.3 * l0;
    const bool steady = finite(ctx.recent_max) && ctx.recent_max <= 3 * std::max(l0, l);
    const bool grown = finite(j.run.weight_growth) && j.run.weight_growth > 10;
    j.higher_lr_ok = loss_known && j.plateau && steady && !grown && !j.diverging && !j.converged;
    j.falling = !j.diverging && finite(ctx.loss_trend) && ctx.loss_trend < 0.9;
    return j;
}

std::string vanishing_advice(const Judgement& j) {
    return std::string(" This layer and the ones before it barely learn. Try ReLU instead of Sigmoid/Tanh, He "
                       "initialization or BatchNorm") +
           (j.higher_lr_ok ? ", or a higher learning rate (the loss is flat)." : ".");
}

void set(LayerDiagnosis& d, LayerHealth h, std::string finding, std::string advice = {}) {
    d.status = h;
    d.finding = std::move(finding);
    d.advice = std::move(advice);
    d.text = d.finding + d.advice;
}

LayerDiagnosis weighted(const LayerStats& s, const std::string& title, int layer, double last_mean,
                        bool is_last, const GradientThresholds& t, const Judgement& j) {
    LayerDiagnosis d;
    d.layer = layer;
    const double mean = s.grad_mean_abs, ratio = s.update_ratio;
    const bool adaptive = j.ctx->adaptive();  // the ratio is not the step Adam takes
    if (!finite(s.grad_mean_abs) || !finite(s.grad_max_abs) || !finite(s.grad_norm) ||
        !finite(s.weight_norm) || !finite(s.update_ratio) || weights_diverged(s, t)) {
        const bool weights_bad = weights_diverged(s, t);
        if (weights_bad)
            set(d, LayerHealth::Exploding,
                title + (finite(s.weight_norm) ? ": weights have diverged (norm " + format_number(s.weight_norm) + ")."
                                               : ": weights are NaN or infinite — training has diverged."),
                " No learning rate brings such weights back: press R to reset, then try a lower learning rate or "
                "gradient clipping (clip_norm).");
        else
            set(d, LayerHealth::Exploding, title + ": gradients are NaN or infinite on this batch.",
                " If the data holds NaN or infinite values, fix them; otherwise try a lower learning rate or "
                "gradient clipping (clip_norm).");
        return d;
    }
    const bool relative_ok = !is_last && finite(last_mean) && last_mean > 0;
    const double rel = relative_ok ? mean / last_mean : 1.0;
    const std::string m = "mean |grad| " + format_number(mean);
    // Small gradients are a problem only while the loss is still far from its end.
    const bool small_matters = !j.diverging && !j.converged && j.plateau;
    // A large ratio while the loss falls is a fast start, not an explosion
    // (linear regression at lr 0.1 starts near 1 on its one layer): W1 needs
    // a loss that does not fall; before there is a trend (one loss so far),
    // a ratio 100x the threshold; with nothing known of the run, the ratio.
    const bool big_steps = ratio > t.exploding_ratio && !adaptive;
    const bool trend_known = std::isfinite(j.ctx->loss_trend);
    const bool w1 = big_steps && (!j.ctx->known || j.diverging ||
                                  (trend_known ? !j.falling : ratio > t.exploding_ratio_alone));
    if (w1) {
        set(d, LayerHealth::Exploding,
            title + ": gradients exploding — update/weight ratio " + format_number(ratio) +
                ", so one step changes the weights by " + format_percent(ratio) + ".",
            kExplodingAdvice);
    } else if (mean > t.exploding_mean_abs || (relative_ok && rel > t.relative)) {
        set(d, LayerHealth::Exploding,
            title + ": gradients exploding — " + m +
                (relative_ok && rel > t.relative ? ", " + format_factor(rel) + " larger than the last layer's."
                                                 : ", above " + format_number(t.exploding_mean_abs) + "."),
            kExplodingAdvice);
    } else if (relative_ok && rel < 1 / t.relative && !j.diverging && !j.converged) {
        set(d, LayerHealth::Vanishing,
            title + ": gradients vanishing — " + m +
                (rel > 0 ? ", " + format_factor(1 / rel) + " smaller than the last layer's."
                         : ", while the last layer's are not."),
            vanishing_advice(j));
    } else if (mean < t.vanishing_mean_abs && small_matters) {
        set(d, LayerHealth::Vanishing,
            title + ": gradients vanishing — " + m + ", below " + format_number(t.vanishing_mean_abs) + ".",
            vanishing_advice(j));
    } else if (ratio > 0 && ratio < t.vanishing_ratio && !adaptive && small_matters) {
        set(d, LayerHealth::Vanishing,
            title + ": updates vanishing — update/weight ratio " + format_number(ratio) +
                ", so a step barely changes the weights (healthy is about 1e-3).",
            vanishing_advice(j));
    } else {
        set(d, LayerHealth::Healthy,
            title + ": healthy — " + m +
                (adaptive ? "." : ", update/weight ratio " + format_number(ratio) + ".") +
                (big_steps && j.falling ? " Large steps, but the loss falls: fine while it does." : "") +
                (j.converged && mean < t.vanishing_mean_abs ? " Small, as a converged run's are." : ""));
    }
    return d;
}

LayerDiagnosis activation(const LayerStats& s, const LayerSpec& spec, const std::string& title, int layer,
                          const GradientThresholds& t, const Judgement& j) {
    LayerDiagnosis d;
    d.layer = layer;
    if (s.dead_fraction >= 0) {
        const std::string pct = format_percent(s.dead_fraction);
        if (s.dead_fraction >= t.dead_fraction)
            set(d, LayerHealth::DeadUnits,
                title + ": " + pct + " of units are dead — they output 0 for every sample, so no gradient flows "
                                     "through them and they stop learning.",
                " Try a lower learning rate, He initialization, or LeakyReLU.");
        else
            set(d, LayerHealth::Healthy, title + ": healthy — " + pct + " dead units.");
    } else if (s.saturated_fraction >= 0) {
        const std::string pct = format_percent(s.saturated_fraction);
        const bool sig = spec.type == "Sigmoid";
        const bool grown = finite(j.run.weight_growth) && j.run.weight_growth > 10;
        if (s.saturated_fraction >= t.saturated_fraction && !j.diverging && !j.converged)
            set(d, LayerHealth::Saturated,
                title + ": " + pct + " of outputs saturated (" + (sig ? "near 0 or 1" : "near -1 or 1") +
                    "), where the gradient is almost 0, so learning stalls.",
                grown ? " The weights grew " + format_factor(j.run.weight_growth) +
                            " since the start, which pushes the outputs to the limits: lower the learning rate."
                      : " Try Xavier initialization, normalized inputs, BatchNorm, or ReLU.");
        else
            set(d, LayerHealth::Healthy, title + ": healthy — " + pct + " of outputs saturated.");
    } else {
        set(d, LayerHealth::NoData, title + ": nothing to check.");
    }
    return d;
}

}  // namespace

bool adaptive_optimizer(const std::string& type) {
    std::string id = type;
    std::transform(id.begin(), id.end(), id.begin(), [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
    const OptimizerName* o = find_optimizer(id);
    return o && o->kind != OptimizerKind::Sgd;
}

bool RunContext::adaptive() const { return adaptive_optimizer(optimizer); }

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

RunContext run_context(const TelemetryStore& store, const ModelSpec& spec, std::vector<double> first_weight_norm) {
    RunContext c;
    c.optimizer = spec.optimizer.type;
    std::transform(c.optimizer.begin(), c.optimizer.end(), c.optimizer.begin(),
                   [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
    c.first_weight_norm = std::move(first_weight_norm);
    for (const LayerStats& s : store.layers()) c.stats_step = std::max(c.stats_step, s.step);
    c.now_step = store.last_step().step;
    const std::vector<SeriesPoint> loss = store.loss().points();
    if (loss.empty()) return c;
    c.known = true;
    c.initial_loss = loss.front().mean;
    const size_t n = loss.size(), k = std::min<size_t>(n, 50), w = std::min<size_t>(n, 200);
    double sum = 0;
    size_t used = 0;
    for (size_t i = n - k; i < n; ++i)
        if (finite(loss[i].mean)) sum += loss[i].mean, ++used;
    c.recent_loss = used ? sum / static_cast<double>(used) : NAN;
    // The trend: the newer half of the last (up to) 100 losses against the older half.
    const size_t h = std::min<size_t>(n, 100) / 2;
    double older = 0, newer = 0;
    size_t n_old = 0, n_new = 0;
    for (size_t i = n - 2 * h; i < n; ++i) {
        if (!finite(loss[i].mean)) continue;
        if (i < n - h) older += loss[i].mean, ++n_old;
        else newer += loss[i].mean, ++n_new;
    }
    if (n_old && n_new && older > 0) c.loss_trend = (newer / static_cast<double>(n_new)) / (older / static_cast<double>(n_old));
    for (size_t i = n - w; i < n; ++i) {
        if (finite(loss[i].min)) c.recent_min = finite(c.recent_min) ? std::min<double>(c.recent_min, loss[i].min) : loss[i].min;
        if (finite(loss[i].max)) c.recent_max = finite(c.recent_max) ? std::max<double>(c.recent_max, loss[i].max) : loss[i].max;
    }
    const std::vector<SeriesPoint> acc = store.accuracy().points();
    if (!acc.empty()) {
        const size_t m = acc.size(), a = std::min<size_t>(m, 50);
        double s = 0;
        size_t u = 0;
        for (size_t i = m - a; i < m; ++i)
            if (finite(acc[i].mean) && acc[i].mean >= 0) s += acc[i].mean, ++u;
        if (u) c.train_accuracy = s / static_cast<double>(u);
    }
    return c;
}

RunVerdict diagnose_run(const std::vector<LayerStats>& stats, const ModelSpec& spec, const RunContext& ctx,
                        const GradientThresholds& t) {
    RunVerdict v;
    int bad_layer = -1;
    double bad_norm = 0;
    for (const LayerStats& s : stats) {
        if (!has_stats(s) || !s.has_weights || s.layer < 0 || static_cast<size_t>(s.layer) >= spec.layers.size())
            continue;
        if (weights_diverged(s, t) && bad_layer < 0) bad_layer = s.layer, bad_norm = s.weight_norm;
        const size_t i = static_cast<size_t>(s.layer);
        const double first = i < ctx.first_weight_norm.size() ? ctx.first_weight_norm[i] : NAN;
        if (finite(first) && first > 0 && finite(s.weight_norm))
            v.weight_growth = finite(v.weight_growth) ? std::max(v.weight_growth, s.weight_norm / first) : s.weight_norm / first;
    }
    v.weights_diverged = bad_layer >= 0;
    if (!ctx.known && !v.weights_diverged) return v;
    const double l0 = ctx.initial_loss, l = ctx.recent_loss;
    const bool loss_known = finite(l0) && finite(l) && l0 > 0;
    const bool grew = loss_known && l > 10 * l0;
    const bool swings = loss_known && l > l0 && finite(ctx.recent_max) && ctx.recent_max > 10 * l0;
    const std::string grown = finite(v.weight_growth) && v.weight_growth > 10
                                  ? " (the weights grew " + format_factor(v.weight_growth) + ")"
                                  : "";
    if (v.weights_diverged) {
        v.state = RunState::Diverging;
        v.text = "The weights have diverged (" + layer_title(spec, bad_layer) + ": " +
                 (finite(bad_norm) ? "norm " + format_number(bad_norm) : std::string("NaN or infinite")) +
                 "), so every step overflows and no learning rate brings them back. Press R to reset, then "
                 "lower the learning rate.";
    } else if (grew) {
        v.state = RunState::Diverging;
        v.text = "The learning rate is too high: the loss grew from " + format_number(l0) + " to " +
                 format_number(l) + grown + ". Lower it and press R to start over.";
    } else if (swings) {
        v.state = RunState::Diverging;
        v.text = "The learning rate is too high: the loss swings between " + format_number(ctx.recent_min) +
                 " and " + format_number(ctx.recent_max) + " (it started at " + format_number(l0) + ")" + grown +
                 ". Lower it and press R to start over.";
    } else if ((finite(ctx.train_accuracy) && ctx.train_accuracy >= 0.99) || (loss_known && l < 1e-3 * l0)) {
        v.state = RunState::Converged;
        v.text = "Converged: loss " + format_number(l) +
                 (finite(ctx.train_accuracy) ? ", " + format_percent(ctx.train_accuracy) + " accuracy" : "") +
                 " — small gradients are expected now.";
    } else {
        v.state = RunState::Learning;
    }
    return v;
}

std::vector<LayerDiagnosis> diagnose_gradients(const std::vector<LayerStats>& stats, const ModelSpec& spec,
                                               const GradientThresholds& t) {
    return diagnose_gradients(stats, spec, RunContext{}, t);
}

std::vector<LayerDiagnosis> diagnose_gradients(const std::vector<LayerStats>& stats, const ModelSpec& spec,
                                               const RunContext& ctx, const GradientThresholds& t) {
    const int n = static_cast<int>(spec.layers.size());
    auto stat_of = [&](int i) -> const LayerStats* {
        if (i < 0 || static_cast<size_t>(i) >= stats.size()) return nullptr;
        const LayerStats& s = stats[static_cast<size_t>(i)];
        return has_stats(s) ? &s : nullptr;
    };
    const Judgement j = judge(stats, spec, ctx, t);
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
            LayerDiagnosis d;
            d.layer = i;
            set(d, LayerHealth::NoData, title + ": no statistics yet.");
            out.push_back(d);
        } else if (s->has_weights) {
            out.push_back(weighted(*s, title, i, last_mean, i == last, t, j));
        } else {
            out.push_back(activation(*s, spec.layers[static_cast<size_t>(i)], title, i, t, j));
        }
    }
    return out;
}

}  // namespace gs::studio
