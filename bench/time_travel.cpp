// gradscope-bench-timetravel: how long reaching a past step takes. A preset's
// default run is trained in a Session with restore points at the default
// budget; then random steps across it are shown (Session::show_step: the
// state rebuilt from the newest restore point before it, that step's
// LayerStats and a Snapshot without the confusion matrix) and timed from the
// call until the session has made it. Prints the median and the max, and the
// restore points' spacing and memory, as
//
//   bench time-travel/<preset>/reach-median <ms> ms
//   bench time-travel/<preset>/reach-max <ms> ms
//
//   gradscope-bench-timetravel [--presets spiral-tanh,cnn-fashion] [--samples N]
//                              [--steps N] [--seed S] [--confusion]
//
// --steps trains only the first N steps of the default run (the spacing is
// the default run's; the oldest points are younger, so reaching is faster
// than at the run's end); --confusion also makes the confusion matrix (a
// pass over the validation or test split).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "gradscope/error.h"
#include "gradscope/presets.h"
#include "gradscope/session.h"

namespace {

using Clock = std::chrono::steady_clock;

std::vector<std::string> split(const std::string& s) {
    std::vector<std::string> out;
    size_t i = 0;
    while (i <= s.size()) {
        size_t j = s.find(',', i);
        if (j == std::string::npos) j = s.size();
        if (j > i) out.push_back(s.substr(i, j - i));
        i = j + 1;
    }
    return out;
}

double seconds_since(Clock::time_point t) {
    return std::chrono::duration<double>(Clock::now() - t).count();
}

int bench(const std::string& preset, int samples, long max_steps, unsigned seed, bool confusion) {
    const gs::ModelSpec spec = gs::load_preset(preset);
    gs::SessionOptions o;
    o.layer_stats = false;   // the run as fast as it goes: only reaching is timed
    o.ring_capacity = 1024;  // nothing drains: records beyond are dropped
    gs::Session s(spec, gs::prepare_data(spec), gs::cpu_backend(), o);
    const auto t0 = Clock::now();
    if (max_steps > 0 ? !s.step(max_steps) : !s.start()) return 1;
    while (!s.wait_until_settled(60)) {
    }
    const long last = s.steps_done();
    const gs::RestorePointInfo info = s.restore_points();
    std::printf("%s: trained %ld steps in %.1f s; %zu restore points every %ld steps, %.1f MB of %.0f MB\n",
                preset.c_str(), last, seconds_since(t0), info.points, info.spacing,
                info.bytes / 1048576.0, info.budget / 1048576.0);
    gs::SnapshotRequest q;
    q.confusion = confusion;
    q.fresh_confusion = confusion;
    std::mt19937 rng(seed);
    std::uniform_int_distribution<long> pick(0, last);
    std::vector<double> ms;
    for (int i = 0; i < samples; ++i) {
        const long step = pick(rng);
        const auto t = Clock::now();
        if (!s.show_step(step, q)) return 1;
        s.wait_until_settled(600);
        ms.push_back(1000 * seconds_since(t));
        auto past = s.latest_past_step();
        if (!past || past->step != step) {
            std::fprintf(stderr, "step %ld was not shown\n", step);
            return 1;
        }
    }
    std::vector<double> sorted = ms;
    std::sort(sorted.begin(), sorted.end());
    std::printf("bench time-travel/%s/reach-median %.1f ms\n", preset.c_str(), sorted[sorted.size() / 2]);
    std::printf("bench time-travel/%s/reach-max %.1f ms\n", preset.c_str(), sorted.back());
    std::fflush(stdout);
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    std::vector<std::string> presets = {"spiral-tanh", "cnn-fashion"};
    int samples = 20;
    long steps = 0;
    unsigned seed = 1;
    bool confusion = false;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        auto next = [&]() -> std::string {
            if (i + 1 >= argc) {
                std::fprintf(stderr, "error: %s needs a value\n", a.c_str());
                std::exit(2);
            }
            return argv[++i];
        };
        if (a == "--presets") presets = split(next());
        else if (a == "--samples") samples = std::max(1, std::atoi(next().c_str()));
        else if (a == "--steps") steps = std::max(0L, std::atol(next().c_str()));
        else if (a == "--seed") seed = static_cast<unsigned>(std::atoi(next().c_str()));
        else if (a == "--confusion") confusion = true;
        else {
            std::fprintf(stderr,
                         "usage: gradscope-bench-timetravel [--presets a,b] [--samples N] "
                         "[--steps N] [--seed S] [--confusion]\n");
            return 2;
        }
    }
    try {
        for (const auto& p : presets)
            if (int rc = bench(p, samples, steps, seed, confusion); rc != 0) return rc;
    } catch (const gs::Error& e) {
        std::fprintf(stderr, "error: %s\n", e.what());
        return 1;
    }
    return 0;
}
