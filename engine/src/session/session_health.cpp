// What the worker does to keep watch over a run, between steps: per-layer
// statistics on a time budget that one slow sample cannot stretch past a
// wall-time bound, and the pause at a non-finite value, which says where it
// came from and whether the run can go on (the weights as before the batch)
// or must be reset (the weights themselves have diverged).
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>

#include "gradscope/layer.h"
#include "gradscope/model.h"
#include "gradscope/names.h"
#include "gradscope/optim.h"
#include "gradscope/run_log.h"
#include "gradscope/session.h"
#include "gradscope/trainer.h"

namespace gs {

namespace {

using Clock = std::chrono::steady_clock;

// The statistics are never further apart than this many steps, however
// costly one sample looked.
constexpr long kMaxStatsEvery = 10000;

std::string two_digits(double v) {  // "1.9e+36"
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.2g", v);
    return buf;
}

}  // namespace

double Session::maybe_publish_layer_stats(long step, float lr) {
    if (!m_opt.layer_stats) return -1;
    const auto now = Clock::now();
    const bool stale = m_opt.stats_max_interval_ms > 0 && m_last_stats != Clock::time_point{} &&
                       std::chrono::duration<double, std::milli>(now - m_last_stats).count() >=
                           m_opt.stats_max_interval_ms;
    if (step < m_next_stats_step && !stale) return -1;
    publish_layer_stats(step, lr);
    m_last_stats = Clock::now();
    const double cost = std::chrono::duration<double, std::milli>(m_last_stats - now).count();
    // The cost is wall time on a thread that others preempt: one sample can
    // be 1000x the usual. A moving average with outliers clipped to 4x it
    // keeps one such sample from setting the schedule for the whole run.
    m_stats_cost_avg = m_stats_cost_avg > 0 ? 0.8 * m_stats_cost_avg + 0.2 * std::min(cost, 4 * m_stats_cost_avg)
                                            : cost;
    // Next time after enough steps that the statistics stay within budget,
    // and that their least interval has passed.
    const double step_ms = std::max(m_step_ms_avg, 1e-6);
    const double every = std::max(m_stats_cost_avg / (m_opt.stats_budget * step_ms),
                                  std::max(m_opt.stats_min_interval_ms, 0.0) / step_ms);
    m_next_stats_step = step + std::clamp(static_cast<long>(std::ceil(std::min(every, 1e12))), 1L, kMaxStatsEvery);
    return cost;
}

float Session::weights_max_abs() {
    Model& m = m_trainer->model();
    Backend& be = m.backend();
    float largest = 0;
    for (size_t i = 0; i < m.layer_count(); ++i)
        for (Param& p : m.layer(i).params()) {
            const TensorSummary s = be.summarize(p.value, -INFINITY, INFINITY);
            if (!s.count) continue;
            if (!std::isfinite(s.sum_sq) || !std::isfinite(s.min) || !std::isfinite(s.max)) return INFINITY;
            largest = std::max({largest, std::abs(s.min), std::abs(s.max)});
        }
    return largest;
}

void Session::pause_on_nonfinite(const StepResult& r, int epoch_before) {
    const int i = r.nonfinite_layer;
    const std::string layer =
        i >= 0 ? "layer " + std::to_string(i + 1) + " (" + m_trainer->model().layer(static_cast<size_t>(i)).type() + ")"
               : "the loss";
    const std::string pass = r.nonfinite_backward ? "backward" : "forward";
    const char* nonfinite = id_of(BreakpointKind::Nonfinite);
    BreakInfo b{nonfinite, layer, pass, r.step + 1, r.epoch, ""};
    b.last_healthy_step = std::max(first_step(), r.step - 1);
    note_skip();  // a replay uses this batch the same way
    b.batch = m_trainer->last_batch();
    Dataset& train = m_trainer->train_data();
    const size_t per = train.item_shape().numel();
    b.batch_inputs.resize(b.batch.size() * per);
    b.batch_targets.resize(b.batch.size() * static_cast<size_t>(train.target_size()));
    train.gather(b.batch.data(), static_cast<int>(b.batch.size()), b.batch_inputs.data(), b.batch_targets.data());
    b.weights_max_abs = weights_max_abs();
    // The first item of the batch whose input is not finite (-1: none).
    long bad_item = -1;
    for (size_t k = 0; k < b.batch_inputs.size() && bad_item < 0; ++k)
        if (!std::isfinite(b.batch_inputs[k])) bad_item = static_cast<long>(b.batch[per ? k / per : 0]);
    std::string why;
    if (b.diverged())
        why = "the weights have diverged (largest |w| " +
              (std::isfinite(b.weights_max_abs) ? two_digits(b.weights_max_abs) : std::string("not finite")) +
              "), so every batch overflows again — reset the run and lower the learning rate";
    else if (bad_item >= 0)
        why = "training item " + std::to_string(bad_item) +
              " of this batch holds a non-finite input; the weights are as before that batch, and "
              "training on skips it";
    else
        why = "the weights are as before that batch — lower the learning rate?";
    b.message = "a non-finite value appeared in the " + pass + " pass at " + layer + ", step " +
                std::to_string(r.step + 1) + " (epoch " + std::to_string(r.epoch + 1) + "); " + why;
    // The statistics at the break, not those of a budget sample from long
    // before: the views show the weights and gradients that broke.
    if (m_opt.layer_stats) {
        publish_layer_stats(r.step, m_trainer->optimizer().spec().lr);
        m_last_stats = Clock::now();
    }
    // The batch counts as used (the trainer moved on): an epoch it closed
    // gets its record like any other.
    if (m_trainer->epoch() != epoch_before) close_epoch();
    note_progress();
    EventRecord e{r.step, "breakpoint", nonfinite, 0, b.message};
    publish(e);
    if (m_log) m_log->write(e);
    std::lock_guard<std::mutex> lock(m_mutex);
    m_break = b;
    m_breaks.fetch_add(1, std::memory_order_relaxed);
    m_budget = 0;
    set_state(SessionState::Paused);
}

}  // namespace gs
