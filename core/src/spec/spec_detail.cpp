// The shared internals of the model-spec code declared in spec_detail.h (text
// formatting, the lists of fields and aliases, range messages), and the
// small public pieces built on them: SpecIssue::str, SpecResult::message,
// with_defaults and canonical_layer_type.
#include "spec/spec_detail.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>

namespace gs {
namespace spec_detail {

// ---- Text --------------------------------------------------------------------

std::string lower(std::string s) {
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

std::string grouped(uint64_t v) {
    std::string digits = std::to_string(v), out;
    for (size_t i = 0; i < digits.size(); ++i) {
        if (i && (digits.size() - i) % 3 == 0) out += ',';
        out += digits[i];
    }
    return out;
}

std::string grouped_signed(int64_t v) {
    if (v >= 0) return grouped(static_cast<uint64_t>(v));
    std::string out = "-";  // appended: "-" + grouped(...) trips GCC 12's -Wrestrict here
    out += grouped(0 - static_cast<uint64_t>(v));
    return out;
}

// The shortest text that reads back as the same float.
std::string num(double v) {
    if (std::isnan(v)) return "nan";
    if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
    char buf[64];
    auto r = std::to_chars(buf, buf + sizeof buf, static_cast<float>(v));
    if (r.ec != std::errc() || !std::isfinite(static_cast<float>(v))) {
        r = std::to_chars(buf, buf + sizeof buf, v);
    }
    return std::string(buf, r.ptr);
}

std::string bytes_str(uint64_t bytes) {
    const char* units[] = {"bytes", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
    if (bytes < 1024) return std::to_string(bytes) + " bytes";
    double v = static_cast<double>(bytes);
    int u = 0;
    while (v >= 1024.0 && u < 6) {
        v /= 1024.0;
        ++u;
    }
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f %s", v, units[u]);
    return buf;
}

std::string dims_str(const Shape& s) {
    std::string out;
    for (int i = 0; i < s.rank; ++i) {
        if (i) out += 'x';
        out += std::to_string(s[i]);
    }
    return out.empty() ? "nothing" : out;
}

std::string squote(const std::string& s) {
    return "'" + s + "'";
}

std::string join(const std::vector<std::string>& items, const char* last) {
    std::string out;
    for (size_t i = 0; i < items.size(); ++i) {
        if (i) out += i + 1 == items.size() ? last : ", ";
        out += items[i];
    }
    return out;
}

namespace {

size_t edit_distance(const std::string& a, const std::string& b) {
    std::vector<size_t> row(b.size() + 1);
    for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
    for (size_t i = 1; i <= a.size(); ++i) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= b.size(); ++j) {
            size_t up = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
            diag = up;
        }
    }
    return row[b.size()];
}

}  // namespace

// The candidate closest to word when it is a likely typo, else "".
std::string closest(const std::string& word, const std::vector<std::string>& candidates) {
    if (word.size() > 64) return "";
    std::string w = lower(word), best;
    size_t best_d = w.size() <= 5 ? 1 : 2;
    for (const auto& c : candidates) {
        size_t d = edit_distance(w, lower(c));
        if (d <= best_d && (best.empty() || d < best_d)) {
            best = c;
            best_d = d;
        }
    }
    return best;
}

// What a JSON value is, for "got ..." (never dumps a deep or long value).
std::string describe(const Json& v) {
    if (v.is_object()) return "an object";
    if (v.is_array()) return v.empty() ? "an empty array" : "an array";
    std::string s = v.dump(-1, ' ', false, Json::error_handler_t::replace);
    return s.size() > 40 ? s.substr(0, 37) + "..." : s;
}

// A value on one line with a space after each ':' and ',', as in the presets.
std::string inline_json(const Json& v) {
    if (v.is_object()) {
        std::string out = "{";
        for (auto it = v.begin(); it != v.end(); ++it)
            out += (it == v.begin() ? "" : ", ") + Json(it.key()).dump() + ": " +
                   inline_json(it.value());
        return out + "}";
    }
    if (v.is_array()) {
        std::string out = "[";
        for (size_t i = 0; i < v.size(); ++i) out += (i ? ", " : "") + inline_json(v[i]);
        return out + "]";
    }
    return v.dump(-1, ' ', false, Json::error_handler_t::replace);
}

// ---- Tables ------------------------------------------------------------------

// Names other libraries use, for "did you mean".
const std::vector<std::pair<std::string, std::string>>& field_aliases() {
    static const std::vector<std::pair<std::string, std::string>> a = {
        {"kernel_size", "kernel"},
        {"pool_size", "kernel"},
        {"strides", "stride"},
        {"out_features", "units"},
        {"out_channels", "filters"},
        {"use_bias", "bias"},
        {"p", "rate"},
        {"negative_slope", "alpha"},
        {"epsilon", "eps"},
        {"initializer", "init"},
        {"kernel_initializer", "init"},
    };
    return a;
}

const std::vector<std::pair<std::string, std::string>>& type_aliases() {
    static const std::vector<std::pair<std::string, std::string>> a = {
        {"linear", "Dense"},
        {"fc", "Dense"},
        {"conv", "Conv2D"},
        {"maxpool", "MaxPool2D"},
        {"avgpool", "AvgPool2D"},
        {"maxpooling2d", "MaxPool2D"},
        {"averagepooling2d", "AvgPool2D"},
        {"batchnormalization", "BatchNorm"},
        {"batchnorm1d", "BatchNorm"},
        {"batchnorm2d", "BatchNorm"},
        {"logistic", "Sigmoid"},
    };
    return a;
}

const std::vector<std::string> kTopFields = {"name",   "description", "input",    "layers",
                                             "loss",   "optimizer",   "schedule", "batch_size",
                                             "epochs", "seed",        "data"};
const std::vector<std::string> kOptimizerFields = {
    "type",  "lr",  "momentum", "nesterov",     "beta1",
    "beta2", "eps", "alpha",    "weight_decay", "clip_norm"};
const std::vector<std::string> kScheduleFields = {"type",        "step_size", "gamma",
                                                  "total_steps", "min_lr",    "warmup_steps"};
const std::vector<std::string> kDataFields = {
    "name",          "path",         "samples",      "noise",
    "test_fraction", "validation_fraction", "seed",  "limit",
    "test_limit",    "normalize",    "augment_flip", "augment_crop_padding",
    "label_column",  "image_size",   "grayscale",    "classes",
    "points",        "features"};

std::string canonical_loss(const std::string& name) {
    const LossName* loss = find_loss(lower(name));
    return loss ? loss->id : "";
}

// ---- Ranges ------------------------------------------------------------------

std::string int_range_message(IntRange r, const std::string& got) {
    if (r.hi >= kIntMax) return "must be at least " + grouped_signed(r.lo) + ", got " + got;
    return "must be between " + grouped_signed(r.lo) + " and " + grouped_signed(r.hi) + ", got " +
           got;
}

std::string float_problem(double v, FloatRange r) {
    if (!std::isfinite(v)) return "must be a finite number, got " + num(v);
    bool ok = (r.lo_open ? v > r.lo : v >= r.lo) && (r.hi_open ? v < r.hi : v <= r.hi);
    if (ok) return "";
    std::string lo = (r.lo_open ? "above " : "at least ") + num(r.lo);
    std::string msg;
    if (std::isinf(r.hi))
        msg = "must be " + lo;
    else if (!r.lo_open && !r.hi_open)
        msg = "must be between " + num(r.lo) + " and " + num(r.hi);
    else
        msg = "must be " + lo + " and " + (r.hi_open ? "below " : "at most ") + num(r.hi);
    return msg + ", got " + num(v);
}

}  // namespace spec_detail

// ---- Public ------------------------------------------------------------------

using namespace spec_detail;

std::string SpecIssue::str() const {
    std::string out;
    if (!source.empty()) out = source + (line > 0 ? ", line " + std::to_string(line) : "") + ": ";
    if (layer >= 0) {
        out += "layer " + std::to_string(layer + 1);
        if (!layer_type.empty()) out += " (" + layer_type + ")";
        out += ": ";
    }
    if (!field.empty()) out += field + ": ";
    return out + message;
}

std::string SpecResult::message() const {
    std::string out;
    for (size_t i = 0; i < issues.size(); ++i) {
        if (i) out += '\n';
        out += issues[i].str();
    }
    return out;
}

LayerSpec with_defaults(const LayerSpec& layer) {
    LayerSpec l = layer;
    const std::string t = canonical_layer_type(l.type);
    const bool pool = t == "MaxPool2D" || t == "AvgPool2D";
    if (pool && l.kernel == 0) l.kernel = 2;
    if ((pool || t == "Conv2D") && l.stride == 0) l.stride = pool ? l.kernel : 1;
    return l;
}

std::string canonical_layer_type(const std::string& name) {
    std::string l = lower(name);
    for (const auto& k : layer_kind_table())
        if (l == lower(k.id)) return k.id;
    return "";
}

}  // namespace gs
