// The confusion record's small analysis (gradscope/confusion.h).
#include "gradscope/confusion.h"

#include <algorithm>

namespace gs {

ConfusionRecord confusion_from_snapshot(const Snapshot& s, int epoch, std::string split,
                                        std::vector<std::string> class_names) {
    ConfusionRecord r;
    r.step = s.confusion_step;
    r.epoch = epoch;
    r.split = std::move(split);
    r.classes = s.classes;
    if (class_names.size() == static_cast<size_t>(std::max(0, s.classes)))
        r.class_names = std::move(class_names);
    r.counts = s.confusion;
    r.mistakes = s.mistakes;
    return r;
}

std::string class_label(const ConfusionRecord& r, int c) {
    if (c >= 0 && static_cast<size_t>(c) < r.class_names.size() && !r.class_names[static_cast<size_t>(c)].empty())
        return r.class_names[static_cast<size_t>(c)];
    return std::to_string(c);
}

uint32_t confusion_count(const ConfusionRecord& r, int truth, int predicted) {
    if (truth < 0 || predicted < 0 || truth >= r.classes || predicted >= r.classes) return 0;
    const size_t i = static_cast<size_t>(truth) * static_cast<size_t>(r.classes) + static_cast<size_t>(predicted);
    return i < r.counts.size() ? r.counts[i] : 0;
}

uint64_t class_total(const ConfusionRecord& r, int truth) {
    uint64_t n = 0;
    for (int p = 0; p < r.classes; ++p) n += confusion_count(r, truth, p);
    return n;
}

float confusion_rate(const ConfusionRecord& r, int truth, int predicted) {
    const uint64_t total = class_total(r, truth);
    return total ? static_cast<float>(confusion_count(r, truth, predicted)) / static_cast<float>(total) : 0.0f;
}

double confusion_accuracy(const ConfusionRecord& r) {
    uint64_t all = 0, right = 0;
    for (int t = 0; t < r.classes; ++t) {
        all += class_total(r, t);
        right += confusion_count(r, t, t);
    }
    return all ? static_cast<double>(right) / static_cast<double>(all) : -1.0;
}

std::vector<ConfusedPair> most_confused_pairs(const ConfusionRecord& r, size_t n) {
    std::vector<ConfusedPair> out;
    for (int t = 0; t < r.classes; ++t)
        for (int p = 0; p < r.classes; ++p)
            if (t != p && confusion_count(r, t, p) > 0)
                out.push_back({t, p, confusion_count(r, t, p), confusion_rate(r, t, p)});
    std::stable_sort(out.begin(), out.end(),
                     [](const ConfusedPair& a, const ConfusedPair& b) { return a.count > b.count; });
    if (out.size() > n) out.resize(n);
    return out;
}

}  // namespace gs
