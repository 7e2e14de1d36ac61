// The data map's analysis (gradscope/data_map.h): regions, lists and the
// summary (the CSV is data_map_csv.cpp). Everything here reads a published,
// immutable DataMap; the engine's accumulator (engine/src/session/data_map.cpp)
// fills it.
#include "gradscope/data_map.h"

#include <algorithm>
#include <cmath>

namespace gs {

const std::vector<DataRegionName>& data_region_table() {
    static const std::vector<DataRegionName> t = {
        {DataRegion::Unseen, "unseen", "not seen yet", "Not presented to the network yet."},
        {DataRegion::Easy, "easy", "easy to learn",
         "High confidence in the right label, every epoch: the network learned it early and keeps it."},
        {DataRegion::Ambiguous, "ambiguous", "ambiguous",
         "The confidence swings from epoch to epoch: the network keeps changing its mind."},
        {DataRegion::Hard, "hard", "hard to learn",
         "Low confidence in the label, every epoch: never learned, often mislabeled or atypical."},
    };
    return t;
}

const char* id_of(DataRegion r) { return entry_of(data_region_table(), r).id; }

DataRegion data_region(float confidence, float variability, uint32_t presentations,
                       const DataMapThresholds& t) {
    if (presentations == 0) return DataRegion::Unseen;
    if (variability >= t.ambiguous_variability) return DataRegion::Ambiguous;
    return confidence >= t.easy_confidence ? DataRegion::Easy : DataRegion::Hard;
}

DataRegion DataMap::region(size_t i) const {
    return data_region(confidence[i], variability[i], presentations[i], thresholds);
}

bool DataMap::likely_mislabeled(size_t i) const {
    return presentations[i] >= std::max<uint32_t>(1, thresholds.min_presentations) &&
           region(i) == DataRegion::Hard && confidence[i] < thresholds.mislabeled_confidence &&
           predicted[i] != label[i] && predicted_p[i] >= thresholds.other_probability;
}

DataMapItem DataMap::row(size_t i) const {
    DataMapItem r;
    r.item = static_cast<uint32_t>(i);
    r.label = label[i];
    r.predicted = predicted[i];
    r.predicted_p = predicted_p[i];
    r.confidence = confidence[i];
    r.variability = variability[i];
    r.correctness = correctness[i];
    r.presentations = presentations[i];
    r.forgetting = forgetting[i];
    r.region = region(i);
    return r;
}

size_t DataMap::memory_bytes() const {
    return label.capacity() * sizeof(int32_t) + predicted.capacity() * sizeof(int32_t) +
           (predicted_p.capacity() + confidence.capacity() + variability.capacity() +
            correctness.capacity()) * sizeof(float) +
           (presentations.capacity() + forgetting.capacity()) * sizeof(uint32_t) + history.capacity();
}

namespace {

bool never_learned(const DataMap& m, size_t i) {
    return m.presentations[i] >= std::max<uint32_t>(1, m.thresholds.min_presentations) &&
           m.correctness[i] == 0.0f;
}

// The items that pass `keep`, best first by `before`, at most n.
template <typename Keep, typename Before>
std::vector<uint32_t> ranked(const DataMap& m, size_t n, Keep keep, Before before) {
    std::vector<uint32_t> out;
    for (size_t i = 0; i < m.items(); ++i)
        if (keep(i)) out.push_back(static_cast<uint32_t>(i));
    const size_t k = std::min(n, out.size());
    std::partial_sort(out.begin(), out.begin() + static_cast<long>(k), out.end(), before);
    out.resize(k);
    return out;
}

}  // namespace

std::vector<uint32_t> likely_mislabeled_items(const DataMap& m, size_t n) {
    // The network is surest of another class where it gives the label least.
    return ranked(m, n, [&](size_t i) { return m.likely_mislabeled(i); },
                  [&](uint32_t a, uint32_t b) {
                      return m.confidence[a] != m.confidence[b] ? m.confidence[a] < m.confidence[b]
                                                                : a < b;
                  });
}

std::vector<uint32_t> never_learned_items(const DataMap& m, size_t n) {
    return ranked(m, n, [&](size_t i) { return never_learned(m, i); },
                  [&](uint32_t a, uint32_t b) {
                      return m.confidence[a] != m.confidence[b] ? m.confidence[a] < m.confidence[b]
                                                                : a < b;
                  });
}

std::vector<uint32_t> most_forgotten_items(const DataMap& m, size_t n) {
    return ranked(m, n, [&](size_t i) { return m.forgetting[i] > 0; },
                  [&](uint32_t a, uint32_t b) {
                      if (m.forgetting[a] != m.forgetting[b]) return m.forgetting[a] > m.forgetting[b];
                      return m.confidence[a] != m.confidence[b] ? m.confidence[a] < m.confidence[b]
                                                                : a < b;
                  });
}

DataMapSummary summarize_data_map(const DataMap& m, size_t top) {
    DataMapSummary s;
    s.step = m.step;
    s.epoch = m.epoch;
    s.thresholds = m.thresholds;
    s.items = m.items();
    double conf = 0, var = 0;
    for (size_t i = 0; i < m.items(); ++i) {
        switch (m.region(i)) {
            case DataRegion::Unseen: continue;
            case DataRegion::Easy: ++s.easy; break;
            case DataRegion::Ambiguous: ++s.ambiguous; break;
            case DataRegion::Hard: ++s.hard; break;
        }
        ++s.seen;
        conf += m.confidence[i];
        var += m.variability[i];
        s.never_learned += never_learned(m, i);
        s.forgotten += m.forgetting[i] > 0;
        s.mislabeled += m.likely_mislabeled(i);
    }
    if (s.seen) {
        s.mean_confidence = static_cast<float>(conf / static_cast<double>(s.seen));
        s.mean_variability = static_cast<float>(var / static_cast<double>(s.seen));
    }
    const auto rows = [&](const std::vector<uint32_t>& items) {
        std::vector<DataMapItem> out;
        for (uint32_t i : items) out.push_back(m.row(i));
        return out;
    };
    s.never_learned_items = rows(never_learned_items(m, top));
    s.most_forgotten = rows(most_forgotten_items(m, top));
    s.likely_mislabeled = rows(likely_mislabeled_items(m, top));
    return s;
}

}  // namespace gs
