// Helpers shared by the exporters (not a public header).
#pragma once

#include <string>
#include <vector>

#include "gradscope/spec.h"

namespace gs::export_detail {

// A float32 setting as Python source: f32(0.05) (the shortest text that
// reads back as the same float, rounded to float32 again in Python).
std::string py_f32(float v);
// A JSON/Python string literal.
std::string py_str(const std::string& s);
// The class Net (layers and settings) of model.py.
std::string pytorch_net_source(const ModelSpec& spec, const std::vector<LayerInfo>& info);
// "1x28x28" or "784".
std::string shape_text(const Shape& s);

}  // namespace gs::export_detail
