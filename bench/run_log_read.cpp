// gradscope-bench-runlog: how fast the one run-log reader (gradscope_core's
// read_run_log, the parser the monitor follows logs with) opens a large log.
// It writes a run.jsonl of 1,000,000 step records, one line each as RunLog
// writes them (about 141 MB), into a temporary directory, reads it back N
// times and prints the median as
//
//   bench run-log/read-1M <seconds> s
//
// with the fastest and slowest reads on stderr. Links gradscope_core only.
//
//   gradscope-bench-runlog [N]     N reads (default 5)
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include <unistd.h>

#include "gradscope/error.h"
#include "gradscope/run_log.h"
#include "gradscope/spec.h"

namespace {

constexpr long kRecords = 1000000;

// The spec of the "run" record: a small classroom network.
gs::ModelSpec bench_spec() {
    gs::ModelSpec s;
    s.name = "million";
    s.input = gs::Shape{2};
    gs::LayerSpec dense;
    dense.type = "Dense";
    dense.units = 8;
    dense.init = "xavier_uniform";
    gs::LayerSpec tanh;
    tanh.type = "Tanh";
    gs::LayerSpec out = dense;
    out.units = 3;
    s.layers = {dense, tanh, out};
    s.data.name = "spiral";
    return s;
}

int run(int reads) {
    namespace fs = std::filesystem;
    const fs::path dir =
        fs::temp_directory_path() / ("gradscope-bench-runlog-" + std::to_string(::getpid()));
    fs::remove_all(dir);
    {
        gs::RunLog log(dir.string(), bench_spec(), "cpu");
        log.min_step_interval = std::chrono::milliseconds(0);  // one line per step
        for (long s = 1; s <= kRecords; ++s)
            log.write(gs::StepRecord{s, static_cast<int>(s / 1000), 0.7f / (1 + s * 1e-4f),
                                     0.5f + 0.4f * static_cast<float>(s % 1000) / 1000.0f, 0.03f,
                                     0.0123f, 813008.1f});
    }
    const std::string path = (dir / "run.jsonl").string();
    std::vector<double> secs;
    for (int i = 0; i < reads; ++i) {
        const auto t0 = std::chrono::steady_clock::now();
        const gs::RunLogContents c = gs::read_run_log(path);
        secs.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
        if (c.steps.size() != static_cast<size_t>(kRecords) || c.garbage_lines != 0 ||
            c.steps.back().step != kRecords) {
            std::fprintf(stderr, "gradscope-bench-runlog: read %zu steps and %zu garbage lines, "
                                 "expected %ld steps\n",
                         c.steps.size(), c.garbage_lines, kRecords);
            fs::remove_all(dir);
            return 1;
        }
    }
    const auto bytes = fs::file_size(path);
    fs::remove_all(dir);
    std::sort(secs.begin(), secs.end());
    std::fprintf(stderr, "%ld records, %ju bytes; %d reads: %.3f to %.3f s\n", kRecords,
                 static_cast<uintmax_t>(bytes), reads, secs.front(), secs.back());
    std::printf("bench run-log/read-1M %.3f s\n", secs[secs.size() / 2]);
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    const int reads = argc > 1 ? std::atoi(argv[1]) : 5;
    if (reads < 1) {
        std::fprintf(stderr, "usage: gradscope-bench-runlog [N]   (N reads, at least 1)\n");
        return 2;
    }
    try {
        return run(reads);
    } catch (const gs::Error& e) {
        std::fprintf(stderr, "gradscope-bench-runlog: %s\n", e.what());
        return 1;
    }
}
