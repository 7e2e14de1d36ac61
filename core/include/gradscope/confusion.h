// The confusion matrix and the most confident mistakes of one validation
// pass, as plain data: what the session computes at every epoch's end (and
// in a Snapshot on request), what the run log's "confusion" record carries
// (docs/run-log.md), and the small analysis the confusion view and the
// mistakes list share: row-normalized rates, per-class recall and the pairs
// of classes most often confused.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "gradscope/telemetry.h"

namespace gs {

struct ConfusionRecord {
    long step = 0;
    int epoch = 0;      // epochs finished (as in EpochRecord: 1-based)
    std::string split;  // the split it was computed on: "validation" or "test"
    int classes = 0;
    std::vector<std::string> class_names;  // empty when the dataset names none
    // counts[true * classes + predicted]: items of class `true` the network
    // classified as `predicted`.
    std::vector<uint32_t> counts;
    // The most confidently misclassified items of the split, most confident
    // first (item: its place in the split).
    std::vector<Snapshot::Mistake> mistakes;
};

// The record of a Snapshot's confusion part (empty counts when it has none).
ConfusionRecord confusion_from_snapshot(const Snapshot& s, int epoch, std::string split,
                                        std::vector<std::string> class_names);

// A class's name, or its number when the record names none: "T-shirt/top", "3".
std::string class_label(const ConfusionRecord& r, int c);
// The count in a cell (0 outside the matrix).
uint32_t confusion_count(const ConfusionRecord& r, int truth, int predicted);
// Items of class `truth` in the split (its row's sum).
uint64_t class_total(const ConfusionRecord& r, int truth);
// The cell as a fraction of its row: of the items of class `truth`, the share
// classified as `predicted` (0 for an empty row).
float confusion_rate(const ConfusionRecord& r, int truth, int predicted);
// Fraction of all items on the diagonal (-1 for an empty matrix).
double confusion_accuracy(const ConfusionRecord& r);

// An off-diagonal cell: `count` items of class `truth` taken for `predicted`,
// `rate` of that class.
struct ConfusedPair {
    int truth = 0, predicted = 0;
    uint32_t count = 0;
    float rate = 0;
};
// The n off-diagonal cells with the most items, most first (ties: lower classes first).
std::vector<ConfusedPair> most_confused_pairs(const ConfusionRecord& r, size_t n);

}  // namespace gs
