// `gradscope-train selftest [--backend cuda]`: runs the conformance suite
// (engine/conformance: every backend operation on odd shapes against a plain
// reference) on the named backend and prints its table (operation, output,
// shapes, max abs and rel error, tolerance, PASS/FAIL), then trains
// spiral-tanh and mlp-fashion on it and on the CPU and compares the loss
// curves (for the CPU itself: two runs from the same seed).
// Exit status: 0 all passed, 1 a check failed (or an unknown backend), 4
// skipped (the backend is unavailable here; the reason is printed).
#include <cstdio>

#include "commands.h"
#include "gradscope/backend.h"
#include "gradscope_conformance/conformance.h"
#include "gradscope_conformance/training_check.h"

namespace gs::cli {

int run_selftest(const SelftestOptions& o) {
    for (const auto& b : probe_backends())
        std::printf("backend %-8s %s%s%s\n", b.name.c_str(), b.label.c_str(),
                    b.usable ? "" : ": unavailable, ", b.reason.c_str());
    const OpenedBackend opened = open_backend(o.backend);  // an unknown name throws: exit 1
    if (opened.fell_back()) {
        std::printf("selftest skipped: %s unavailable: %s\n", opened.family.c_str(),
                    opened.reason.c_str());
        std::fflush(stdout);
        return kSelftestSkipped;
    }
    Backend& backend = *opened.backend;
    std::printf("\nconformance of %s against the plain reference (seed %llu)\n\n",
                backend.name().c_str(), static_cast<unsigned long long>(o.seed));
    const auto rows = conformance::run_conformance(backend, o.seed);
    std::fputs(conformance::format_rows(rows).c_str(), stdout);
    int failed = 0, skipped = 0;
    size_t checks = rows.size();
    for (const auto& r : rows) failed += !r.pass;
    std::printf("\nconformance: %zu rows, %d failed\n\n", rows.size(), failed);
    std::fflush(stdout);
    if (o.steps > 0) {
        for (const char* preset : {"spiral-tanh", "mlp-fashion"}) {
            const auto c = conformance::compare_training(preset, cpu_backend(), backend, o.steps);
            std::fputs(conformance::format_curves({c}).c_str(), stdout);
            std::fflush(stdout);
            ++checks;
            skipped += c.skipped;
            failed += !c.skipped && !c.pass;
        }
    }
    std::printf("\nselftest %s: %zu checks, %d failed", failed ? "FAILED" : "passed", checks, failed);
    if (skipped) std::printf(", %d skipped", skipped);
    std::printf("\n");
    return failed ? 1 : 0;
}

}  // namespace gs::cli
