// ONNX export: every preset and a model with every layer kind pass
// onnx::checker, run in an independent runtime (OpenCV's dnn module), and give
// Gradscope's own forward pass (evaluation mode) to 1e-4; a layer ONNX cannot
// express is an error that names it.
#include <gtest/gtest.h>
#include <onnx/checker.h>
#include <opencv2/dnn.hpp>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "gradscope/backend.h"
#include "gradscope/error.h"
#include "gradscope/export.h"
#include "gradscope/io.h"
#include "gradscope/model.h"
#include "gradscope/optim.h"
#include "gradscope/presets.h"
#include "gradscope/rng.h"
#include "gradscope/validate.h"

namespace gs {
namespace {

namespace fs = std::filesystem;

std::string temp_path(const std::string& name) {
    return (fs::temp_directory_path() / ("gs_onnx_" + std::to_string(::getpid()) + "_" + name)).string();
}

// Gradscope's forward pass (evaluation mode, final layer kept) on n random
// inputs, and OpenCV's on the exported file; returns the largest difference
// relative to max(1, largest output).
double compare(const ModelSpec& spec, const std::string& onnx_path, const std::string& checkpoint,
               int n, uint64_t seed) {
    Model m(spec, cpu_backend());
    m.initialize(spec.seed);
    if (!checkpoint.empty()) load_model_weights(checkpoint, m);
    m.reserve(n);
    Tensor x(cpu_backend(), spec.input.with_batch(n));
    std::vector<float> in(x.numel());
    Rng rng(seed);
    for (float& v : in) v = static_cast<float>(rng.normal());
    x.from_host(in);
    std::vector<float> want = m.forward(x, PassContext{false, spec.seed, 0, 0}, false).to_host();

    onnx::checker::check_model(onnx_path);  // the file as written, read back
    cv::dnn::Net net = cv::dnn::readNetFromONNX(onnx_path);
    std::vector<int> dims = {n};
    for (int i = 0; i < spec.input.rank; ++i) dims.push_back(spec.input[i]);
    cv::Mat blob(static_cast<int>(dims.size()), dims.data(), CV_32F, in.data());
    net.setInput(blob);
    cv::Mat out = net.forward();
    EXPECT_EQ(out.total(), want.size()) << spec.name;
    if (out.total() != want.size()) return INFINITY;
    double scale = 1, worst = 0;
    for (float v : want) scale = std::max(scale, std::fabs(static_cast<double>(v)));
    const float* got = out.ptr<float>();
    for (size_t i = 0; i < want.size(); ++i)
        worst = std::max(worst, std::fabs(static_cast<double>(got[i]) - want[i]) / scale);
    return worst;
}

TEST(OnnxExport, EveryPresetMatchesGradscopeInOpenCv) {
    ASSERT_TRUE(onnx_export_available());
    for (const std::string& name : preset_names()) {
        SCOPED_TRACE(name);
        const ModelSpec spec = load_preset(name);  // cnn-cifar10 needs no data for this
        const std::string path = temp_path(name + ".onnx");
        export_onnx(spec, path);
        const double err = compare(spec, path, "", 5, 7);
        EXPECT_LE(err, 1e-4) << name;
        std::printf("onnx %-18s max relative difference %.2e\n", name.c_str(), err);
        fs::remove(path);
    }
}

// Every layer kind (Softmax is in the presets; raw outputs here, so that no
// difference is squashed), with weights and BatchNorm statistics far from their
// initial values (written to a checkpoint, which the export reads).
TEST(OnnxExport, EveryLayerKindFromACheckpoint) {
    const SpecResult r = parse_spec(R"({
      "name": "every-layer", "input": [3, 12, 12],
      "layers": [
        {"type": "Conv2D", "filters": 6, "kernel": 3, "stride": 2, "padding": 1},
        {"type": "BatchNorm", "eps": 0.001, "momentum": 0.2},
        {"type": "LeakyReLU", "alpha": 0.1},
        {"type": "AvgPool2D", "kernel": 3, "stride": 1, "padding": 1},
        {"type": "Conv2D", "filters": 4, "kernel": 1, "bias": false},
        {"type": "GELU"},
        {"type": "MaxPool2D", "kernel": 2, "padding": 1},
        {"type": "Dropout", "rate": 0.3},
        {"type": "Flatten"},
        {"type": "Dense", "units": 7},
        {"type": "BatchNorm"},
        {"type": "Tanh"},
        {"type": "Dense", "units": 5, "bias": false},
        {"type": "Sigmoid"},
        {"type": "Dense", "units": 3},
        {"type": "ReLU"},
        {"type": "Dense", "units": 4}],
      "loss": "mse", "data": "synthetic"})");
    ASSERT_TRUE(r.ok()) << r.message();
    Model m(r.spec, cpu_backend());
    m.initialize(3);
    Rng rng(11);
    for (auto& [name, p] : m.named_params()) {
        std::vector<float> v = p->value.to_host();
        for (float& x : v) x = x * 1.5f + 0.2f * static_cast<float>(rng.normal());
        p->value.from_host(v);
    }
    for (auto& [name, p] : m.named_buffers()) {
        std::vector<float> v = p->value.to_host();
        const bool var = name.ends_with("running_var");
        for (float& x : v) x = var ? 0.5f + static_cast<float>(rng.uniform()) : static_cast<float>(rng.normal());
        p->value.from_host(v);
    }
    Optimizer o(r.spec.optimizer, cpu_backend());
    o.attach(m.named_params());
    const std::string ckpt = temp_path("every.safetensors"), path = temp_path("every.onnx");
    save_checkpoint(ckpt, r.spec, m, o, {});
    export_onnx(r.spec, path, ckpt);
    const double err = compare(r.spec, path, ckpt, 4, 5);
    EXPECT_LE(err, 1e-4);
    std::printf("onnx every-layer         max relative difference %.2e\n", err);
    // OpenCV decides whether an average counts the padding from the producer's
    // name, not the attribute: check the attribute itself.
    onnx::ModelProto model;
    std::ifstream in(path, std::ios::binary);
    ASSERT_TRUE(model.ParseFromIstream(&in));
    int avg = 0;
    for (const auto& n : model.graph().node())
        if (n.op_type() == "AveragePool") {
            ++avg;
            bool excluded = false;
            for (const auto& a : n.attribute())
                excluded = excluded || (a.name() == "count_include_pad" && a.i() == 0);
            EXPECT_TRUE(excluded) << "AveragePool must leave the padding out of its count";
        }
    EXPECT_EQ(avg, 1);
    fs::remove(ckpt);
    fs::remove(path);
}

TEST(OnnxExport, ALayerOnnxCannotExpressIsNamed) {
    ModelSpec spec = load_preset("xor-sigmoid");
    LayerSpec odd;
    odd.type = "Maxout";  // a layer kind the exporter has no operator for
    spec.layers.insert(spec.layers.begin() + 2, odd);
    try {
        export_onnx(spec, temp_path("odd.onnx"));
        FAIL() << "exported a layer ONNX cannot express";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("layer 3 (Maxout): ONNX export has no operator"),
                  std::string::npos)
            << e.what();
    }
    EXPECT_FALSE(fs::exists(temp_path("odd.onnx")));
}

TEST(OnnxExport, AMismatchedCheckpointIsRefused) {
    const std::string ckpt = temp_path("xor.safetensors");
    const ModelSpec xor_spec = load_preset("xor-sigmoid");
    Model m(xor_spec, cpu_backend());
    m.initialize(1);
    Optimizer o(xor_spec.optimizer, cpu_backend());
    o.attach(m.named_params());
    save_checkpoint(ckpt, xor_spec, m, o, {});
    try {
        export_onnx(load_preset("spiral-tanh"), temp_path("bad.onnx"), ckpt);
        FAIL() << "exported weights of another model";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("does not match this model"), std::string::npos)
            << e.what();
    }
    fs::remove(ckpt);
}

}  // namespace
}  // namespace gs
