// Validation of a model spec: every layer's output shape and parameter count
// inferred (with saturating arithmetic, so a typo never overflows or
// allocates), the loss checked against the last layer, and the training
// settings checked. A spec that does not validate never reaches a backend.
// The spec itself is plain data (gradscope/spec.h, in the core library);
// validation is the engine's, because it knows what each layer does.
#pragma once

#include <string>
#include <vector>

#include "gradscope/spec.h"

namespace gs {

// Checks a spec and fills one LayerInfo per layer (when info is given).
std::vector<SpecIssue> validate_spec(const ModelSpec& spec, std::vector<LayerInfo>* info = nullptr);

// Reads JSON text (read_spec_json) and validates what was read. Never throws.
SpecResult parse_spec(const std::string& json_text);
// Reads a file (read_spec_file) and validates it; an unreadable file is an
// issue too.
SpecResult load_spec_file(const std::string& path);

}  // namespace gs
