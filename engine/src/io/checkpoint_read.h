// The checks every reader of a checkpoint makes once the safetensors file is
// decoded (docs/checkpoint.md): format, spec (read and validated), step,
// epoch, epoch_position, optimizer and optimizer_steps, and the tensors
// indexed by name. Apart from checkpoint.cpp so that the checkpoint fuzz
// target (tests/fuzz) runs exactly these checks on bytes, without a model or
// a trainer.
#pragma once

#include <string>
#include <unordered_map>

#include "gradscope/io.h"

namespace gs {

inline constexpr const char* kCheckpointFormat = "gradscope-checkpoint-1";

struct CheckedCheckpoint {
    SafetensorsFile file;
    ModelSpec spec;
    CheckpointProgress progress;
    // Tensors by name: one lookup each, whatever their number.
    std::unordered_map<std::string, const NamedArray*> by_name;
};

// Checks a decoded file; throws gs::Error naming path and the problem.
// Moves file into the result (by_name points into it).
CheckedCheckpoint check_checkpoint(SafetensorsFile file, const std::string& path);

}  // namespace gs
