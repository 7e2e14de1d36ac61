// Files: safetensors and checkpoints of a Trainer. Opening, reading and
// atomic writing (temporary file, then rename, so a crash never leaves half a
// file) are gradscope/files.h's, included here.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "gradscope/files.h"
#include "gradscope/run_info.h"
#include "gradscope/spec.h"
#include "gradscope/tensor.h"
#include "gradscope/training_state.h"

namespace gs {

class Trainer;
class Model;
class Optimizer;

// The largest safetensors header (its JSON) Gradscope writes or reads: one
// limit for both, so whatever is written can be read back. A model within the
// spec's limits (kMaxLayers layers) needs far less; a file beyond it is
// refused before its header is parsed, a save beyond it before anything is
// written.
inline constexpr uint64_t kMaxSafetensorsHeaderBytes = 64ull << 20;
// The most tensor data a safetensors file may hold, written or read: every
// parameter of the largest model (kMaxParameters floats), as many buffers and
// two optimizer states each (4 GiB).
inline constexpr uint64_t kMaxSafetensorsDataBytes = 4 * kMaxParameters * sizeof(float);

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
// load_safetensors reads the 8-byte length and the header before any data, so
// a bad header is refused without reading the rest of the file. Tensors come
// back in the header's order; find() is a linear search (index a map for
// many lookups).
std::string encode_safetensors(const SafetensorsFile& file);
SafetensorsFile decode_safetensors(const std::string& bytes, const std::string& path_for_errors);
void save_safetensors(const std::string& path, const SafetensorsFile& file);
SafetensorsFile load_safetensors(const std::string& path);

// A checkpoint: the training state (gradscope/training_state.h: every
// parameter, buffer and optimizer state tensor, and the progress), with the
// spec as it trains now (the settings changed while it ran included) in the
// metadata (docs/checkpoint.md).
void save_checkpoint(const std::string& path, Trainer& trainer);
// The same, naming the run that wrote it ("run_id", "run_name"): a run that
// resumes from the file names it as its parent.
void save_checkpoint(const std::string& path, Trainer& trainer, const RunInfo& run);
// Loads into a trainer whose model matches; a mismatch names the first
// tensor that differs. Throws gs::Error.
void load_checkpoint(const std::string& path, Trainer& trainer);

// The most steps (and items, and optimizer updates) a checkpoint may record:
// 2^53, exact as a double, and far enough below LONG_MAX that the steps after
// it cannot overflow. A file that says more is refused.
inline constexpr long kMaxCheckpointSteps = 1L << 53;

// What a checkpoint records besides its tensors (docs/checkpoint.md): the
// progress of the training state.
using CheckpointProgress = TrainingProgress;
// The same file for a model and optimizer outside a Trainer (no data
// needed): the exporters write initial weights this way.
void save_checkpoint(const std::string& path, const ModelSpec& spec, Model& model,
                     Optimizer& optimizer, const CheckpointProgress& progress);
// Loads only the parameters and buffers of a model (any optimizer state in
// the file is left aside); a missing or misshapen tensor names itself.
void load_model_weights(const std::string& path, Model& model);
// The model spec a checkpoint was saved with (its "spec" metadata).
ModelSpec checkpoint_spec(const std::string& path);
// Every metadata entry of a checkpoint (docs/checkpoint.md). Throws gs::Error
// for a file that is not a Gradscope checkpoint.
std::map<std::string, std::string> checkpoint_metadata(const std::string& path);

}  // namespace gs
