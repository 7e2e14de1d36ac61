// DataMapAccumulator (gradscope/data_map_accumulator.h): per-item training
// dynamics from the loss's outcome rows, and their publication as a DataMap.
#include "gradscope/data_map_accumulator.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "gradscope/backend.h"

namespace gs {

namespace {
constexpr size_t kH = DataMap::kHistory;
}

DataMapAccumulator::DataMapAccumulator(size_t items, int classes)
    : m_classes(classes),
      m_count(items, 0),
      m_right(items, 0),
      m_forgetting(items, 0),
      m_mean(items, 0.0f),
      m_m2(items, 0.0f),
      m_label(items, -1),
      m_predicted(items, -1),
      m_predicted_p(items, 0.0f),
      m_last_right(items, 0),
      m_history(items * kH, 0) {}

void DataMapAccumulator::observe(const uint32_t* items, const float* outcomes, int n) {
    for (int k = 0; k < n; ++k) {
        const size_t i = items[k];
        if (i >= m_count.size()) continue;
        const float* row = outcomes + static_cast<size_t>(k) * kLossItemColumns;
        const float p = std::clamp(row[kItemPTrue], 0.0f, 1.0f);
        const int label = static_cast<int>(row[kItemLabel]);
        const int predicted = static_cast<int>(row[kItemPredicted]);
        const bool right = predicted == label;
        const uint32_t c = m_count[i];
        // Welford: the mean and the sum of squared deviations, one value at a time.
        const float delta = p - m_mean[i];
        m_mean[i] += delta / static_cast<float>(c + 1);
        m_m2[i] += delta * (p - m_mean[i]);
        if (c > 0 && m_last_right[i] && !right) ++m_forgetting[i];
        m_last_right[i] = right;
        m_right[i] += right;
        m_label[i] = label;
        m_predicted[i] = predicted;
        m_predicted_p[i] = row[kItemPPredicted];
        m_history[i * kH + c % kH] = static_cast<uint8_t>(std::lround(255.0f * p));
        m_count[i] = c + 1;
    }
    m_observed += static_cast<uint64_t>(std::max(n, 0));
}

void DataMapAccumulator::clear() {
    std::fill(m_count.begin(), m_count.end(), 0u);
    std::fill(m_right.begin(), m_right.end(), 0u);
    std::fill(m_forgetting.begin(), m_forgetting.end(), 0u);
    std::fill(m_mean.begin(), m_mean.end(), 0.0f);
    std::fill(m_m2.begin(), m_m2.end(), 0.0f);
    std::fill(m_label.begin(), m_label.end(), -1);
    std::fill(m_predicted.begin(), m_predicted.end(), -1);
    std::fill(m_predicted_p.begin(), m_predicted_p.end(), 0.0f);
    std::fill(m_last_right.begin(), m_last_right.end(), uint8_t{0});
    std::fill(m_history.begin(), m_history.end(), uint8_t{0});
    m_observed = 0;
}

std::shared_ptr<DataMap> DataMapAccumulator::publish(long step, int epoch, const DataMapThresholds& t) {
    // Only this thread makes copies of these pointers: a count of 1 means
    // every front end has let go, so the map can be filled again.
    std::shared_ptr<DataMap>& slot = m_published[m_next];
    m_next ^= 1;
    if (!slot || slot.use_count() > 1) slot = std::make_shared<DataMap>();
    const std::shared_ptr<DataMap>& map = slot;
    const size_t n = m_count.size();
    map->step = step;
    map->epoch = epoch;
    map->classes = m_classes;
    map->thresholds = t;
    map->label = m_label;
    map->predicted = m_predicted;
    map->predicted_p = m_predicted_p;
    map->confidence = m_mean;
    map->presentations = m_count;
    map->forgetting = m_forgetting;
    map->variability.resize(n);
    map->correctness.resize(n);
    map->history.resize(n * kH);
    for (size_t i = 0; i < n; ++i) {
        const uint32_t c = m_count[i];
        map->variability[i] = c ? std::sqrt(std::max(0.0f, m_m2[i] / static_cast<float>(c))) : 0.0f;
        map->correctness[i] = c ? static_cast<float>(m_right[i]) / static_cast<float>(c) : 0.0f;
        // Unroll the ring, the oldest kept presentation first: until it is
        // full it starts at slot 0; then at the slot the next one overwrites.
        const uint8_t* ring = m_history.data() + i * kH;
        uint8_t* out = map->history.data() + i * kH;
        const size_t start = c < kH ? 0 : c % kH;
        std::memcpy(out, ring + start, kH - start);
        std::memcpy(out + (kH - start), ring, start);
    }
    return map;
}

size_t DataMapAccumulator::memory_bytes() const {
    return (m_count.capacity() + m_right.capacity() + m_forgetting.capacity()) * sizeof(uint32_t) +
           (m_mean.capacity() + m_m2.capacity() + m_predicted_p.capacity()) * sizeof(float) +
           (m_label.capacity() + m_predicted.capacity()) * sizeof(int32_t) + m_last_right.capacity() +
           m_history.capacity();
}

}  // namespace gs
