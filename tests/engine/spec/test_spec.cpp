// Model specs: the presets parse with the expected shapes and parameter
// counts; broken specs give the exact message a person would read; every
// problem is reported at once; absurd sizes never allocate (round trips:
// test_spec_round_trip.cpp).
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "gradscope/spec.h"
#include "gradscope/validate.h"

namespace {

using gs::LayerInfo;
using gs::ModelSpec;
using gs::SpecIssue;
using gs::SpecResult;

SpecResult load_preset(const std::string& name) {
    return gs::load_spec_file(std::string(GS_ASSET_DIR) + "/models/" + name + ".json");
}

// A spec with the given input, layers (the inside of the array) and loss.
std::string spec_text(const std::string& input, const std::string& layers,
                      const std::string& loss = "mse", const std::string& extra = "") {
    return R"({"input": )" + input + R"(, "layers": [)" + layers + R"(], "loss": ")" + loss + "\"" +
           extra + "}";
}

std::vector<std::string> issue_strings(const SpecResult& r) {
    std::vector<std::string> out;
    for (const auto& i : r.issues) out.push_back(i.str());
    return out;
}

// The single issue a broken spec gives.
std::string only_issue(const std::string& text) {
    SpecResult r = gs::parse_spec(text);
    EXPECT_EQ(r.issues.size(), 1u) << r.message();
    return r.issues.empty() ? "" : r.issues[0].str();
}

struct Expected {
    std::vector<std::vector<int>> out;  // per layer
    size_t params;
};

void expect_preset(const std::string& name, const Expected& e) {
    SCOPED_TRACE(name);
    SpecResult r = load_preset(name);
    ASSERT_TRUE(r.ok()) << r.message();
    EXPECT_EQ(r.spec.name, name);
    std::vector<LayerInfo> info;
    std::vector<SpecIssue> issues = gs::validate_spec(r.spec, &info);
    ASSERT_TRUE(issues.empty());
    ASSERT_EQ(info.size(), e.out.size());
    size_t total = 0;
    for (size_t i = 0; i < info.size(); ++i) {
        EXPECT_EQ(info[i].out.to_vector(), e.out[i]) << "layer " << i + 1;
        if (i > 0) {
            EXPECT_EQ(info[i].in.to_vector(), e.out[i - 1]) << "layer " << i + 1;
        }
        total += info[i].params;
    }
    EXPECT_EQ(total, e.params);
}

TEST(Spec, PresetMlpFashion) {
    expect_preset("mlp-fashion", {{{256}, {256}, {128}, {128}, {10}, {10}},
                                  784 * 256 + 256 + 256 * 128 + 128 + 128 * 10 + 10});
    SpecResult r = load_preset("mlp-fashion");
    EXPECT_EQ(r.spec.input.to_vector(), std::vector<int>{784});
    EXPECT_EQ(r.spec.optimizer.type, "sgd");
    EXPECT_FLOAT_EQ(r.spec.optimizer.lr, 0.05f);
    EXPECT_FLOAT_EQ(r.spec.optimizer.momentum, 0.9f);
    EXPECT_EQ(r.spec.batch_size, 64);
    EXPECT_EQ(r.spec.data.name, "fashion-mnist");
    EXPECT_FLOAT_EQ(r.spec.data.test_fraction, 0.0f);
    EXPECT_EQ(r.spec.data.samples, 500);  // the default
}

TEST(Spec, PresetCnnFashion) {
    // conv 1->32 k3: 320; conv 32->64 k3: 18496; conv 64->64 k3: 36928;
    // dense 576->64: 36928; dense 64->10: 650.
    expect_preset("cnn-fashion", {{{32, 26, 26},
                                   {32, 26, 26},
                                   {32, 13, 13},
                                   {64, 11, 11},
                                   {64, 11, 11},
                                   {64, 5, 5},
                                   {64, 3, 3},
                                   {64, 3, 3},
                                   {576},
                                   {64},
                                   {64},
                                   {10},
                                   {10}},
                                  93322});
}

