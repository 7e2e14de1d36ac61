// `gradscope-train selftest [--backend cuda]`: runs every backend operation on
// the CPU and on the named backend with the same inputs, prints a table
// (operation, shapes, max relative error, tolerance, PASS/FAIL), then trains
// spiral-tanh and mlp-fashion on both and compares the loss curves.
// Exit status: 0 all passed, 1 a check failed, 4 skipped (the backend is
// unavailable here; the reason is printed).
#include <cstdio>
#include <iostream>

#include "backend_compare.h"
#include "commands.h"
#include "gradscope/backend.h"
#include "gradscope/error.h"

namespace gs::cli {

namespace {
// "CUDA is unavailable: no CUDA driver found" -> "no CUDA driver found".
std::string reason_of(const Error& e) {
    std::string why = e.what();
    const std::string prefix = "CUDA is unavailable: ";
    if (why.rfind(prefix, 0) == 0) why = why.substr(prefix.size());
    return why;
}
}  // namespace

int run_selftest(const SelftestOptions& o) {
    for (const auto& b : probe_backends())
        std::printf("backend %-8s %s%s%s\n", b.name.c_str(), b.label.c_str(),
                    b.usable ? "" : ": unavailable, ", b.reason.c_str());
    Backend* other = nullptr;
    try {
        other = &backend_by_name(o.backend);
    } catch (const Error& e) {
        if (o.backend.rfind("cuda", 0) != 0) throw;  // an unknown name is a mistake, not a skip
        std::printf("selftest skipped: CUDA unavailable: %s\n", reason_of(e).c_str());
        std::fflush(stdout);
        return kSelftestSkipped;
    }
    Backend& cpu = cpu_backend();
    std::printf("\ncomparing %s against the CPU reference (seed %llu)\n\n", other->name().c_str(),
                static_cast<unsigned long long>(o.seed));
    const auto ops = compare::compare_ops(cpu, *other, o.seed);
    std::fputs(compare::format_ops(ops).c_str(), stdout);
    int failed = 0;
    for (const auto& c : ops) failed += !c.pass;
    std::printf("\n");
    std::fflush(stdout);
    if (o.steps > 0) {
        std::vector<compare::CurveCheck> curves;
        for (const char* preset : {"spiral-tanh", "mlp-fashion"}) {
            curves.push_back(compare::compare_training(preset, cpu, *other, o.steps));
            std::fputs(compare::format_curves({curves.back()}).c_str(), stdout);
            std::fflush(stdout);
            failed += !curves.back().pass;
        }
    }
    std::printf("\nselftest %s: %zu checks, %d failed\n", failed ? "FAILED" : "passed",
                ops.size() + (o.steps > 0 ? 2 : 0), failed);
    return failed ? 1 : 0;
}

}  // namespace gs::cli
