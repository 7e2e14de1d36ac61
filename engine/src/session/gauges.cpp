// Session: the gauges of the optimization (gradscope/gauges.h). The
// learning-rate range test runs between steps on the live trainer and puts
// its state back exactly; sharpness and the noise scale run after a step
// when due, each as often as its interval and its cost budget allow.
#include <chrono>
#include <cmath>

#include "gradscope/run_log.h"
#include "gradscope/session.h"
#include "session/gauges.h"

namespace gs {

using Clock = std::chrono::steady_clock;

CommandResult Session::find_lr(const LrRangeOptions& options) {
    std::lock_guard<std::mutex> lock(m_mutex);
    if (std::string why = lr_range_problem(options); !why.empty()) return refuse("cannot find a learning rate: " + why);
    if (m_state == SessionState::Running) return refuse("cannot find a learning rate while running — pause first");
    if (m_state == SessionState::Failed) return refuse("the session failed — reset it first");
    Command c(Command::LrFind);
    c.lr_range = options;
    return enqueue(std::move(c));
}

std::shared_ptr<const LrRangeResult> Session::latest_lr_range() const {
    std::lock_guard<std::mutex> lock(m_snap_mutex);
    return m_lr_range;
}

CommandResult Session::set_gauges(long sharpness_every, long noise_every) {
    std::lock_guard<std::mutex> lock(m_mutex);
    if (sharpness_every < 0 || noise_every < 0)
        return refuse("a gauge's interval is a number of steps (0: off), not a negative number");
    Command c(Command::Gauges);
    c.n = sharpness_every;
    c.value = static_cast<double>(noise_every);
    return enqueue(std::move(c));
}

void Session::apply_gauges(const Command& c) {
    if (!m_gauges) {
        m_gauges = std::make_unique<GaugeState>();
        m_gauges->sharpness_every = m_opt.sharpness_every;
        m_gauges->noise_every = m_opt.noise_every;
    }
    EventRecord e{m_trainer->global_step(), "", "", 0, ""};
    if (c.kind == Command::Gauges) {
        GaugeState& g = *m_gauges;
        g.sharpness_every = c.n;
        g.noise_every = static_cast<long>(c.value);
        g.next_sharpness = g.next_noise = m_trainer->global_step() + 1;
        e.kind = "gauges";
        e.text = "sharpness every " + std::to_string(g.sharpness_every) + " steps, noise scale every " +
                 std::to_string(g.noise_every) + " steps (0: off)";
    } else {
        auto r = std::make_shared<LrRangeResult>(lr_range_test(*m_trainer, c.lr_range));
        r->run_id = m_info.id;
        e.kind = "lr-find";
        e.value = r->suggested_lr;
        e.text = lr_range_verdict(*r, m_trainer->optimizer().spec().lr);
        if (m_log) m_log->write(*r);
        std::lock_guard<std::mutex> lock(m_snap_mutex);
        m_lr_range = std::move(r);
    }
    publish(e);
    if (m_log) m_log->write(e);
}

void Session::run_gauges(long step, float lr, double step_ms) {
    if (!m_gauges) {
        if (m_opt.sharpness_every <= 0 && m_opt.noise_every <= 0) return;  // off: nothing at all
        m_gauges = std::make_unique<GaugeState>();
        m_gauges->sharpness_every = m_opt.sharpness_every;
        m_gauges->noise_every = m_opt.noise_every;
    }
    GaugeState& g = *m_gauges;
    if (g.sharpness_every <= 0 && g.noise_every <= 0) return;
    if (step < g.last_step) {  // a reset or a rewind: the averages start over
        g.noise.reset();
        g.next_sharpness = g.next_noise = step;
    }
    g.last_step = step;
    g.train_ms += step_ms;
    const double budget = m_opt.gauge_budget > 0 ? m_opt.gauge_budget : 0.1;
    // The next step a gauge may run at: its interval, or later while one
    // estimate costs more than its budget of the steps in between.
    auto next_after = [&](long every, GaugeState::Recent& recent, double cost_ms) {
        const double typical = recent.add_and_median(cost_ms);
        const double spacing = typical / (budget * std::max(m_step_ms_avg, 1e-6));
        return step + std::max(every, static_cast<long>(std::min(std::ceil(spacing), 1e9)));
    };
    const uint32_t run = m_run.load(std::memory_order_relaxed);
    if (g.sharpness_every > 0 && step >= g.next_sharpness) {
        const auto t0 = Clock::now();
        SharpnessRecord r;
        try {
            r.sharpness = static_cast<float>(g.sharpness.estimate(*m_trainer, &r.iterations));
        } catch (const std::exception& ex) {
            publish(EventRecord{step, "error", "sharpness", 0, std::string("sharpness: ") + ex.what()});
            g.sharpness_every = 0;
            return;
        }
        const double ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
        g.sharpness_ms += ms;
        r.step = step;
        r.run = run;
        r.run_id = m_info.id;
        r.lr = lr;
        r.edge = lr > 0 ? 2.0f / lr : 0.0f;
        r.cost_share = static_cast<float>(g.sharpness_ms / std::max(g.train_ms, 1e-9));
        m_sharpness_ring.push(r);
        if (m_log) m_log->write(r);
        g.next_sharpness = next_after(g.sharpness_every, g.sharpness_recent, ms);
    }
    if (g.noise_every > 0 && step >= g.next_noise) {
        const auto t0 = Clock::now();
        try {
            g.noise.measure(*m_trainer);
        } catch (const std::exception& ex) {
            publish(EventRecord{step, "error", "noise_scale", 0, std::string("noise scale: ") + ex.what()});
            g.noise_every = 0;
            return;
        }
        const double ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
        g.noise_ms += ms;
        NoiseScaleRecord r;
        r.step = step;
        r.run = run;
        r.run_id = m_info.id;
        r.b_simple = static_cast<float>(g.noise.b_simple());
        r.grad_sq = static_cast<float>(g.noise.grad_sq());
        r.trace = static_cast<float>(g.noise.trace());
        r.batch = m_trainer->batch_size();
        r.cost_share = static_cast<float>(g.noise_ms / std::max(g.train_ms, 1e-9));
        m_noise_ring.push(r);
        if (m_log) m_log->write(r);
        g.next_noise = next_after(g.noise_every, g.noise_recent, ms);
    }
}

}  // namespace gs
