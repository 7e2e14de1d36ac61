// `gradscope-train evaluate`: the loss and accuracy of a checkpoint's weights
// on a split of its data, whoever trained them (gradscope-train, the studio,
// or an exported PyTorch project writing Gradscope's checkpoint layout).
#include <omp.h>

#include <cstdio>

#include "commands.h"
#include "gradscope/error.h"
#include "gradscope/io.h"
#include "gradscope/presets.h"
#include "gradscope/trainer.h"
#include "gradscope/validate.h"

namespace gs::cli {

void set_threads(int n) {
    if (n > 0) omp_set_num_threads(n);
}

int run_evaluate(const EvaluateOptions& o) {
    if (o.threads > 0) set_threads(o.threads);
    ModelSpec spec = o.model.empty() ? checkpoint_spec(o.checkpoint) : load_model(o.model);
    if (!o.data_path.empty()) spec.data.path = o.data_path;
    if (auto issues = validate_spec(spec); !issues.empty()) {
        std::string m = "the model spec has problems:";
        for (const auto& i : issues) m += "\n  " + i.str();
        throw Error(m);
    }
    PreparedData data = prepare_data(spec);
    const OpenedBackend opened = open_backend(o.backend);
    if (opened.fell_back())
        std::fprintf(stderr, "gradscope: %s unavailable: %s; evaluating on the CPU\n",
                     opened.family.c_str(), opened.reason.c_str());
    Trainer trainer(spec, std::move(data), *opened.backend);
    // Weights and buffers only: the optimizer that trained them does not matter here.
    load_model_weights(o.checkpoint, trainer.model());
    Dataset* d = o.split == "test"         ? trainer.test_data()
                 : o.split == "validation" ? trainer.validation_data()
                                           : &trainer.train_data();
    if (!d || d->size() == 0)
        throw Error("the " + o.split + " split of '" + spec.data.name + "' is empty" +
                    (o.split == "validation" ? " (set data.validation_fraction in the spec)" : ""));
    const EvalResult r = trainer.evaluate(*d);
    std::printf("%s: %s split, %zu items, loss %.6f", spec.name.c_str(), o.split.c_str(), r.items,
                r.loss);
    if (r.accuracy >= 0)
        std::printf(", accuracy %.4f%% (%ld right)", 100.0 * r.accuracy,
                    static_cast<long>(r.accuracy * static_cast<double>(r.items) + 0.5));
    std::printf("\n");
    return 0;
}

}  // namespace gs::cli
