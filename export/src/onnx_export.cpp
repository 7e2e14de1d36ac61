// export_onnx: the network for inference as an ONNX model (IR 8, opset 13),
// built with ONNX's own protobuf classes (Debian's libonnx-dev) and checked
// by onnx::checker before it is written. Evaluation semantics: BatchNorm uses
// its running statistics, Dropout is the identity, a final Softmax or Sigmoid
// is kept (the fused losses only fold it in during training).
//
// Layer by layer: Dense -> Gemm (transB), Conv2D -> Conv, MaxPool2D ->
// MaxPool, AvgPool2D -> AveragePool (count_include_pad 0, as Gradscope's
// average leaves padding out), Flatten -> Flatten, ReLU/Sigmoid/Tanh/Softmax
// -> the operators of those names, LeakyReLU -> LeakyRelu, GELU (exact) ->
// x * 0.5 * (1 + Erf(x / sqrt 2)) (opset 13 has no Gelu), Dropout ->
// Identity, BatchNorm -> BatchNormalization.
#include <onnx/checker.h>
#include <onnx/onnx_pb.h>

#include <cmath>
#include <string>

#include "gradscope/error.h"
#include "gradscope/export.h"
#include "gradscope/io.h"
#include "gradscope/validate.h"

namespace gs {

namespace {

using onnx::AttributeProto;
using onnx::TensorProto;

class GraphBuilder {
public:
    GraphBuilder(onnx::GraphProto& g, const ModelWeights& w) : m_g(g), m_w(w) {}

