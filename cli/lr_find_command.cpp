// `gradscope-train lr-find SPEC`: the learning-rate range test (Smith 2015)
// from a spec's initial state or a checkpoint: the loss against the rate, a
// suggested rate, and optionally the curve as CSV and a run log.
#include <cmath>
#include <cstdio>
#include <fstream>

#include "commands.h"
#include "gradscope/backend.h"
#include "gradscope/error.h"
#include "gradscope/io.h"
#include "gradscope/optimization_gauges.h"
#include "gradscope/presets.h"
#include "gradscope/run_log.h"
#include "gradscope/validate.h"

namespace gs::cli {

int run_lr_find(const LrFindOptions& o) {
    LrRangeOptions lr;
    lr.lr_min = o.lr_min;
    lr.lr_max = o.lr_max;
    lr.steps = o.steps;
    lr.explode = o.explode;
    if (std::string why = lr_range_problem(lr); !why.empty()) {
        std::fprintf(stderr, "error: %s\n", why.c_str());
        return 2;
    }
    const OpenedBackend opened = open_backend(o.backend);
    if (opened.fell_back())
        std::fprintf(stderr, "gradscope: %s unavailable: %s; on the CPU\n", opened.family.c_str(),
                     opened.reason.c_str());
    ModelSpec spec = load_model(o.model);
    if (o.batch > 0) spec.batch_size = o.batch;
    if (!o.data_path.empty()) spec.data.path = o.data_path;
    if (auto issues = validate_spec(spec); !issues.empty()) {
        std::string m = "the model spec has problems:";
        for (const auto& i : issues) m += "\n  " + i.str();
        throw Error(m);
    }
    if (o.threads > 0) set_threads(o.threads);
    Trainer trainer(spec, prepare_data(spec), *opened.backend);
    if (!o.resume.empty()) gs::load_checkpoint(o.resume, trainer);
    const double current = trainer.optimizer().spec().lr;
    std::printf("%s: range test from step %ld, lr %g to %g over %d steps (batch %d, %s)\n",
                spec.name.c_str(), trainer.global_step(), lr.lr_min, lr.lr_max, lr.steps,
                trainer.batch_size(), spec.optimizer.type.c_str());
    const LrRangeResult r = lr_range_test(trainer, lr);
    if (!r.error.empty()) {
        std::fprintf(stderr, "error: the range test could not run: %s\n", r.error.c_str());
        return 1;
    }
    if (!o.quiet) {
        std::printf("%10s %12s %12s\n", "lr", "loss", "smoothed");
        const size_t every = std::max<size_t>(1, r.lr.size() / 25);
        for (size_t i = 0; i < r.lr.size(); ++i)
            if (i % every == 0 || i + 1 == r.lr.size() || static_cast<int>(i) == r.suggested_index)
                std::printf("%10.3g %12.5g %12.5g%s\n", r.lr[i], r.loss[i], r.smoothed[i],
                            static_cast<int>(i) == r.suggested_index ? "  <- suggested" : "");
    }
    std::printf("%s\n", lr_range_verdict(r, current).c_str());
    std::printf("took %.3g s; the state is as it was (step %ld)\n", r.seconds, trainer.global_step());
    if (!o.csv.empty()) {
        std::ofstream f(o.csv);
        f << "lr,loss,smoothed\n";
        for (size_t i = 0; i < r.lr.size(); ++i) f << r.lr[i] << "," << r.loss[i] << "," << r.smoothed[i] << "\n";
        f.close();
        if (!f) throw Error("could not write " + o.csv);
        std::printf("wrote %s\n", o.csv.c_str());
    }
    if (!o.log_dir.empty()) {
        RunLog log(o.log_dir, spec, opened.name);
        log.write(r);
        log.flush();
        std::printf("wrote the run log %s/run.jsonl\n", o.log_dir.c_str());
    }
    if (r.suggested_lr > 0) std::printf("suggested_lr %g\n", r.suggested_lr);
    return r.suggested_lr > 0 ? 0 : 5;
}

}  // namespace gs::cli
