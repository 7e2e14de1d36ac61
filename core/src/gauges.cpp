// Gauges: the learning-rate suggestion and the explanations in words
// (gradscope/gauges.h).
#include "gradscope/gauges.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace gs {

namespace {

std::string num(double v) {
    char b[32];
    std::snprintf(b, sizeof b, "%.3g", v);
    return b;
}

}  // namespace

std::string lr_range_problem(const LrRangeOptions& o) {
    if (!(o.lr_min > 0) || !std::isfinite(o.lr_min))
        return "the lowest learning rate must be a positive number, not " + num(o.lr_min);
    if (!(o.lr_max > o.lr_min) || !std::isfinite(o.lr_max))
        return "the highest learning rate (" + num(o.lr_max) + ") must be above the lowest (" +
               num(o.lr_min) + ")";
    if (o.steps < 10 || o.steps > 100000)
        return "a range test takes 10 to 100000 steps, not " + std::to_string(o.steps);
    if (!(o.explode > 1) || !std::isfinite(o.explode))
        return "the explosion factor must be above 1, not " + num(o.explode);
    if (!(o.smoothing >= 0 && o.smoothing < 1))
        return "the smoothing must lie in [0, 1), not " + num(o.smoothing);
    return "";
}

void suggest_lr(LrRangeResult& r) {
    r.suggested_lr = 0;
    r.suggested_index = -1;
    const int n = static_cast<int>(std::min(r.lr.size(), r.loss.size()));
    if (n < 5) return;
    // A centred moving average of the raw loss (no lag, unlike the running
    // average that watches for the explosion) over half a decade of rates
    // either side (w points), and the slope across a decade: a batch's loss
    // is noisy, and the fall that matters spans decades.
    const double decades = std::log10(static_cast<double>(r.lr[static_cast<size_t>(n - 1)]) / r.lr[0]);
    const int w = std::max(1, static_cast<int>(std::lround(0.5 * (n - 1) / std::max(decades, 1e-9))));
    std::vector<double> c(static_cast<size_t>(n));
    for (int i = 0; i < n; ++i) {
        double s = 0;
        int k = 0;
        for (int j = std::max(0, i - w); j <= std::min(n - 1, i + w); ++j)
            if (std::isfinite(r.loss[static_cast<size_t>(j)])) s += r.loss[static_cast<size_t>(j)], ++k;
        c[static_cast<size_t>(i)] = k ? s / k : NAN;
    }
    // Only before the lowest point: past it the loss climbs.
    int end = 0;
    for (int i = 0; i < n; ++i)
        if (std::isfinite(c[static_cast<size_t>(i)]) && c[static_cast<size_t>(i)] < c[static_cast<size_t>(end)]) end = i;
    double best = 0;
    for (int i = w; i + w <= end; ++i) {
        const double dx = std::log10(r.lr[static_cast<size_t>(i + w)]) - std::log10(r.lr[static_cast<size_t>(i - w)]);
        if (!(dx > 0)) continue;
        const double slope = (c[static_cast<size_t>(i + w)] - c[static_cast<size_t>(i - w)]) / dx;
        if (std::isfinite(slope) && slope < best) {
            best = slope;
            r.suggested_index = i;
        }
    }
    if (r.suggested_index >= 0) r.suggested_lr = r.lr[static_cast<size_t>(r.suggested_index)];
}

const char* sharpness_about() {
    return "Sharpness is the largest curvature of the loss: the top eigenvalue of its Hessian, "
           "measured on a fixed batch by power iteration on Hessian-vector products. Plain "
           "gradient descent with learning rate lr is stable only while the sharpness stays "
           "below 2/lr (the edge of stability, Cohen et al. 2021). Training often pushes the "
           "sharpness up until it reaches 2/lr and then hovers there, the loss going down "
           "non-monotonically.";
}

