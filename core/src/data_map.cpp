// The data map's analysis (gradscope/data_map.h): regions, lists, the summary
// and the CSV export. Everything here reads a published, immutable DataMap;
// the engine's accumulator (engine/src/session/data_map.cpp) fills it.
#include "gradscope/data_map.h"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <unistd.h>

#include "gradscope/error.h"

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

namespace {

void append_number(std::string& out, float v) {
    if (!std::isfinite(v)) {
        out += std::isnan(v) ? "nan" : v > 0 ? "inf" : "-inf";
        return;
    }
    char tmp[32];
    const auto r = std::to_chars(tmp, tmp + sizeof tmp, v);
    out.append(tmp, static_cast<size_t>(r.ptr - tmp));
}

void append_integer(std::string& out, long v) {
    char tmp[24];
    const auto r = std::to_chars(tmp, tmp + sizeof tmp, v);
    out.append(tmp, static_cast<size_t>(r.ptr - tmp));
}

}  // namespace

void write_data_map_csv(const DataMap& m, const std::string& path) {
    std::string text =
        "item,label,predicted,predicted_p,presentations,confidence,variability,correctness,"
        "forgetting,region,likely_mislabeled,history\n";
    text.reserve(text.size() + m.items() * 160);
    for (size_t i = 0; i < m.items(); ++i) {
        append_integer(text, static_cast<long>(i));
        text += ',';
        append_integer(text, m.label[i]);
        text += ',';
        append_integer(text, m.predicted[i]);
        text += ',';
        append_number(text, m.predicted_p[i]);
        text += ',';
        append_integer(text, m.presentations[i]);
        text += ',';
        append_number(text, m.confidence[i]);
        text += ',';
        append_number(text, m.variability[i]);
        text += ',';
        append_number(text, m.correctness[i]);
        text += ',';
        append_integer(text, m.forgetting[i]);
        text += ',';
        text += id_of(m.region(i));
        text += m.likely_mislabeled(i) ? ",1," : ",0,";
        // p(label) in whole percent, oldest first.
        for (size_t j = 0, n = m.history_length(i); j < n; ++j) {
            if (j) text += ' ';
            append_integer(text, std::lround(100.0f * m.history_p(i, j)));
        }
        text += '\n';
    }
    const std::string tmp = path + ".tmp-" + std::to_string(::getpid());
    std::FILE* f = std::fopen(tmp.c_str(), "wb");
    if (!f) throw Error("cannot write the data map '" + path + "': " + std::strerror(errno));
    const bool wrote = std::fwrite(text.data(), 1, text.size(), f) == text.size();
    const int err = errno;
    if (std::fclose(f) != 0 || !wrote) {
        std::remove(tmp.c_str());
        throw Error("cannot write the data map '" + path + "': " + std::strerror(wrote ? errno : err));
    }
    std::error_code ec;
    std::filesystem::rename(tmp, path, ec);
    if (ec) {
        std::remove(tmp.c_str());
        throw Error("cannot write the data map '" + path + "': " + ec.message());
    }
}

}  // namespace gs
