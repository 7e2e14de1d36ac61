// The monitor's hand-written line parser against the engine's writer
// (RunLog) and reader (read_run_log): every record the writer writes reads
// back the same through both; broken lines are garbage, unknown types are
// skipped; and it is fast enough to open a million records in well under 2 s.
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <string>

#include <nlohmann/json.hpp>

#include "gradscope/presets.h"
#include "gradscope/run_log.h"
#include "log_parser.h"
#include "run_source.h"

namespace gs::monitor {
namespace {

namespace fs = std::filesystem;

fs::path fresh_dir(const std::string& name) {
    fs::path d = fs::temp_directory_path() / ("gs_parse_" + std::to_string(::getpid()) + "_" + name);
    fs::remove_all(d);
    return d;
}

std::vector<std::string> lines_of(const fs::path& p) {
    std::ifstream f(p);
    std::vector<std::string> out;
    for (std::string l; std::getline(f, l);) out.push_back(l);
    return out;
}

// Same float, NaN equal to NaN.
void expect_same(float a, float b, const char* what) {
    if (std::isnan(a)) {
        EXPECT_TRUE(std::isnan(b)) << what;
    } else {
        EXPECT_EQ(a, b) << what;
    }
}

TEST(LogParser, EveryWrittenRecordReadsBackLikeTheEngineReader) {
    const fs::path dir = fresh_dir("roundtrip");
    {
        RunLog log(dir.string(), load_preset("spiral-tanh"), "cpu");
        log.min_step_interval = std::chrono::milliseconds(0);
        log.min_layers_interval = std::chrono::milliseconds(0);
        const float inf = std::numeric_limits<float>::infinity();
        const float nan = std::numeric_limits<float>::quiet_NaN();
        log.write(StepRecord{1, 0, 0.693147f, 0.5f, 0.03f, 0.012f, 833333.3f});
        log.write(StepRecord{2, 0, 0.1f + 0.2f, 0.625f, 2.5e-5f, 1e-3f, 1e7f});
        LayerStats a;
        a.step = 2;
        a.layer = 0;
        a.has_weights = true;
        a.weight_norm = 3.25f;
        a.grad_norm = 0.0517f;
        a.grad_mean_abs = 0.00311f;
        a.grad_max_abs = inf;
        a.update_ratio = 1.7e-4f;
        a.act_mean = -0.125f;
        a.act_std = 0.8f;
        LayerStats b;
        b.step = 2;
        b.layer = 1;
        b.act_mean = nan;
        b.act_std = 0.61f;
        b.saturated_fraction = 0.08f;
        LayerStats c = b;
        c.layer = 2;
        c.dead_fraction = 0.5f;
        c.saturated_fraction = -1;
        log.write(a);
        log.write(b);
        log.write(c);
        log.write(StepRecord{3, 1, nan, 0.5f, 0.03f, 0.01f, 1000});
        log.write(StepRecord{4, 1, -inf, -1, 0.03f, 0.01f, 1000});
        EventRecord e{4, "hyperparameter", "lr", 0.3, "learning rate 0.03 -> 0.3, \"quoted\"\n\ttab é"};
        log.write(e);
        EpochRecord ep;
        ep.epoch = 1;
        ep.step = 4;
        ep.seconds = 1.5;
        ep.train_loss = inf;
        ep.train_accuracy = 0.75f;
        ep.has_validation = true;
        ep.val_loss = 0.4f;
        ep.val_accuracy = 0.8125f;
        log.write(ep);
    }
    const std::string path = (dir / "run.jsonl").string();
    const RunLogContents ref = read_run_log(path);
    ASSERT_EQ(ref.garbage_lines, 0u);
    ASSERT_EQ(ref.steps.size(), 4u);
    ASSERT_EQ(ref.layers.size(), 3u);

    size_t si = 0, li = 0, ei = 0, pi = 0;
    int runs = 0;
    ParsedLine p;
    for (const std::string& line : lines_of(path)) {
        switch (parse_line(line, p)) {
            case LineKind::Run:
                ++runs;
                EXPECT_EQ(p.backend, "cpu");
                EXPECT_EQ(nlohmann::json::parse(p.spec_json), nlohmann::json::parse(ref.spec_json));
                break;
            case LineKind::Step: {
                ASSERT_LT(si, ref.steps.size());
                const StepRecord& r = ref.steps[si];
                EXPECT_EQ(p.step.step, r.step);
                EXPECT_EQ(p.step.epoch, r.epoch);
                expect_same(p.step.loss, r.loss, "loss");
                expect_same(p.step.accuracy, r.accuracy, "accuracy");
                EXPECT_EQ(p.step.lr, r.lr);
                EXPECT_EQ(p.step.step_ms, r.step_ms);
                EXPECT_EQ(p.step.samples_per_s, r.samples_per_s);
                EXPECT_EQ(p.merged, ref.merged[si]);
                ++si;
                break;
            }
            case LineKind::Layers:
                for (const LayerStats& s : p.layers) {
                    ASSERT_LT(li, ref.layers.size());
                    const LayerStats& r = ref.layers[li++];
                    EXPECT_EQ(s.step, r.step);
                    EXPECT_EQ(s.layer, r.layer);
                    EXPECT_EQ(s.has_weights, r.has_weights);
                    expect_same(s.weight_norm, r.weight_norm, "weight_norm");
                    expect_same(s.grad_norm, r.grad_norm, "grad_norm");
                    expect_same(s.grad_mean_abs, r.grad_mean_abs, "grad_mean_abs");
                    expect_same(s.grad_max_abs, r.grad_max_abs, "grad_max_abs");
                    expect_same(s.update_ratio, r.update_ratio, "update_ratio");
                    expect_same(s.act_mean, r.act_mean, "act_mean");
                    expect_same(s.act_std, r.act_std, "act_std");
                    expect_same(s.dead_fraction, r.dead_fraction, "dead");
                    expect_same(s.saturated_fraction, r.saturated_fraction, "saturated");
                }
                break;
            case LineKind::Event:
                ASSERT_LT(ei, ref.events.size());
                EXPECT_EQ(p.event.step, ref.events[ei].step);
                EXPECT_EQ(p.event.kind, ref.events[ei].kind);
                EXPECT_EQ(p.event.name, ref.events[ei].name);
                EXPECT_EQ(p.event.value, ref.events[ei].value);
                EXPECT_EQ(p.event.text, ref.events[ei].text);
                ++ei;
                break;
            case LineKind::Epoch: {
                ASSERT_LT(pi, ref.epochs.size());
                const EpochRecord& r = ref.epochs[pi++];
                EXPECT_EQ(p.epoch.epoch, r.epoch);
                EXPECT_EQ(p.epoch.step, r.step);
                EXPECT_EQ(p.epoch.seconds, r.seconds);
                expect_same(p.epoch.train_loss, r.train_loss, "train_loss");
                EXPECT_EQ(p.epoch.train_accuracy, r.train_accuracy);
                EXPECT_EQ(p.epoch.has_validation, r.has_validation);
                EXPECT_EQ(p.epoch.val_loss, r.val_loss);
                EXPECT_EQ(p.epoch.val_accuracy, r.val_accuracy);
                break;
            }
            default: ADD_FAILURE() << "unexpected line: " << line;
        }
    }
    EXPECT_EQ(runs, 1);
    EXPECT_EQ(si, ref.steps.size());
    EXPECT_EQ(li, ref.layers.size());
    EXPECT_EQ(ei, 1u);
    EXPECT_EQ(pi, 1u);
    // The values themselves, not only agreement with the engine's reader.
    EXPECT_TRUE(std::isnan(ref.steps[2].loss));
    EXPECT_EQ(ref.steps[3].loss, -std::numeric_limits<float>::infinity());
    EXPECT_EQ(ref.layers[0].grad_max_abs, std::numeric_limits<float>::infinity());
    EXPECT_EQ(ref.layers[0].update_ratio, 1.7e-4f);
    EXPECT_EQ(ref.layers[2].dead_fraction, 0.5f);
    fs::remove_all(dir);
}

TEST(LogParser, FieldOrderWhitespaceAndUnknownFieldsAreAccepted) {
    ParsedLine p;
    ASSERT_EQ(parse_line(R"( { "merged" : 3, "extra": {"a":[1,2,{"b":null}]}, "loss": 0.5,
                           "step":12,"type" :"step", "lr":1e-3 } )", p),
              LineKind::Step);
    EXPECT_EQ(p.step.step, 12);
    EXPECT_EQ(p.step.loss, 0.5f);
    EXPECT_EQ(p.step.lr, 1e-3f);
    EXPECT_EQ(p.step.accuracy, -1.0f);
    EXPECT_EQ(p.merged, 3);
    ASSERT_EQ(parse_line(R"({"type":"event","kind":"state","text":"\u00e9\ud83d\ude00 \"x\""})", p),
              LineKind::Event);
    EXPECT_EQ(p.event.text, "\xc3\xa9\xf0\x9f\x98\x80 \"x\"");
    EXPECT_EQ(p.event.step, 0);
}

