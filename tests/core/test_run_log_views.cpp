// The run log's records for the views: "confusion" and "datamap" lines and
// the histograms of "layers" lines read back exactly as written (at most one
// histogram sample per min_histogram_interval, on a clock the test moves);
// datamap.csv goes next to run.jsonl and an old one is removed when a new
// run starts there; broken records are garbage; a log of the old format
// (no histograms) still reads.
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>

#include "gradscope/run_log.h"
#include "gradscope/spec.h"

namespace gs {
namespace {

namespace fs = std::filesystem;

ModelSpec spec() {
    SpecResult r = read_spec_json(R"({"name": "tiny", "input": [2],
      "layers": [{"type": "Dense", "units": 2}], "loss": "softmax_cross_entropy",
      "data": {"name": "xor"}})");
    EXPECT_TRUE(r.ok()) << r.message();
    return r.spec;
}

std::string fresh_dir(const std::string& name) {
    const std::string dir = testing::TempDir() + "gs_run_log_views_" + name;
    fs::remove_all(dir);
    return dir;
}

ConfusionRecord confusion() {
    ConfusionRecord c;
    c.step = 120;
    c.epoch = 3;
    c.split = "validation";
    c.classes = 3;
    c.class_names = {"T-shirt/top", "Trouser", "caf\u00e9 \"quoted\""};
    c.counts = {50, 3, 0, 7, 40, 1, 0, 0, 4000000000u};
    c.mistakes = {{17, 1, 0, 0.987654f}, {3, 0, 1, 0.5f}};
    return c;
}

DataMapSummary data_map() {
    DataMapSummary s;
    s.step = 470;
    s.epoch = 5;
    s.thresholds.ambiguous_variability = 0.25f;
    s.thresholds.min_presentations = 3;
    s.items = 10000;
    s.seen = 9990;
    s.easy = 8000;
    s.ambiguous = 1500;
    s.hard = 490;
    s.never_learned = 120;
    s.forgotten = 2100;
    s.mislabeled = 300;
    s.mean_confidence = 0.8125f;
    s.mean_variability = 0.0625f;
    s.csv = "datamap.csv";
    DataMapItem a;
    a.item = 4242;
    a.label = 3;
    a.predicted = 6;
    a.predicted_p = 0.91f;
    a.confidence = 0.03f;
    a.variability = 0.01f;
    a.correctness = 0;
    a.presentations = 5;
    a.forgetting = 0;
    a.region = DataRegion::Hard;
    s.likely_mislabeled = {a};
    a.item = 7;
    a.forgetting = 4;
    a.region = DataRegion::Ambiguous;
    s.most_forgotten = {a};
    return s;
}

LayerStats layer(long step, int index, bool weights) {
    LayerStats l;
    l.step = step;
    l.layer = index;
    l.has_weights = weights;
    l.grad_norm = weights ? 0.5f : 0;
    l.act_mean = 0.25f;
    l.acts.lo = -1.5f;
    l.acts.hi = 2.25f;
    for (int b = 0; b < LayerStats::kBins; ++b) l.acts.counts[b] = static_cast<uint32_t>(b * 3);
    if (weights) {
        l.weights.lo = -0.125f;
        l.weights.hi = 0.375f;
        l.weights.counts[5] = 64;
        l.grads.lo = -1e-3f;
        l.grads.hi = 2e-3f;
        l.grads.counts[31] = 7;
    }
    return l;
}

TEST(RunLogViews, ConfusionAndDataMapRecordsReadBackExactly) {
    const std::string dir = fresh_dir("records");
    {
        RunLog log(dir, spec(), "cpu");
        log.write(confusion());
        log.write(data_map());
    }
    const RunLogContents c = read_run_log(dir + "/run.jsonl");
    EXPECT_EQ(c.garbage_lines, 0u);
    ASSERT_EQ(c.confusions.size(), 1u);
    const ConfusionRecord& r = c.confusions[0];
    const ConfusionRecord w = confusion();
    EXPECT_EQ(r.step, 120);
    EXPECT_EQ(r.epoch, 3);
    EXPECT_EQ(r.split, "validation");
    EXPECT_EQ(r.classes, 3);
    EXPECT_EQ(r.class_names, w.class_names);
    EXPECT_EQ(r.counts, w.counts);
    ASSERT_EQ(r.mistakes.size(), 2u);
    EXPECT_EQ(r.mistakes[0].item, 17);
    EXPECT_EQ(r.mistakes[0].label, 1);
    EXPECT_EQ(r.mistakes[0].predicted, 0);
    EXPECT_EQ(r.mistakes[0].confidence, 0.987654f);  // the float, exactly

    ASSERT_EQ(c.data_maps.size(), 1u);
    const DataMapSummary& d = c.data_maps[0];
    const DataMapSummary e = data_map();
    EXPECT_EQ(d.step, 470);
    EXPECT_EQ(d.epoch, 5);
    EXPECT_EQ(d.items, e.items);
    EXPECT_EQ(d.seen, e.seen);
    EXPECT_EQ(d.easy, e.easy);
    EXPECT_EQ(d.ambiguous, e.ambiguous);
    EXPECT_EQ(d.hard, e.hard);
    EXPECT_EQ(d.never_learned, e.never_learned);
    EXPECT_EQ(d.forgotten, e.forgotten);
    EXPECT_EQ(d.mislabeled, e.mislabeled);
    EXPECT_EQ(d.mean_confidence, 0.8125f);
    EXPECT_EQ(d.mean_variability, 0.0625f);
    EXPECT_EQ(d.thresholds.ambiguous_variability, 0.25f);
    EXPECT_EQ(d.thresholds.min_presentations, 3u);
    EXPECT_EQ(d.thresholds.easy_confidence, e.thresholds.easy_confidence);
    EXPECT_EQ(d.csv, "datamap.csv");
    EXPECT_TRUE(d.never_learned_items.empty());
    ASSERT_EQ(d.likely_mislabeled.size(), 1u);
    const DataMapItem& m = d.likely_mislabeled[0];
    EXPECT_EQ(m.item, 4242u);
    EXPECT_EQ(m.label, 3);
    EXPECT_EQ(m.predicted, 6);
    EXPECT_EQ(m.predicted_p, 0.91f);
    EXPECT_EQ(m.confidence, 0.03f);
    EXPECT_EQ(m.variability, 0.01f);
    EXPECT_EQ(m.presentations, 5u);
    EXPECT_EQ(m.region, DataRegion::Hard);
    ASSERT_EQ(d.most_forgotten.size(), 1u);
    EXPECT_EQ(d.most_forgotten[0].forgetting, 4u);
    EXPECT_EQ(d.most_forgotten[0].region, DataRegion::Ambiguous);
}

TEST(RunLogViews, HistogramsRideOnALayersLineAtMostOnceAnInterval) {
    const std::string dir = fresh_dir("histograms");
    {
        RunLog log(dir, spec(), "cpu");
        auto now = std::chrono::steady_clock::now();
        log.clock = [&] { return now; };
        // Samples 200 ms apart: every one is logged (min_layers_interval
        // 100 ms), the histograms with the first and then once a second.
        for (long step = 1; step <= 7; ++step) {
            log.write(layer(step, 0, true));
            log.write(layer(step, 1, false));
            now += std::chrono::milliseconds(200);
        }
    }
    const RunLogContents c = read_run_log(dir + "/run.jsonl");
    EXPECT_EQ(c.garbage_lines, 0u);
    ASSERT_EQ(c.layers.size(), 14u);
    for (const LayerStats& l : c.layers) {
        const bool with = l.step == 1 || l.step == 6;  // 0 ms and 1000 ms
        EXPECT_EQ(l.acts.hi > l.acts.lo, with) << l.step;
        if (!with) continue;
        EXPECT_EQ(l.acts.lo, -1.5f);
        EXPECT_EQ(l.acts.hi, 2.25f);
        for (int b = 0; b < LayerStats::kBins; ++b) EXPECT_EQ(l.acts.counts[b], static_cast<uint32_t>(b * 3));
        if (l.layer == 0) {
            EXPECT_EQ(l.weights.lo, -0.125f);
            EXPECT_EQ(l.weights.hi, 0.375f);
            EXPECT_EQ(l.weights.counts[5], 64u);
            EXPECT_EQ(l.grads.lo, -1e-3f);
            EXPECT_EQ(l.grads.counts[31], 7u);
        } else {
            EXPECT_FALSE(l.weights.hi > l.weights.lo);  // no weights, no weight histogram
        }
    }
}

TEST(RunLogViews, DataMapCsvGoesNextToTheLogAndAnOldOneIsRemoved) {
    const std::string dir = fresh_dir("csv");
    DataMap m;
    m.label = {1, 0};
    m.predicted = {1, 1};
    m.predicted_p = {0.9f, 0.8f};
    m.confidence = {0.9f, 0.1f};
    m.variability = {0.0f, 0.0f};
    m.correctness = {1.0f, 0.0f};
    m.presentations = {1, 1};
    m.forgetting = {0, 0};
    m.history.assign(2 * DataMap::kHistory, 0);
    {
        RunLog log(dir, spec(), "cpu");
        EXPECT_EQ(log.write_data_map_csv(m), "datamap.csv");
    }
    ASSERT_TRUE(fs::exists(dir + "/datamap.csv"));
    std::ifstream in(dir + "/datamap.csv");
    std::string header, row;
    std::getline(in, header);
    std::getline(in, row);
    EXPECT_EQ(row, "0,1,1,0.9,1,0.9,0,1,0,easy,0,0");
    RunLog again(dir, spec(), "cpu");  // a new run in the same directory
    EXPECT_FALSE(fs::exists(dir + "/datamap.csv"));
}

TEST(RunLogViews, BrokenRecordsAreGarbageOldLogsStillRead) {
    RunLogLine line;
    // A matrix of the wrong size, names that do not match the classes, a
    // negative count, a histogram with too few bins.
    for (const char* bad : {
             R"({"type":"confusion","step":1,"classes":2,"counts":[1,2,3]})",
             R"({"type":"confusion","step":1,"classes":2,"class_names":["a"],"counts":[1,2,3,4]})",
             R"({"type":"confusion","step":1,"classes":1,"counts":[-1]})",
             R"({"type":"confusion","classes":1,"counts":[1]})",
             R"({"type":"datamap","step":1,"easy":-3})",
             R"({"type":"datamap","step":1,"likely_mislabeled":[{"label":2}]})",
             R"({"type":"layers","step":1,"layers":[{"layer":0,"acts_hist":{"lo":0,"hi":1,"counts":[1,2]}}]})"})
        EXPECT_EQ(parse_run_log_line(bad, line), RunLogLineKind::Garbage) << bad;
    // The smallest valid records, and a layers line of the old format.
    EXPECT_EQ(parse_run_log_line(R"({"type":"confusion","step":4,"classes":1,"counts":[9]})", line),
              RunLogLineKind::Confusion);
    EXPECT_EQ(line.confusion.counts, std::vector<uint32_t>{9});
    EXPECT_TRUE(line.confusion.mistakes.empty());
    EXPECT_EQ(parse_run_log_line(R"({"type":"datamap","step":4,"extra":[1,{"a":2}]})", line),
              RunLogLineKind::DataMap);
    EXPECT_EQ(line.data_map.items, 0u);
    EXPECT_EQ(line.data_map.thresholds.easy_confidence, DataMapThresholds{}.easy_confidence);
    ASSERT_EQ(parse_run_log_line(R"({"type":"layers","step":3,"layers":[{"layer":0,"act_mean":0.5}]})", line),
              RunLogLineKind::Layers);
    ASSERT_EQ(line.layers.size(), 1u);
    EXPECT_FALSE(line.layers[0].acts.hi > line.layers[0].acts.lo);
}

}  // namespace
}  // namespace gs
