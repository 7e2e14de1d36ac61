// The run log's records for the views (docs/run-log.md): the histograms a
// "layers" line may carry, the "confusion" and "datamap" lines, and
// datamap.csv. They come once an epoch (histograms: once a second at most),
// so they are built as strings; numbers are the shortest text that reads
// back as the same float, strings are escaped by nlohmann_json.
#include <charconv>
#include <cmath>
#include <filesystem>

#include <nlohmann/json.hpp>

#include "gradscope/run_log.h"
#include "run_log_views.h"

namespace gs {

namespace {

void append_int(std::string& out, long v) {
    char tmp[24];
    const auto r = std::to_chars(tmp, tmp + sizeof tmp, v);
    out.append(tmp, static_cast<size_t>(r.ptr - tmp));
}

// `,"key":` (no comma right after an opening brace).
void key(std::string& out, const char* k) {
    if (out.back() != '{' && out.back() != '[') out += ',';
    out += '"';
    out += k;
    out += "\":";
}

// A float field: the shortest round-trip text, or null with its
// key_nonfinite companion (the format's rule for non-finite values).
void number(std::string& out, const char* k, float v) {
    key(out, k);
    if (std::isfinite(v)) {
        char tmp[32];
        const auto r = std::to_chars(tmp, tmp + sizeof tmp, v);
        out.append(tmp, static_cast<size_t>(r.ptr - tmp));
        return;
    }
    out += "null";
    key(out, (std::string(k) + "_nonfinite").c_str());
    out += std::isnan(v) ? "\"nan\"" : v > 0 ? "\"inf\"" : "\"-inf\"";
}

void integer(std::string& out, const char* k, long v) {
    key(out, k);
    append_int(out, v);
}

void text(std::string& out, const char* k, const std::string& v) {
    key(out, k);
    out += nlohmann::json(v).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

void histogram(std::string& out, const char* k, const LayerStats::Histogram& h) {
    if (!(h.hi > h.lo)) return;  // not taken
    key(out, k);
    out += '{';
    number(out, "lo", h.lo);
    number(out, "hi", h.hi);
    key(out, "counts");
    out += '[';
    for (int b = 0; b < LayerStats::kBins; ++b) {
        if (b) out += ',';
        append_int(out, static_cast<long>(h.counts[b]));
    }
    out += "]}";
}

void data_map_items(std::string& out, const char* k, const std::vector<DataMapItem>& items) {
    key(out, k);
    out += '[';
    for (size_t i = 0; i < items.size(); ++i) {
        const DataMapItem& r = items[i];
        if (i) out += ',';
        out += '{';
        integer(out, "item", static_cast<long>(r.item));
        integer(out, "label", r.label);
        integer(out, "predicted", r.predicted);
        number(out, "predicted_p", r.predicted_p);
        number(out, "confidence", r.confidence);
        number(out, "variability", r.variability);
        number(out, "correctness", r.correctness);
        integer(out, "presentations", static_cast<long>(r.presentations));
        integer(out, "forgetting", static_cast<long>(r.forgetting));
        text(out, "region", id_of(r.region));
        out += '}';
    }
    out += ']';
}

}  // namespace

void append_layer_histograms(std::string& out, const LayerStats& l) {
    if (l.has_weights) {
        histogram(out, "weights_hist", l.weights);
        histogram(out, "grads_hist", l.grads);
    }
    histogram(out, "acts_hist", l.acts);
}

void RunLog::write(const ConfusionRecord& r) {
    flush_merged();
    flush_layers();
    std::string s = "{";
    text(s, "type", "confusion");
    integer(s, "step", r.step);
    integer(s, "epoch", r.epoch);
    text(s, "split", r.split);
    integer(s, "classes", r.classes);
    if (!r.class_names.empty()) {
        key(s, "class_names");
        s += nlohmann::json(r.class_names).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    }
    key(s, "counts");
    s += '[';
    for (size_t i = 0; i < r.counts.size(); ++i) {
        if (i) s += ',';
        append_int(s, static_cast<long>(r.counts[i]));
    }
    s += ']';
    key(s, "mistakes");
    s += '[';
    for (size_t i = 0; i < r.mistakes.size(); ++i) {
        const Snapshot::Mistake& m = r.mistakes[i];
        if (i) s += ',';
        s += '{';
        integer(s, "item", m.item);
        integer(s, "label", m.label);
        integer(s, "predicted", m.predicted);
        number(s, "confidence", m.confidence);
        s += '}';
    }
    s += "]}\n";
    line(s);
    flush();
}

void RunLog::write(const DataMapSummary& d) {
    flush_merged();
    flush_layers();
    std::string s = "{";
    text(s, "type", "datamap");
    integer(s, "step", d.step);
    integer(s, "epoch", d.epoch);
    integer(s, "items", static_cast<long>(d.items));
    integer(s, "seen", static_cast<long>(d.seen));
    integer(s, "easy", static_cast<long>(d.easy));
    integer(s, "ambiguous", static_cast<long>(d.ambiguous));
    integer(s, "hard", static_cast<long>(d.hard));
    integer(s, "never_learned", static_cast<long>(d.never_learned));
    integer(s, "forgotten", static_cast<long>(d.forgotten));
    integer(s, "mislabeled", static_cast<long>(d.mislabeled));
    number(s, "mean_confidence", d.mean_confidence);
    number(s, "mean_variability", d.mean_variability);
    key(s, "thresholds");
    s += '{';
    number(s, "ambiguous_variability", d.thresholds.ambiguous_variability);
    number(s, "easy_confidence", d.thresholds.easy_confidence);
    number(s, "mislabeled_confidence", d.thresholds.mislabeled_confidence);
    number(s, "other_probability", d.thresholds.other_probability);
    integer(s, "min_presentations", static_cast<long>(d.thresholds.min_presentations));
    s += '}';
    if (!d.csv.empty()) text(s, "csv", d.csv);
    data_map_items(s, "never_learned_items", d.never_learned_items);
    data_map_items(s, "most_forgotten", d.most_forgotten);
    data_map_items(s, "likely_mislabeled", d.likely_mislabeled);
    s += "}\n";
    line(s);
    flush();
}

std::string RunLog::write_data_map_csv(const DataMap& map) {
    const char* name = "datamap.csv";
    gs::write_data_map_csv(map, (std::filesystem::path(m_dir) / name).string());
    return name;
}

}  // namespace gs
