// RunSource and RunData on logs written by the real engine: a Session
// training a preset with a run log, followed while it trains; the records of
// the views (confusion, data map and its table, histograms) of a real run;
// a log with garbage and a partial line, then replaced by a new run; a run
// that rewinds; and a log of a million step lines read whole (its speed is
// gradscope-bench-runlog's).
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "gradscope/backend.h"
#include "gradscope/data_pipeline.h"
#include "gradscope/presets.h"
#include "gradscope/run_log.h"
#include "gradscope/session.h"
#include "run_source.h"

namespace gs::monitor {
namespace {

namespace fs = std::filesystem;

fs::path fresh_dir(const std::string& name) {
    fs::path d = fs::temp_directory_path() / ("gs_rundata_" + std::to_string(::getpid()) + "_" + name);
    fs::remove_all(d);
    return d;
}

TEST(RunData, FollowsARealSessionWhileItTrainsAndMatchesTheEngineReader) {
    const fs::path dir = fresh_dir("session");
    ModelSpec spec = load_preset("spiral-tanh");
    spec.epochs = 100;
    SessionOptions o;
    o.log_dir = dir.string();
    RunSource src(dir.string());
    {
        Session s(spec, prepare_data(spec), cpu_backend(), o);
        // 250 training items in batches of 10: 100 steps are 4 epochs.
        ASSERT_TRUE(s.step(100));
        // Follow while it runs (polls see partial lines and growth).
        while (s.steps_done() < 100) {
            src.poll();
            std::this_thread::sleep_for(std::chrono::milliseconds(2));
        }
        ASSERT_TRUE(s.wait_until_settled(60));
        ASSERT_TRUE(s.set_hyperparameter("lr", 0.1));
        ASSERT_TRUE(s.step(5));
        ASSERT_TRUE(s.wait_until_settled(60));
    }  // the session flushes its log on destruction
    src.poll();
    const RunLogContents ref = read_run_log((dir / "run.jsonl").string());
    const RunData& d = src.data();
    EXPECT_EQ(src.garbage_lines(), 0u);
    EXPECT_EQ(src.unknown_lines(), 0u);
    ASSERT_EQ(d.loss().size(), ref.steps.size());
    for (size_t i = 0; i < ref.steps.size(); ++i) {
        EXPECT_EQ(d.loss().x()[i], static_cast<double>(ref.steps[i].step));
        EXPECT_EQ(d.loss().y()[i], ref.steps[i].loss);
    }
    EXPECT_EQ(d.epoch_train_loss().size(), 4u);
    EXPECT_EQ(d.last_step(), 105);
    EXPECT_EQ(d.last_step(), ref.steps.back().step);
    EXPECT_EQ(d.spec_name(), "spiral-tanh");
    EXPECT_EQ(d.layer_name(1), "2 Tanh");
    // Layer statistics were logged and read: 5 layers (the final Sigmoid is
    // fused into the loss in training), the Dense ones with weights, the Tanh
    // ones with a saturated fraction.
    ASSERT_FALSE(ref.layers.empty());
    ASSERT_EQ(d.latest_layers().size(), 5u);
    EXPECT_TRUE(d.layers()[0].has_weights);
    EXPECT_FALSE(d.layers()[1].has_weights);
    EXPECT_GT(d.latest_layers()[0].grad_norm, 0.0f);
    EXPECT_GE(d.latest_layers()[1].saturated_fraction, 0.0f);
    EXPECT_EQ(d.layers()[0].grad_norm.size() * 5, ref.layers.size());
    // The learning-rate change is an event at the step it happened.
    bool lr_event = false;
    for (const EventRecord& e : d.events())
        lr_event |= e.kind == "hyperparameter" && e.name == "lr" && e.value == 0.1;
    EXPECT_TRUE(lr_event);
    fs::remove_all(dir);
}

TEST(RunData, TheViewsRecordsOfARealRunAndItsDataMapTable) {
    const fs::path dir = fresh_dir("views");
    ModelSpec spec = load_preset("spiral-tanh");  // 250 training items, a test split
    SessionOptions o;
    o.log_dir = dir.string();
    o.data_map_csv_seconds = 0;  // the table at every epoch's end
    Session s(spec, prepare_data(spec), cpu_backend(), o);
    ASSERT_TRUE(s.step(25 * 3));
    ASSERT_TRUE(s.wait_until_settled(60));
    ASSERT_TRUE(s.request_data_map());
    ASSERT_TRUE(s.wait_until_settled(60));
    const auto engine_map = s.latest_data_map();
    ASSERT_NE(engine_map, nullptr);

    RunSource src(dir.string());
    src.poll();
    const RunData& d = src.data();
    ASSERT_EQ(d.confusions().size(), 3u);
    const ConfusionRecord& c = d.confusions().back();
    EXPECT_EQ(c.epoch, 3);
    EXPECT_EQ(c.split, "test");
    ASSERT_EQ(c.classes, 2);
    EXPECT_EQ(c.counts[0] + c.counts[1] + c.counts[2] + c.counts[3], 250u);
    ASSERT_EQ(d.data_maps().size(), 3u);
    EXPECT_EQ(d.data_maps().back().seen, 250u);
    EXPECT_EQ(d.data_maps().back().csv, "datamap.csv");
    // The table is read with the log, as the engine had it (history in percents).
    const auto table = d.data_map_table();
    ASSERT_NE(table, nullptr);
    ASSERT_EQ(table->items(), 250u);
    EXPECT_EQ(table->presentations, engine_map->presentations);
    EXPECT_EQ(table->label, engine_map->label);
    EXPECT_EQ(table->confidence, engine_map->confidence);
    EXPECT_EQ(table->thresholds.easy_confidence, d.data_maps().back().thresholds.easy_confidence);
    EXPECT_TRUE(src.table_problem().empty()) << src.table_problem();
    // Histograms: the first statistics sample carries them, for every layer.
    ASSERT_EQ(d.histograms().size(), 5u);
    EXPECT_FALSE(d.histograms()[0].weights.empty());
    EXPECT_FALSE(d.histograms()[0].grads.empty());
    EXPECT_FALSE(d.histograms()[1].acts.empty());
    EXPECT_TRUE(d.histograms()[1].weights.empty());  // Tanh has no weights
    uint32_t n = 0;
    for (uint32_t k : d.histograms()[0].weights.front().h.counts) n += k;
    EXPECT_EQ(n, 2u * 8);  // every weight of the 2 -> 8 Dense layer
    fs::remove_all(dir);
}

TEST(RunData, HistogramsOverTimeStayBoundedAndCoverTheRun) {
    RunData d;
    LayerStats l;
    l.layer = 0;
    l.has_weights = true;
    l.weights.lo = -1;
    l.weights.hi = 1;
    l.weights.counts[3] = 5;
    const long n = 3 * static_cast<long>(LayerHistograms::kMaxSamples);
    for (long step = 1; step <= n; ++step) {
        l.step = step;
        d.add(l);
    }
    const auto& w = d.histograms()[0].weights;
    EXPECT_LE(w.size(), LayerHistograms::kMaxSamples);
    EXPECT_GE(w.size(), LayerHistograms::kMaxSamples / 2);
    EXPECT_EQ(w.front().step, 1);
    EXPECT_GT(w.back().step, n - 4);  // the newest is (nearly) the last
    EXPECT_TRUE(std::is_sorted(w.begin(), w.end(), [](const auto& a, const auto& b) { return a.step < b.step; }));
    EXPECT_TRUE(d.histograms()[0].acts.empty());  // an empty histogram is not a sample
}

TEST(RunData, GarbageIsCountedPartialLineWaitsAndANewRunReplacesTheData) {
    const fs::path dir = fresh_dir("garbage");
    fs::create_directories(dir);
    const fs::path file = dir / "run.jsonl";
    {
        std::ofstream f(file);
        f << R"({"type":"run","format":"gradscope-run-1","backend":"cpu","spec":{"name":"x","layers":[{"type":"Dense"}]}})" "\n"
          << R"({"type":"step","step":1,"epoch":0,"loss":0.9,"lr":0.1,"merged":1})" "\n"
          << "garbage here\n"
          << R"({"type":"step","step":2,"epoch":0,"loss":0.8,"lr":0.1,"merged":1})" "\n"
          << R"({"type":"future","step":3})" "\n"
          << R"({"type":"step","step":3,"epoch":0,"lo)";
    }
    RunSource src(dir.string());
    EXPECT_TRUE(src.poll());
    EXPECT_EQ(src.data().loss().size(), 2u);
    EXPECT_EQ(src.garbage_lines(), 1u);
    EXPECT_EQ(src.unknown_lines(), 1u);
    EXPECT_NE(src.status().find("1 garbage line skipped"), std::string::npos) << src.status();
    EXPECT_NE(src.status().find("partial line waiting"), std::string::npos) << src.status();
    EXPECT_FALSE(src.poll());  // nothing new
    {
        std::ofstream f(file, std::ios::app);
        f << R"(ss":0.7,"lr":0.1,"merged":1})" "\n";
    }
    EXPECT_TRUE(src.poll());
    ASSERT_EQ(src.data().loss().size(), 3u);
    EXPECT_EQ(src.data().loss().y()[2], 0.7f);

    // A new run in the same directory, written by the engine.
    {
        RunLog log(dir.string(), load_preset("xor-sigmoid"), "cpu");
        log.write(StepRecord{1, 0, 0.25f, -1, 0.5f, 0.01f, 400});
    }
    EXPECT_TRUE(src.poll());
    EXPECT_EQ(src.data().loss().size(), 1u);
    EXPECT_EQ(src.data().loss().y()[0], 0.25f);
    EXPECT_EQ(src.garbage_lines(), 0u);  // counts are of the current file
    EXPECT_EQ(src.data().spec_name(), "xor-sigmoid");
    EXPECT_EQ(src.follower().restarts(), 1u);
    fs::remove_all(dir);
}

