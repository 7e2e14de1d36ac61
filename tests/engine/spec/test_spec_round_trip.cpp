// Model specs written and read back: every preset and every field round-trips
// through JSON, the presets' own layout is kept, specs load from files, and a
// spec built in code validates without asking for per-layer information.
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

TEST(SpecRoundTrip, PresetsRoundTrip) {
    for (const char* name : {"mlp-fashion", "cnn-fashion", "cnn-cifar10", "linear-regression",
                             "spiral-tanh", "xor-sigmoid"}) {
        SCOPED_TRACE(name);
        SpecResult a = load_preset(name);
        ASSERT_TRUE(a.ok()) << a.message();
        std::string text = gs::spec_to_json(a.spec);
        SpecResult b = gs::parse_spec(text);
        ASSERT_TRUE(b.ok()) << b.message() << "\n" << text;
        EXPECT_EQ(gs::spec_to_json(b.spec), text);
        EXPECT_EQ(gs::spec_to_json(b.spec, -1), gs::spec_to_json(a.spec, -1));
    }
}

TEST(SpecRoundTrip, PresetLayout) {
    SpecResult a = load_preset("xor-sigmoid");
    EXPECT_EQ(gs::spec_to_json(a.spec),
              "{\n"
              "  \"name\": \"xor-sigmoid\",\n"
              "  \"description\": \"The textbook example: XOR with a 2-3-1 sigmoid network, mean "
              "squared error and plain gradient descent.\",\n"
              "  \"input\": [2],\n"
              "  \"layers\": [\n"
              "    {\"type\": \"Dense\", \"units\": 3, \"init\": \"xavier_uniform\"},\n"
              "    {\"type\": \"Sigmoid\"},\n"
              "    {\"type\": \"Dense\", \"units\": 1, \"init\": \"xavier_uniform\"},\n"
              "    {\"type\": \"Sigmoid\"}\n"
              "  ],\n"
              "  \"loss\": \"mse\",\n"
              "  \"optimizer\": {\"type\": \"sgd\", \"lr\": 0.1},\n"
              "  \"schedule\": {\"type\": \"constant\"},\n"
              "  \"batch_size\": 4,\n"
              "  \"epochs\": 10000,\n"
              "  \"seed\": 42,\n"
              "  \"data\": {\"name\": \"xor\", \"samples\": 4, \"noise\": 0.0, \"test_fraction\": "
              "0.0, \"seed\": 1}\n"
              "}\n");
}

