// model.py's class Net: one PyTorch module per spec layer, in spec order, set
// up to compute what the Gradscope layer computes (see export/pytorch/model.py
// for the modules Gradscope has and PyTorch does not, such as its Dropout).
#include <charconv>

#include <nlohmann/json.hpp>

#include "export_detail.h"
#include "gradscope/error.h"
#include "gradscope/names.h"

namespace gs::export_detail {

std::string py_f32(float v) {
    char buf[40];
    auto r = std::to_chars(buf, buf + sizeof buf, v);
    std::string s(buf, r.ptr);
    if (s.find_first_of(".en") == std::string::npos) s += ".0";
    std::string out = "f32(";  // appended, not "f32(" + s: GCC 12 warns (-Wrestrict) on that
    out += s;
    out += ')';
    return out;
}

std::string py_str(const std::string& s) {
    return nlohmann::json(s).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string shape_text(const Shape& s) {
    std::string out;
    for (int i = 0; i < s.rank; ++i) {
        if (i) out += 'x';
        out += std::to_string(s[i]);
    }
    return out;
}

namespace {

std::string module_for(const LayerSpec& l, const LayerInfo& info, size_t index) {
    const std::string& t = l.type;
    const std::string bias = l.bias ? "" : ", bias=False";
    if (t == "Dense")
        return "nn.Linear(" + std::to_string(info.in.numel()) + ", " + std::to_string(l.units) +
               bias + ")";
    if (t == "Conv2D")
        return "nn.Conv2d(" + std::to_string(info.in[0]) + ", " + std::to_string(l.filters) +
               ", kernel_size=" + std::to_string(l.kernel) + ", stride=" + std::to_string(l.stride) +
               ", padding=" + std::to_string(l.padding) + bias + ")";
    const std::string pool = "kernel_size=" + std::to_string(l.kernel) + ", stride=" +
                             std::to_string(l.stride) + ", padding=" + std::to_string(l.padding);
    if (t == "MaxPool2D") return "nn.MaxPool2d(" + pool + ")";
    if (t == "AvgPool2D") return "nn.AvgPool2d(" + pool + ", count_include_pad=False)";
    if (t == "Flatten") return "nn.Flatten()";
    if (t == "ReLU" || t == "Sigmoid" || t == "Tanh" || t == "GELU") {
        std::string m = "nn.";
        m += t;
        return m + "()";
    }
    if (t == "LeakyReLU") return "nn.LeakyReLU(" + py_f32(l.alpha) + ")";
    if (t == "Softmax") return "nn.Softmax(dim=1)";
    if (t == "Dropout")
        return "GradscopeDropout(" + py_f32(l.rate) + ", layer=" + std::to_string(index) +
               ", seed=SEED)";
    if (t == "BatchNorm")
        return std::string(info.in.rank >= 3 ? "nn.BatchNorm2d(" : "nn.BatchNorm1d(") +
               std::to_string(info.in[0]) + ", eps=" + py_f32(l.eps) + ", momentum=" +
               py_f32(l.momentum) + ")";
    throw Error("layer " + std::to_string(index + 1) + " (" + t +
                "): no PyTorch module is known for this layer type");
}

}  // namespace

std::string pytorch_net_source(const ModelSpec& spec, const std::vector<LayerInfo>& info) {
    const std::string& last = spec.layers.back().type;
    const bool fused = (spec.loss == id_of(LossKind::SoftmaxCrossEntropy) && last == "Softmax") ||
                       (spec.loss == id_of(LossKind::BinaryCrossEntropy) && last == "Sigmoid");
    std::string s = "SEED = " + std::to_string(spec.seed) + "  # Dropout masks come from it\n\n\n";
    s += "def f32(x):\n    return float(np.float32(x))\n\n\n";
    s += "class Net(GradscopeNet):\n";
    // The name and description, wrapped at 88 columns.
    const std::string about = (spec.name.empty() ? std::string("The model") : spec.name) +
                              (spec.description.empty() ? "" : ": " + spec.description);
    std::string line = "    \"\"\"";
    size_t at = 0;
    while (at < about.size()) {
        size_t end = about.find(' ', at);
        if (end == std::string::npos) end = about.size();
        const std::string word = about.substr(at, end - at);
        if (line.size() + word.size() + 1 > 88 && line.size() > 7) {
            s += line + "\n";
            line = "    ";
        }
        if (line.size() > 4 && line.back() != '"') line += ' ';
        line += word;
        at = end + 1;
    }
    s += line + "\n\n";
    s += "    Input: one item of " + shape_text(spec.input) + "; output: " +
         shape_text(info.back().out) + ".\"\"\"\n\n";
    std::string in;
    for (int i = 0; i < spec.input.rank; ++i) {
        if (i) in += ", ";
        in += std::to_string(spec.input[i]);
    }
    s += "    input_shape = (" + in + (spec.input.rank == 1 ? ",)\n" : ")\n");
    s += "    fused_last = " + std::string(fused ? "True" : "False");
    if (fused) s += "  # the final " + last + " is folded into the loss in training (logits=True)";
    s += "\n\n    def __init__(self):\n        super().__init__()\n";
    s += "        self.layers = nn.ModuleList([\n";
    for (size_t i = 0; i < spec.layers.size(); ++i) {
        const LayerSpec l = with_defaults(spec.layers[i]);
        std::string line = "            " + module_for(l, info[i], i) + ",";
        if (line.size() < 64) line.resize(64, ' ');
        s += line + "  # " + std::to_string(i) + " " + l.type + " -> " + shape_text(info[i].out) +
             "\n";
    }
    s += "        ])\n";
    return s;
}

}  // namespace gs::export_detail
