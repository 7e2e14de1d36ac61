// The learning-rate range test (Smith 2015) on a Trainer, with the training
// state captured before and restored after (gradscope/training_state.h), so
// the run goes on bit for bit as if the test had not happened.
#include <chrono>
#include <cmath>
#include <cstdio>
#include <limits>

#include "gradscope/optimization_gauges.h"
#include "gradscope/training_state.h"

namespace gs {

namespace {

std::string num(double v) {
    char b[32];
    std::snprintf(b, sizeof b, "%.3g", v);
    return b;
}

}  // namespace

LrRangeResult lr_range_test(Trainer& t, const LrRangeOptions& o, const std::atomic<bool>* cancel) {
    LrRangeResult r;
    r.options = o;
    r.step = t.global_step();
    if (std::string why = lr_range_problem(o); !why.empty()) {
        r.error = why;
        return r;
    }
    const auto t0 = std::chrono::steady_clock::now();
    TrainingState saved;
    capture_state(t, saved);
    try {
        TrainingSettings s = saved.settings;
        s.schedule = ScheduleSpec{};  // constant: the test sets every step's rate itself
        apply_settings(t, s);
        r.lr.reserve(static_cast<size_t>(o.steps));
        r.loss.reserve(static_cast<size_t>(o.steps));
        r.smoothed.reserve(static_cast<size_t>(o.steps));
        const double ratio = o.lr_max / o.lr_min;
        double avg = 0, best = std::numeric_limits<double>::infinity();
        for (int i = 0; i < o.steps; ++i) {
            if (cancel && cancel->load(std::memory_order_relaxed)) {
                r.stopped = "cancelled after " + std::to_string(i) + " steps";
                break;
            }
            const double lr = o.lr_min * std::pow(ratio, static_cast<double>(i) / (o.steps - 1));
            t.optimizer().spec().lr = static_cast<float>(lr);
            const StepResult sr = t.step();
            r.lr.push_back(static_cast<float>(lr));
            r.loss.push_back(static_cast<float>(sr.loss));
            if (sr.nonfinite || !std::isfinite(sr.loss)) {
                r.smoothed.push_back(NAN);
                r.exploded = true;
                r.stopped = "stopped at lr " + num(lr) + ": the loss was not finite";
                break;
            }
            avg = o.smoothing * avg + (1 - o.smoothing) * sr.loss;
            const double sm = avg / (1 - std::pow(o.smoothing, i + 1));
            r.smoothed.push_back(static_cast<float>(sm));
            if (sm < best) best = sm;
            if (i >= o.steps / 20 && sm > o.explode * best) {
                r.exploded = true;
                r.stopped = "stopped at lr " + num(lr) + ": the loss exploded (" + num(sm / best) +
                            " x its lowest)";
                break;
            }
        }
        if (r.stopped.empty())
            r.stopped = "went through the whole range, " + num(o.lr_min) + " to " + num(o.lr_max);
    } catch (const std::exception& e) {
        r.error = e.what();
    }
    restore_state(t, saved);
    suggest_lr(r);
    r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return r;
}

}  // namespace gs
