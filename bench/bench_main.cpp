// gradscope-bench: training throughput of the presets on inputs of their real
// shapes. Each case warms up, then times several windows and prints the
// median as "bench <case> <value> <unit>".
//
//   gradscope-bench [--cases a,b] [--windows N] [--seconds S] [--backend cpu]
//
// --backend cuda (or cuda:N) without a usable GPU says why and runs on the CPU.
//
// Cases: training throughput on inputs of the presets' real shapes (the
// Fashion-MNIST ones on synthetic tensors, as the PyTorch script does), and
// for those, "<case>/real-data-cost": how much slower the same training is
// on the real dataset (in %), when Fashion-MNIST is installed; and
// "<case>/telemetry-overhead": the cost of training in a Session with all of
// its telemetry on, against a bare training loop (in %).
#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <memory>
#include <thread>
#include <string>
#include <vector>

#include "gradscope/backend.h"
#include "gradscope/error.h"
#include "gradscope/presets.h"
#include "gradscope/session.h"
#include "gradscope/trainer.h"

namespace {

using Clock = std::chrono::steady_clock;

struct Options {
    std::vector<std::string> cases;
    int windows = 5;
    double seconds = 1.0;
    std::string backend = "cpu";
};

struct Case {
    std::string name;   // spiral-tanh/b10
    std::string preset;
    int batch;
    bool per_sample;    // samples/s rather than steps/s
    bool real_data;     // the preset's own built-in data, else synthetic
};

const std::vector<Case> kCases = {
    {"spiral-tanh/b10", "spiral-tanh", 10, false, true},
    {"mlp-fashion/b64", "mlp-fashion", 64, true, false},
    {"mlp-fashion/b256", "mlp-fashion", 256, true, false},
    {"cnn-fashion/b64", "cnn-fashion", 64, true, false},
};

std::unique_ptr<gs::Trainer> make_trainer(const Case& c, const Options& o, bool real) {
    gs::ModelSpec spec = gs::load_preset(c.preset);
    spec.batch_size = c.batch;
    gs::PreparedData data;
    if (real) {
        data = gs::prepare_data(spec);
    } else {
        gs::DataSpec d;
        d.name = "synthetic";
        d.samples = c.batch * 16;  // 16 distinct batches, as the PyTorch script
        d.test_fraction = 0;
        d.seed = 7;
        data.train = gs::make_builtin_dataset(d, spec.input, 10).train;
    }
    data.validation = data.test = nullptr;
    return std::make_unique<gs::Trainer>(spec, data, gs::backend_by_name(o.backend));
}

void warm_up(gs::Trainer& t, double seconds) {
    const auto end = Clock::now() + std::chrono::duration<double>(seconds);
    while (Clock::now() < end) t.step();
}

// Steps (or items) per second over one window.
double window(gs::Trainer& t, bool per_sample, double seconds) {
    long steps = 0, items = 0;
    const auto start = Clock::now();
    const auto end = start + std::chrono::duration<double>(seconds);
    auto now = start;
    while (now < end) {
        // Check the clock every few steps: reading it costs ~20 ns.
        for (int i = 0; i < 8; ++i) items += t.step().batch;
        steps += 8;
        now = Clock::now();
    }
    const double secs = std::chrono::duration<double>(now - start).count();
    return (per_sample ? static_cast<double>(items) : static_cast<double>(steps)) / secs;
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

double run_case(const Case& c, const Options& o) {
    auto t = make_trainer(c, o, c.real_data);
    warm_up(*t, std::min(0.5, o.seconds));
    std::vector<double> rates;
    for (int w = 0; w < o.windows; ++w) rates.push_back(window(*t, c.per_sample, o.seconds));
    return median(rates);
}

// Real Fashion-MNIST (uint8, normalized, batches assembled on the loader
// thread) against synthetic float tensors of the same shape, in alternating
// windows so the machine's drift cancels: the cost of real data, in percent.
double real_data_cost(const Case& c, const Options& o) {
    auto synthetic = make_trainer(c, o, false);
    auto real = make_trainer(c, o, true);
    warm_up(*synthetic, std::min(0.5, o.seconds));
    warm_up(*real, std::min(0.5, o.seconds));
    std::vector<double> costs;
    for (int w = 0; w < o.windows; ++w) {
        const double s = window(*synthetic, true, o.seconds);
        const double r = window(*real, true, o.seconds);
        costs.push_back(100.0 * (s - r) / s);
    }
    return median(costs);
}

// The same training in a Session with every telemetry stream on at its
// default rate (per-step records, per-layer statistics on their budget, a
// consumer draining 10 times a second and asking for a full snapshot each
// time) against a bare Trainer loop, in
// alternating windows: what watching costs, in percent.
double telemetry_overhead(const Case& c, const Options& o) {
    auto bare = make_trainer(c, o, false);
    gs::ModelSpec spec = gs::load_preset(c.preset);
    spec.batch_size = c.batch;
    spec.epochs = 1 << 30;
    gs::DataSpec d;
    d.name = "synthetic";
    d.samples = c.batch * 16;
    d.test_fraction = 0;
    d.seed = 7;
    gs::PreparedData data;
    data.train = gs::make_builtin_dataset(d, spec.input, 10).train;
    gs::Session session(spec, data, gs::backend_by_name(o.backend));
    gs::TelemetryStore store;
    warm_up(*bare, std::min(0.5, o.seconds));
    auto watched = [&](double seconds) {
        const long before = session.steps_done();
        const auto start = Clock::now();
        session.state() == gs::SessionState::Idle ? session.start() : session.resume();
        const auto end = start + std::chrono::duration<double>(seconds);
        while (Clock::now() < end) {
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
            session.drain(store);
            session.request_snapshot();  // ten a second, with every part
            auto snap = session.latest_snapshot();
        }
        session.pause();
        session.wait_until_settled(10);
        const double secs = std::chrono::duration<double>(Clock::now() - start).count();
        return static_cast<double>(session.steps_done() - before) * c.batch / secs;
    };
    watched(std::min(0.5, o.seconds));  // warm-up
    std::vector<double> costs;
    for (int w = 0; w < o.windows; ++w) {
        const double b = window(*bare, true, o.seconds);
        const double s = watched(o.seconds);
        costs.push_back(100.0 * (b - s) / b);
    }
    return median(costs);
}

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

}  // namespace

// The whole program, also reachable as `gradscope-train bench`.
int gs_bench_main(int argc, char** argv) {
    Options o;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        auto next = [&]() -> std::string {
            if (i + 1 >= argc) {
                std::fprintf(stderr, "error: %s needs a value\n", a.c_str());
                std::exit(2);
            }
            return argv[++i];
        };
        // Numbers are read whole and range-checked: a bad one is refused (exit 2).
        auto bad = [&](const std::string& v, const char* range) {
            std::fprintf(stderr, "error: %s: %s is not %s\n", a.c_str(), v.c_str(), range);
            std::exit(2);
        };
        if (a == "--cases") o.cases = split(next());
        else if (a == "--windows") {
            const std::string v = next();
            int n = 0;
            const auto r = std::from_chars(v.data(), v.data() + v.size(), n);
            if (r.ec != std::errc() || r.ptr != v.data() + v.size() || n < 1 || n > 1000)
                bad(v, "a whole number from 1 to 1000");
            o.windows = n;
        } else if (a == "--seconds") {
            const std::string v = next();
            char* end = nullptr;
            const double x = std::strtod(v.c_str(), &end);
            if (v.empty() || *end != '\0' || !(x >= 0.05) || !(x <= 3600))
                bad(v, "a number of seconds from 0.05 to 3600");
            o.seconds = x;
        }
        else if (a == "--backend") o.backend = next();
        else if (a == "--list") {
            for (const auto& c : kCases) std::printf("%s\n", c.name.c_str());
            for (const auto& c : kCases)
                if (!c.real_data) std::printf("%s/real-data-cost\n", c.name.c_str());
            std::printf("mlp-fashion/b64/telemetry-overhead\ncnn-fashion/b64/telemetry-overhead\n");
            return 0;
        } else {
            std::fprintf(stderr,
                         "usage: gradscope-bench [--cases a,b] [--windows N] [--seconds S] "
                         "[--backend NAME] [--list]\n");
            return 2;
        }
    }
    try {
        // No usable GPU: say why and measure the CPU, as the other front ends do.
        const gs::OpenedBackend opened = gs::open_backend(o.backend);
        if (opened.fell_back())
            std::fprintf(stderr, "gradscope-bench: %s unavailable: %s; running on the CPU\n",
                         opened.family.c_str(), opened.reason.c_str());
        o.backend = opened.name;
        for (const auto& c : kCases) {
            if (!o.cases.empty() && std::find(o.cases.begin(), o.cases.end(), c.name) == o.cases.end())
                continue;
            const double v = run_case(c, o);
            std::printf("bench %s %.0f %s\n", c.name.c_str(), v, c.per_sample ? "samples/s" : "steps/s");
            std::fflush(stdout);
        }
        for (const auto& c : kCases) {
            const std::string name = c.name + "/telemetry-overhead";
            if (c.name != "mlp-fashion/b64" && c.name != "cnn-fashion/b64") continue;
            if (!o.cases.empty() && std::find(o.cases.begin(), o.cases.end(), name) == o.cases.end())
                continue;
            std::printf("bench %s %.1f %%\n", name.c_str(), telemetry_overhead(c, o));
            std::fflush(stdout);
        }
        for (const auto& c : kCases) {
            const std::string name = c.name + "/real-data-cost";
            if (c.real_data || (!o.cases.empty() && std::find(o.cases.begin(), o.cases.end(),
                                                              name) == o.cases.end()))
                continue;
            try {
                const double v = real_data_cost(c, o);
                std::printf("bench %s %.1f %%\n", name.c_str(), v);
            } catch (const gs::Error& e) {
                std::fprintf(stderr, "skipping %s: %s\n", name.c_str(), e.what());
            }
            std::fflush(stdout);
        }
    } catch (const gs::Error& e) {
        std::fprintf(stderr, "error: %s\n", e.what());
        return 1;
    }
    return 0;
}
