// The run log's rate stays bounded however short the epochs (issue 14, item
// 14): a million steps of 25-step epochs once wrote 800,000 epoch lines and
// forced out as many step lines. Epoch lines now come in a burst and then
// at most one per min_epoch_interval, the ones held back are counted in the
// next ("left_out"), the last epoch is always written, and the file stays
// in step order. On a clock the test moves, so a loaded machine cannot
// change the outcome.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "gradscope/run_log.h"

namespace gs {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;

ModelSpec tiny_spec() {
    SpecResult r = read_spec_json(R"({"name": "tiny", "input": [2],
        "layers": [{"type": "Dense", "units": 1}], "loss": "mse"})");
    EXPECT_TRUE(r.ok()) << r.message();
    return r.spec;
}

std::string fresh_dir(const std::string& name) {
    const fs::path dir = fs::path(testing::TempDir()) / ("gs_run_log_rate_" + name);
    fs::remove_all(dir);
    return dir.string();
}

std::vector<Json> lines_of(const std::string& path) {
    std::vector<Json> out;
    std::ifstream in(path);
    for (std::string l; std::getline(in, l);) out.push_back(Json::parse(l));
    return out;
}

size_t csv_rows(const std::string& path) {
    std::ifstream in(path);
    size_t n = 0;
    for (std::string l; std::getline(in, l);) ++n;
    return n - 1;  // the header
}

// 40,000 epochs of 25 steps, a microsecond a step: one simulated second.
struct TinyEpochs {
    std::chrono::steady_clock::time_point now = std::chrono::steady_clock::now();
    void run(RunLog& log, int epochs) {
        log.clock = [this] { return now; };
        long step = 0;
        for (int e = 1; e <= epochs; ++e) {
            for (int i = 0; i < 25; ++i) {
                StepRecord s;
                s.step = ++step;
                s.epoch = e - 1;
                s.loss = 0.5f;
                log.write(s);
                now += std::chrono::microseconds(1);
            }
            log.write(EpochRecord{e, step, 0.5f, -1, false, 0, -1, 0.001 * e});
        }
    }
};

TEST(RunLogRate, TinyEpochsDoNotFloodTheLog) {
    const std::string dir = fresh_dir("tiny");
    {
        TinyEpochs clock;  // outlives the log, whose last flush still reads it
        RunLog log(dir, tiny_spec(), "cpu");
        clock.run(log, 40000);
    }
    const std::vector<Json> lines = lines_of(dir + "/run.jsonl");
    size_t epochs = 0, steps = 0;
    long left_out = 0, last_step = 0, merged = 0;
    int last_epoch = 0;
    for (const Json& j : lines) {
        if (j.contains("step")) {  // in the order things happened
            EXPECT_GE(j["step"].get<long>(), last_step) << j.dump();
            last_step = j["step"].get<long>();
        }
        if (j["type"] == "epoch") {
            ++epochs;
            left_out += j.value("left_out", 0L);
            EXPECT_GT(j["epoch"].get<int>(), last_epoch);
            last_epoch = j["epoch"].get<int>();
        } else if (j["type"] == "step") {
            ++steps;
            merged += j["merged"].get<long>();
        }
    }
    // One second of simulated time: the burst (100), one a 10 ms (100), one
    // held back before each step line (100), and the last; without the
    // limit, 40,000 of each.
    EXPECT_LE(epochs, 302u);
    EXPECT_LE(steps, 302u + 101u);
    EXPECT_EQ(last_epoch, 40000);  // the last epoch is always written
    EXPECT_EQ(static_cast<long>(epochs) + left_out, 40000);  // the others are counted
    EXPECT_EQ(merged, 40000L * 25);                          // no step is lost
    EXPECT_EQ(csv_rows(dir + "/epochs.csv"), epochs);       // the CSV has the same rows
}

TEST(RunLogRate, NormalEpochsAreAllWritten) {
    // Epochs further apart than the interval: every one, none left out.
    const std::string dir = fresh_dir("normal");
    {
        RunLog log(dir, tiny_spec(), "cpu");
        auto now = std::chrono::steady_clock::now();
        log.clock = [&now] { return now; };
        for (int e = 1; e <= 500; ++e) {
            now += std::chrono::milliseconds(11);
            log.write(EpochRecord{e, e * 10L, 0.5f, -1, false, 0, -1, 0.011 * e});
        }
    }
    size_t epochs = 0;
    for (const Json& j : lines_of(dir + "/run.jsonl"))
        if (j["type"] == "epoch") {
            ++epochs;
            EXPECT_FALSE(j.contains("left_out")) << j.dump();
        }
    EXPECT_EQ(epochs, 500u);
}

TEST(RunLogRate, NoLimitWhenEveryStepIsAskedFor) {
    // --log-every-step sets both intervals to 0: every line is written.
    const std::string dir = fresh_dir("every");
    {
        TinyEpochs clock;
        RunLog log(dir, tiny_spec(), "cpu");
        log.min_step_interval = std::chrono::milliseconds(0);
        log.min_epoch_interval = std::chrono::milliseconds(0);
        clock.run(log, 1000);
    }
    EXPECT_EQ(csv_rows(dir + "/epochs.csv"), 1000u);
}

}  // namespace
}  // namespace gs
