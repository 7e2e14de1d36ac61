// DataMapAccumulator: the engine side of the data map (gradscope/data_map.h).
// It takes the per-item outcome rows a classification loss writes in a
// training step (Backend's LossItemColumn: p(label), label, predicted class,
// its probability) for the items of the batch, and keeps per item a running
// mean and variance of p(label) (Welford), the right answers, the forgetting
// events and the last DataMap::kHistory values of p(label). All its memory
// is sized once, for the training split (about 70 bytes an item): observing
// a batch allocates nothing. Not thread-safe: the session's worker owns it,
// and front ends see only what publish() copies out.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "gradscope/data_map.h"

namespace gs {

class DataMapAccumulator {
public:
    // For a training split of `items` items and `classes` classes.
    DataMapAccumulator(size_t items, int classes);

    // One presentation of each of n items: items[k] is the item's place in
    // the training split, outcomes + k * kLossItemColumns its row. Items out
    // of range are ignored.
    void observe(const uint32_t* items, const float* outcomes, int n);
    // Forgets every presentation (a reset).
    void clear();

    // A copy of the map as of now, for front ends. It stays unchanged while
    // anyone else holds it; a copy nobody holds any more is filled again by
    // a later publish (no fresh memory, which costs more than the copy).
    std::shared_ptr<DataMap> publish(long step, int epoch, const DataMapThresholds& t);

    size_t items() const { return m_count.size(); }
    int classes() const { return m_classes; }
    // Presentations observed since the last clear().
    uint64_t observed() const { return m_observed; }
    size_t memory_bytes() const;

private:
    int m_classes;
    uint64_t m_observed = 0;
    // Per item.
    std::vector<uint32_t> m_count, m_right, m_forgetting;
    std::vector<float> m_mean, m_m2;         // Welford's running mean and sum of squares
    std::vector<int32_t> m_label, m_predicted;
    std::vector<float> m_predicted_p;
    std::vector<uint8_t> m_last_right;
    std::vector<uint8_t> m_history;          // rings of kHistory, slot = presentation % kHistory
    std::shared_ptr<DataMap> m_published[2];  // the last two copies made, for reuse
    int m_next = 0;
};

}  // namespace gs