    // A weight of the model as an initializer (named as in the checkpoint).
    std::string weight(const std::string& name) {
        const std::vector<float>* v = m_w.find(name);
        if (!v) throw Error("internal: the model has no tensor '" + name + "'");
        size_t i = 0;
        while (m_w.names[i] != name) ++i;
        return constant(name, m_w.shapes[i], *v);
    }
    std::string constant(const std::string& name, const std::vector<int>& shape,
                         const std::vector<float>& values) {
        TensorProto* t = m_g.add_initializer();
        t->set_name(name);
        t->set_data_type(TensorProto::FLOAT);
        for (int d : shape) t->add_dims(d);
        t->mutable_float_data()->Add(values.begin(), values.end());
        return name;
    }
    onnx::NodeProto& node(const std::string& op, const std::vector<std::string>& inputs,
                          const std::string& output, const std::string& name) {
        onnx::NodeProto* n = m_g.add_node();
        n->set_op_type(op);
        n->set_name(name);
        for (const auto& i : inputs) n->add_input(i);
        n->add_output(output);
        return *n;
    }
    static void ints(onnx::NodeProto& n, const char* key, std::vector<int64_t> v) {
        AttributeProto* a = n.add_attribute();
        a->set_name(key);
        a->set_type(AttributeProto::INTS);
        for (int64_t x : v) a->add_ints(x);
    }
    static void integer(onnx::NodeProto& n, const char* key, int64_t v) {
        AttributeProto* a = n.add_attribute();
        a->set_name(key);
        a->set_type(AttributeProto::INT);
        a->set_i(v);
    }
    static void real(onnx::NodeProto& n, const char* key, float v) {
        AttributeProto* a = n.add_attribute();
        a->set_name(key);
        a->set_type(AttributeProto::FLOAT);
        a->set_f(v);
    }

private:
    onnx::GraphProto& m_g;
    const ModelWeights& m_w;
};

void set_tensor_type(onnx::ValueInfoProto& v, const std::string& name, const Shape& item) {
    v.set_name(name);
    auto* t = v.mutable_type()->mutable_tensor_type();
    t->set_elem_type(TensorProto::FLOAT);
    auto* s = t->mutable_shape();
    s->add_dim()->set_dim_param("N");
    for (int i = 0; i < item.rank; ++i) s->add_dim()->set_dim_value(item[i]);
}

std::string layer_name(size_t i, const std::string& type) {
    return "layer " + std::to_string(i + 1) + " (" + type + ")";
}

// The layer types written below; anything else cannot be exported.
bool onnx_supports(const std::string& t) {
    for (const char* k : {"Dense", "Conv2D", "MaxPool2D", "AvgPool2D", "Flatten", "ReLU",
                          "LeakyReLU", "Sigmoid", "Tanh", "GELU", "Softmax", "Dropout",
                          "BatchNorm"})
        if (t == k) return true;
    return false;
}

// Adds the nodes of layer i reading x; returns the name of its output.
std::string add_layer(GraphBuilder& b, size_t i, const LayerSpec& l, const std::string& x) {
    const std::string p = "layers." + std::to_string(i) + ".";
    const std::string out = "layer" + std::to_string(i);
    const std::string& t = l.type;
    if (t == "Dense") {
        std::vector<std::string> in = {x, b.weight(p + "weight")};
        if (l.bias) in.push_back(b.weight(p + "bias"));
        auto& n = b.node("Gemm", in, out, out + "_dense");
        GraphBuilder::integer(n, "transB", 1);
    } else if (t == "Conv2D") {
        std::vector<std::string> in = {x, b.weight(p + "weight")};
        if (l.bias) in.push_back(b.weight(p + "bias"));
        auto& n = b.node("Conv", in, out, out + "_conv");
        GraphBuilder::ints(n, "kernel_shape", {l.kernel, l.kernel});
        GraphBuilder::ints(n, "strides", {l.stride, l.stride});
        GraphBuilder::ints(n, "pads", {l.padding, l.padding, l.padding, l.padding});
    } else if (t == "MaxPool2D" || t == "AvgPool2D") {
        auto& n = b.node(t == "MaxPool2D" ? "MaxPool" : "AveragePool", {x}, out,
                         out + (t == "MaxPool2D" ? "_maxpool" : "_avgpool"));
        GraphBuilder::ints(n, "kernel_shape", {l.kernel, l.kernel});
        GraphBuilder::ints(n, "strides", {l.stride, l.stride});
        GraphBuilder::ints(n, "pads", {l.padding, l.padding, l.padding, l.padding});
        if (t == "AvgPool2D") GraphBuilder::integer(n, "count_include_pad", 0);
    } else if (t == "Flatten") {
        GraphBuilder::integer(b.node("Flatten", {x}, out, out + "_flatten"), "axis", 1);
    } else if (t == "ReLU" || t == "Sigmoid" || t == "Tanh") {
        b.node(t == "ReLU" ? "Relu" : t, {x}, out, out + "_" + t);
    } else if (t == "LeakyReLU") {
        GraphBuilder::real(b.node("LeakyRelu", {x}, out, out + "_leakyrelu"), "alpha", l.alpha);
    } else if (t == "GELU") {  // x * 0.5 * (1 + erf(x / sqrt(2)))
        const std::string c = "layer" + std::to_string(i) + "_gelu_";
        b.constant(c + "sqrt2", {}, {static_cast<float>(std::sqrt(2.0))});
        b.constant(c + "one", {}, {1.0f});
        b.constant(c + "half", {}, {0.5f});
        b.node("Div", {x, c + "sqrt2"}, c + "scaled", c + "div");
        b.node("Erf", {c + "scaled"}, c + "erf", c + "erf");
        b.node("Add", {c + "erf", c + "one"}, c + "cdf2", c + "add");
        b.node("Mul", {x, c + "cdf2"}, c + "x_cdf2", c + "mul");
        b.node("Mul", {c + "x_cdf2", c + "half"}, out, c + "half_mul");
    } else if (t == "Softmax") {
        GraphBuilder::integer(b.node("Softmax", {x}, out, out + "_softmax"), "axis", 1);
    } else if (t == "Dropout") {
        b.node("Identity", {x}, out, out + "_dropout");  // inference: nothing dropped
    } else if (t == "BatchNorm") {
        auto& n = b.node("BatchNormalization",
                         {x, b.weight(p + "gamma"), b.weight(p + "beta"),
                          b.weight(p + "running_mean"), b.weight(p + "running_var")},
                         out, out + "_batchnorm");
        GraphBuilder::real(n, "epsilon", l.eps);
        GraphBuilder::real(n, "momentum", 1.0f - l.momentum);  // ONNX's: weight of the old value
    }
    return out;
}

}  // namespace

bool onnx_export_available() { return true; }

void export_onnx(const ModelSpec& spec, const std::string& path, const std::string& checkpoint) {
    // A layer ONNX cannot express is named before anything else is looked at.
    for (size_t i = 0; i < spec.layers.size(); ++i)
        if (!onnx_supports(spec.layers[i].type))
            throw Error(layer_name(i, spec.layers[i].type) + ": ONNX export has no operator for " +
                        spec.layers[i].type + " layers (opset 13 is written: Dense, Conv2D, " +
                        "pools, Flatten, activations, Softmax, Dropout and BatchNorm) — leave it "
                        "out or replace it before exporting");
    std::vector<LayerInfo> info;
    if (auto issues = validate_spec(spec, &info); !issues.empty()) {
        std::string m = "the model spec has problems:";
        for (const auto& i : issues) m += "\n  " + i.str();
        throw Error(m);
    }
    const ModelWeights w = model_weights(spec, checkpoint);
    onnx::ModelProto m;
    m.set_ir_version(8);
    m.set_producer_name("gradscope");
    m.set_producer_version("0.1.0");
    m.set_doc_string("Gradscope model '" + spec.name + "' for inference" +
                     (checkpoint.empty() ? " (initial weights)" : " (weights of " + checkpoint + ")"));
    onnx::OperatorSetIdProto* opset = m.add_opset_import();
    opset->set_domain("");
    opset->set_version(13);
    onnx::GraphProto& g = *m.mutable_graph();
    g.set_name(spec.name.empty() ? "gradscope" : spec.name);
    set_tensor_type(*g.add_input(), "input", spec.input);
    GraphBuilder b(g, w);
    std::string x = "input";
    for (size_t i = 0; i < spec.layers.size(); ++i) x = add_layer(b, i, with_defaults(spec.layers[i]), x);
    b.node("Identity", {x}, "output", "output");
    set_tensor_type(*g.add_output(), "output", info.back().out);
    try {
        onnx::checker::check_model(m);
    } catch (const std::exception& e) {
        throw Error("the ONNX model of '" + spec.name + "' does not pass onnx::checker: " + e.what());
    }
    std::string bytes;
    if (!m.SerializeToString(&bytes)) throw Error("cannot serialize the ONNX model of '" + spec.name + "'");
    write_file_atomic(path, bytes);
}

}  // namespace gs