TEST(RunData, ARewindCutsTheCurvesAtItsStep) {
    const fs::path dir = fresh_dir("rewind");
    fs::create_directories(dir);
    {
        std::ofstream f(dir / "run.jsonl");
        f << R"({"type":"run","format":"gradscope-run-1","backend":"cpu","spec":{"name":"x"}})" "\n";
        for (int s = 1; s <= 5; ++s)
            f << R"({"type":"step","step":)" << s << R"(,"epoch":0,"loss":1,"lr":0.1,"merged":1})" "\n";
        f << R"({"type":"event","step":3,"kind":"rewind","name":"","value":3,"text":"back to step 3"})" "\n";
        for (int s = 4; s <= 6; ++s)
            f << R"({"type":"step","step":)" << s << R"(,"epoch":0,"loss":2,"lr":0.1,"merged":1})" "\n";
    }
    RunSource src(dir.string());
    EXPECT_TRUE(src.poll());
    const Track& loss = src.data().loss();
    ASSERT_EQ(loss.size(), 6u);
    for (size_t i = 0; i < 6; ++i) {
        EXPECT_EQ(loss.x()[i], static_cast<double>(i + 1));
        EXPECT_EQ(loss.y()[i], i < 3 ? 1.0f : 2.0f);
    }
    EXPECT_EQ(src.data().last_step(), 6);
    fs::remove_all(dir);
}

