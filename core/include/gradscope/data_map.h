// The data map: what training did to each item of a classification run's
// training split (Swayamdipta et al., "Dataset Cartography", EMNLP 2020;
// forgetting events after Toneva et al., ICLR 2019). Every time an item
// passes through the network in training, the loss already knows the
// probability of its label and whether it was classified right; the engine
// keeps those (no second forward pass) and publishes them as a DataMap:
// plain data, one entry per item, immutable once published. This header
// also holds the analysis every front end shares: each item's region, the
// lists (never learned, most forgotten, likely mislabeled), the summary the
// run log carries, and the CSV export.
//
// Per item, over its presentations (one per epoch):
//   confidence   mean p(label)
//   variability  standard deviation of p(label) (population, as numpy's std)
//   correctness  fraction of presentations classified right
//   forgetting   forgetting events: right at one presentation, wrong at the next
//   history      p(label) of the last kHistory presentations, oldest first
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "gradscope/names.h"

namespace gs {

// Where an item sits on the map. Unseen: not presented yet.
enum class DataRegion : uint8_t { Unseen, Easy, Ambiguous, Hard };
using DataRegionName = NameEntry<DataRegion>;
// The regions, in this order: ids "unseen", "easy", "ambiguous", "hard".
const std::vector<DataRegionName>& data_region_table();
const char* id_of(DataRegion r);

// The thresholds that split the map into regions and make the lists.
struct DataMapThresholds {
    // Variability at or above this: ambiguous (the network keeps changing
    // its mind). The largest possible is 0.5.
    float ambiguous_variability = 0.2f;
    // Below that variability: easy at or above this confidence, else hard.
    float easy_confidence = 0.5f;
    // Likely mislabeled: hard to learn, with a confidence below this, while
    // at its last presentation the network preferred another class with at
    // least other_probability. (Measured on Fashion-MNIST with 300 of 10,000
    // labels flipped: the README's figures; a stricter other_probability of
    // 0.5 loses a tenth of the flipped items for little precision.)
    float mislabeled_confidence = 0.15f;
    float other_probability = 0.3f;
    // Never learned: seen at least this many times and never right.
    uint32_t min_presentations = 2;
};

// One item's row: of a list, of the CSV, of a click on a dot.
struct DataMapItem {
    uint32_t item = 0;       // its place in the training split
    int label = -1;
    int predicted = -1;      // the class the network preferred at its last presentation
    float predicted_p = 0;   // with this probability
    float confidence = 0, variability = 0, correctness = 0;
    uint32_t presentations = 0;
    uint32_t forgetting = 0;
    DataRegion region = DataRegion::Unseen;
};

// The data map of every item, as of one step. Per-item vectors are indexed
// by the item's place in the training split and all have items() entries.
struct DataMap {
    static constexpr int kHistory = 32;  // presentations of p(label) kept per item

    long step = 0;     // the global step it was taken after
    int epoch = 0;     // epochs finished then
    int classes = 0;
    DataMapThresholds thresholds;

    std::vector<int32_t> label;        // -1 until seen
    std::vector<int32_t> predicted;    // at the last presentation; -1 until seen
    std::vector<float> predicted_p;
    std::vector<float> confidence, variability, correctness;
    std::vector<uint32_t> presentations, forgetting;
    // history[i * kHistory + j], j < history_length(i): p(label) of its last
    // presentations, oldest first, as round(255 p) (a step of 0.4%).
    std::vector<uint8_t> history;

    size_t items() const { return label.size(); }
    size_t history_length(size_t i) const {
        return presentations[i] < kHistory ? presentations[i] : kHistory;
    }
    // p(label) at the j-th kept presentation of item i (0 to 1).
    float history_p(size_t i, size_t j) const {
        return static_cast<float>(history[i * kHistory + j]) / 255.0f;
    }
    DataRegion region(size_t i) const;
    bool likely_mislabeled(size_t i) const;
    DataMapItem row(size_t i) const;
    // Bytes its vectors hold.
    size_t memory_bytes() const;
};

// The region of confidence and variability under t (Unseen when never presented).
DataRegion data_region(float confidence, float variability, uint32_t presentations,
                       const DataMapThresholds& t);

// What the map says in a few numbers and short lists: the "datamap" record of
// the run log (docs/run-log.md), and what a view shows beside the dots.
struct DataMapSummary {
    long step = 0;
    int epoch = 0;
    DataMapThresholds thresholds;  // the map's, which made the regions and lists
    size_t items = 0;   // in the training split
    size_t seen = 0;    // presented at least once
    size_t easy = 0, ambiguous = 0, hard = 0;
    size_t never_learned = 0;  // seen at least min_presentations times, never right
    size_t forgotten = 0;      // at least one forgetting event
    size_t mislabeled = 0;     // DataMap::likely_mislabeled
    float mean_confidence = 0, mean_variability = 0;  // over the items seen
    // The top of each list (at most `top` items): never learned (lowest
    // confidence first), most forgotten (most events first), likely
    // mislabeled (lowest confidence first).
    std::vector<DataMapItem> never_learned_items, most_forgotten, likely_mislabeled;
    std::string csv;  // the per-item CSV written with it, relative to the run directory ("" none)
};

DataMapSummary summarize_data_map(const DataMap& map, size_t top = 16);

// Ranked lists, best candidates first, at most n items each.
std::vector<uint32_t> likely_mislabeled_items(const DataMap& map, size_t n);
std::vector<uint32_t> never_learned_items(const DataMap& map, size_t n);
std::vector<uint32_t> most_forgotten_items(const DataMap& map, size_t n);

// The per-item table as CSV: a header, then one row per item (docs/run-log.md,
// "datamap.csv"). Written to a temporary file beside path and renamed over it,
// so a reader never sees half a file. Throws gs::Error naming the path.
void write_data_map_csv(const DataMap& map, const std::string& path);
// Reads such a table back (classes: one more than the largest class seen;
// thresholds: the defaults, for the caller to set; step and epoch 0). The
// history comes back in whole percents. Throws gs::Error naming the path and
// line when it is not a table Gradscope wrote.
DataMap read_data_map_csv(const std::string& path);

}  // namespace gs