TEST(Spec, PresetCnnCifar10) {
    // conv 3->32: 896; 32->64: 18496; 64->128: 73856; dense 2048->64: 131136; 64->10: 650.
    expect_preset("cnn-cifar10", {{{32, 32, 32},
                                   {32, 32, 32},
                                   {32, 16, 16},
                                   {64, 16, 16},
                                   {64, 16, 16},
                                   {64, 8, 8},
                                   {128, 8, 8},
                                   {128, 8, 8},
                                   {128, 4, 4},
                                   {2048},
                                   {64},
                                   {64},
                                   {10},
                                   {10}},
                                  225034});
    SpecResult r = load_preset("cnn-cifar10");
    EXPECT_EQ(r.spec.layers[0].stride, 1);
    EXPECT_EQ(r.spec.layers[0].padding, 1);
    EXPECT_EQ(r.spec.layers[2].kernel, 2);
    EXPECT_EQ(r.spec.layers[2].stride, 2);  // a pool's stride defaults to its kernel
}

TEST(Spec, PresetSmallNetworks) {
    expect_preset("spiral-tanh", {{{8}, {8}, {8}, {8}, {1}, {1}}, 2 * 8 + 8 + 8 * 8 + 8 + 8 + 1});
    expect_preset("xor-sigmoid", {{{3}, {3}, {1}, {1}}, 2 * 3 + 3 + 3 + 1});
    expect_preset("linear-regression", {{{1}}, 2});
    SpecResult r = load_preset("spiral-tanh");
    EXPECT_EQ(r.spec.loss, "binary_cross_entropy");
    EXPECT_EQ(r.spec.epochs, 4000);
    EXPECT_EQ(r.spec.data.samples, 500);
    EXPECT_FLOAT_EQ(r.spec.data.test_fraction, 0.5f);
    EXPECT_EQ(load_preset("linear-regression").spec.layers[0].init, "zeros");
}

TEST(Spec, DefaultsAliasesAndCase) {
    SpecResult r = gs::parse_spec(R"({"input": [1, 8, 8], "layers": [
        {"type": "conv2d", "filters": 4, "kernel": 3},
        {"type": "batchnorm"},
        {"type": "relu"},
        {"type": "AVGPOOL2D"},
        {"type": "flatten"},
        {"type": "dense", "units": 1},
        {"type": "SIGMOID"}], "loss": "BCE"})");
    ASSERT_TRUE(r.ok()) << r.message();
    const auto& l = r.spec.layers;
    EXPECT_EQ(l[0].type, "Conv2D");
    EXPECT_EQ(l[0].stride, 1);
    EXPECT_EQ(l[0].padding, 0);
    EXPECT_EQ(l[0].init, "he_uniform");  // BatchNorm is skipped: ReLU follows
    EXPECT_EQ(l[1].type, "BatchNorm");
    EXPECT_FLOAT_EQ(l[1].eps, 1e-5f);
    EXPECT_EQ(l[3].type, "AvgPool2D");
    EXPECT_EQ(l[3].kernel, 2);
    EXPECT_EQ(l[3].stride, 2);
    EXPECT_EQ(l[5].init, "xavier_uniform");  // Sigmoid follows
    EXPECT_EQ(r.spec.loss, "binary_cross_entropy");
    EXPECT_EQ(r.spec.optimizer.type, "sgd");
    EXPECT_EQ(r.spec.batch_size, 32);
    EXPECT_EQ(r.spec.seed, 42u);
    std::vector<LayerInfo> info;
    // BatchNorm on 4 channels: 8 parameters.
    gs::validate_spec(r.spec, &info);
    EXPECT_EQ(info[1].params, 8u);

    EXPECT_EQ(gs::parse_spec(spec_text("[4]", R"({"type": "Dense", "units": 3})", "cross_entropy"))
                  .spec.loss,
              "softmax_cross_entropy");
    EXPECT_EQ(gs::canonical_layer_type("leakyrelu"), "LeakyReLU");
    EXPECT_EQ(gs::canonical_layer_type("gelu"), "GELU");
    EXPECT_EQ(gs::canonical_layer_type("Linear"), "");
}

