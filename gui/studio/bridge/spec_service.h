// The engine's knowledge of model specs, for the studio's views: validation
// (every issue, and what each layer turns out to be), the presets, and
// reading a spec with validation (projects). Specs themselves are plain data
// of the core library (gradscope/spec.h).
#pragma once

#include <string>
#include <vector>

#include "gradscope/spec.h"

namespace gs::studio {

// What validation says about a spec.
struct SpecAnalysis {
    std::vector<SpecIssue> issues;  // empty when the spec can train
    // Per layer: input and output shape per item, parameters. As far as
    // validation got: a layer after a problem may be left empty.
    std::vector<LayerInfo> layers;
    bool ok() const { return issues.empty(); }
};

// Validates a spec: every layer's shapes inferred, the loss and training
// settings checked.
SpecAnalysis analyze_spec(const ModelSpec& spec);

// The names of the example models (assets/models), sorted.
std::vector<std::string> preset_list();
// A preset's spec; throws gs::Error listing the presets if the name is
// unknown, or with every issue if it does not validate.
ModelSpec preset_spec(const std::string& name);

// Reads a spec from JSON text and validates it. Never throws.
SpecResult read_validated_spec(const std::string& json_text);

}  // namespace gs::studio