const char* noise_scale_about() {
    return "The gradient noise scale B_simple = tr(Σ)/|G|² compares how much the gradient of "
           "one example varies (tr Σ) with how large the true gradient is (|G|²), estimated from "
           "the gradient norms of small and large batches (McCandlish et al. 2018). It is the "
           "critical batch size: batches much larger than it waste compute (a bigger batch "
           "hardly makes a better step), batches much smaller waste steps (each step is mostly "
           "noise). It usually grows as the loss falls.";
}

const char* lr_range_about() {
    return "The learning-rate range test (Smith 2015) trains a few hundred steps from the "
           "current state while the learning rate rises exponentially, and plots the loss "
           "against the rate on a log axis. Too low a rate barely moves the loss; too high a "
           "rate makes it explode. The suggestion is where the loss falls fastest. The state "
           "is put back exactly afterwards, so the test changes nothing about the run.";
}

std::string sharpness_verdict(double sharpness, double lr) {
    if (!(lr > 0) || !std::isfinite(sharpness)) return "no estimate yet";
    const double edge = 2.0 / lr;
    const double f = sharpness / edge;
    std::string s = "sharpness " + num(sharpness) + " against 2/lr = " + num(edge) + " (" +
                    num(100 * f) + "% of the edge): ";
    if (f >= 1.05)
        return s + "past the edge of stability — plain gradient descent oscillates or diverges "
                   "along the sharpest direction; lower the learning rate below " +
               num(2.0 / sharpness) + " (or expect the loss to bounce while sharpness falls back)";
    if (f >= 0.9)
        return s + "at the edge of stability — the step size is as large as the curvature "
                   "allows; the loss may fall unevenly. Raising the learning rate will not "
                   "speed training up";
    if (f >= 0.5) return s + "approaching the edge; the learning rate is well used";
    return s + "far below the edge — the learning rate could likely be larger (up to about " +
           num(2.0 / std::max(sharpness, 1e-30)) + " before this direction becomes unstable)";
}

std::string noise_scale_verdict(double b_simple, int batch) {
    if (std::isinf(b_simple) && b_simple > 0)
        return "the true gradient is lost in the noise of the batches measured: the noise scale is "
               "far above the batch size " + std::to_string(batch) +
               " — each step is mostly noise (common on a plateau); a larger batch or a smaller "
               "learning rate would make the steps count";
    if (!(b_simple > 0) || !std::isfinite(b_simple)) return "no estimate yet";
    std::string s = "noise scale " + num(b_simple) + " against the batch size " +
                    std::to_string(batch) + ": ";
    const double f = batch / b_simple;
    if (f > 4) return s + "the batch is much larger than the critical batch size — most of it is "
                          "wasted compute; a smaller batch (with a smaller learning rate) would "
                          "train about as well per step, much faster per example";
    if (f < 0.25) return s + "the batch is much smaller than the critical batch size — each step is "
                             "mostly noise; a larger batch (about " + num(b_simple) +
                             ") would make better use of the steps";
    return s + "the batch is near the critical batch size — a good trade of steps for compute";
}

std::string lr_range_verdict(const LrRangeResult& r, double current_lr) {
    if (!r.error.empty()) return "the range test could not run: " + r.error;
    if (!(r.suggested_lr > 0))
        return "no suggestion: the loss did not fall over the range " + num(r.options.lr_min) +
               " to " + num(r.options.lr_max) + " (" + r.stopped + ")";
    std::string s = "suggested learning rate " + num(r.suggested_lr) +
                    " (the loss fell fastest there); " + r.stopped;
    if (current_lr > 0) {
        const double f = r.suggested_lr / current_lr;
        if (f > 3) s += "; the current rate " + num(current_lr) + " is well below it";
        else if (f < 1.0 / 3) s += "; the current rate " + num(current_lr) + " is well above it";
        else s += "; the current rate " + num(current_lr) + " is close to it";
    }
    return s;
}

}  // namespace gs
