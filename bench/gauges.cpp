// gradscope-bench-gauges: the figures behind the gauges of the optimization
// (README "Gauges of the optimization"):
//
//   1. per preset, the learning-rate range test's suggestion from the
//      initial weights (default range 1e-5..10, 200 steps) and the range of
//      rates where the preset trains well: a sweep of rates, each trained
//      from the same initial weights for the preset's whole default run (at
//      most --steps steps); "well" = the mean
//      loss of the last 10% of the steps got at least 90% as far down from
//      the initial loss as at the best rate of the sweep;
//   2. the cost of sharpness and the noise scale in a Session (their own
//      cost_share, and steps per second with them off and on).
//
//   bench gauges/<preset>/suggested-lr <lr> lr
//   bench gauges/<preset>/well-lr-min <lr> lr
//   bench gauges/<preset>/well-lr-max <lr> lr
//   bench gauges/<preset>/sharpness-cost <percent> %
//   bench gauges/<preset>/noise-cost <percent> %
//
//   gradscope-bench-gauges [--presets linear-regression,spiral-tanh,xor-sigmoid]
//                          [--points N] [--steps N] [--no-cost]
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "gradscope/error.h"
#include "gradscope/optimization_gauges.h"
#include "gradscope/presets.h"
#include "gradscope/session.h"

namespace {

using namespace gs;
using Clock = std::chrono::steady_clock;

std::vector<std::string> split(const std::string& s) {
    std::vector<std::string> out;
    size_t i = 0;
    while (i < s.size()) {
        size_t j = s.find(',', i);
        if (j == std::string::npos) j = s.size();
        if (j > i) out.push_back(s.substr(i, j - i));
        i = j + 1;
    }
    return out;
}

// Steps of the sweep: the preset's default run, at most `cap`.
long sweep_steps(const ModelSpec& spec, const PreparedData& data, long cap) {
    const long per_epoch = static_cast<long>((data.train->size() + spec.batch_size - 1) / spec.batch_size);
    return std::min(cap, per_epoch * spec.epochs);
}

struct Sweep {
    std::vector<double> lr, final_loss;
    double initial = 0;
};

Sweep sweep(const std::string& preset, int points, long steps) {
    Sweep s;
    for (int i = 0; i < points; ++i) {
        const double lr = std::pow(10.0, -4.0 + 5.0 * i / (points - 1));  // 1e-4 .. 10
        ModelSpec spec = load_preset(preset);
        spec.optimizer.lr = static_cast<float>(lr);
        PreparedData data = prepare_data(spec);
        Trainer t(spec, data, cpu_backend());
        t.set_check_finite(true);
        const long n = sweep_steps(spec, data, steps);
        const long tail = std::max(1L, n / 10);
        double sum = 0, first = 0;
        bool finite = true;
        for (long k = 0; k < n; ++k) {
            const StepResult r = t.step();
            if (k == 0) first = r.loss;
            if (r.nonfinite || !std::isfinite(r.loss)) {
                finite = false;
                break;
            }
            if (k >= n - tail) sum += r.loss;
        }
        s.initial = first;
        s.lr.push_back(lr);
        s.final_loss.push_back(finite ? sum / tail : INFINITY);
    }
    return s;
}

double median(std::vector<double> v) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

// One estimate's own time against one step's, on a Trainer, interleaved with
// steps (medians: a busy machine's scheduler stalls single ones).
void per_estimate(const std::string& preset) {
    ModelSpec spec = load_preset(preset);
    Trainer t(spec, prepare_data(spec), cpu_backend());
    SharpnessEstimator sharp;
    NoiseScaleEstimator noise;
    std::vector<double> step_ms, sharp_ms, noise_ms;
    auto ms_since = [](Clock::time_point a) {
        return std::chrono::duration<double, std::milli>(Clock::now() - a).count();
    };
    int iterations = 0;
    sharp.estimate(t, &iterations);  // the cold start, not counted
    for (int i = 0; i < 400; ++i) {
        auto a = Clock::now();
        t.step();
        step_ms.push_back(ms_since(a));
        a = Clock::now();
        noise.measure(t);
        noise_ms.push_back(ms_since(a));
        if (i % 10 == 0) {
            a = Clock::now();
            sharp.estimate(t, &iterations);
            sharp_ms.push_back(ms_since(a));
        }
    }
    const double st = median(step_ms);
    std::printf("  one step %.4f ms; one sharpness estimate (warm) %.4f ms = %.1f steps; one noise-scale "
                "measurement %.4f ms = %.1f steps (medians)\n",
                st, median(sharp_ms), median(sharp_ms) / st, median(noise_ms), median(noise_ms) / st);
    std::printf("bench gauges/%s/sharpness-estimate-steps %.2f steps\n", preset.c_str(), median(sharp_ms) / st);
    std::printf("bench gauges/%s/noise-estimate-steps %.2f steps\n", preset.c_str(), median(noise_ms) / st);
}

void costs(const std::string& preset, long steps) {
    per_estimate(preset);
    auto rate = [&](long sharp, long noise, SharpnessRecord* sh, NoiseScaleRecord* ns) {
        ModelSpec spec = load_preset(preset);
        SessionOptions o;
        o.sharpness_every = sharp;
        o.noise_every = noise;
        o.layer_stats = false;
        Session s(spec, prepare_data(spec), cpu_backend(), o);
        const auto t0 = Clock::now();
        s.step(steps);
        if (!s.wait_until_settled(600)) throw Error("the run did not finish in 10 minutes");
        const double sec = std::chrono::duration<double>(Clock::now() - t0).count();
        TelemetryStore store;
        s.drain(store);
        if (sh) *sh = store.last_sharpness();
        if (ns) *ns = store.last_noise_scale();
        std::printf("  %-40s %8.0f steps/s  (sharpness estimates %zu, noise-scale estimates %zu)\n",
                    (std::string("sharpness every ") + std::to_string(sharp) + ", noise every " +
                     std::to_string(noise)).c_str(),
                    steps / sec, store.sharpness().total_added(), store.noise_scale().total_added());
        return steps / sec;
    };
    SharpnessRecord sh;
    NoiseScaleRecord ns;
    rate(0, 0, nullptr, nullptr);
    rate(50, 10, &sh, &ns);
    std::printf("  last: %s\n  last: %s\n", sharpness_verdict(sh.sharpness, sh.lr).c_str(),
                noise_scale_verdict(ns.b_simple, ns.batch).c_str());
    std::printf("bench gauges/%s/sharpness-cost %.2f %%\n", preset.c_str(), 100.0 * sh.cost_share);
    std::printf("bench gauges/%s/noise-cost %.2f %%\n", preset.c_str(), 100.0 * ns.cost_share);
}

}  // namespace

