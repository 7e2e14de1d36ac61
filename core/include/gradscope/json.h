// The one way Gradscope's programs read JSON that came from outside (model
// specs, the spec inside a checkpoint, projects, the spec a run log carries):
// nlohmann_json, but with the nesting depth bounded while parsing, so no
// input can build a tree that a recursive writer, comparison or destructor
// later overflows the stack on (100,000 nested arrays crashed the studio),
// and objects built in linear time however many keys they hold.
//
// A failure is a gs::Error that names the source, the line and, where the
// parser was inside an object, the field, in words:
//   'spec.json', line 4, field "optimizer.lr": the number 1e400 is too large for a float
//   'project.gradscope', line 1, field "spec.description": nests deeper than 64 levels ...
#pragma once

#include <string>
#include <string_view>
#include <unordered_map>

#include <nlohmann/json.hpp>

namespace gs {

// Arrays and objects inside each other, at most. No Gradscope file needs more
// than a handful; the run-log reader allows the same.
inline constexpr int kMaxJsonDepth = 64;

// Parses text (a whole document). source names where it came from in
// messages ("'spec.json'", "the spec stored in 'ck.safetensors'"). Duplicate
// keys: the last one counts (as nlohmann_json does). Throws gs::Error.
nlohmann::ordered_json parse_json_bounded(std::string_view text, const std::string& source);
// The same, for code that keeps nlohmann::json (keys sorted, not in file order).
nlohmann::json parse_json_bounded_sorted(std::string_view text, const std::string& source);

// The line (1-based) where each object key and each array element of a
// valid JSON text starts, by path: "optimizer.lr", "layers[1]",
// "layers[1].units". For readers that check values after parsing and name the
// line in their messages.
std::unordered_map<std::string, size_t> json_lines(std::string_view text);

}  // namespace gs