TEST(Spec, ShorthandsForNestedObjects) {
    SpecResult r = gs::parse_spec(
        spec_text("4", R"({"type": "Dense", "units": 1})", "mse",
                  R"(, "optimizer": "Adam", "schedule": "cosine", "data": "spiral")"));
    ASSERT_TRUE(r.ok()) << r.message();
    EXPECT_EQ(r.spec.input.to_vector(), std::vector<int>{4});
    EXPECT_EQ(r.spec.optimizer.type, "adam");
    EXPECT_EQ(r.spec.schedule.type, "cosine");
    EXPECT_EQ(r.spec.data.name, "spiral");
}

TEST(Spec, IssueFormat) {
    SpecIssue layer{2, "Dense", "units", "must be positive", "", 0};
    EXPECT_EQ(layer.str(), "layer 3 (Dense): units: must be positive");
    SpecIssue top{-1, "", "batch_size", "must be positive", "", 0};
    EXPECT_EQ(top.str(), "batch_size: must be positive");
    SpecResult r;
    r.issues = {layer, top};
    EXPECT_EQ(r.message(),
              "layer 3 (Dense): units: must be positive\nbatch_size: must be positive");
}

// ---- Broken specs, one problem each ---------------------------------------------

TEST(SpecErrors, DenseNeedsFlatInput) {
    EXPECT_EQ(only_issue(spec_text("[1, 8, 8]", R"({"type": "Conv2D", "filters": 64, "kernel": 3},
        {"type": "MaxPool2D"}, {"type": "Dense", "units": 10})")),
              "layer 3 (Dense): expects a flat input, got 64x3x3 — insert Flatten before it");
}

TEST(SpecErrors, ConvCannotFollowFlatten) {
    EXPECT_EQ(only_issue(spec_text("[64, 3, 3]", R"({"type": "Flatten"},
        {"type": "Conv2D", "filters": 8, "kernel": 3})")),
              "layer 2 (Conv2D): expects an image input (channels x height x width), got 576 — "
              "Conv2D cannot follow Flatten or Dense");
    EXPECT_EQ(only_issue(spec_text("[784]", R"({"type": "MaxPool2D"})")),
              "layer 1 (MaxPool2D): expects an image input (channels x height x width), got 784 — "
              "give the input as [channels, height, width]");
}

TEST(SpecErrors, KernelLargerThanInput) {
    EXPECT_EQ(
        only_issue(spec_text("[1, 3, 3]", R"({"type": "Conv2D", "filters": 4, "kernel": 5})")),
        "layer 1 (Conv2D): kernel: kernel 5 is larger than the padded input 3x3 — use a "
        "smaller kernel or more padding");
    // With padding 1 it fits: 3+2-5+1 = 1.
    EXPECT_TRUE(gs::parse_spec(spec_text("[1, 3, 3]", R"({"type": "Conv2D", "filters": 4,
        "kernel": 5, "padding": 1})"))
                    .ok());
}

TEST(SpecErrors, UnknownLayerType) {
    EXPECT_EQ(only_issue(spec_text("[4]", R"({"type": "Dence", "units": 4})")),
              "layer 1 (Dence): type: unknown layer type 'Dence'; did you mean 'Dense'?");
    EXPECT_EQ(only_issue(spec_text("[4]", R"({"type": "Linear", "units": 4})")),
              "layer 1 (Linear): type: unknown layer type 'Linear'; did you mean 'Dense'?");
    EXPECT_EQ(only_issue(spec_text("[4]", R"({"units": 4})")),
              "layer 1: type: missing — every layer needs a type such as Dense, Conv2D or ReLU");
}

TEST(SpecErrors, WrongJsonTypes) {
    EXPECT_EQ(only_issue(spec_text("[4]", R"({"type": "Dense", "units": "64"})")),
              "layer 1 (Dense): units: expects an integer, got \"64\"");
    EXPECT_EQ(only_issue(spec_text("[4]", R"({"type": "Dense", "units": 2.5})")),
              "layer 1 (Dense): units: expects an integer, got 2.5");
    EXPECT_EQ(only_issue(spec_text("[4]", R"({"type": "Dense", "units": 2, "bias": "yes"})")),
              "layer 1 (Dense): bias: expects true or false, got \"yes\"");
    EXPECT_EQ(only_issue(spec_text("[4]", R"({"type": "Dense", "units": 2})", "mse",
                                   R"(, "optimizer": {"lr": "fast"})")),
              "optimizer.lr: expects a number, got \"fast\"");
    EXPECT_EQ(
        only_issue(spec_text("[4]", R"({"type": "Dense", "units": 2})", "mse", R"(, "seed": -1)")),
        "seed: expects a non-negative integer, got -1");
    EXPECT_EQ(only_issue(R"({"input": [4], "layers": {"type": "Dense"}})"),
              "layers: expects an array of layers, got an object");
    EXPECT_EQ(only_issue(spec_text("[4]", "5")),
              "layer 1: expects an object such as {\"type\": \"ReLU\"}, got 5");
    // A whole number written as a float is fine.
    EXPECT_TRUE(gs::parse_spec(spec_text("[4]", R"({"type": "Dense", "units": 2.0})")).ok());
}

TEST(SpecErrors, UnknownFieldSuggestsClosest) {
    SpecResult r = gs::parse_spec(spec_text("[4]", R"({"type": "Dense", "unit": 10})"));
    EXPECT_EQ(issue_strings(r),
              (std::vector<std::string>{
                  "layer 1 (Dense): unit: unknown field 'unit'; did you mean 'units'?",
                  "layer 1 (Dense): units: missing — give the number of outputs, e.g. "
                  "\"units\": 64"}));
    EXPECT_EQ(r.issues[0].layer, 0);
    EXPECT_EQ(r.issues[0].field, "unit");
    EXPECT_EQ(
        only_issue(spec_text("[4]", R"({"type": "Dense", "units": 2})", "mse", R"(, "epoch": 5)")),
        "epoch: unknown field 'epoch'; did you mean 'epochs'?");
    EXPECT_EQ(only_issue(spec_text("[4]", R"({"type": "Dense", "units": 2})", "mse",
                                   R"(, "learning_rate": 0.1)")),
              "learning_rate: unknown field 'learning_rate'; did you mean 'optimizer.lr'?");
    EXPECT_EQ(only_issue(spec_text("[4]", R"({"type": "Dense", "units": 2})", "mse",
                                   R"(, "optimizer": {"type": "adam", "beta_1": 0.8})")),
              "optimizer.beta_1: unknown field 'beta_1'; did you mean 'beta1'?");
    EXPECT_EQ(only_issue(spec_text("[1, 4, 4]", R"({"type": "Conv2D", "filters": 2, "kernel": 3,
        "units": 4})")),
              "layer 1 (Conv2D): units: unknown field 'units'; Conv2D takes filters, kernel, "
              "stride, padding, init and bias");
    EXPECT_EQ(only_issue(spec_text("[4]", R"({"type": "Dense", "units": 2}, {"type": "ReLU",
        "alpha": 0.1})")),
              "layer 2 (ReLU): alpha: ReLU takes no fields besides type; remove 'alpha'");
    EXPECT_EQ(only_issue(spec_text("[4]", R"({"type": "Dense", "units": 2,
        "activation": "relu"})")),
              "layer 1 (Dense): activation: Dense has no activation field — add an activation "
              "layer after it, such as {\"type\": \"ReLU\"}");
}

TEST(SpecErrors, FieldRanges) {
    EXPECT_EQ(only_issue(spec_text("[4]", R"({"type": "Dropout", "rate": 1.0})")),
              "layer 1 (Dropout): rate: must be at least 0 and below 1, got 1");
    EXPECT_EQ(only_issue(spec_text("[4]", R"({"type": "BatchNorm", "eps": 0})")),
              "layer 1 (BatchNorm): eps: must be above 0, got 0");
    EXPECT_EQ(only_issue(spec_text("[4]", R"({"type": "LeakyReLU", "alpha": -0.5})")),
              "layer 1 (LeakyReLU): alpha: must be at least 0, got -0.5");
    EXPECT_EQ(only_issue(spec_text("[1, 8, 8]", R"({"type": "Conv2D", "filters": 2, "kernel": 3,
        "stride": 0})")),
              "layer 1 (Conv2D): stride: must be between 1 and 64, got 0");
    EXPECT_EQ(only_issue(spec_text("[1, 8, 8]", R"({"type": "MaxPool2D", "padding": 2})")),
              "layer 1 (MaxPool2D): padding: padding 2 is more than half the kernel 2 — use at "
              "most 1");
    EXPECT_EQ(
        only_issue(spec_text("[4]", R"({"type": "Dense", "units": 2, "init": "he_unifrom"})")),
        "layer 1 (Dense): init: unknown initializer 'he_unifrom'; did you mean 'he_uniform'?");
    EXPECT_EQ(only_issue(spec_text("[4]", R"({"type": "Dense", "units": 0})")),
              "layer 1 (Dense): units: must be between 1 and 16,777,216, got 0");
}

TEST(SpecErrors, TrainingSettings) {
    const std::string dense = R"({"type": "Dense", "units": 2})";
    EXPECT_EQ(only_issue(spec_text("[4]", dense, "mse", R"(, "optimizer": {"lr": 0})")),
              "optimizer.lr: must be above 0, got 0");
    EXPECT_EQ(only_issue(spec_text("[4]", dense, "mse", R"(, "optimizer": {"type": "adm"})")),
              "optimizer.type: unknown optimizer 'adm'; did you mean 'adam'?");
    EXPECT_EQ(only_issue(spec_text("[4]", dense, "mse",
                                   R"(, "optimizer": {"type": "sgd", "nesterov": true})")),
              "optimizer.nesterov: Nesterov momentum needs a momentum above 0 — set "
              "optimizer.momentum, e.g. 0.9");
    EXPECT_EQ(only_issue(spec_text("[4]", dense, "mse", R"(, "optimizer": {"beta2": 1})")),
              "optimizer.beta2: must be at least 0 and below 1, got 1");
    EXPECT_EQ(only_issue(spec_text("[4]", dense, "mse", R"(, "batch_size": 0)")),
              "batch_size: must be between 1 and 65,536, got 0");
    EXPECT_EQ(only_issue(spec_text("[4]", dense, "mse", R"(, "epochs": 0)")),
              "epochs: must be at least 1, got 0");
    EXPECT_EQ(only_issue(spec_text("[4]", dense, "mse", R"(, "schedule": {"type": "step",
        "gamma": 0})")),
              "schedule.gamma: must be above 0 and at most 1, got 0");
    EXPECT_EQ(only_issue(spec_text("[4]", dense, "mse", R"(, "schedule": {"type": "linear"})")),
              "schedule.type: unknown schedule 'linear'; expected constant, step, exponential or "
              "cosine");
    EXPECT_EQ(only_issue(spec_text("[4]", dense, "mse", R"(, "data": {"test_fraction": 1})")),
              "data.test_fraction: must be at least 0 and below 1, got 1");
    EXPECT_EQ(only_issue(spec_text("[4]", dense, "mse", R"(, "data": {"samples": 20000000})")),
              "data.samples: must be between 1 and 10,000,000, got 20,000,000");
}

TEST(SpecErrors, LossNeedsMatchingOutput) {
    EXPECT_EQ(
        only_issue(spec_text("[2]", R"({"type": "Dense", "units": 1})", "binary_cross_entropy")),
        "loss: binary cross-entropy expects a final Sigmoid layer with 1 output — add "
        "{\"type\": \"Sigmoid\"}");
    EXPECT_EQ(only_issue(
                  spec_text("[2]", R"({"type": "Dense", "units": 3}, {"type": "Sigmoid"})", "bce")),
              "loss: binary cross-entropy expects a final Sigmoid layer with 1 output, got 3 — "
              "give the last Dense layer 1 unit");
    EXPECT_EQ(only_issue(spec_text("[2]", R"({"type": "Dense", "units": 1}, {"type": "Softmax"})",
                                   "softmax_cross_entropy")),
              "loss: softmax cross-entropy expects a flat output of at least 2 classes, got 1 — "
              "for two classes use binary_cross_entropy with a final Sigmoid");
    EXPECT_EQ(only_issue(spec_text("[2]", R"({"type": "Dense", "units": 2})", "msa")),
              "loss: unknown loss 'msa'; did you mean 'mse'?");
    // A final Softmax with MSE, and softmax cross-entropy without a Softmax, are allowed.
    EXPECT_TRUE(gs::parse_spec(spec_text("[2]", R"({"type": "Dense", "units": 3},
        {"type": "Softmax"})",
                                         "mse"))
                    .ok());
    EXPECT_TRUE(gs::parse_spec(
                    spec_text("[2]", R"({"type": "Dense", "units": 3})", "softmax_cross_entropy"))
                    .ok());
}

TEST(SpecErrors, InputAndLayers) {
    EXPECT_EQ(only_issue(spec_text("[28, 28]", R"({"type": "Flatten"})")),
              "input: expects [features] or [channels, height, width] with positive integers, "
              "got [28, 28]");
    EXPECT_EQ(only_issue(R"({"layers": [{"type": "ReLU"}], "loss": "mse"})"),
              "input: missing — give the shape of one item: [features] or [channels, height, "
              "width]");
    EXPECT_EQ(only_issue(spec_text("[4]", "")),
              "layers: the model has no layers — add at least one, e.g. {\"type\": \"Dense\", "
              "\"units\": 10}");
    EXPECT_EQ(only_issue(spec_text("[3, 4, 4]", R"({"type": "Softmax"})")),
              "layer 1 (Softmax): expects a flat input, got 3x4x4 — insert Flatten before it");
}

TEST(SpecErrors, InvalidJson) {
    SpecResult r = gs::parse_spec("{\"input\": [2], \"layers\": [}");
    ASSERT_EQ(r.issues.size(), 1u);
    // The line, the column and the field being read, in words (issue 14).
    EXPECT_EQ(r.issues[0].str(),
              "the spec, line 1, column 27, field \"layers[0]\": invalid JSON: syntax error while "
              "parsing value - unexpected '}'; expected '[', '{', or a literal");
    EXPECT_EQ(only_issue(""),
              "the spec, line 1, column 1: invalid JSON: syntax error while parsing value - "
              "unexpected end of input; expected '[', '{', or a literal");
    EXPECT_EQ(only_issue("[1, 2]"),
              "a model spec is a JSON object ({\"input\": ..., \"layers\": [...]}), got an array");
}

TEST(SpecErrors, UnreadableFile) {
    SpecResult r = gs::load_spec_file("/nonexistent/model.json");
    EXPECT_EQ(r.message(), "cannot read '/nonexistent/model.json': No such file or directory");
    r = gs::load_spec_file("/");
    EXPECT_EQ(r.message(), "cannot read '/': Is a directory");
}

// ---- Sizes ----------------------------------------------------------------------

TEST(SpecSizes, AbsurdUnitsAreReportedNotAllocated) {
    EXPECT_EQ(only_issue(spec_text("[784]", R"({"type": "Dense", "units": 1000000000})")),
              "layer 1 (Dense): units: must be between 1 and 16,777,216, got 1,000,000,000");
    EXPECT_EQ(only_issue(spec_text("[784]", R"({"type": "Dense", "units": 1e12})")),
              "layer 1 (Dense): units: must be between 1 and 16,777,216, got 1,000,000,000,000");
    EXPECT_EQ(only_issue(spec_text("[784]", R"({"type": "Dense", "units": 1e300})")),
              "layer 1 (Dense): units: must be between 1 and 16,777,216, got 1e+300");
}

TEST(SpecSizes, TooManyParameters) {
    EXPECT_EQ(only_issue(spec_text("[784]", R"({"type": "Dense", "units": 1000000})")),
              "layers: the model would have 785,000,000 parameters (2.9 GiB); the limit is "
              "268,435,456 (1.0 GiB) — layer 1 (Dense) alone has 785,000,000; use fewer units or "
              "filters");
    // Many layers that are each fine add up without overflowing.
    std::string layers;
    for (int i = 0; i < 40; ++i)
        layers += std::string(i ? ", " : "") + R"({"type": "Dense", "units": 16777216})";
    SpecResult r = gs::parse_spec(spec_text("[16777216]", layers));
    ASSERT_EQ(r.issues.size(), 1u) << r.message();
    EXPECT_EQ(r.issues[0].field, "layers");
    EXPECT_EQ(r.issues[0].message.rfind("the model would have ", 0), 0u);
}

TEST(SpecSizes, HugeActivations) {
    EXPECT_EQ(only_issue(spec_text("[3, 4096, 4096]", R"({"type": "Conv2D", "filters": 64,
        "kernel": 1})")),
              "layer 1 (Conv2D): its output 64x4096x4096 would hold 1,073,741,824 values per "
              "item; the limit is 67,108,864 — use fewer filters or a larger stride");
    EXPECT_EQ(
        only_issue(spec_text("[2147483647, 2147483647, 2147483647]", R"({"type": "Flatten"})")),
        "input: one item of 2147483647x2147483647x2147483647 holds 18,446,744,073,709,551,615 "
        "values; the limit is 67,108,864");
}

TEST(SpecSizes, MangledTextNeverThrows) {
    // Every prefix of a preset, and the preset with characters swapped out,
    // gives issues or a spec, never an exception.
    std::string text = gs::spec_to_json(load_preset("cnn-fashion").spec);
    const size_t end = text.rfind('}');  // every cut before the last brace is broken
    for (size_t n = 0; n < end; n += 7) {
        SpecResult r;
        EXPECT_NO_THROW(r = gs::parse_spec(text.substr(0, n)));
        EXPECT_FALSE(r.ok());
    }
    const char swaps[] = {'0', '9', '-', '"', '{', ']', 'x', '.', 'e'};
    for (size_t i = 0; i < text.size(); i += 3) {
        std::string t = text;
        t[i] = swaps[i % sizeof swaps];
        EXPECT_NO_THROW(gs::parse_spec(t));
    }
}

// ---- Many problems at once ------------------------------------------------------

TEST(SpecErrors, EveryProblemAtOnce) {
    SpecResult r = gs::parse_spec(R"({
        "input": [1, 8, 8],
        "layers": [
            {"type": "Conv2D", "filters": 8, "kernel": 3},
            {"type": "Dense", "unit": 10},
            {"type": "Dropout", "rate": 2},
            {"type": "Dense", "units": 0},
            {"type": "Softmax"}
        ],
        "loss": "softmax_cross_entropy",
        "optimizer": {"type": "adam", "lr": -1},
        "batch_size": 0,
        "epocs": 3
    })");
    EXPECT_EQ(r.message(),
              "layer 2 (Dense): unit: unknown field 'unit'; did you mean 'units'?\n"
              "layer 2 (Dense): units: missing — give the number of outputs, e.g. \"units\": 64\n"
              "layer 3 (Dropout): rate: must be at least 0 and below 1, got 2\n"
              "layer 4 (Dense): units: must be between 1 and 16,777,216, got 0\n"
              "optimizer.lr: must be above 0, got -1\n"
              "batch_size: must be between 1 and 65,536, got 0\n"
              "epocs: unknown field 'epocs'; did you mean 'epochs'?");
}

TEST(SpecErrors, LaterLayersStillCheckedAfterShapeError) {
    SpecResult r = gs::parse_spec(spec_text("[1, 8, 8]", R"({"type": "Dense", "units": 4},
        {"type": "LeakyReLU", "alpha": -1}, {"type": "Dense", "units": 3})"));
    EXPECT_EQ(issue_strings(r),
              (std::vector<std::string>{
                  "layer 1 (Dense): expects a flat input, got 1x8x8 — insert Flatten before it",
                  "layer 2 (LeakyReLU): alpha: must be at least 0, got -1"}));
}

}  // namespace