int main(int argc, char** argv) {
    std::string presets = "linear-regression,spiral-tanh,xor-sigmoid";
    int points = 16;
    long steps = 1000000;
    bool cost = true;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        auto value = [&]() -> std::string {
            if (i + 1 >= argc) {
                std::fprintf(stderr, "gradscope-bench-gauges: %s needs a value\n", a.c_str());
                std::exit(2);
            }
            return argv[++i];
        };
        if (a == "--presets") presets = value();
        else if (a == "--points") points = std::atoi(value().c_str());
        else if (a == "--steps") steps = std::atol(value().c_str());
        else if (a == "--no-cost") cost = false;
        else {
            std::fprintf(stderr, "gradscope-bench-gauges: unknown option %s\n", a.c_str());
            return 2;
        }
    }
    if (points < 3 || steps < 10) {
        std::fprintf(stderr, "gradscope-bench-gauges: --points at least 3, --steps at least 10\n");
        return 2;
    }
    try {
        for (const std::string& p : split(presets)) {
            ModelSpec spec = load_preset(p);
            Trainer t(spec, prepare_data(spec), cpu_backend());
            const LrRangeResult r = lr_range_test(t, LrRangeOptions{});
            std::printf("%s (%s, lr %g, batch %d): %s (%.2f s)\n", p.c_str(), spec.optimizer.type.c_str(),
                        spec.optimizer.lr, spec.batch_size, lr_range_verdict(r, spec.optimizer.lr).c_str(),
                        r.seconds);
            const Sweep s = sweep(p, points, steps);
            double best = INFINITY;
            for (double f : s.final_loss) best = std::min(best, f);
            double lo = 0, hi = 0;
            for (size_t i = 0; i < s.lr.size(); ++i) {
                const bool well = std::isfinite(s.final_loss[i]) &&
                                  s.initial - s.final_loss[i] >= 0.9 * (s.initial - best);
                std::printf("  lr %-10.3g final loss %-12.5g%s\n", s.lr[i], s.final_loss[i], well ? "  trains well" : "");
                if (well) {
                    if (lo == 0) lo = s.lr[i];
                    hi = s.lr[i];
                }
            }
            std::printf("bench gauges/%s/suggested-lr %.4g lr\n", p.c_str(), r.suggested_lr);
            std::printf("bench gauges/%s/well-lr-min %.4g lr\n", p.c_str(), lo);
            std::printf("bench gauges/%s/well-lr-max %.4g lr\n", p.c_str(), hi);
            if (cost) costs(p, steps);
        }
    } catch (const std::exception& e) {
        std::fprintf(stderr, "gradscope-bench-gauges: %s\n", e.what());
        return 1;
    }
    return 0;
}
