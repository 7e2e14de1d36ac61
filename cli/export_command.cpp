// `gradscope-train export SPEC|PRESET --to pytorch DIR | --to onnx FILE.onnx`:
// the model handed to PyTorch (a project that trains it under torchrun) or to
// any ONNX runtime (the network for inference).
#include <cstdio>

#include "commands.h"
#include "gradscope/error.h"
#include "gradscope/export.h"
#include "gradscope/presets.h"

namespace gs::cli {

int run_export(const ExportOptions& o) {
    ModelSpec spec = load_model(o.model);
    if (!o.data_path.empty()) spec.data.path = o.data_path;
    const char* weights = o.checkpoint.empty() ? "the initial weights (from the spec's seed)"
                                               : o.checkpoint.c_str();
    if (o.to == "onnx") {
        export_onnx(spec, o.out, o.checkpoint);
        std::printf("wrote %s: %s for inference (ONNX opset 13), weights: %s\n", o.out.c_str(),
                    spec.name.c_str(), weights);
        return 0;
    }
    const auto files = export_pytorch(spec, o.out, o.checkpoint);
    std::printf("wrote a PyTorch project for %s in %s (%zu files), starting from %s:\n",
                spec.name.c_str(), o.out.c_str(), files.size(), weights);
    for (const auto& f : files) std::printf("  %s\n", f.c_str());
    std::printf("train it:  cd %s && python3 train.py --log runs/a\n"
                "     or:   torchrun --nproc_per_node=N train.py --log runs/a\n",
                o.out.c_str());
    return 0;
}

}  // namespace gs::cli
