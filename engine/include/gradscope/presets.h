// Finding the example models (assets/models/*.json).
#pragma once

#include <string>
#include <vector>

#include "gradscope/dataset.h"
#include "gradscope/spec.h"
#include "gradscope/validate.h"

namespace gs {

// Directories searched for presets, in order: $GRADSCOPE_ASSETS/models, the
// source tree's assets/models (known at build time), ./assets/models.
std::vector<std::string> preset_dirs();
std::vector<std::string> preset_names();
// The spec of a preset; throws gs::Error listing the presets if unknown, or
// with every issue if it does not validate.
ModelSpec load_preset(const std::string& name);
// A spec from a preset name or a path to a JSON file.
ModelSpec load_model(const std::string& name_or_path);

}  // namespace gs
