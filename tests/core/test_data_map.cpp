// The data map's analysis in the core library: regions by the thresholds,
// the three lists and their order, the summary's counts, the CSV export
// (every column of a known map, written atomically), and the confusion
// record's rates and most confused pairs.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "gradscope/confusion.h"
#include "gradscope/data_map.h"
#include "gradscope/error.h"

namespace gs {
namespace {

// A map of n items, every field given per item by the caller.
struct MapBuilder {
    DataMap m;
    explicit MapBuilder(size_t n) {
        m.classes = 3;
        m.label.assign(n, -1);
        m.predicted.assign(n, -1);
        m.predicted_p.assign(n, 0);
        m.confidence.assign(n, 0);
        m.variability.assign(n, 0);
        m.correctness.assign(n, 0);
        m.presentations.assign(n, 0);
        m.forgetting.assign(n, 0);
        m.history.assign(n * DataMap::kHistory, 0);
    }
    MapBuilder& item(size_t i, int label, int predicted, float pp, float conf, float var, float right,
                     uint32_t seen, uint32_t forgot) {
        m.label[i] = label;
        m.predicted[i] = predicted;
        m.predicted_p[i] = pp;
        m.confidence[i] = conf;
        m.variability[i] = var;
        m.correctness[i] = right;
        m.presentations[i] = seen;
        m.forgetting[i] = forgot;
        for (uint32_t j = 0; j < seen && j < DataMap::kHistory; ++j)
            m.history[i * DataMap::kHistory + j] = static_cast<uint8_t>(j * 50);
        return *this;
    }
};

MapBuilder example() {
    MapBuilder b(7);
    b.item(0, 0, 0, 0.95f, 0.9f, 0.05f, 1.0f, 4, 0)    // easy
        .item(1, 1, 2, 0.6f, 0.5f, 0.3f, 0.5f, 4, 2)   // ambiguous, forgotten twice
        .item(2, 2, 0, 0.8f, 0.05f, 0.02f, 0.0f, 4, 0)  // hard, sure of class 0: mislabeled
        .item(3, 2, 1, 0.2f, 0.10f, 0.05f, 0.0f, 4, 0)  // hard, never learned, unsure of the rest
        .item(4, 1, 0, 0.9f, 0.02f, 0.01f, 0.0f, 4, 0)  // hard, mislabeled, the least confidence
        .item(5, 0, 1, 0.9f, 0.01f, 0.0f, 0.0f, 1, 0)   // seen once only: not on the lists
        .item(6, -1, -1, 0, 0, 0, 0, 0, 0);             // unseen
    b.m.step = 40;
    b.m.epoch = 4;
    return b;
}

TEST(DataMap, RegionsFollowTheThresholds) {
    const DataMapThresholds t;
    EXPECT_EQ(data_region(0.9f, 0.05f, 3, t), DataRegion::Easy);
    EXPECT_EQ(data_region(0.5f, 0.05f, 3, t), DataRegion::Easy);  // at the threshold
    EXPECT_EQ(data_region(0.49f, 0.05f, 3, t), DataRegion::Hard);
    EXPECT_EQ(data_region(0.9f, 0.2f, 3, t), DataRegion::Ambiguous);
    EXPECT_EQ(data_region(0.1f, 0.25f, 3, t), DataRegion::Ambiguous);
    EXPECT_EQ(data_region(0.9f, 0.05f, 0, t), DataRegion::Unseen);
    EXPECT_STREQ(id_of(DataRegion::Hard), "hard");
    EXPECT_EQ(data_region_table().size(), 4u);
}

TEST(DataMap, ListsAndTheirOrder) {
    const DataMap m = example().m;
    EXPECT_EQ(m.region(0), DataRegion::Easy);
    EXPECT_EQ(m.region(1), DataRegion::Ambiguous);
    EXPECT_EQ(m.region(2), DataRegion::Hard);
    EXPECT_EQ(m.region(6), DataRegion::Unseen);
    EXPECT_TRUE(m.likely_mislabeled(2));
    EXPECT_FALSE(m.likely_mislabeled(3));  // the other class at 0.2 only
    EXPECT_TRUE(m.likely_mislabeled(4));
    EXPECT_FALSE(m.likely_mislabeled(5));  // one presentation is not enough
    EXPECT_EQ(likely_mislabeled_items(m, 10), (std::vector<uint32_t>{4, 2}));  // least confident first
    EXPECT_EQ(likely_mislabeled_items(m, 1), (std::vector<uint32_t>{4}));
    EXPECT_EQ(never_learned_items(m, 10), (std::vector<uint32_t>{4, 2, 3}));
    EXPECT_EQ(most_forgotten_items(m, 10), (std::vector<uint32_t>{1}));
}

TEST(DataMap, SummaryCountsEveryRegionAndList) {
    const DataMap m = example().m;
    const DataMapSummary s = summarize_data_map(m, 2);
    EXPECT_EQ(s.step, 40);
    EXPECT_EQ(s.epoch, 4);
    EXPECT_EQ(s.items, 7u);
    EXPECT_EQ(s.seen, 6u);
    EXPECT_EQ(s.easy, 1u);
    EXPECT_EQ(s.ambiguous, 1u);
    EXPECT_EQ(s.hard, 4u);  // 2, 3, 4 and 5
    EXPECT_EQ(s.never_learned, 3u);
    EXPECT_EQ(s.forgotten, 1u);
    EXPECT_EQ(s.mislabeled, 2u);
    EXPECT_NEAR(s.mean_confidence, (0.9f + 0.5f + 0.05f + 0.1f + 0.02f + 0.01f) / 6, 1e-6f);
    ASSERT_EQ(s.never_learned_items.size(), 2u);  // the top 2
    EXPECT_EQ(s.never_learned_items[0].item, 4u);
    ASSERT_EQ(s.likely_mislabeled.size(), 2u);
    const DataMapItem& r = s.likely_mislabeled[1];
    EXPECT_EQ(r.item, 2u);
    EXPECT_EQ(r.label, 2);
    EXPECT_EQ(r.predicted, 0);
    EXPECT_FLOAT_EQ(r.predicted_p, 0.8f);
    EXPECT_EQ(r.region, DataRegion::Hard);
    EXPECT_EQ(r.presentations, 4u);
    ASSERT_EQ(s.most_forgotten.size(), 1u);
    EXPECT_EQ(s.most_forgotten[0].forgetting, 2u);
}

TEST(DataMap, CsvHasARowPerItemAndIsReplacedWhole) {
    const DataMap m = example().m;
    const auto dir = std::filesystem::temp_directory_path() / "gs_data_map_csv";
    std::filesystem::create_directories(dir);
    const std::string path = (dir / "map.csv").string();
    write_data_map_csv(m, path);
    std::ifstream in(path);
    std::string line;
    std::vector<std::string> lines;
    while (std::getline(in, line)) lines.push_back(line);
    ASSERT_EQ(lines.size(), 8u);
    EXPECT_EQ(lines[0],
              "item,label,predicted,predicted_p,presentations,confidence,variability,correctness,"
              "forgetting,region,likely_mislabeled,history");
    EXPECT_EQ(lines[1], "0,0,0,0.95,4,0.9,0.05,1,0,easy,0,0 20 39 59");  // history: j*50/255 in percent
    EXPECT_EQ(lines[3], "2,2,0,0.8,4,0.05,0.02,0,0,hard,1,0 20 39 59");
    EXPECT_EQ(lines[7], "6,-1,-1,0,0,0,0,0,0,unseen,0,");
    // A second write replaces the file, and leaves no temporary beside it.
    write_data_map_csv(m, path);
    size_t files = 0;
    for (const auto& e : std::filesystem::directory_iterator(dir)) files += e.is_regular_file();
    EXPECT_EQ(files, 1u);
    EXPECT_THROW(write_data_map_csv(m, (dir / "no" / "such" / "dir.csv").string()), Error);

    // Read back: every column, the history in whole percents.
    const DataMap r = read_data_map_csv(path);
    ASSERT_EQ(r.items(), 7u);
    EXPECT_EQ(r.classes, 3);
    EXPECT_EQ(r.label, m.label);
    EXPECT_EQ(r.predicted, m.predicted);
    EXPECT_EQ(r.predicted_p, m.predicted_p);
    EXPECT_EQ(r.confidence, m.confidence);
    EXPECT_EQ(r.variability, m.variability);
    EXPECT_EQ(r.correctness, m.correctness);
    EXPECT_EQ(r.presentations, m.presentations);
    EXPECT_EQ(r.forgetting, m.forgetting);
    ASSERT_EQ(r.history_length(0), 4u);
    for (size_t j = 0; j < 4; ++j) EXPECT_NEAR(r.history_p(0, j), m.history_p(0, j), 0.006f) << j;
    EXPECT_EQ(r.region(2), DataRegion::Hard);
    EXPECT_TRUE(r.likely_mislabeled(2));
    // Not a table Gradscope wrote: the path and the line say so.
    std::ofstream(dir / "bad.csv") << lines[0] << "\n0,1,1,0.5,1,0.5,0,1,0,easy,0\n";
    try {
        read_data_map_csv((dir / "bad.csv").string());
        FAIL() << "expected an error";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("bad.csv' is not one Gradscope wrote: line 2: 12 cells expected, 11 found"),
                  std::string::npos) << e.what();
    }
    EXPECT_THROW(read_data_map_csv((dir / "missing.csv").string()), Error);
    std::filesystem::remove_all(dir);
}

TEST(Confusion, RatesAccuracyAndMostConfusedPairs) {
    ConfusionRecord r;
    r.classes = 3;
    r.class_names = {"cat", "dog", "bird"};
    // rows: true class; columns: predicted
    r.counts = {8, 2, 0,   //
                5, 4, 1,   //
                0, 0, 0};  // no birds in the split
    EXPECT_EQ(class_label(r, 1), "dog");
    EXPECT_EQ(class_label(r, 7), "7");
    EXPECT_EQ(confusion_count(r, 1, 0), 5u);
    EXPECT_EQ(confusion_count(r, 3, 0), 0u);
    EXPECT_EQ(class_total(r, 1), 10u);
    EXPECT_FLOAT_EQ(confusion_rate(r, 1, 0), 0.5f);
    EXPECT_FLOAT_EQ(confusion_rate(r, 2, 2), 0.0f);  // an empty row
    EXPECT_DOUBLE_EQ(confusion_accuracy(r), 12.0 / 20.0);
    const auto pairs = most_confused_pairs(r, 2);
    ASSERT_EQ(pairs.size(), 2u);
    EXPECT_EQ(pairs[0].truth, 1);
    EXPECT_EQ(pairs[0].predicted, 0);
    EXPECT_EQ(pairs[0].count, 5u);
    EXPECT_FLOAT_EQ(pairs[0].rate, 0.5f);
    EXPECT_EQ(pairs[1].truth, 0);
    EXPECT_EQ(pairs[1].predicted, 1);

    Snapshot snap;
    snap.confusion_step = 12;
    snap.classes = 3;
    snap.confusion = r.counts;
    snap.mistakes = {{4, 1, 0, 0.97f}};
    const ConfusionRecord c = confusion_from_snapshot(snap, 2, "validation", {"a", "b"});
    EXPECT_EQ(c.step, 12);
    EXPECT_EQ(c.epoch, 2);
    EXPECT_TRUE(c.class_names.empty());  // two names for three classes are not used
    ASSERT_EQ(c.mistakes.size(), 1u);
    EXPECT_FLOAT_EQ(c.mistakes[0].confidence, 0.97f);
}

}  // namespace
}  // namespace gs
