// Exporters: a model spec and its weights as a PyTorch project (DDP under
// torchrun, writing Gradscope's run logs and checkpoints) or as an ONNX file
// for inference. Both take the weights from a Gradscope checkpoint, or the
// initial weights drawn from the spec's seed when none is given. Every
// function throws gs::Error with a message for people.
#pragma once

#include <string>
#include <vector>

#include "gradscope/spec.h"

namespace gs {

// Writes a PyTorch project into dir (created if needed): model.py (the
// network as an nn.Module), data.py and data_files.py (the same data, splits
// and batches), train.py, config.py (every setting, defaults filled in),
// spec.json, README.md, the gradscope Python package, the starting weights
// (initial.safetensors, or start.safetensors: a copy of `checkpoint`) and,
// for the built-in 2-D sets, data.safetensors with their points. Returns
// the files written, relative to dir.
std::vector<std::string> export_pytorch(const ModelSpec& spec, const std::string& dir,
                                        const std::string& checkpoint = "");

// Writes the network (evaluation mode: BatchNorm with its running
// statistics, Dropout as identity, a final Softmax or Sigmoid kept) as an
// ONNX model (IR 8, opset 13) with input "input" (batch x the spec's input)
// and output "output", checked by onnx::checker. A layer ONNX cannot express
// is an error naming it.
void export_onnx(const ModelSpec& spec, const std::string& path,
                 const std::string& checkpoint = "");
// False when this build has no ONNX support (GRADSCOPE_ONNX off); then
// export_onnx throws, saying how to get it.
bool onnx_export_available();

// The float32 parameters and buffers of the spec's model: from a checkpoint
// (which must match the spec), else the initial weights drawn from its seed.
struct ModelWeights {
    std::vector<std::string> names;  // "layers.0.weight", ... (checkpoint names)
    std::vector<std::vector<int>> shapes;
    std::vector<std::vector<float>> values;
    const std::vector<float>* find(const std::string& name) const;
};
ModelWeights model_weights(const ModelSpec& spec, const std::string& checkpoint);

// The embedded Python sources (export/pytorch, python/gradscope): name -> text.
struct EmbeddedFile {
    const char* name;
    const char* text;
};
const std::vector<EmbeddedFile>& embedded_python_files();

}  // namespace gs
