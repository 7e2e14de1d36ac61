// gradscope-bench: training throughput of the presets on inputs of their real
// shapes. Each case warms up, then times several windows and prints the
// median as "bench <case> <value> <unit>".
//
//   gradscope-bench [--cases a,b] [--windows N] [--seconds S] [--backend cpu]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include "gradscope/error.h"
#include "gradscope/presets.h"
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

double run_case(const Case& c, const Options& o) {
    gs::ModelSpec spec = gs::load_preset(c.preset);
    spec.batch_size = c.batch;
    gs::DataSplit data;
    if (c.real_data) {
        data = gs::open_dataset(spec);
    } else {
        gs::DataSpec d;
        d.name = "synthetic";
        d.samples = c.batch * 16;  // 16 distinct batches, as the PyTorch script
        d.test_fraction = 0;
        d.seed = 7;
        data = gs::make_builtin_dataset(d, spec.input, 10);
    }
    gs::Trainer t(spec, data.train, nullptr, gs::backend_by_name(o.backend));
    // Warm-up: primitive creation and caches.
    const auto warm_end = Clock::now() + std::chrono::duration<double>(std::min(0.5, o.seconds));
    while (Clock::now() < warm_end) t.step();
    std::vector<double> rates;
    for (int w = 0; w < o.windows; ++w) {
        long steps = 0, items = 0;
        const auto start = Clock::now();
        const auto end = start + std::chrono::duration<double>(o.seconds);
        auto now = start;
        while (now < end) {
            // Check the clock every few steps: reading it costs ~20 ns.
            for (int i = 0; i < 8; ++i) items += t.step().batch;
            steps += 8;
            now = Clock::now();
        }
        const double secs = std::chrono::duration<double>(now - start).count();
        rates.push_back((c.per_sample ? static_cast<double>(items) : static_cast<double>(steps)) /
                        secs);
    }
    std::sort(rates.begin(), rates.end());
    return rates[rates.size() / 2];
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

int main(int argc, char** argv) {
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
        if (a == "--cases") o.cases = split(next());
        else if (a == "--windows") o.windows = std::max(1, std::atoi(next().c_str()));
        else if (a == "--seconds") o.seconds = std::max(0.05, std::atof(next().c_str()));
        else if (a == "--backend") o.backend = next();
        else if (a == "--list") {
            for (const auto& c : kCases) std::printf("%s\n", c.name.c_str());
            return 0;
        } else {
            std::fprintf(stderr,
                         "usage: gradscope-bench [--cases a,b] [--windows N] [--seconds S] "
                         "[--backend NAME] [--list]\n");
            return 2;
        }
    }
    try {
        for (const auto& c : kCases) {
            if (!o.cases.empty() && std::find(o.cases.begin(), o.cases.end(), c.name) == o.cases.end())
                continue;
            const double v = run_case(c, o);
            std::printf("bench %s %.0f %s\n", c.name.c_str(), v, c.per_sample ? "samples/s" : "steps/s");
            std::fflush(stdout);
        }
    } catch (const gs::Error& e) {
        std::fprintf(stderr, "error: %s\n", e.what());
        return 1;
    }
    return 0;
}
