// The gauges' plain data in the core: their run-log records written and read
// back by the one reader (every field; non-finite losses; wrong types are
// garbage; a rewind drops later estimates), the learning-rate suggestion on
// a curve whose steepest fall is known, and the explanations in words.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>

#include "gradscope/gauges.h"
#include "gradscope/run_log.h"
#include "gradscope/spec.h"

namespace gs {
namespace {

namespace fs = std::filesystem;

ModelSpec spec() {
    SpecResult r = read_spec_json(R"({"name": "g", "input": [2], "layers": [{"type": "Dense", "units": 1}],
        "loss": "mse", "optimizer": {"type": "sgd", "lr": 0.1}, "batch_size": 4,
        "data": {"name": "xor", "samples": 4}})");
    EXPECT_TRUE(r.ok()) << r.message();
    return r.spec;
}

std::string fresh_dir(const std::string& name) {
    const fs::path d = fs::temp_directory_path() / ("gs_core_gauges_" + name + "_" + std::to_string(::getpid()));
    fs::remove_all(d);
    return d.string();
}

TEST(GaugeRecords, WrittenAndReadBackFieldByField) {
    const std::string dir = fresh_dir("roundtrip");
    SharpnessRecord s;
    s.step = 120;
    s.sharpness = 61.25f;
    s.lr = 0.03f;
    s.edge = 2 / 0.03f;
    s.iterations = 7;
    s.cost_share = 0.0412f;
    NoiseScaleRecord n;
    n.step = 130;
    n.b_simple = 37.5f;
    n.grad_sq = 0.012f;
    n.trace = 0.45f;
    n.batch = 10;
    n.cost_share = 0.02f;
    LrRangeResult r;
    r.step = 100;
    r.options.lr_min = 1e-4;
    r.options.lr_max = 3;
    r.options.steps = 50;
    r.lr = {1e-4f, 1e-3f, 1e-2f, 0.1f};
    r.loss = {0.7f, 0.6f, 0.3f, std::numeric_limits<float>::quiet_NaN()};
    r.suggested_lr = 1e-2;
    r.exploded = true;
    r.stopped = "stopped at lr 0.1: the loss was not finite";
    r.seconds = 0.25;
    {
        RunLog log(dir, spec(), "cpu");
        log.write(s);
        log.write(n);
        log.write(r);
    }
    const RunLogContents c = read_run_log(dir + "/run.jsonl");
    EXPECT_EQ(c.garbage_lines, 0u);
    ASSERT_EQ(c.sharpness.size(), 1u);
    EXPECT_EQ(c.sharpness[0].step, 120);
    EXPECT_EQ(c.sharpness[0].sharpness, s.sharpness);
    EXPECT_EQ(c.sharpness[0].lr, s.lr);
    EXPECT_EQ(c.sharpness[0].edge, s.edge);
    EXPECT_EQ(c.sharpness[0].iterations, 7);
    EXPECT_EQ(c.sharpness[0].cost_share, s.cost_share);
    ASSERT_EQ(c.noise_scale.size(), 1u);
    EXPECT_EQ(c.noise_scale[0].step, 130);
    EXPECT_EQ(c.noise_scale[0].b_simple, n.b_simple);
    EXPECT_EQ(c.noise_scale[0].grad_sq, n.grad_sq);
    EXPECT_EQ(c.noise_scale[0].trace, n.trace);
    EXPECT_EQ(c.noise_scale[0].batch, 10);
    EXPECT_EQ(c.noise_scale[0].cost_share, n.cost_share);
    ASSERT_EQ(c.lr_ranges.size(), 1u);
    const LrRangeResult& b = c.lr_ranges[0];
    EXPECT_EQ(b.step, 100);
    EXPECT_EQ(b.options.lr_min, 1e-4);
    EXPECT_EQ(b.options.lr_max, 3);
    EXPECT_EQ(b.options.steps, 50);
    ASSERT_EQ(b.lr.size(), 4u);
    for (size_t i = 0; i < 3; ++i) {
        EXPECT_EQ(b.lr[i], r.lr[i]);
        EXPECT_EQ(b.loss[i], r.loss[i]);
    }
    EXPECT_TRUE(std::isnan(b.loss[3]));
    EXPECT_EQ(b.suggested_lr, 1e-2);
    EXPECT_TRUE(b.exploded);
    EXPECT_EQ(b.stopped, r.stopped);
    EXPECT_TRUE(b.error.empty());
    EXPECT_EQ(b.seconds, 0.25);
}

TEST(GaugeRecords, WrongTypesAreGarbageAndARewindDropsLaterEstimates) {
    const std::string dir = fresh_dir("garbage");
    fs::create_directories(dir);
    std::ofstream(dir + "/run.jsonl")
        << R"({"type":"sharpness","step":10,"sharpness":5,"lr":0.1,"edge":20,"iterations":3,"cost_share":0.01})" "\n"
        << R"({"type":"sharpness","step":"x","sharpness":5})" "\n"
        << R"({"type":"noise_scale","step":12})" "\n"
        << R"({"type":"lr_range","step":0,"lr":[0.1,0.2],"loss":[1]})" "\n"
        << R"({"type":"lr_range","step":0,"lr":[0.1],"loss":["a"]})" "\n"
        << R"({"type":"lr_range","step":0,"lr":[0.1],"loss":[1],"exploded":1})" "\n"
        << R"({"type":"noise_scale","step":20,"b_simple":40,"batch":8})" "\n"
        << R"({"type":"sharpness","step":30,"sharpness":6})" "\n"
        << R"({"type":"event","step":15,"kind":"rewind","text":"back to 15"})" "\n";
    const RunLogContents c = read_run_log(dir + "/run.jsonl");
    EXPECT_EQ(c.garbage_lines, 5u);
    ASSERT_EQ(c.sharpness.size(), 1u);  // the rewind to 15 undid steps 20 and 30
    EXPECT_EQ(c.sharpness[0].step, 10);
    EXPECT_TRUE(c.noise_scale.empty());
}

TEST(LrSuggestion, PicksTheSteepestFallBeforeTheMinimum) {
    // loss = 1 - 0.8 / (1 + exp(-3 (log10 lr + 2))): steepest at lr 1e-2;
    // past lr 1 it climbs.
    LrRangeResult r;
    for (int i = 0; i < 200; ++i) {
        const double lg = -5 + 6.0 * i / 199;
        double loss = 1 - 0.8 / (1 + std::exp(-3 * (lg + 2)));
        if (lg > 0) loss += 5 * lg * lg;
        r.lr.push_back(static_cast<float>(std::pow(10.0, lg)));
        r.loss.push_back(static_cast<float>(loss));
    }
    suggest_lr(r);
    ASSERT_GE(r.suggested_index, 0);
    EXPECT_NEAR(std::log10(r.suggested_lr), -2.0, 0.1);
}

TEST(LrSuggestion, NoneWhenTheLossNeverFalls) {
    LrRangeResult r;
    for (int i = 0; i < 50; ++i) r.lr.push_back(1e-3f * (i + 1)), r.loss.push_back(1.0f + 0.01f * i);
    suggest_lr(r);
    EXPECT_EQ(r.suggested_lr, 0);
    EXPECT_NE(lr_range_verdict(r, 0.1).find("no suggestion"), std::string::npos);
}

TEST(GaugeWords, VerdictsSayWhereTheRunStands) {
    EXPECT_NE(sharpness_verdict(105, 0.02).find("past the edge of stability"), std::string::npos);  // 2/lr = 100
    EXPECT_NE(sharpness_verdict(95, 0.02).find("at the edge of stability"), std::string::npos);
    EXPECT_NE(sharpness_verdict(10, 0.02).find("could likely be larger"), std::string::npos);
    EXPECT_NE(noise_scale_verdict(10, 512).find("wasted compute"), std::string::npos);
    EXPECT_NE(noise_scale_verdict(1000, 8).find("mostly noise"), std::string::npos);
    EXPECT_NE(noise_scale_verdict(60, 64).find("near the critical batch size"), std::string::npos);
    EXPECT_NE(noise_scale_verdict(INFINITY, 10).find("lost in the noise"), std::string::npos);
    EXPECT_EQ(noise_scale_verdict(0, 10), "no estimate yet");
    EXPECT_NE(std::string(sharpness_about()).find("2/lr"), std::string::npos);
    EXPECT_EQ(lr_range_problem(LrRangeOptions{}), "");
    LrRangeOptions o;
    o.steps = 3;
    EXPECT_NE(lr_range_problem(o).find("10 to 100000 steps"), std::string::npos);
}

}  // namespace
}  // namespace gs
