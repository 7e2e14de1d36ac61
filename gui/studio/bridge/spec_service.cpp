// Validation, presets and validated reading of specs: the engine's, passed through.
#include "bridge/spec_service.h"

#include "gradscope/presets.h"
#include "gradscope/validate.h"

namespace gs::studio {

SpecAnalysis analyze_spec(const ModelSpec& spec) {
    SpecAnalysis a;
    a.issues = validate_spec(spec, &a.layers);
    return a;
}

std::vector<std::string> preset_list() { return preset_names(); }

ModelSpec preset_spec(const std::string& name) { return load_preset(name); }

SpecResult read_validated_spec(const std::string& json_text) { return parse_spec(json_text); }

}  // namespace gs::studio
