// The one run.jsonl reader: parse_run_log_line against the writer (RunLog)
// and read_run_log (built on it): every record the writer writes reads back
// the same, line by line and whole; broken lines are garbage, unknown types
// are skipped by the line parser and counted by read_run_log; where JSON
// readers differ (repeated keys, numbers, UTF-8), the reader follows
// docs/run-log.md and the JSON standard. Its speed is measured in bench/
// (gradscope-bench-runlog), not here.
#include <gtest/gtest.h>

#include <unistd.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <string>

#include <nlohmann/json.hpp>

#include "gradscope/run_log.h"
#include "gradscope/run_log_reader.h"
#include "gradscope/spec.h"

namespace gs {
namespace {

namespace fs = std::filesystem;

fs::path fresh_dir(const std::string& name) {
    fs::path d = fs::temp_directory_path() / ("gs_run_log_reader_" + std::to_string(::getpid()) + "_" + name);
    fs::remove_all(d);
    return d;
}

std::vector<std::string> lines_of(const fs::path& p) {
    std::ifstream f(p);
    std::vector<std::string> out;
    for (std::string l; std::getline(f, l);) out.push_back(l);
    return out;
}

// A small spec for the "run" record (the presets are the engine's).
ModelSpec small_spec() {
    SpecResult r = read_spec_json(R"({"name": "spiral-tanh", "input": [2],
        "layers": [{"type": "Dense", "units": 8}, {"type": "Tanh"}, {"type": "Dense", "units": 3}],
        "data": {"name": "spiral"}})");
    EXPECT_TRUE(r.ok()) << r.message();
    return r.spec;
}

// Same float, NaN equal to NaN.
void expect_same(float a, float b, const char* what) {
    if (std::isnan(a)) {
        EXPECT_TRUE(std::isnan(b)) << what;
    } else {
        EXPECT_EQ(a, b) << what;
    }
}

TEST(RunLogReader, EveryWrittenRecordReadsBackLineByLineAsReadRunLogReadsIt) {
    const fs::path dir = fresh_dir("roundtrip");
    {
        RunLog log(dir.string(), small_spec(), "cpu");
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
    RunLogLine p;
    for (const std::string& line : lines_of(path)) {
        switch (parse_run_log_line(line, p)) {
            case RunLogLineKind::Run:
                ++runs;
                EXPECT_EQ(p.backend, "cpu");
                EXPECT_EQ(nlohmann::json::parse(p.spec_json), nlohmann::json::parse(ref.spec_json));
                break;
            case RunLogLineKind::Step: {
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
            case RunLogLineKind::Layers:
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
            case RunLogLineKind::Event:
                ASSERT_LT(ei, ref.events.size());
                EXPECT_EQ(p.event.step, ref.events[ei].step);
                EXPECT_EQ(p.event.kind, ref.events[ei].kind);
                EXPECT_EQ(p.event.name, ref.events[ei].name);
                EXPECT_EQ(p.event.value, ref.events[ei].value);
                EXPECT_EQ(p.event.text, ref.events[ei].text);
                ++ei;
                break;
            case RunLogLineKind::Epoch: {
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
    // The values themselves, not only agreement with read_run_log.
    EXPECT_TRUE(std::isnan(ref.steps[2].loss));
    EXPECT_EQ(ref.steps[3].loss, -std::numeric_limits<float>::infinity());
    EXPECT_EQ(ref.layers[0].grad_max_abs, std::numeric_limits<float>::infinity());
    EXPECT_EQ(ref.layers[0].update_ratio, 1.7e-4f);
    EXPECT_EQ(ref.layers[2].dead_fraction, 0.5f);
    fs::remove_all(dir);
}

TEST(RunLogReader, FieldOrderWhitespaceAndUnknownFieldsAreAccepted) {
    RunLogLine p;
    ASSERT_EQ(parse_run_log_line(R"( { "merged" : 3, "extra": {"a":[1,2,{"b":null}]}, "loss": 0.5,
                           "step":12,"type" :"step", "lr":1e-3 } )", p),
              RunLogLineKind::Step);
    EXPECT_EQ(p.step.step, 12);
    EXPECT_EQ(p.step.loss, 0.5f);
    EXPECT_EQ(p.step.lr, 1e-3f);
    EXPECT_EQ(p.step.accuracy, -1.0f);
    EXPECT_EQ(p.merged, 3);
    ASSERT_EQ(parse_run_log_line(R"({"type":"event","kind":"state","text":"\u00e9\ud83d\ude00 \"x\""})", p),
              RunLogLineKind::Event);
    EXPECT_EQ(p.event.text, "\xc3\xa9\xf0\x9f\x98\x80 \"x\"");
    EXPECT_EQ(p.event.step, 0);
}

TEST(RunLogReader, BrokenLinesAreGarbageAndUnknownTypesAreNot) {
    RunLogLine p;
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
    for (const char* g : garbage) EXPECT_EQ(parse_run_log_line(g, p), RunLogLineKind::Garbage) << g;
    EXPECT_EQ(parse_run_log_line(R"({"type":"histogram","step":1,"bins":[1,2]})", p), RunLogLineKind::Unknown);
}

TEST(RunLogReader, RepeatedKeysCountTheLastOne) {
    RunLogLine p;
    ASSERT_EQ(parse_run_log_line(R"({"type":"step","step":1,"loss":0.5,"step":7,"loss":0.25})", p),
              RunLogLineKind::Step);
    EXPECT_EQ(p.step.step, 7);
    EXPECT_EQ(p.step.loss, 0.25f);
    EXPECT_EQ(parse_run_log_line(R"({"type":"step","step":1,"loss":0.5,"type":"mystery"})", p),
              RunLogLineKind::Unknown);
}

TEST(RunLogReader, NumbersAreJsonNumbers) {
    RunLogLine p;
    const char* bad[] = {"01", "1.", ".5", "+1", "1e", "1e+", "-", "--1", "1.2.3", "0x10", "NaN",
                         "Infinity", "1_000"};
    for (const char* n : bad) {
        const std::string line = std::string(R"({"type":"step","step":1,"loss":)") + n + "}";
        EXPECT_EQ(parse_run_log_line(line, p), RunLogLineKind::Garbage) << line;
    }
    ASSERT_EQ(parse_run_log_line(R"({"type":"step","step":-0,"loss":-0.0e+0,"lr":1E2})", p),
              RunLogLineKind::Step);
    EXPECT_EQ(p.step.lr, 100.0f);
    // Out of a double's range: too large is infinity, too small is zero.
    ASSERT_EQ(parse_run_log_line(R"({"type":"step","step":2,"loss":1e400,"lr":1e-400})", p),
              RunLogLineKind::Step);
    EXPECT_EQ(p.step.loss, std::numeric_limits<float>::infinity());
    EXPECT_EQ(p.step.lr, 0.0f);
    // An integer too large for a step is not an integer step.
    EXPECT_EQ(parse_run_log_line(R"({"type":"step","step":99999999999999999999,"loss":1})", p),
              RunLogLineKind::Garbage);
}

TEST(RunLogReader, StringsAreValidUtf8) {
    RunLogLine p;
    ASSERT_EQ(parse_run_log_line("{\"type\":\"event\",\"kind\":\"caf\xc3\xa9 \xf0\x9f\x98\x80\"}", p),
              RunLogLineKind::Event);
    EXPECT_EQ(p.event.kind, "caf\xc3\xa9 \xf0\x9f\x98\x80");
    const char* bad[] = {
        "{\"type\":\"event\",\"kind\":\"bad\xff\"}",          // not UTF-8 at all
        "{\"type\":\"event\",\"kind\":\"cut \xc3\"}",         // a sequence cut short
        "{\"type\":\"event\",\"kind\":\"long \xc0\xaf\"}",   // an overlong '/'
        "{\"type\":\"event\",\"kind\":\"sur \xed\xa0\x80\"}",  // a surrogate, encoded
        "{\"type\":\"step\",\"step\":1,\"loss\":1,\"x\":[\"\xfe\"]}",  // in an unknown field
    };
    for (const char* b : bad) EXPECT_EQ(parse_run_log_line(b, p), RunLogLineKind::Garbage) << b;
}

TEST(RunLogReader, TheRunRecordsSpecIsAnObject) {
    RunLogLine p;
    ASSERT_EQ(parse_run_log_line(R"({"type":"run","backend":"cpu","spec":{"name":"x"}})", p),
              RunLogLineKind::Run);
    EXPECT_EQ(p.spec_json, R"({"name":"x"})");
    EXPECT_EQ(p.backend, "cpu");
    ASSERT_EQ(parse_run_log_line(R"({"type":"run","format":"gradscope-run-1"})", p),
              RunLogLineKind::Run);
    EXPECT_EQ(p.spec_json, "");
    EXPECT_EQ(parse_run_log_line(R"({"type":"run","spec":"x"})", p), RunLogLineKind::Garbage);
    EXPECT_EQ(parse_run_log_line(R"({"type":"run","spec":[1]})", p), RunLogLineKind::Garbage);
    EXPECT_EQ(parse_run_log_line(R"({"type":"run","backend":1})", p), RunLogLineKind::Garbage);
}

TEST(RunLogReader, ReadRunLogTakesTheFirstRunAndCountsUnknownTypes) {
    const fs::path dir = fresh_dir("whole");
    fs::create_directories(dir);
    {
        std::ofstream f(dir / "run.jsonl", std::ios::binary);
        f << R"({"type":"run","backend":"cpu","spec":{"name":"first"}})" "\n"
          << R"({"type":"step","step":1,"loss":0.5})" "\n"
          << R"({"type":"run","backend":"cuda","spec":{"name":"second"}})" "\n"
          << R"({"type":"histogram","step":1})" "\n"
          << "\n"
          << R"({"type":"step","step":2,"loss":0.25,"merged":2})" "\n"
          << R"({"type":"epoch","epoch":1,"step":2})";  // no newline yet
    }
    const RunLogContents c = read_run_log((dir / "run.jsonl").string());
    EXPECT_EQ(c.backend, "cpu");
    EXPECT_EQ(c.spec_json, R"({"name":"first"})");
    EXPECT_EQ(c.garbage_lines, 1u) << "the unknown type, as docs/run-log.md says";
    ASSERT_EQ(c.steps.size(), 2u);
    EXPECT_EQ(c.merged, (std::vector<long>{1, 2}));
    EXPECT_TRUE(c.partial_last_line);
    EXPECT_TRUE(c.epochs.empty());
    fs::remove_all(dir);
}

}  // namespace
}  // namespace gs
