// Run logs: what RunLog writes reads back field by field; fast steps merge
// with the right counts and means (on a clock the test moves, so a loaded
// machine cannot change the outcome); non-finite values stay valid JSON; the CSV
// is exact; a partial last line and garbage lines are handled; flush() puts
// everything on disk while the log is open; bad directories name the path.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <limits>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "gradscope/error.h"
#include "gradscope/run_log.h"
#include "gradscope/spec.h"

namespace gs {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;

constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();
constexpr float kInf = std::numeric_limits<float>::infinity();

// The spec a run log starts with; read_spec_json reads its form (the engine's
// validation of the same spec is tests/engine/spec/test_spec's business).
ModelSpec test_spec() {
    SpecResult r = read_spec_json(R"({
      "name": "xor-sigmoid",
      "description": "A \"quoted\" description, caf\u00e9.",
      "input": [2],
      "layers": [
        {"type": "Dense", "units": 3, "init": "xavier_uniform"},
        {"type": "Sigmoid"},
        {"type": "Dense", "units": 1, "init": "xavier_uniform"},
        {"type": "Sigmoid"}
      ],
      "loss": "mse",
      "optimizer": {"type": "sgd", "lr": 0.1},
      "schedule": {"type": "constant"},
      "batch_size": 4,
      "epochs": 5000,
      "seed": 42,
      "data": {"name": "xor", "samples": 4, "noise": 0.0, "test_fraction": 0.0, "seed": 1}})");
    EXPECT_TRUE(r.ok()) << r.message();
    return r.spec;
}

// A fresh, empty directory for one test.
std::string fresh_dir(const std::string& name) {
    const std::string dir = testing::TempDir() + "gs_run_log_" + name;
    fs::remove_all(dir);
    return dir;
}