TEST(SpecRoundTrip, EveryFieldRoundTrips) {
    ModelSpec s;
    s.name = "all \"fields\"";
    s.description = "ünïcode and\nnewlines";
    s.input = gs::Shape{3, 17, 19};
    auto layer = [](const char* type) {
        gs::LayerSpec l;
        l.type = type;
        return l;
    };
    gs::LayerSpec conv = layer("Conv2D");
    conv.filters = 5, conv.kernel = 3, conv.stride = 2, conv.padding = 1, conv.init = "he_normal";
    conv.bias = false;
    gs::LayerSpec bn = layer("BatchNorm");
    bn.eps = 1e-3f, bn.momentum = 0.25f;
    gs::LayerSpec leaky = layer("LeakyReLU");
    leaky.alpha = 0.2f;
    gs::LayerSpec pool = layer("AvgPool2D");
    pool.kernel = 3, pool.stride = 1, pool.padding = 1;
    gs::LayerSpec drop = layer("Dropout");
    drop.rate = 0.3f;
    gs::LayerSpec dense = layer("Dense");
    dense.units = 7, dense.init = "xavier_normal";
    s.layers = {conv, bn,    leaky,         pool,          layer("MaxPool2D"), layer("Flatten"),
                drop, dense, layer("GELU"), layer("Tanh"), layer("Softmax")};
    s.layers[4].kernel = 2, s.layers[4].stride = 2;
    s.loss = "softmax_cross_entropy";
    s.optimizer = {"rmsprop", 0.003f, 0.5f, false, 0.8f, 0.99f, 1e-6f, 0.9f, 0.01f, 5.0f};
    s.schedule = {"cosine", 50, 0.5f, 12345, 1e-4f, 100};
    s.batch_size = 17;
    s.epochs = 3;
    s.seed = 18446744073709551615ull;
    s.data.name = "csv";
    s.data.path = "some/where.csv";
    s.data.samples = 1234;
    s.data.noise = 0.25f;
    s.data.test_fraction = 0.3f;
    s.data.validation_fraction = 0.15f;
    s.data.seed = 99;
    s.data.limit = 5000;
    s.data.test_limit = 700;
    s.data.normalize = true;
    s.data.augment_flip = true;
    s.data.augment_crop_padding = 4;
    s.data.label_column = "species";
    s.data.image_size = 48;
    s.data.grayscale = true;

    std::vector<LayerInfo> info;
    ASSERT_TRUE(gs::validate_spec(s, &info).empty());
    EXPECT_EQ(info[0].out.to_vector(), (std::vector<int>{5, 9, 10}));
    EXPECT_EQ(info[0].params, 5u * 3 * 3 * 3);
    EXPECT_EQ(info[4].out.to_vector(), (std::vector<int>{5, 4, 5}));
    EXPECT_EQ(info[5].out.to_vector(), (std::vector<int>{100}));

    SpecResult r = gs::parse_spec(gs::spec_to_json(s));
    ASSERT_TRUE(r.ok()) << r.message();
    const ModelSpec& t = r.spec;
    EXPECT_EQ(t.name, s.name);
    EXPECT_EQ(t.description, s.description);
    EXPECT_EQ(t.input, s.input);
    ASSERT_EQ(t.layers.size(), s.layers.size());
    for (size_t i = 0; i < s.layers.size(); ++i) {
        SCOPED_TRACE(i);
        const auto &a = s.layers[i], &b = t.layers[i];
        EXPECT_EQ(a.type, b.type);
        EXPECT_EQ(a.units, b.units);
        EXPECT_EQ(a.filters, b.filters);
        EXPECT_EQ(a.kernel, b.kernel);
        EXPECT_EQ(a.stride, b.stride);
        EXPECT_EQ(a.padding, b.padding);
        EXPECT_EQ(a.alpha, b.alpha);
        EXPECT_EQ(a.rate, b.rate);
        EXPECT_EQ(a.eps, b.eps);
        EXPECT_EQ(a.momentum, b.momentum);
        EXPECT_EQ(a.init, b.init);
        EXPECT_EQ(a.bias, b.bias);
    }
    EXPECT_EQ(t.loss, s.loss);
    EXPECT_EQ(t.optimizer.type, s.optimizer.type);
    EXPECT_EQ(t.optimizer.lr, s.optimizer.lr);
    EXPECT_EQ(t.optimizer.momentum, s.optimizer.momentum);
    EXPECT_EQ(t.optimizer.nesterov, s.optimizer.nesterov);
    EXPECT_EQ(t.optimizer.beta1, s.optimizer.beta1);
    EXPECT_EQ(t.optimizer.beta2, s.optimizer.beta2);
    EXPECT_EQ(t.optimizer.eps, s.optimizer.eps);
    EXPECT_EQ(t.optimizer.alpha, s.optimizer.alpha);
    EXPECT_EQ(t.optimizer.weight_decay, s.optimizer.weight_decay);
    EXPECT_EQ(t.optimizer.clip_norm, s.optimizer.clip_norm);
    EXPECT_EQ(t.schedule.type, s.schedule.type);
    EXPECT_EQ(t.schedule.step_size, s.schedule.step_size);
    EXPECT_EQ(t.schedule.gamma, s.schedule.gamma);
    EXPECT_EQ(t.schedule.total_steps, s.schedule.total_steps);
    EXPECT_EQ(t.schedule.min_lr, s.schedule.min_lr);
    EXPECT_EQ(t.schedule.warmup_steps, s.schedule.warmup_steps);
    EXPECT_EQ(t.batch_size, s.batch_size);
    EXPECT_EQ(t.epochs, s.epochs);
    EXPECT_EQ(t.seed, s.seed);
    EXPECT_EQ(t.data.name, s.data.name);
    EXPECT_EQ(t.data.samples, s.data.samples);
    EXPECT_EQ(t.data.noise, s.data.noise);
    EXPECT_EQ(t.data.test_fraction, s.data.test_fraction);
    EXPECT_EQ(t.data.seed, s.data.seed);
    EXPECT_EQ(t.data.path, s.data.path);
    EXPECT_EQ(t.data.validation_fraction, s.data.validation_fraction);
    EXPECT_EQ(t.data.limit, s.data.limit);
    EXPECT_EQ(t.data.test_limit, s.data.test_limit);
    EXPECT_EQ(t.data.normalize, s.data.normalize);
    EXPECT_EQ(t.data.augment_flip, s.data.augment_flip);
    EXPECT_EQ(t.data.augment_crop_padding, s.data.augment_crop_padding);
    EXPECT_EQ(t.data.label_column, s.data.label_column);
    EXPECT_EQ(t.data.image_size, s.data.image_size);
    EXPECT_EQ(t.data.grayscale, s.data.grayscale);
    EXPECT_EQ(gs::spec_to_json(t), gs::spec_to_json(s));
}

TEST(SpecRoundTrip, LoadFromFile) {
    SpecResult a = load_preset("spiral-tanh");
    std::string path = ::testing::TempDir() + "gs_spec_roundtrip.json";
    {
        std::ofstream f(path);
        f << gs::spec_to_json(a.spec);
    }
    SpecResult b = gs::load_spec_file(path);
    std::remove(path.c_str());
    ASSERT_TRUE(b.ok()) << b.message();
    EXPECT_EQ(gs::spec_to_json(b.spec), gs::spec_to_json(a.spec));
}

TEST(SpecValidate, ProgrammaticSpecWithoutInfo) {
    ModelSpec s;
    s.input = gs::Shape{2};
    gs::LayerSpec d;
    d.type = "dense";  // any case is accepted here too
    d.units = 2;
    s.layers = {d};
    EXPECT_TRUE(gs::validate_spec(s).empty());
    s.layers[0].type = "Bogus";
    std::vector<LayerInfo> info;
    auto issues = gs::validate_spec(s, &info);
    ASSERT_EQ(issues.size(), 1u);
    EXPECT_EQ(issues[0].str(),
              "layer 1 (Bogus): type: unknown layer type 'Bogus'; expected Dense, Conv2D, "
              "MaxPool2D, AvgPool2D, Flatten, ReLU, LeakyReLU, Sigmoid, Tanh, GELU, Softmax, "
              "Dropout or BatchNorm");
    ASSERT_EQ(info.size(), 1u);
    EXPECT_EQ(info[0].out.rank, 0);
}

}  // namespace