TEST(LogParser, BrokenLinesAreGarbageAndUnknownTypesAreNot) {
    ParsedLine p;
    const char* garbage[] = {
        "",
        "not json",
        "[1,2,3]",
        R"({"type":"step","step":1,"loss":0.5)",             // cut short
        R"({"type":"step","step":1,"loss":0.5}} )",          // trailing junk
        R"({"type":"step","step":1.5,"loss":0.5})",          // step not an integer
        R"({"type":"step","step":1})",                       // no loss
        R"({"type":"step","step":1,"loss":"0.5"})",          // loss a string
        R"({"type":"step","step":1,"loss":0.5,"merged":0})", // merged < 1
        R"({"type":"epoch","step":3})",                      // no epoch
        R"({"type":"event","step":3})",                      // no kind
        R"({"type":"layers","step":3,"layers":{"layer":0}})",// layers not an array
        R"({"type":"layers","step":3,"layers":[{"grad_norm":1}]})",  // no layer index
        R"({"type":3})",
        R"({"kind":"step"})",
        R"({"type":"step","step":1,"loss":0.5,"text":"bad \q escape"})",
        "{\"type\":\"event\",\"kind\":\"a\x01\"}",           // a control character in a string
    };
    for (const char* g : garbage) EXPECT_EQ(parse_line(g, p), LineKind::Garbage) << g;
    EXPECT_EQ(parse_line(R"({"type":"histogram","step":1,"bins":[1,2]})", p), LineKind::Unknown);
}

TEST(LogParser, AMillionStepRecordsOpenInUnderTwoSeconds) {
    const fs::path dir = fresh_dir("million");
    {
        RunLog log(dir.string(), load_preset("spiral-tanh"), "cpu");
        log.min_step_interval = std::chrono::milliseconds(0);  // one line per step
        for (long s = 1; s <= 1000000; ++s)
            log.write(StepRecord{s, static_cast<int>(s / 1000), 0.7f / (1 + s * 1e-4f),
                                 0.5f + 0.4f * (s % 1000) / 1000.0f, 0.03f, 0.0123f, 813008.1f});
    }
    RunSource src(dir.string());
    const auto t0 = std::chrono::steady_clock::now();
    src.poll();
    const double secs =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::printf("opened %zu step records (%ju bytes) in %.3f s\n", src.data().loss().size(),
                static_cast<uintmax_t>(fs::file_size(dir / "run.jsonl")), secs);
    EXPECT_EQ(src.data().loss().size(), 1000000u);
    EXPECT_EQ(src.data().last_step(), 1000000);
    EXPECT_EQ(src.garbage_lines(), 0u);
    EXPECT_LT(secs, 2.0);
    fs::remove_all(dir);
}

}  // namespace
}  // namespace gs::monitor
