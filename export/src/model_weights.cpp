// The weights an exporter writes: from a checkpoint, or drawn from the spec's
// seed exactly as a Trainer draws them (no data needed). Also the stand-ins
// used when this build has no ONNX support.
#include <string>

#include "gradscope/backend.h"
#include "gradscope/error.h"
#include "gradscope/export.h"
#include "gradscope/io.h"
#include "gradscope/model.h"

namespace gs {

const std::vector<float>* ModelWeights::find(const std::string& name) const {
    for (size_t i = 0; i < names.size(); ++i)
        if (names[i] == name) return &values[i];
    return nullptr;
}

ModelWeights model_weights(const ModelSpec& spec, const std::string& checkpoint) {
    Model model(spec, cpu_backend());  // throws with every issue if the spec is invalid
    model.initialize(spec.seed);
    if (!checkpoint.empty()) load_model_weights(checkpoint, model);
    ModelWeights w;
    auto add = [&](const std::vector<std::pair<std::string, Param*>>& list) {
        for (auto& [name, p] : list) {
            w.names.push_back(name);
            w.shapes.push_back(p->value.shape().to_vector());
            w.values.push_back(p->value.to_host());
        }
    };
    add(model.named_params());
    add(model.named_buffers());
    return w;
}

#ifndef GS_HAVE_ONNX
bool onnx_export_available() { return false; }

void export_onnx(const ModelSpec&, const std::string&, const std::string&) {
    throw Error(
        "this gradscope-train was built without ONNX export (GRADSCOPE_ONNX=OFF: libonnx-dev and "
        "libprotobuf-dev were not found when it was configured) — install them "
        "(apt-get install libonnx-dev libprotobuf-dev) and configure and build again");
}
#endif

}  // namespace gs
