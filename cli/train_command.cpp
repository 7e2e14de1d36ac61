// The train, presets and validate subcommands.
#include <chrono>
#include <cmath>
#include <cstdio>
#include <iostream>

#include "commands.h"
#include "gradscope/error.h"
#include "gradscope/io.h"
#include "gradscope/presets.h"
#include "gradscope/trainer.h"

namespace gs::cli {

namespace {

using Clock = std::chrono::steady_clock;

std::string percent(double acc) {
    if (acc < 0) return "   -  ";
    char b[32];
    std::snprintf(b, sizeof b, "%5.1f%%", 100.0 * acc);
    return b;
}

}  // namespace

int run_train(const TrainOptions& o) {
    ModelSpec spec = load_model(o.model);
    if (o.epochs > 0) spec.epochs = o.epochs;
    if (o.seed >= 0) spec.seed = static_cast<uint64_t>(o.seed);
    if (!o.data_path.empty()) spec.data.path = o.data_path;
    PreparedData data = prepare_data(spec);
    Trainer trainer(spec, data, backend_by_name(o.backend));
    if (!o.load.empty()) {
        load_checkpoint(o.load, trainer);
        std::printf("resumed from %s at step %ld\n", o.load.c_str(), trainer.global_step());
    }
    auto count = [](const std::shared_ptr<Dataset>& d) { return d ? d->size() : size_t{0}; };
    std::printf("%s: %zu parameters; %zu training, %zu validation, %zu test items; backend %s\n",
                spec.name.c_str(), trainer.model().parameter_count(), count(data.train),
                count(data.validation), count(data.test), o.backend.c_str());

    const auto start = Clock::now();
    auto last_print = start - std::chrono::seconds(1);
    EvalResult tr, te;
    const int first = trainer.epoch();
    for (int e = first; e < spec.epochs; ++e) {
        tr = trainer.run_epoch();
        if (!std::isfinite(tr.loss)) {
            std::fprintf(stderr, "error: the loss became %f in epoch %d; lower the learning rate\n",
                         tr.loss, e + 1);
            return 1;
        }
        const auto now = Clock::now();
        const bool last = e + 1 == spec.epochs;
        if (o.quiet && !last) continue;
        if (!last && !o.every_epoch && now - last_print < std::chrono::milliseconds(250)) continue;
        last_print = now;
        const double secs = std::chrono::duration<double>(now - start).count();
        std::printf("epoch %4d/%d  step %7ld  loss %.4f  acc %s", e + 1, spec.epochs,
                    trainer.global_step(), tr.loss, percent(tr.accuracy).c_str());
        if (count(data.validation)) {
            const EvalResult v = trainer.evaluate(*data.validation);
            std::printf("  val loss %.4f  acc %s", v.loss, percent(v.accuracy).c_str());
        }
        if (count(data.test)) {
            te = trainer.evaluate(*data.test);
            std::printf("  test loss %.4f  acc %s", te.loss, percent(te.accuracy).c_str());
        }
        std::printf("  %.1fs\n", secs);
        std::fflush(stdout);
    }
    if (!o.save.empty()) {
        save_checkpoint(o.save, trainer);
        std::printf("saved checkpoint %s\n", o.save.c_str());
    }
    return 0;
}

int run_presets() {
    for (const auto& n : preset_names()) {
        try {
            ModelSpec s = load_preset(n);
            std::printf("%-20s %s\n", n.c_str(), s.description.c_str());
        } catch (const Error& e) {
            std::printf("%-20s (invalid: %s)\n", n.c_str(), e.what());
        }
    }
    return 0;
}

int run_validate(const std::string& path) {
    SpecResult r = path.find('/') == std::string::npos && !path.ends_with(".json")
                       ? SpecResult{load_preset(path), {}}
                       : load_spec_file(path);
    if (!r.ok()) {
        std::cerr << r.message() << "\n";
        return 1;
    }
    std::vector<LayerInfo> info;
    validate_spec(r.spec, &info);
    size_t total = 0;
    std::printf("%-4s %-10s %-12s %10s\n", "#", "layer", "output", "params");
    std::printf("%-4s %-10s %-12s %10s\n", "", "input", r.spec.input.str().c_str(), "");
    for (size_t i = 0; i < info.size(); ++i) {
        std::printf("%-4zu %-10s %-12s %10zu\n", i + 1, r.spec.layers[i].type.c_str(),
                    info[i].out.str().c_str(), info[i].params);
        total += info[i].params;
    }
    std::printf("total parameters: %zu (%.1f KiB)\n", total, total * 4.0 / 1024.0);
    return 0;
}

}  // namespace gs::cli