TEST(RunData, AMillionStepRecordsOpenWhole) {
    const fs::path dir = fresh_dir("million");
    constexpr long kSteps = 1000000;
    auto record = [](long s) {
        return StepRecord{s, static_cast<int>(s / 1000), 0.7f / (1 + s * 1e-4f),
                          0.5f + 0.4f * (s % 1000) / 1000.0f, 0.03f, 0.0123f, 813008.1f};
    };
    {
        RunLog log(dir.string(), load_preset("spiral-tanh"), "cpu");
        log.min_step_interval = std::chrono::milliseconds(0);  // one line per step
        for (long s = 1; s <= kSteps; ++s) log.write(record(s));
    }
    RunSource src(dir.string());
    src.poll();
    const RunData& d = src.data();
    EXPECT_EQ(src.garbage_lines(), 0u);
    EXPECT_EQ(src.unknown_lines(), 0u);
    EXPECT_EQ(src.lines(), static_cast<size_t>(kSteps) + 1) << "the run record and every step";
    ASSERT_EQ(d.loss().size(), static_cast<size_t>(kSteps));
    ASSERT_EQ(d.accuracy().size(), static_cast<size_t>(kSteps));
    EXPECT_EQ(d.last_step(), kSteps);
    EXPECT_EQ(d.last_epoch(), static_cast<int>(kSteps / 1000));
    EXPECT_EQ(d.spec_name(), "spiral-tanh");
    EXPECT_EQ(d.loss().x().front(), 1.0);
    EXPECT_EQ(d.loss().y().front(), record(1).loss);
    EXPECT_EQ(d.loss().x().back(), static_cast<double>(kSteps));
    EXPECT_EQ(d.loss().y().back(), record(kSteps).loss);
    EXPECT_EQ(d.accuracy().y().front(), record(1).accuracy);
    EXPECT_EQ(d.accuracy().y().back(), record(kSteps).accuracy);
    EXPECT_EQ(d.lr().last_y(), 0.03f);
    fs::remove_all(dir);
}

}  // namespace
}  // namespace gs::monitor
