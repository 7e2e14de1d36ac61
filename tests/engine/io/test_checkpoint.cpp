// Checkpoints: a round trip resumes training exactly; a checkpoint of another
// model names the first tensor that differs and changes nothing.
#include <gtest/gtest.h>

#include <cstdio>

#include "gradscope/error.h"
#include "gradscope/io.h"
#include "gradscope/presets.h"
#include "gradscope/trainer.h"

namespace gs {
namespace {

ModelSpec cnn_spec() {
    SpecResult r = parse_spec(R"({
      "input": [1, 8, 8],
      "layers": [
        {"type": "Conv2D", "filters": 4, "kernel": 3}, {"type": "BatchNorm"}, {"type": "ReLU"},
        {"type": "Flatten"}, {"type": "Dense", "units": 3}, {"type": "Softmax"}],
      "loss": "softmax_cross_entropy",
      "optimizer": {"type": "adam", "lr": 0.01},
      "batch_size": 16, "seed": 5,
      "data": {"name": "synthetic", "samples": 100, "test_fraction": 0, "seed": 2}})");
    EXPECT_TRUE(r.ok()) << r.message();
    return r.spec;
}

std::string temp(const std::string& name) { return testing::TempDir() + name; }

TEST(Checkpoint, RoundTripGivesTheSameNextStep) {
    for (const char* opt : {"adam", "sgd", "rmsprop", "adamw"}) {
        ModelSpec s = cnn_spec();
        s.optimizer.type = opt;
        s.optimizer.momentum = std::string(opt) == "adam" || std::string(opt) == "adamw" ? 0 : 0.9f;
        DataSplit d = make_builtin_dataset(s.data, s.input, 3);
        Trainer a(s, d.train, d.test, cpu_backend());
        for (int i = 0; i < 17; ++i) a.step();  // mid-epoch
        const std::string path = temp("gs_ckpt.safetensors");
        save_checkpoint(path, a);
        const double expected = a.step().loss;
        const double expected2 = a.step().loss;

        // Another trainer whose weights, optimizer state and data position
        // all differ before the load.
        Trainer b(s, d.train, d.test, cpu_backend());
        for (int i = 0; i < 3; ++i) b.step();
        load_checkpoint(path, b);
        EXPECT_EQ(b.global_step(), 17);
        EXPECT_EQ(b.epoch(), a.epoch());
        EXPECT_EQ(b.step().loss, expected) << opt;
        EXPECT_EQ(b.step().loss, expected2) << opt;
        std::remove(path.c_str());
    }
}

TEST(Checkpoint, LoadedWeightsEqualSavedWeights) {
    ModelSpec s = cnn_spec();
    DataSplit d = make_builtin_dataset(s.data, s.input, 3);
    Trainer a(s, d.train, d.test, cpu_backend());
    for (int i = 0; i < 5; ++i) a.step();
    const std::string path = temp("gs_ckpt2.safetensors");
    save_checkpoint(path, a);
    ModelSpec other = s;
    other.seed = 1234;
    Trainer b(other, d.train, d.test, cpu_backend());
    load_checkpoint(path, b);
    auto pa = a.model().named_params(), pb = b.model().named_params();
    ASSERT_EQ(pa.size(), pb.size());
    for (size_t i = 0; i < pa.size(); ++i)
        EXPECT_EQ(pa[i].second->value.to_host(), pb[i].second->value.to_host()) << pa[i].first;
    auto ba = a.model().named_buffers(), bb = b.model().named_buffers();
    for (size_t i = 0; i < ba.size(); ++i)
        EXPECT_EQ(ba[i].second->value.to_host(), bb[i].second->value.to_host()) << ba[i].first;
    SafetensorsFile f = load_safetensors(path);
    EXPECT_EQ(f.metadata.at("step"), "5");
    EXPECT_EQ(f.metadata.at("optimizer"), "adam");
    EXPECT_TRUE(parse_spec(f.metadata.at("spec")).ok());
    EXPECT_NE(f.find("optim.layers.0.weight.exp_avg"), nullptr);
    std::remove(path.c_str());
}

TEST(Checkpoint, MismatchNamesTheFirstTensorAndChangesNothing) {
    ModelSpec s = cnn_spec();
    DataSplit d = make_builtin_dataset(s.data, s.input, 3);
    Trainer a(s, d.train, d.test, cpu_backend());
    const std::string path = temp("gs_ckpt3.safetensors");
    save_checkpoint(path, a);

    ModelSpec wider = s;
    wider.layers[0].filters = 6;
    Trainer b(wider, d.train, d.test, cpu_backend());
    auto before = b.model().named_params()[0].second->value.to_host();
    try {
        load_checkpoint(path, b);
        FAIL() << "expected a mismatch";
    } catch (const Error& e) {
        EXPECT_EQ(std::string(e.what()), "checkpoint '" + path +
                                             "' does not match this model: tensor "
                                             "'layers.0.weight' is 4x1x3x3 in the file but "
                                             "6x1x3x3 in the model");
    }
    EXPECT_EQ(b.model().named_params()[0].second->value.to_host(), before);

    ModelSpec sgd = s;
    sgd.optimizer.type = "sgd";
    Trainer c(sgd, d.train, d.test, cpu_backend());
    try {
        load_checkpoint(path, c);
        FAIL() << "expected a mismatch";
    } catch (const Error& e) {
        EXPECT_EQ(std::string(e.what()),
                  "checkpoint '" + path +
                      "' does not match this model: tensor "
                      "'optim.layers.0.weight.momentum_buffer' is missing from the file");
    }
    std::remove(path.c_str());
}

TEST(Checkpoint, NotACheckpoint) {
    const std::string path = temp("gs_plain.safetensors");
    save_safetensors(path, SafetensorsFile{{{"x", {1}, {1.0f}}}, {}});
    ModelSpec s = cnn_spec();
    DataSplit d = make_builtin_dataset(s.data, s.input, 3);
    Trainer t(s, d.train, d.test, cpu_backend());
    EXPECT_THROW(load_checkpoint(path, t), Error);
    EXPECT_THROW(load_checkpoint(temp("does-not-exist.safetensors"), t), Error);
    std::remove(path.c_str());
}

}  // namespace
}  // namespace gs
