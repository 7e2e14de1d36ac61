// Reading the run log's records for the views (docs/run-log.md): the
// histograms of a "layers" line, "confusion" and "datamap" lines. As for the
// other records, a field of the wrong JSON type makes the line garbage, and
// fields this version does not know are ignored.
#include "run_log_reader_views.h"

#include <algorithm>
#include <cstdint>

namespace gs::runlog {

namespace {

constexpr long kMaxClasses = 4096;  // a matrix of 16M cells at most

// Calls each(value) for every element of the array field `key` (absent: none).
template <typename Each>
void each_element(const Fields& f, std::string_view key, bool required, Each each) {
    const Value* arr = f.find(key);
    if (!arr) {
        if (required) throw BadLine{};
        return;
    }
    if (arr->type != VType::Array) throw BadLine{};
    Scanner s(arr->raw);
    s.eat('[');
    if (s.eat(']')) return;
    do {
        Value v;
        if (!s.value(v)) throw BadLine{};
        each(v);
    } while (s.eat(','));
    if (!s.eat(']')) throw BadLine{};
}

long non_negative(const Value& v) {
    if (v.type != VType::Number || !v.integer || v.inum < 0) throw BadLine{};
    return v.inum;
}

// The object a value holds, as fields (kept in `storage`).
Fields object_of(const Value& v, std::vector<Field>& storage) {
    if (v.type != VType::Object) throw BadLine{};
    Scanner s(v.raw);
    if (!s.object(storage)) throw BadLine{};
    return Fields(storage);
}

void parse_histogram(const Fields& layer, std::string_view key, LayerStats::Histogram& h) {
    const Value* v = layer.find(key);
    if (!v) return;
    std::vector<Field> inner;
    const Fields o = object_of(*v, inner);
    h.lo = static_cast<float>(o.number("lo", 0));
    h.hi = static_cast<float>(o.number("hi", 0));
    int b = 0;
    each_element(o, "counts", true, [&](const Value& c) {
        if (b >= LayerStats::kBins) throw BadLine{};
        h.counts[b++] = static_cast<uint32_t>(std::min<long>(non_negative(c), UINT32_MAX));
    });
    if (b != LayerStats::kBins) throw BadLine{};
}

DataRegion region_of(const std::string& id, const DataMapItem& r, const DataMapThresholds& t) {
    for (const DataRegionName& n : data_region_table())
        if (id == n.id) return n.kind;
    return data_region(r.confidence, r.variability, r.presentations, t);
}

std::vector<DataMapItem> data_map_items(const Fields& f, std::string_view key,
                                        const DataMapThresholds& t) {
    std::vector<DataMapItem> out;
    std::vector<Field> inner;
    each_element(f, key, false, [&](const Value& v) {
        const Fields o = object_of(v, inner);
        DataMapItem r;
        const long item = o.integer("item", true);
        if (item < 0 || item > static_cast<long>(UINT32_MAX)) throw BadLine{};
        r.item = static_cast<uint32_t>(item);
        r.label = static_cast<int>(o.integer("label", false, -1));
        r.predicted = static_cast<int>(o.integer("predicted", false, -1));
        r.predicted_p = static_cast<float>(o.number("predicted_p", 0));
        r.confidence = static_cast<float>(o.number("confidence", 0));
        r.variability = static_cast<float>(o.number("variability", 0));
        r.correctness = static_cast<float>(o.number("correctness", 0));
        r.presentations = static_cast<uint32_t>(std::clamp<long>(o.integer("presentations", false), 0, UINT32_MAX));
        r.forgetting = static_cast<uint32_t>(std::clamp<long>(o.integer("forgetting", false), 0, UINT32_MAX));
        r.region = region_of(o.string("region", false), r, t);
        out.push_back(r);
    });
    return out;
}

size_t count_field(const Fields& f, std::string_view key) {
    const long v = f.integer(key, false);
    if (v < 0) throw BadLine{};
    return static_cast<size_t>(v);
}

}  // namespace

void parse_layer_histograms(const Fields& layer, LayerStats& out) {
    parse_histogram(layer, "weights_hist", out.weights);
    parse_histogram(layer, "grads_hist", out.grads);
    parse_histogram(layer, "acts_hist", out.acts);
}

void parse_confusion(const Fields& f, ConfusionRecord& out) {
    out = ConfusionRecord{};
    out.step = f.integer("step", true);
    out.epoch = static_cast<int>(f.integer("epoch", false));
    out.split = f.string("split", false);
    const long classes = f.integer("classes", true);
    if (classes < 0 || classes > kMaxClasses) throw BadLine{};
    out.classes = static_cast<int>(classes);
    each_element(f, "class_names", false, [&](const Value& v) {
        if (v.type != VType::String) throw BadLine{};
        out.class_names.push_back(unescape(v.raw));
    });
    if (!out.class_names.empty() && out.class_names.size() != static_cast<size_t>(classes)) throw BadLine{};
    out.counts.reserve(static_cast<size_t>(classes * classes));
    each_element(f, "counts", true, [&](const Value& v) {
        if (out.counts.size() >= static_cast<size_t>(classes * classes)) throw BadLine{};
        out.counts.push_back(static_cast<uint32_t>(std::min<long>(non_negative(v), UINT32_MAX)));
    });
    if (out.counts.size() != static_cast<size_t>(classes * classes)) throw BadLine{};
    std::vector<Field> inner;
    each_element(f, "mistakes", false, [&](const Value& v) {
        const Fields o = object_of(v, inner);
        Snapshot::Mistake m;
        m.item = static_cast<int>(o.integer("item", true));
        m.label = static_cast<int>(o.integer("label", true));
        m.predicted = static_cast<int>(o.integer("predicted", true));
        m.confidence = static_cast<float>(o.number("confidence", 0));
        out.mistakes.push_back(m);
    });
}

void parse_data_map(const Fields& f, DataMapSummary& out) {
    out = DataMapSummary{};
    out.step = f.integer("step", true);
    out.epoch = static_cast<int>(f.integer("epoch", false));
    out.items = count_field(f, "items");
    out.seen = count_field(f, "seen");
    out.easy = count_field(f, "easy");
    out.ambiguous = count_field(f, "ambiguous");
    out.hard = count_field(f, "hard");
    out.never_learned = count_field(f, "never_learned");
    out.forgotten = count_field(f, "forgotten");
    out.mislabeled = count_field(f, "mislabeled");
    out.mean_confidence = static_cast<float>(f.number("mean_confidence", 0));
    out.mean_variability = static_cast<float>(f.number("mean_variability", 0));
    if (const Value* t = f.find("thresholds")) {
        std::vector<Field> inner;
        const Fields o = object_of(*t, inner);
        DataMapThresholds& th = out.thresholds;
        th.ambiguous_variability = static_cast<float>(o.number("ambiguous_variability", th.ambiguous_variability));
        th.easy_confidence = static_cast<float>(o.number("easy_confidence", th.easy_confidence));
        th.mislabeled_confidence = static_cast<float>(o.number("mislabeled_confidence", th.mislabeled_confidence));
        th.other_probability = static_cast<float>(o.number("other_probability", th.other_probability));
        th.min_presentations = static_cast<uint32_t>(
            std::clamp<long>(o.integer("min_presentations", false, th.min_presentations), 0, UINT32_MAX));
    }
    out.csv = f.string("csv", false);
    out.never_learned_items = data_map_items(f, "never_learned_items", out.thresholds);
    out.most_forgotten = data_map_items(f, "most_forgotten", out.thresholds);
    out.likely_mislabeled = data_map_items(f, "likely_mislabeled", out.thresholds);
}

}  // namespace gs::runlog