std::string slurp(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

std::vector<std::string> lines_of(const std::string& path) {
    std::vector<std::string> out;
    std::istringstream in(slurp(path));
    for (std::string l; std::getline(in, l);) out.push_back(l);
    return out;
}

void append(const std::string& path, const std::string& text) {
    std::ofstream out(path, std::ios::binary | std::ios::app);
    out << text;
}

StepRecord step(long i, float loss, float acc) {
    StepRecord r;
    r.step = i;
    r.epoch = static_cast<int>(i / 300);
    r.loss = loss;
    r.accuracy = acc;
    r.lr = 0.001f * static_cast<float>(i);
    r.step_ms = 0.25f + 0.001f * static_cast<float>(i);
    r.samples_per_s = 1000.0f * static_cast<float>(i);
    return r;
}

void expect_same_float(float want, float got, const std::string& what) {
    if (std::isnan(want)) {
        EXPECT_TRUE(std::isnan(got)) << what << ": " << got;
    } else {
        EXPECT_EQ(want, got) << what;
    }
}

void expect_same(const EpochRecord& want, const EpochRecord& got) {
    const std::string at = "epoch " + std::to_string(want.epoch);
    EXPECT_EQ(want.epoch, got.epoch) << at;
    EXPECT_EQ(want.step, got.step) << at;
    EXPECT_EQ(want.seconds, got.seconds) << at;
    expect_same_float(want.train_loss, got.train_loss, at + " train_loss");
    expect_same_float(want.train_accuracy < 0 ? -1 : want.train_accuracy, got.train_accuracy,
                      at + " train_accuracy");
    EXPECT_EQ(want.has_validation, got.has_validation) << at;
    if (want.has_validation) {
        expect_same_float(want.val_loss, got.val_loss, at + " val_loss");
        expect_same_float(want.val_accuracy < 0 ? -1 : want.val_accuracy, got.val_accuracy,
                          at + " val_accuracy");
    }
}

// A clock the test moves by hand, so that what the log does with time does not
// depend on how loaded the machine is.
struct ManualClock {
    std::chrono::steady_clock::time_point now = std::chrono::steady_clock::now();
    void advance(std::chrono::milliseconds d) { now += d; }
    void drive(RunLog& log) {
        log.clock = [this] { return now; };
    }
};

TEST(RunLog, FastStepsMergeWithRightCountsAndMeans) {
    const std::string dir = fresh_dir("merge");
    std::vector<StepRecord> written;
    ManualClock clock;
    const auto start = clock.now;
    {
        RunLog log(dir, test_spec(), "cpu");
        clock.drive(log);
        log.min_step_interval = std::chrono::milliseconds(50);
        auto put = [&](long i) {
            StepRecord r = step(i, 1.0f / static_cast<float>(i), static_cast<float>(i % 7) / 7);
            written.push_back(r);
            log.write(r);
        };
        long i = 1;
        for (; i <= 1000; ++i) put(i);  // no time passes: all but the first merge
        clock.advance(std::chrono::milliseconds(70));
        for (int k = 0; k < 5; ++k, ++i) put(i);  // the first ends the merged line
        clock.advance(std::chrono::milliseconds(70));
        put(i++);
        log.flush();
    }
    const double elapsed_ms =
        std::chrono::duration<double, std::milli>(clock.now - start).count();

    RunLogContents c = read_run_log(dir + "/run.jsonl");
    EXPECT_EQ(c.garbage_lines, 0u);
    EXPECT_FALSE(c.partial_last_line);
    ASSERT_EQ(c.steps.size(), c.merged.size());
    ASSERT_FALSE(c.steps.empty());
    EXPECT_EQ(c.merged[0], 1) << "the first step is written at once";

    long total = 0;
    for (long m : c.merged) total += m;
    EXPECT_EQ(total, static_cast<long>(written.size()));
    // One line per 50 ms at most, besides the first and the ones the pauses end.
    EXPECT_LE(c.steps.size(), 3 + static_cast<size_t>(elapsed_ms / 50));
    EXPECT_LT(c.steps.size(), 50u);

    size_t next = 0;
    for (size_t li = 0; li < c.steps.size(); ++li) {
        ASSERT_GE(c.merged[li], 1);
        ASSERT_LE(next + static_cast<size_t>(c.merged[li]), written.size());
        double loss_sum = 0, acc_sum = 0;
        for (long k = 0; k < c.merged[li]; ++k) {
            loss_sum += written[next + k].loss;
            acc_sum += written[next + k].accuracy;
        }
        next += static_cast<size_t>(c.merged[li]);
        const StepRecord& last = written[next - 1];
        const StepRecord& got = c.steps[li];
        const std::string at = "line " + std::to_string(li);
        EXPECT_EQ(got.step, last.step) << at;
        EXPECT_EQ(got.epoch, last.epoch) << at;
        EXPECT_FLOAT_EQ(got.loss, static_cast<float>(loss_sum / c.merged[li])) << at;
        EXPECT_FLOAT_EQ(got.accuracy, static_cast<float>(acc_sum / c.merged[li])) << at;
        EXPECT_EQ(got.lr, last.lr) << at;
        EXPECT_EQ(got.step_ms, last.step_ms) << at;
        EXPECT_EQ(got.samples_per_s, last.samples_per_s) << at;
    }
    EXPECT_EQ(next, written.size());
    // The first step alone; the other 999 of the loop with the first step
    // after the pause; the 4 after it with the last one.
    EXPECT_EQ(c.merged, (std::vector<long>{1, 1000, 5}));
}

TEST(RunLog, EverythingReadsBackFieldByField) {
    const std::string dir = fresh_dir("roundtrip");
    const ModelSpec spec = test_spec();
    std::vector<StepRecord> steps = {step(1, 0.693f, 0.5f), step(2, kNaN, 0.625f),
                                     step(3, kInf, 0.75f), step(4, -kInf, 0.875f),
                                     step(5, 1e-7f, 1.0f)};
    std::vector<EpochRecord> epochs(3);
    epochs[0] = {1, 2, 0.1f, -1, false, 0, -1, 0.123456789};
    epochs[1] = {2, 4, 0.3f, 0.8f, true, 0.35f, 0.75f, 1.5};
    epochs[2] = {3, 5, kNaN, 0.5f, true, kInf, -1, 2.0};
    std::vector<EventRecord> events = {
        {3, "hyperparameter", "lr", 0.05, "learning rate 0.1 -> 0.05"},
        {4, "breakpoint", "nonfinite", std::nan(""),
         "loss is \"NaN\"\nat layer 2\t(Dense) \\ caf\xc3\xa9"},
        {5, "state", "paused", 0, ""}};
    {
        RunLog log(dir, spec, "cpu");
        EXPECT_EQ(log.dir(), dir);
        log.min_step_interval = std::chrono::milliseconds(0);  // a line per step
        log.write(steps[0]);
        log.write(steps[1]);
        log.write(epochs[0]);
        log.write(steps[2]);
        log.write(events[0]);
        log.write(steps[3]);
        log.write(epochs[1]);
        log.write(events[1]);
        log.write(steps[4]);
        log.write(epochs[2]);
        log.write(events[2]);
    }

    // Every line is a JSON object, in the order written, the run first.
    const std::vector<std::string> lines = lines_of(dir + "/run.jsonl");
    std::vector<std::string> types;
    for (const std::string& l : lines) {
        Json j = Json::parse(l, nullptr, false);
        ASSERT_TRUE(j.is_object()) << l;
        types.push_back(j.at("type").get<std::string>());
    }
    EXPECT_EQ(types, (std::vector<std::string>{"run", "step", "step", "epoch", "step", "event",
                                               "step", "epoch", "event", "step", "epoch",
                                               "event"}));
    Json run = Json::parse(lines[0]);
    EXPECT_EQ(run["format"], "gradscope-run-1");
    EXPECT_EQ(run["backend"], "cpu");
    EXPECT_EQ(run["spec"], Json::parse(spec_to_json(spec, -1)));
    EXPECT_TRUE(std::regex_match(run["time"].get<std::string>(),
                                 std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)")))
        << run["time"];
    // Non-finite losses: null plus what they were.
    EXPECT_NE(lines[2].find(R"("loss":null,"nonfinite":"nan")"), std::string::npos) << lines[2];
    EXPECT_NE(lines[4].find(R"("loss":null,"nonfinite":"inf")"), std::string::npos) << lines[4];
    EXPECT_NE(lines[6].find(R"("loss":null,"nonfinite":"-inf")"), std::string::npos) << lines[6];
    EXPECT_EQ(Json::parse(lines[1])["merged"], 1);
    EXPECT_EQ(Json::parse(lines[3]).count("val_loss"), 0u);
    EXPECT_EQ(Json::parse(lines[3]).count("train_accuracy"), 0u);
    EXPECT_EQ(Json::parse(lines[10])["val_loss_nonfinite"], "inf");
    EXPECT_EQ(Json::parse(lines[10])["train_loss_nonfinite"], "nan");
    EXPECT_EQ(Json::parse(lines[10]).count("val_accuracy"), 0u);
    EXPECT_EQ(Json::parse(lines[8])["value_nonfinite"], "nan");

    RunLogContents c = read_run_log(dir + "/run.jsonl");
    EXPECT_EQ(c.garbage_lines, 0u);
    EXPECT_FALSE(c.partial_last_line);
    EXPECT_EQ(c.backend, "cpu");
    EXPECT_EQ(Json::parse(c.spec_json), Json::parse(spec_to_json(spec, -1)));
    EXPECT_EQ(c.spec_json.find('\n'), std::string::npos) << "compact";
    SpecResult back = read_spec_json(c.spec_json);
    EXPECT_TRUE(back.ok()) << back.message();
    EXPECT_EQ(spec_to_json(back.spec), spec_to_json(spec));

    ASSERT_EQ(c.steps.size(), steps.size());
    for (size_t i = 0; i < steps.size(); ++i) {
        const std::string at = "step " + std::to_string(i + 1);
        EXPECT_EQ(c.merged[i], 1) << at;
        EXPECT_EQ(c.steps[i].step, steps[i].step) << at;
        EXPECT_EQ(c.steps[i].epoch, steps[i].epoch) << at;
        expect_same_float(steps[i].loss, c.steps[i].loss, at + " loss");
        EXPECT_EQ(c.steps[i].accuracy, steps[i].accuracy) << at;
        EXPECT_EQ(c.steps[i].lr, steps[i].lr) << at;
        EXPECT_EQ(c.steps[i].step_ms, steps[i].step_ms) << at;
        EXPECT_EQ(c.steps[i].samples_per_s, steps[i].samples_per_s) << at;
    }
    EXPECT_TRUE(std::isinf(c.steps[2].loss) && c.steps[2].loss > 0);
    EXPECT_TRUE(std::isinf(c.steps[3].loss) && c.steps[3].loss < 0);

    ASSERT_EQ(c.epochs.size(), epochs.size());
    for (size_t i = 0; i < epochs.size(); ++i) expect_same(epochs[i], c.epochs[i]);

    ASSERT_EQ(c.events.size(), events.size());
    for (size_t i = 0; i < events.size(); ++i) {
        EXPECT_EQ(c.events[i].step, events[i].step);
        EXPECT_EQ(c.events[i].kind, events[i].kind);
        EXPECT_EQ(c.events[i].name, events[i].name);
        EXPECT_EQ(c.events[i].text, events[i].text);
        if (std::isnan(events[i].value))
            EXPECT_TRUE(std::isnan(c.events[i].value));
        else
            EXPECT_EQ(c.events[i].value, events[i].value);
    }
}

TEST(RunLog, LayerStatisticsAreOneLinePerSampleRateLimitedAndReadBack) {
    const std::string dir = fresh_dir("layers");
    ManualClock clock;
    {
        RunLog log(dir, test_spec(), "cpu");
        clock.drive(log);
        log.min_step_interval = std::chrono::milliseconds(0);
        log.min_layers_interval = std::chrono::milliseconds(50);
        auto sample = [&](long step) {
            LayerStats w;
            w.step = step;
            w.layer = 0;
            w.has_weights = true;
            w.weight_norm = 2.5f;
            w.grad_norm = 0.125f * static_cast<float>(step);
            w.grad_mean_abs = 0.01f;
            w.grad_max_abs = kInf;
            w.update_ratio = 1e-3f;
            w.act_mean = 0.5f;
            w.act_std = 0.25f;
            LayerStats a;
            a.step = step;
            a.layer = 1;
            a.act_mean = kNaN;
            a.act_std = 0.1f;
            a.saturated_fraction = 0.75f;
            log.write(w);
            log.write(a);
        };
        log.write(StepRecord{1, 0, 0.5f, -1, 0.1f, 1, 4});
        sample(1);
        log.write(StepRecord{2, 0, 0.5f, -1, 0.1f, 1, 4});
        clock.advance(std::chrono::milliseconds(10));
        sample(2);  // within 50 ms of the first: left out
        clock.advance(std::chrono::milliseconds(50));
        log.write(StepRecord{3, 0, 0.5f, -1, 0.1f, 1, 4});
        sample(3);
    }  // the last sample is written on close
    const std::vector<std::string> lines = lines_of(dir + "/run.jsonl");
    std::vector<Json> layer_lines;
    for (const std::string& l : lines) {
        Json j = Json::parse(l);
        if (j["type"] == "layers") layer_lines.push_back(j);
    }
    ASSERT_EQ(layer_lines.size(), 2u);
    EXPECT_EQ(layer_lines[0]["step"], 1);
    EXPECT_EQ(layer_lines[1]["step"], 3);
    const Json& l0 = layer_lines[1]["layers"][0];
    EXPECT_EQ(l0["layer"], 0);
    EXPECT_EQ(l0["grad_norm"].get<double>(), 0.375);
    EXPECT_TRUE(l0["grad_max_abs"].is_null());
    EXPECT_EQ(l0["grad_max_abs_nonfinite"], "inf");
    const Json& l1 = layer_lines[1]["layers"][1];
    EXPECT_FALSE(l1.contains("grad_norm"));  // no weights, no gradient fields
    EXPECT_FALSE(l1.contains("dead_fraction"));
    EXPECT_EQ(l1["saturated_fraction"].get<double>(), 0.75);
    EXPECT_EQ(l1["act_mean_nonfinite"], "nan");

    const RunLogContents c = read_run_log(dir + "/run.jsonl");
    EXPECT_EQ(c.garbage_lines, 0u);
    ASSERT_EQ(c.layers.size(), 4u);
    EXPECT_EQ(c.layers[2].step, 3);
    EXPECT_TRUE(c.layers[2].has_weights);
    EXPECT_EQ(c.layers[2].grad_norm, 0.375f);
    EXPECT_EQ(c.layers[2].grad_max_abs, kInf);
    EXPECT_FALSE(c.layers[3].has_weights);
    EXPECT_TRUE(std::isnan(c.layers[3].act_mean));
    EXPECT_EQ(c.layers[3].saturated_fraction, 0.75f);
    EXPECT_EQ(c.layers[3].dead_fraction, -1.0f);
    // A broken layers line is garbage, not a crash.
    append(dir + "/run.jsonl", R"({"type":"layers","step":4,"layers":[{"grad_norm":1}]})" "\n");
    EXPECT_EQ(read_run_log(dir + "/run.jsonl").garbage_lines, 1u);
}

TEST(RunLog, RegressionStepsHaveNoAccuracy) {
    const std::string dir = fresh_dir("regression");
    {
        RunLog log(dir, test_spec(), "cpu");
        log.min_step_interval = std::chrono::milliseconds(0);
        log.write(step(1, 0.5f, -1));
        log.write(step(2, 0.25f, -1));
    }
    for (const std::string& l : lines_of(dir + "/run.jsonl")) {
        if (l.find("\"step\",") != std::string::npos) {
            EXPECT_EQ(l.find("accuracy"), std::string::npos) << l;
        }
    }
    RunLogContents c = read_run_log(dir + "/run.jsonl");
    ASSERT_EQ(c.steps.size(), 2u);
    EXPECT_EQ(c.steps[0].accuracy, -1);
    EXPECT_EQ(c.steps[1].accuracy, -1);
    EXPECT_EQ(c.steps[1].loss, 0.25f);
}

TEST(RunLog, CsvHasOneExactRowPerEpoch) {
    const std::string dir = fresh_dir("csv");
    {
        RunLog log(dir, test_spec(), "cpu");
        log.write(EpochRecord{1, 100, 0.5f, -1, false, 0, -1, 1.5});
        log.write(EpochRecord{2, 200, 0.25f, 0.75f, true, 0.375f, 0.625f, 3.25});
        log.write(EpochRecord{3, 300, kNaN, 0.1f, true, kInf, -1, 4.0});
        log.write(EpochRecord{4, 400, 1e-6f, 1.0f, false, 9, 9, 1e-3});
    }
    EXPECT_EQ(slurp(dir + "/epochs.csv"),
              "epoch,step,seconds,train_loss,train_accuracy,val_loss,val_accuracy\n"
              "1,100,1.5,0.5,,,\n"
              "2,200,3.25,0.25,0.75,0.375,0.625\n"
              "3,300,4,nan,0.1,inf,\n"
              "4,400,0.001,1e-06,1,,\n");
}

TEST(RunLog, PartialLastLineIsLeftOutAndGarbageCounted) {
    const std::string dir = fresh_dir("partial");
    {
        RunLog log(dir, test_spec(), "cuda");
        log.min_step_interval = std::chrono::milliseconds(0);
        log.write(step(1, 0.5f, 0.5f));
        log.write(step(2, 0.4f, 0.5f));
    }
    const std::string path = dir + "/run.jsonl";
    RunLogContents whole = read_run_log(path);
    EXPECT_FALSE(whole.partial_last_line);
    EXPECT_EQ(whole.garbage_lines, 0u);
    EXPECT_EQ(whole.backend, "cuda");

    append(path,
           "not json at all\n"
           "[1, 2, 3]\n"
           "{\"type\": \"mystery\", \"step\": 3}\n"
           "{\"step\": 3, \"loss\": 1}\n"
           "{\"type\": \"step\", \"step\": \"three\", \"loss\": 1}\n"
           "{\"type\": \"epoch\", \"epoch\": 1.5}\n"
           "\n"
           "{\"type\":\"step\",\"step\":3,\"epoch\":0,\"loss\":0.3,\"merged\":1}\n");
    // Half of a step line, as a reader sees it while the writer is mid-line.
    const std::string full = lines_of(path)[1];
    append(path, full.substr(0, full.size() / 2));

    RunLogContents c = read_run_log(path);
    EXPECT_TRUE(c.partial_last_line);
    EXPECT_EQ(c.garbage_lines, 6u);
    ASSERT_EQ(c.steps.size(), 3u) << "the partial line is left out";
    EXPECT_EQ(c.steps[2].step, 3);
    EXPECT_EQ(c.steps[2].loss, 0.3f);
    EXPECT_EQ(c.steps[2].accuracy, -1);

    // Once the line is complete, it counts.
    append(path, full.substr(full.size() / 2) + "\n");
    RunLogContents done = read_run_log(path);
    EXPECT_FALSE(done.partial_last_line);
    EXPECT_EQ(done.steps.size(), 4u);
    EXPECT_EQ(done.garbage_lines, 6u);
}

TEST(RunLog, FlushPutsEveryRecordOnDiskWhileOpen) {
    const std::string dir = fresh_dir("flush");
    RunLog log(dir, test_spec(), "cpu");
    log.min_step_interval = std::chrono::hours(1);  // everything after step 1 merges
    for (long i = 1; i <= 10; ++i) log.write(step(i, static_cast<float>(i), 0.5f));
    log.write(EventRecord{10, "state", "paused", 0, "paused by the user"});
    for (long i = 11; i <= 15; ++i) log.write(step(i, static_cast<float>(i), 0.5f));
    log.write(EpochRecord{1, 15, 1.0f, 0.5f, true, 2.0f, 0.25f, 0.5});
    for (long i = 16; i <= 20; ++i) log.write(step(i, static_cast<float>(i), 0.5f));
    log.flush();

    RunLogContents c = read_run_log(dir + "/run.jsonl");  // a separate reader
    EXPECT_FALSE(c.partial_last_line);
    EXPECT_EQ(c.garbage_lines, 0u);
    EXPECT_EQ(c.merged, (std::vector<long>{1, 9, 5, 5}));
    ASSERT_EQ(c.steps.size(), 4u);
    EXPECT_EQ(c.steps[1].step, 10);
    EXPECT_FLOAT_EQ(c.steps[1].loss, 6.0f);  // mean of 2..10
    EXPECT_FLOAT_EQ(c.steps[3].loss, 18.0f);  // mean of 16..20
    EXPECT_EQ(c.steps[3].step, 20);
    ASSERT_EQ(c.events.size(), 1u);
    EXPECT_EQ(c.events[0].text, "paused by the user");
    ASSERT_EQ(c.epochs.size(), 1u);
    EXPECT_EQ(slurp(dir + "/epochs.csv"),
              "epoch,step,seconds,train_loss,train_accuracy,val_loss,val_accuracy\n"
              "1,15,0.5,1,0.5,2,0.25\n");
}

TEST(RunLog, DestructorWritesPendingSteps) {
    const std::string dir = fresh_dir("dtor");
    {
        RunLog log(dir, test_spec(), "cpu");
        log.min_step_interval = std::chrono::hours(1);
        for (long i = 1; i <= 5; ++i) log.write(step(i, 1.0f, 0.5f));
    }
    RunLogContents c = read_run_log(dir + "/run.jsonl");
    EXPECT_EQ(c.merged, (std::vector<long>{1, 4}));
    ASSERT_EQ(c.steps.size(), 2u);
    EXPECT_EQ(c.steps[1].step, 5);
}

TEST(RunLog, NewRunReplacesTheOldLogWithANewFile) {
    const std::string dir = fresh_dir("replace");
    struct stat first{}, second{};
    {
        RunLog log(dir, test_spec(), "cpu");
        log.write(step(1, 1.0f, 0.5f));
        log.write(EpochRecord{1, 1, 1.0f, 0.5f, false, 0, -1, 0.1});
        ASSERT_EQ(::stat((dir + "/run.jsonl").c_str(), &first), 0);
    }
    // A follower still has the old file open, which keeps its inode taken.
    std::ifstream follower(dir + "/run.jsonl");
    {
        RunLog log(dir, test_spec(), "cuda");
        ASSERT_EQ(::stat((dir + "/run.jsonl").c_str(), &second), 0);
    }
    EXPECT_NE(first.st_ino, second.st_ino) << "a follower must be able to see the replacement";
    std::string old_first_line;
    std::getline(follower, old_first_line);
    EXPECT_NE(old_first_line.find("\"backend\":\"cpu\""), std::string::npos) << old_first_line;
    RunLogContents c = read_run_log(dir + "/run.jsonl");
    EXPECT_EQ(c.backend, "cuda");
    EXPECT_TRUE(c.steps.empty());
    EXPECT_TRUE(c.epochs.empty());
    EXPECT_EQ(slurp(dir + "/epochs.csv"),
              "epoch,step,seconds,train_loss,train_accuracy,val_loss,val_accuracy\n");
}

TEST(RunLog, UncreatableDirectoryNamesThePath) {
    const std::string base = fresh_dir("bad");
    fs::create_directories(base);
    const std::string file = base + "/a_file";
    append(file, "I am a regular file\n");

    const std::string under_file = file + "/run1";
    try {
        RunLog log(under_file, test_spec(), "cpu");
        FAIL() << "no error for a directory under a regular file";
    } catch (const Error& e) {
        const std::string what = e.what();
        EXPECT_NE(what.find(under_file), std::string::npos) << what;
        EXPECT_NE(what.find("Not a directory"), std::string::npos) << what;
    }
    try {
        RunLog log(file, test_spec(), "cpu");
        FAIL() << "no error for a directory that is a regular file";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find(file), std::string::npos) << e.what();
    }
    EXPECT_THROW(RunLog("/proc/version/x", test_spec(), "cpu"), Error);
    EXPECT_EQ(slurp(file), "I am a regular file\n") << "the file is left alone";
}

TEST(RunLog, UnreadableFileThrowsNamingIt) {
    const std::string path = fresh_dir("missing") + "/run.jsonl";
    try {
        read_run_log(path);
        FAIL() << "no error for a missing file";
    } catch (const Error& e) {
        const std::string what = e.what();
        EXPECT_NE(what.find(path), std::string::npos) << what;
        EXPECT_NE(what.find("No such file"), std::string::npos) << what;
    }
}

TEST(RunLog, InvalidUtf8InTextStaysValidJson) {
    const std::string dir = fresh_dir("utf8");
    {
        RunLog log(dir, test_spec(), "cpu");
        log.write(EventRecord{1, "error", "bad\xff", 1, "text \xfe\xff end"});
    }
    for (const std::string& l : lines_of(dir + "/run.jsonl"))
        EXPECT_FALSE(Json::parse(l, nullptr, false).is_discarded()) << l;
    RunLogContents c = read_run_log(dir + "/run.jsonl");
    ASSERT_EQ(c.events.size(), 1u);
    EXPECT_EQ(c.events[0].name, "bad\xef\xbf\xbd");
    EXPECT_EQ(c.events[0].kind, "error");
}

}  // namespace
}  // namespace gs
