// Label noise on purpose: a classification dataset with some of its labels
// replaced by another class, for checking that the data map finds them
// (the likely-mislabeled list) and for teaching what wrong labels do to
// training. The items and every other label are the original dataset's.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "gradscope/dataset.h"

namespace gs {

struct NoisyLabels {
    std::shared_ptr<Dataset> data;  // the dataset with the flipped labels
    std::vector<uint32_t> flipped;  // the items whose label changed, ascending
};

// `count` items drawn (with `seed`) from `data`, a classification set, each
// given a label drawn uniformly from the other classes. Throws gs::Error for
// a regression set or more items than it has.
NoisyLabels flip_labels(std::shared_ptr<Dataset> data, size_t count, uint64_t seed);

}  // namespace gs
