// Files: atomic writes (temporary file, then rename, so a crash never leaves
// half a file), safetensors, and checkpoints of a Trainer.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "gradscope/tensor.h"

namespace gs {

class Trainer;
class Model;
class Optimizer;
struct ModelSpec;

// Writes bytes to path through a temporary file in the same directory,
// flushed to disk and renamed over path. Throws gs::Error naming the file.
void write_file_atomic(const std::string& path, const std::string& bytes);
std::string read_file(const std::string& path);  // throws gs::Error

struct NamedArray {
    std::string name;
    std::vector<int> shape;
    std::vector<float> values;
};

struct SafetensorsFile {
    std::vector<NamedArray> tensors;  // in file order
    std::map<std::string, std::string> metadata;
    const NamedArray* find(const std::string& name) const;
};

// F32 tensors only (all Gradscope stores). Throws gs::Error naming the file
// and the problem for anything malformed; sizes are checked before reading.
std::string encode_safetensors(const SafetensorsFile& file);
SafetensorsFile decode_safetensors(const std::string& bytes, const std::string& path_for_errors);
void save_safetensors(const std::string& path, const SafetensorsFile& file);
SafetensorsFile load_safetensors(const std::string& path);

// A checkpoint: every parameter, buffer and optimizer state tensor, with the
// spec (JSON), the step and the epoch in the metadata.
void save_checkpoint(const std::string& path, Trainer& trainer);
// Loads into a trainer whose model matches; a mismatch names the first
// tensor that differs. Throws gs::Error.
void load_checkpoint(const std::string& path, Trainer& trainer);

// What a checkpoint records besides its tensors (docs/checkpoint.md).
struct CheckpointProgress {
    long step = 0;              // global steps taken
    int epoch = 0;              // the epoch in progress, 0-based
    size_t epoch_position = 0;  // items of that epoch already trained on
    long optimizer_steps = 0;   // updates the optimizer made (Adam's bias correction)
};
// The same file for a model and optimizer outside a Trainer (no data
// needed): the exporters write initial weights this way.
void save_checkpoint(const std::string& path, const ModelSpec& spec, Model& model,
                     Optimizer& optimizer, const CheckpointProgress& progress);
// Loads only the parameters and buffers of a model (any optimizer state in
// the file is left aside); a missing or misshapen tensor names itself.
void load_model_weights(const std::string& path, Model& model);
// The model spec a checkpoint was saved with (its "spec" metadata).
ModelSpec checkpoint_spec(const std::string& path);

}  // namespace gs
