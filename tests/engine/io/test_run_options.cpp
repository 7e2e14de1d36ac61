// What comparing runs step by step needs from the engine (issue 15): training
// without shuffling, one run-log line per step, checkpoints of a model and
// optimizer outside a Trainer (the exporters' initial weights), loading the
// weights alone, and the spec a checkpoint carries.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <numeric>

#include "gradscope/error.h"
#include "gradscope/io.h"
#include "gradscope/model.h"
#include "gradscope/optim.h"
#include "gradscope/presets.h"
#include "gradscope/run_log.h"
#include "gradscope/session.h"
#include "gradscope/trainer.h"

namespace gs {
namespace {

std::string temp(const std::string& name) { return testing::TempDir() + name; }

TEST(RunOptions, WithoutShufflingBatchesFollowTheStoredOrder) {
    ModelSpec s = load_preset("spiral-tanh");
    DataSplit d = make_builtin_dataset(s.data, s.input);
    Trainer t(s, d.train, d.test, cpu_backend());
    t.set_shuffle(false);
    const int b = s.batch_size;
    for (size_t step = 0; step < t.steps_per_epoch() + 2; ++step) {
        t.step();
        const size_t first = (step * b) % d.train->size();  // 250 items, 25 batches of 10
        for (int i = 0; i < b; ++i) EXPECT_EQ(t.last_batch()[i], first + i) << "step " << step;
    }
    Trainer shuffled(s, d.train, d.test, cpu_backend());  // the default: a seeded shuffle
    shuffled.step();
    std::vector<uint32_t> stored(static_cast<size_t>(b));
    std::iota(stored.begin(), stored.end(), 0u);
    EXPECT_NE(shuffled.last_batch(), stored);
}

TEST(RunOptions, LogEveryStepWritesALinePerStep) {
    ModelSpec s = load_preset("spiral-tanh");
    SessionOptions o;
    o.log_dir = temp("gs_every_step");
    o.log_every_step = true;
    o.shuffle = false;
    o.threads = 1;
    {
        Session session(s, prepare_data(s), cpu_backend(), o);
        ASSERT_TRUE(session.step(300));  // far more than fit in 10 ms on this model
        ASSERT_TRUE(session.wait_until_settled(60));
        EXPECT_EQ(session.steps_done(), 300);
    }
    const RunLogContents c = read_run_log(o.log_dir + "/run.jsonl");
    ASSERT_EQ(c.steps.size(), 300u);
    for (size_t i = 0; i < c.steps.size(); ++i) {
        EXPECT_EQ(c.merged[i], 1);
        EXPECT_EQ(c.steps[i].step, static_cast<long>(i) + 1);
    }
    std::filesystem::remove_all(o.log_dir);
}

TEST(RunOptions, ACheckpointOfAModelEqualsTheTrainersInitialOne) {
    const ModelSpec s = load_preset("mlp-fashion");
    Model m(s, cpu_backend());
    m.initialize(s.seed);
    Optimizer o(s.optimizer, cpu_backend());
    o.attach(m.named_params());
    const std::string a = temp("gs_model.safetensors");
    save_checkpoint(a, s, m, o, {});

    ModelSpec tiny = s;
    tiny.data = DataSpec{};
    tiny.data.name = "synthetic";
    tiny.data.samples = 8;
    DataSplit d = make_builtin_dataset(tiny.data, tiny.input, 10);
    Trainer t(tiny, d.train, d.test, cpu_backend());
    const std::string b = temp("gs_trainer.safetensors");
    save_checkpoint(b, t);
    const SafetensorsFile fa = load_safetensors(a), fb = load_safetensors(b);
    ASSERT_EQ(fa.tensors.size(), fb.tensors.size());
    for (size_t i = 0; i < fa.tensors.size(); ++i) {
        EXPECT_EQ(fa.tensors[i].name, fb.tensors[i].name);
        EXPECT_EQ(fa.tensors[i].values, fb.tensors[i].values) << fa.tensors[i].name;
    }
    for (const char* key : {"format", "step", "epoch", "epoch_position", "optimizer", "optimizer_steps"})
        EXPECT_EQ(fa.metadata.at(key), fb.metadata.at(key)) << key;
    EXPECT_EQ(spec_to_json(checkpoint_spec(a)), spec_to_json(s));

    // Weights alone load into a model; another model's are refused by name.
    Model again(s, cpu_backend());
    again.initialize(s.seed + 1);
    load_model_weights(a, again);
    EXPECT_EQ(again.named_params()[2].second->value.to_host(),
              m.named_params()[2].second->value.to_host());
    Model other(load_preset("spiral-tanh"), cpu_backend());
    try {
        load_model_weights(a, other);
        FAIL() << "loaded another model's weights";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("layers.0.weight"), std::string::npos) << e.what();
    }
    std::remove(a.c_str());
    std::remove(b.c_str());
}

}  // namespace
}  // namespace gs
