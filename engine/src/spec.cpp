// Model specs: reading one from JSON (every problem becomes an issue; nothing
// throws), validating it (each layer's shape and parameter count inferred with
// saturating 64-bit arithmetic, so a typo never overflows or allocates) and
// writing it back in the presets' layout: one key per line, one layer a line.
#include "gradscope/spec.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <exception>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <nlohmann/json.hpp>
#include <sstream>

namespace gs {
namespace {

using Json = nlohmann::ordered_json;

constexpr int64_t kMaxUnits = int64_t{1} << 24;
constexpr uint64_t kMaxSpecFileBytes = 16ull << 20;

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
    return "-" + grouped(0 - static_cast<uint64_t>(v));
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
    for (int i = 0; i < s.rank; ++i) out += (i ? "x" : "") + std::to_string(s[i]);
    return out.empty() ? "nothing" : out;
}

std::string squote(const std::string& s) {
    return "'" + s + "'";
}

std::string join(const std::vector<std::string>& items, const char* last = " or ") {
    std::string out;
    for (size_t i = 0; i < items.size(); ++i) {
        if (i) out += i + 1 == items.size() ? last : ", ";
        out += items[i];
    }
    return out;
}

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

// ---- Tables ------------------------------------------------------------------

struct LayerKind {
    const char* name;
    std::vector<std::string> fields;
};

const std::vector<LayerKind>& layer_kinds() {
    static const std::vector<LayerKind> kinds = {
        {"Dense", {"units", "init", "bias"}},
        {"Conv2D", {"filters", "kernel", "stride", "padding", "init", "bias"}},
        {"MaxPool2D", {"kernel", "stride", "padding"}},
        {"AvgPool2D", {"kernel", "stride", "padding"}},
        {"Flatten", {}},
        {"ReLU", {}},
        {"LeakyReLU", {"alpha"}},
        {"Sigmoid", {}},
        {"Tanh", {}},
        {"GELU", {}},
        {"Softmax", {}},
        {"Dropout", {"rate"}},
        {"BatchNorm", {"eps", "momentum"}},
    };
    return kinds;
}

const LayerKind* find_kind(const std::string& canonical) {
    for (const auto& k : layer_kinds())
        if (canonical == k.name) return &k;
    return nullptr;
}

std::vector<std::string> layer_type_names() {
    std::vector<std::string> names;
    for (const auto& k : layer_kinds()) names.push_back(k.name);
    return names;
}

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

const std::vector<std::string> kInits = {"he_uniform", "he_normal", "xavier_uniform",
                                         "xavier_normal", "zeros"};
const std::vector<std::string> kLosses = {"softmax_cross_entropy", "binary_cross_entropy", "mse"};
const std::vector<std::string> kOptimizers = {"sgd", "adam", "adamw", "rmsprop"};
const std::vector<std::string> kSchedules = {"constant", "step", "exponential", "cosine"};
const std::vector<std::string> kTopFields = {"name",   "description", "input",    "layers",
                                             "loss",   "optimizer",   "schedule", "batch_size",
                                             "epochs", "seed",        "data"};
const std::vector<std::string> kOptimizerFields = {
    "type",  "lr",  "momentum", "nesterov",     "beta1",
    "beta2", "eps", "alpha",    "weight_decay", "clip_norm"};
const std::vector<std::string> kScheduleFields = {"type",        "step_size", "gamma",
                                                  "total_steps", "min_lr",    "warmup_steps"};
const std::vector<std::string> kDataFields = {"name", "samples", "noise", "test_fraction", "seed"};

std::string canonical_loss(const std::string& name) {
    std::string l = lower(name);
    if (l == "cross_entropy") return "softmax_cross_entropy";
    if (l == "bce") return "binary_cross_entropy";
    for (const auto& k : kLosses)
        if (l == k) return k;
    return "";
}

// ---- Ranges ------------------------------------------------------------------

struct IntRange {
    int64_t lo, hi;
};
constexpr int64_t kIntMax = std::numeric_limits<int>::max();
constexpr int64_t kLongMax = std::numeric_limits<long>::max();
constexpr IntRange kUnitsRange{1, kMaxUnits};
constexpr IntRange kKernelRange{1, 64};
constexpr IntRange kStrideRange{1, 64};
constexpr IntRange kPaddingRange{0, 64};
constexpr IntRange kBatchRange{1, kMaxBatch};
constexpr IntRange kEpochsRange{1, kIntMax};
constexpr IntRange kSamplesRange{1, 10'000'000};
constexpr IntRange kStepsRange{1, kLongMax};
constexpr IntRange kWarmupRange{0, kLongMax};

std::string int_range_message(IntRange r, const std::string& got) {
    if (r.hi >= kIntMax) return "must be at least " + grouped_signed(r.lo) + ", got " + got;
    return "must be between " + grouped_signed(r.lo) + " and " + grouped_signed(r.hi) + ", got " +
           got;
}

// A problem with v, or "" when v lies in [lo, hi] (ends excluded when open).
struct FloatRange {
    double lo, hi;
    bool lo_open, hi_open;
};
constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr FloatRange kPositive{0, kInf, true, false};
constexpr FloatRange kNonNegative{0, kInf, false, false};
constexpr FloatRange kUnitOpen{0, 1, false, true};     // [0, 1)
constexpr FloatRange kUnitClosed{0, 1, false, false};  // [0, 1]
constexpr FloatRange kGammaRange{0, 1, true, false};   // (0, 1]

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

// Saturating arithmetic for sizes.
uint64_t sat_mul(uint64_t a, uint64_t b) {
    if (a && b > std::numeric_limits<uint64_t>::max() / a)
        return std::numeric_limits<uint64_t>::max();
    return a * b;
}
uint64_t sat_add(uint64_t a, uint64_t b) {
    return b > std::numeric_limits<uint64_t>::max() - a ? std::numeric_limits<uint64_t>::max()
                                                        : a + b;
}

Shape make_shape(std::initializer_list<int64_t> dims) {
    Shape s;
    s.rank = 0;
    for (int64_t v : dims) s[s.rank++] = static_cast<int>(v);
    return s;
}

// ---- Issues ------------------------------------------------------------------

// Adds issues for one place: the whole spec (layer -1), a layer, or a
// nested object whose fields are named with a prefix ("optimizer.").
struct Where {
    std::vector<SpecIssue>* out;
    int layer;
    std::string layer_type;
    std::string prefix;

    explicit Where(std::vector<SpecIssue>* o, int l = -1, std::string type = "",
                   std::string pre = "")
        : out(o), layer(l), layer_type(std::move(type)), prefix(std::move(pre)) {}
    void add(const std::string& field, const std::string& message) const {
        SpecIssue i;
        i.layer = layer;
        i.layer_type = layer_type;
        i.field = field.empty() ? field : prefix + field;
        i.message = message;
        out->push_back(std::move(i));
    }
    void check(const std::string& field, double v, FloatRange r) const {
        std::string p = float_problem(v, r);
        if (!p.empty()) add(field, p);
    }
    bool check(const std::string& field, int64_t v, IntRange r) const {
        if (v >= r.lo && v <= r.hi) return true;
        add(field, int_range_message(r, grouped_signed(v)));
        return false;
    }
};

// ---- Reading JSON ------------------------------------------------------------

std::string inline_json(const Json& v);

class Reader {
public:
    explicit Reader(Where w) : m_w(std::move(w)) {}

    // Each get_ leaves out alone when the key is absent or null, and reports
    // a value of the wrong JSON type. True when out was set.
    bool get(const Json& o, const char* key, std::string& out) const {
        const Json* v = find(o, key);
        if (!v) return false;
        if (!v->is_string()) return wrong(key, "a string", *v);
        out = v->get<std::string>();
        return true;
    }
    bool get(const Json& o, const char* key, bool& out) const {
        const Json* v = find(o, key);
        if (!v) return false;
        if (!v->is_boolean()) return wrong(key, "true or false", *v);
        out = v->get<bool>();
        return true;
    }
    bool get(const Json& o, const char* key, float& out) const {
        const Json* v = find(o, key);
        if (!v) return false;
        if (!v->is_number()) return wrong(key, "a number", *v);
        double d = v->get<double>();
        if (std::abs(d) > std::numeric_limits<float>::max()) {
            m_w.add(key, "is too large for a 32-bit float, got " + describe(*v));
            return false;
        }
        out = static_cast<float>(d);
        return true;
    }
    template <typename T>
    bool get_int(const Json& o, const char* key, T& out, IntRange r) const {
        const Json* v = find(o, key);
        if (!v) return false;
        int64_t i = 0;
        std::string got;
        if (!integer(*v, i, got)) return wrong(key, "an integer", *v);
        if (!got.empty() || i < static_cast<int64_t>(std::numeric_limits<T>::min()) ||
            i > static_cast<int64_t>(std::numeric_limits<T>::max())) {
            m_w.add(key, int_range_message(r, got.empty() ? grouped_signed(i) : got));
            return false;
        }
        out = static_cast<T>(i);
        return true;
    }
    bool get_seed(const Json& o, const char* key, uint64_t& out) const {
        const Json* v = find(o, key);
        if (!v) return false;
        if (v->is_number_unsigned()) {
            out = v->get<uint64_t>();
            return true;
        }
        int64_t i = 0;
        std::string got;
        if (!integer(*v, i, got) || !got.empty() || i < 0)
            return wrong(key, "a non-negative integer", *v);
        out = static_cast<uint64_t>(i);
        return true;
    }

    // Reports keys not in known, suggesting the closest known one.
    void unknown_fields(const Json& o, const std::vector<std::string>& known,
                        const std::string& owner = "") const {
        for (auto it = o.begin(); it != o.end(); ++it) {
            const std::string& k = it.key();
            if (std::find(known.begin(), known.end(), k) != known.end()) continue;
            m_w.add(k, unknown_field_message(k, known, owner));
        }
    }

private:
    const Json* find(const Json& o, const char* key) const {
        auto it = o.find(key);
        if (it == o.end() || it->is_null()) return nullptr;
        return &*it;
    }
    bool wrong(const char* key, const char* expected, const Json& v) const {
        m_w.add(key, std::string("expects ") + expected + ", got " + describe(v));
        return false;
    }
    // An integral JSON number as int64; got is set (to its text) when it
    // does not fit. False when it is not an integral number.
    static bool integer(const Json& v, int64_t& out, std::string& got) {
        if (v.is_number_unsigned()) {
            uint64_t u = v.get<uint64_t>();
            if (u > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))
                got = grouped(u);
            else
                out = static_cast<int64_t>(u);
            return true;
        }
        if (v.is_number_integer()) {
            out = v.get<int64_t>();
            return true;
        }
        if (!v.is_number_float()) return false;
        double d = v.get<double>();
        if (!std::isfinite(d) || std::floor(d) != d) return false;
        if (std::abs(d) >= 9.2e18) {
            char buf[32];
            std::snprintf(buf, sizeof buf, "%g", d);
            got = buf;
        } else {
            out = static_cast<int64_t>(d);
        }
        return true;
    }
    std::string unknown_field_message(const std::string& k, const std::vector<std::string>& known,
                                      const std::string& owner) const {
        std::string msg = "unknown field " + squote(k);
        std::string guess;
        for (const auto& [alias, field] : field_aliases())
            if (guess.empty() && lower(k) == alias &&
                std::find(known.begin(), known.end(), field) != known.end())
                guess = field;
        bool elsewhere = false;  // a field of another layer type
        for (const auto& kind : layer_kinds())
            for (const auto& f : kind.fields) elsewhere |= !owner.empty() && f == k;
        if (guess.empty() && !elsewhere) guess = closest(k, known);
        if (!guess.empty()) return msg + "; did you mean " + squote(guess) + "?";
        if (owner.empty()) return msg;
        if (lower(k) == "activation")
            return owner +
                   " has no activation field — add an activation layer after it, such "
                   "as {\"type\": \"ReLU\"}";
        std::vector<std::string> takes(known.begin() + 1, known.end());  // all but "type"
        if (takes.empty()) return owner + " takes no fields besides type; remove " + squote(k);
        return msg + "; " + owner + " takes " + join(takes, " and ");
    }

    Where m_w;
};

void read_layer(const Json& j, int index, LayerSpec& l, std::vector<SpecIssue>& issues) {
    Where w{&issues, index, "", ""};
    if (!j.is_object()) {
        w.add("", "expects an object such as {\"type\": \"ReLU\"}, got " + describe(j));
        return;
    }
    Reader(w).get(j, "type", l.type);
    std::string canonical = canonical_layer_type(l.type);
    if (canonical.empty()) return;  // validation reports the type; its fields mean nothing
    l.type = canonical;
    w.layer_type = canonical;
    Reader r(w);
    const LayerKind* kind = find_kind(canonical);
    std::vector<std::string> known = {"type"};
    known.insert(known.end(), kind->fields.begin(), kind->fields.end());
    r.unknown_fields(j, known, canonical);

    auto has = [&](const char* f) {
        return std::find(kind->fields.begin(), kind->fields.end(), f) != kind->fields.end();
    };
    bool pool = canonical == "MaxPool2D" || canonical == "AvgPool2D";
    if (has("units") && !r.get_int(j, "units", l.units, kUnitsRange) && !j.contains("units"))
        w.add("units", "missing — give the number of outputs, e.g. \"units\": 64");
    if (has("filters") && !r.get_int(j, "filters", l.filters, kUnitsRange) &&
        !j.contains("filters"))
        w.add("filters", "missing — give the number of output channels, e.g. \"filters\": 32");
    if (has("kernel")) {
        if (pool) l.kernel = 2;
        if (!r.get_int(j, "kernel", l.kernel, kKernelRange) && !pool && !j.contains("kernel"))
            w.add("kernel", "missing — give the kernel size, e.g. \"kernel\": 3");
        // In code 0 means "the default" (with_defaults); written out it is a mistake.
        else if (pool && j.contains("kernel") && l.kernel == 0)
            w.add("kernel", int_range_message(kKernelRange, "0"));
    }
    if (has("stride")) {
        l.stride = pool ? l.kernel : 1;
        if (r.get_int(j, "stride", l.stride, kStrideRange) && l.stride == 0)
            w.add("stride", int_range_message(kStrideRange, "0"));
    }
    if (has("padding")) r.get_int(j, "padding", l.padding, kPaddingRange);
    if (has("init")) {
        r.get(j, "init", l.init);
        l.init = lower(l.init);
    }
    if (has("bias")) r.get(j, "bias", l.bias);
    if (has("alpha")) r.get(j, "alpha", l.alpha);
    if (has("rate")) r.get(j, "rate", l.rate);
    if (has("eps")) r.get(j, "eps", l.eps);
    if (has("momentum")) r.get(j, "momentum", l.momentum);
}

// Where the next key of a nested object might have been meant to go.
std::string misplaced_hint(const std::string& key) {
    std::string k = lower(key);
    if (k == "learning_rate") return "optimizer.lr";
    for (const auto& [fields, owner] :
         {std::pair{&kOptimizerFields, "optimizer."}, std::pair{&kScheduleFields, "schedule."},
          std::pair{&kDataFields, "data."}}) {
        if (k != "type" && k != "name" && k != "seed" &&
            std::find(fields->begin(), fields->end(), k) != fields->end())
            return owner + k;
    }
    return "";
}

// A nested object, or a bare string taken as its "type" (or "name").
const Json* nested(const Json& top, const char* key, std::string& shorthand,
                   std::vector<SpecIssue>& issues) {
    auto it = top.find(key);
    if (it == top.end() || it->is_null()) return nullptr;
    if (it->is_string())
        shorthand = it->get<std::string>();
    else if (!it->is_object())
        Where{&issues}.add(key, "expects an object, got " + describe(*it));
    return it->is_object() ? &*it : nullptr;
}

void read_spec(const Json& top, ModelSpec& s, std::vector<SpecIssue>& issues) {
    Where w{&issues};
    Reader r(w);
    for (auto it = top.begin(); it != top.end(); ++it) {
        const std::string& k = it.key();
        if (std::find(kTopFields.begin(), kTopFields.end(), k) != kTopFields.end()) continue;
        std::string guess = closest(k, kTopFields);
        if (guess.empty()) guess = misplaced_hint(k);
        w.add(k, "unknown field " + squote(k) +
                     (guess.empty() ? "" : "; did you mean " + squote(guess) + "?"));
    }
    r.get(top, "name", s.name);
    r.get(top, "description", s.description);

    if (auto it = top.find("input"); it != top.end() && !it->is_null()) {
        const char* expect =
            "expects [features] or [channels, height, width] with positive integers, got ";
        std::vector<int64_t> dims;
        bool ok = true;
        if (it->is_array()) {
            for (const auto& v : *it) {
                if (!v.is_number_integer() || v.get<int64_t>() < 1 || v.get<int64_t>() > kIntMax) {
                    ok = false;
                    break;
                }
                dims.push_back(v.get<int64_t>());
            }
        } else if (it->is_number_integer() && it->get<int64_t>() >= 1 &&
                   it->get<int64_t>() <= kIntMax) {
            dims.push_back(it->get<int64_t>());
        } else {
            ok = false;
        }
        if (ok && (dims.size() == 1 || dims.size() == 3)) {
            s.input.rank = 0;
            for (int64_t d : dims) s.input[s.input.rank++] = static_cast<int>(d);
        } else {
            std::string got = describe(*it);
            if (it->is_array() && it->size() <= 8) got = inline_json(*it);
            w.add("input", expect + got);
        }
    }

    if (auto it = top.find("layers"); it != top.end() && !it->is_null()) {
        if (!it->is_array()) {
            w.add("layers", "expects an array of layers, got " + describe(*it));
        } else {
            s.layers.resize(it->size());
            for (size_t i = 0; i < it->size(); ++i)
                read_layer((*it)[i], static_cast<int>(i), s.layers[i], issues);
        }
    }
    // Dense and Conv2D without an init get the one that suits what follows.
    for (size_t i = 0; i < s.layers.size(); ++i) {
        LayerSpec& l = s.layers[i];
        if ((l.type != "Dense" && l.type != "Conv2D") || !l.init.empty()) continue;
        std::string next;
        for (size_t k = i + 1; k < s.layers.size() && next.empty(); ++k)
            if (s.layers[k].type != "BatchNorm" && s.layers[k].type != "Dropout")
                next = s.layers[k].type;
        bool rectifier = next == "ReLU" || next == "LeakyReLU" || next == "GELU";
        l.init = rectifier ? "he_uniform" : "xavier_uniform";
    }

    if (r.get(top, "loss", s.loss)) {
        std::string c = canonical_loss(s.loss);
        if (!c.empty()) s.loss = c;
    }

    std::string shorthand;
    const Json* o = nested(top, "optimizer", shorthand, issues);
    if (!shorthand.empty()) s.optimizer.type = shorthand;
    if (o) {
        Reader ro(Where{&issues, -1, "", "optimizer."});
        ro.unknown_fields(*o, kOptimizerFields);
        OptimizerSpec& p = s.optimizer;
        ro.get(*o, "type", p.type);
        ro.get(*o, "lr", p.lr);
        ro.get(*o, "momentum", p.momentum);
        ro.get(*o, "nesterov", p.nesterov);
        ro.get(*o, "beta1", p.beta1);
        ro.get(*o, "beta2", p.beta2);
        ro.get(*o, "eps", p.eps);
        ro.get(*o, "alpha", p.alpha);
        ro.get(*o, "weight_decay", p.weight_decay);
        ro.get(*o, "clip_norm", p.clip_norm);
    }
    s.optimizer.type = lower(s.optimizer.type);

    shorthand.clear();
    o = nested(top, "schedule", shorthand, issues);
    if (!shorthand.empty()) s.schedule.type = shorthand;
    if (o) {
        Reader rs(Where{&issues, -1, "", "schedule."});
        rs.unknown_fields(*o, kScheduleFields);
        ScheduleSpec& p = s.schedule;
        rs.get(*o, "type", p.type);
        rs.get_int(*o, "step_size", p.step_size, kStepsRange);
        rs.get(*o, "gamma", p.gamma);
        rs.get_int(*o, "total_steps", p.total_steps, kStepsRange);
        rs.get(*o, "min_lr", p.min_lr);
        rs.get_int(*o, "warmup_steps", p.warmup_steps, kWarmupRange);
    }
    s.schedule.type = lower(s.schedule.type);

    r.get_int(top, "batch_size", s.batch_size, kBatchRange);
    r.get_int(top, "epochs", s.epochs, kEpochsRange);
    r.get_seed(top, "seed", s.seed);

    shorthand.clear();
    o = nested(top, "data", shorthand, issues);
    if (!shorthand.empty()) s.data.name = shorthand;
    if (o) {
        Reader rd(Where{&issues, -1, "", "data."});
        rd.unknown_fields(*o, kDataFields);
        DataSpec& p = s.data;
        rd.get(*o, "name", p.name);
        rd.get_int(*o, "samples", p.samples, kSamplesRange);
        rd.get(*o, "noise", p.noise);
        rd.get(*o, "test_fraction", p.test_fraction);
        rd.get_seed(*o, "seed", p.seed);
    }
}

SpecResult parse_impl(const std::string& text, const std::string& source) {
    SpecResult res;
    try {
        Json top;
        try {
            top = Json::parse(text);
        } catch (const Json::parse_error& e) {
            std::string what = e.what();
            if (auto p = what.find("] "); what.rfind("[json.exception", 0) == 0 && p != what.npos)
                what = what.substr(p + 2);
            std::string in = source.empty() ? "" : " in " + squote(source);
            Where{&res.issues}.add("", "invalid JSON" + in + ": " + what);
            return res;
        }
        if (!top.is_object()) {
            Where{&res.issues}.add(
                "", "a model spec is a JSON object ({\"input\": ..., \"layers\": [...]}), got " +
                        describe(top));
            return res;
        }
        read_spec(top, res.spec, res.issues);
        // Validation adds what reading could not see; a field reading already
        // reported (or a layer it could not read) is not reported twice.
        std::vector<SpecIssue> more = validate_spec(res.spec);
        size_t read_count = res.issues.size();
        for (auto& v : more) {
            bool dup = false;
            for (size_t i = 0; i < read_count && !dup; ++i) {
                const SpecIssue& p = res.issues[i];
                dup =
                    p.layer == v.layer && (p.field == v.field || (v.layer >= 0 && p.field.empty()));
            }
            if (!dup) res.issues.push_back(std::move(v));
        }
        // Roughly the order of a spec file: top-level fields in their usual
        // order, each layer's issues in place, unknown top-level keys last.
        auto order = [](const SpecIssue& i) {
            auto at = [](const std::string& key) {
                auto it = std::find(kTopFields.begin(), kTopFields.end(), key);
                return static_cast<int>(it - kTopFields.begin()) + 1;  // unknown: last
            };
            if (i.layer >= 0) return std::pair{at("layers"), i.layer};
            if (i.field.empty()) return std::pair{0, 0};
            int sub = i.field == "layers" ? std::numeric_limits<int>::max() : 0;
            return std::pair{at(i.field.substr(0, i.field.find('.'))), sub};
        };
        std::stable_sort(
            res.issues.begin(), res.issues.end(),
            [&](const SpecIssue& a, const SpecIssue& b) { return order(a) < order(b); });
    } catch (const std::exception& e) {
        Where{&res.issues}.add("", std::string("could not read the spec: ") + e.what());
    } catch (...) {
        Where{&res.issues}.add("", "could not read the spec: unknown error");
    }
    return res;
}

// ---- Validation --------------------------------------------------------------

}  // namespace

LayerSpec with_defaults(const LayerSpec& layer) {
    LayerSpec l = layer;
    const std::string t = canonical_layer_type(l.type);
    const bool pool = t == "MaxPool2D" || t == "AvgPool2D";
    if (pool && l.kernel == 0) l.kernel = 2;
    if ((pool || t == "Conv2D") && l.stride == 0) l.stride = pool ? l.kernel : 1;
    return l;
}

namespace {

// The layer's fields that decide shapes; false if any is out of range.
bool check_layer_fields(const LayerSpec& l, const std::string& t, const Where& w) {
    bool ok = true;
    bool pool = t == "MaxPool2D" || t == "AvgPool2D";
    if (t == "Dense") ok &= w.check("units", int64_t{l.units}, kUnitsRange);
    if (t == "Conv2D") ok &= w.check("filters", int64_t{l.filters}, kUnitsRange);
    if (t == "Conv2D" || pool) {
        bool k = w.check("kernel", int64_t{l.kernel}, kKernelRange);
        ok &= k;
        ok &= w.check("stride", int64_t{l.stride}, kStrideRange);
        bool p = w.check("padding", int64_t{l.padding}, kPaddingRange);
        ok &= p;
        if (pool && k && p && 2 * l.padding > l.kernel) {
            w.add("padding", "padding " + std::to_string(l.padding) +
                                 " is more than half the kernel " + std::to_string(l.kernel) +
                                 " — use at most " + std::to_string(l.kernel / 2));
            ok = false;
        }
    }
    if ((t == "Dense" || t == "Conv2D") && !l.init.empty() &&
        std::find(kInits.begin(), kInits.end(), l.init) == kInits.end()) {
        std::string guess = closest(l.init, kInits);
        w.add("init", "unknown initializer " + squote(l.init) +
                          (guess.empty() ? "; expected " + join(kInits)
                                         : "; did you mean " + squote(guess) + "?"));
    }
    if (t == "LeakyReLU") w.check("alpha", l.alpha, kNonNegative);
    if (t == "Dropout") w.check("rate", l.rate, kUnitOpen);
    if (t == "BatchNorm") {
        w.check("eps", l.eps, kPositive);
        w.check("momentum", l.momentum, kUnitClosed);
    }
    return ok;
}

const char* const kFlatHint = " — insert Flatten before it";

// Infers the output of one layer from cur (replaced by it). False, with an
// issue, when the layer cannot take cur.
bool infer_layer(const LayerSpec& l, const std::string& t, bool first, Shape& cur, uint64_t& params,
                 const Where& w) {
    uint64_t bias = l.bias ? 1 : 0;
    if (t == "Dense" || t == "Softmax") {
        if (cur.rank != 1) {
            w.add("", "expects a flat input, got " + dims_str(cur) + kFlatHint);
            return false;
        }
        if (t == "Dense") {
            params = sat_add(sat_mul(static_cast<uint64_t>(cur[0]), static_cast<uint64_t>(l.units)),
                             bias * static_cast<uint64_t>(l.units));
            cur = make_shape({l.units});
        }
        return true;
    }
    if (t == "Conv2D" || t == "MaxPool2D" || t == "AvgPool2D") {
        if (cur.rank != 3) {
            w.add("", "expects an image input (channels x height x width), got " + dims_str(cur) +
                          (first ? " — give the input as [channels, height, width]"
                                 : " — " + t + " cannot follow Flatten or Dense"));
            return false;
        }
        int64_t ph = int64_t{cur[1]} + 2 * l.padding, pw = int64_t{cur[2]} + 2 * l.padding;
        if (ph < l.kernel || pw < l.kernel) {
            w.add("kernel", "kernel " + std::to_string(l.kernel) +
                                " is larger than the padded input " + std::to_string(ph) + "x" +
                                std::to_string(pw) + " — use a smaller kernel or more padding");
            return false;
        }
        int64_t oh = (ph - l.kernel) / l.stride + 1, ow = (pw - l.kernel) / l.stride + 1;
        int64_t c = t == "Conv2D" ? l.filters : cur[0];
        uint64_t n = sat_mul(sat_mul(static_cast<uint64_t>(c), static_cast<uint64_t>(oh)),
                             static_cast<uint64_t>(ow));
        if (n > kMaxItemActivations) {
            w.add("", "its output " + std::to_string(c) + "x" + std::to_string(oh) + "x" +
                          std::to_string(ow) + " would hold " + grouped(n) +
                          " values per item; the limit is " + grouped(kMaxItemActivations) +
                          " — use fewer filters or a larger stride");
            return false;
        }
        if (t == "Conv2D") {
            uint64_t k2 = static_cast<uint64_t>(l.kernel) * static_cast<uint64_t>(l.kernel);
            params = sat_add(
                sat_mul(sat_mul(static_cast<uint64_t>(c), static_cast<uint64_t>(cur[0])), k2),
                bias * static_cast<uint64_t>(c));
        }
        cur = make_shape({c, oh, ow});
        return true;
    }
    if (t == "Flatten") {
        if (cur.rank == 3) cur = make_shape({int64_t{cur[0]} * cur[1] * cur[2]});
        return true;
    }
    if (t == "BatchNorm") params = 2 * static_cast<uint64_t>(cur[0]);
    return true;  // activations and Dropout keep the shape
}

void check_loss(const ModelSpec& spec, bool known, const Shape& out, const Where& w) {
    std::string loss = canonical_loss(spec.loss);
    if (loss.empty()) {
        std::string guess = closest(spec.loss, kLosses);
        w.add("loss", "unknown loss " + squote(spec.loss) +
                          (guess.empty() ? "; expected " + join(kLosses)
                                         : "; did you mean " + squote(guess) + "?"));
        return;
    }
    if (!known || spec.layers.empty()) return;
    uint64_t n = 1;
    for (int i = 0; i < out.rank; ++i) n *= static_cast<uint64_t>(out[i]);  // within the item limit
    if (loss == "binary_cross_entropy") {
        bool sigmoid = canonical_layer_type(spec.layers.back().type) == "Sigmoid";
        if (sigmoid && n == 1) return;
        std::string msg = "binary cross-entropy expects a final Sigmoid layer with 1 output";
        if (n == 1)
            msg += " — add {\"type\": \"Sigmoid\"}";
        else if (sigmoid)
            msg += ", got " + dims_str(out) + " — give the last Dense layer 1 unit";
        else
            msg += ", got " + dims_str(out) +
                   " — end with a Dense layer of 1 unit and {\"type\": \"Sigmoid\"}";
        w.add("loss", msg);
    } else if (loss == "softmax_cross_entropy" && (out.rank != 1 || out[0] < 2)) {
        std::string msg =
            "softmax cross-entropy expects a flat output of at least 2 classes, got " +
            dims_str(out);
        if (out.rank != 1)
            msg += " — add Flatten and a Dense layer with one unit per class";
        else
            msg += " — for two classes use binary_cross_entropy with a final Sigmoid";
        w.add("loss", msg);
    }
}

void check_training(const ModelSpec& s, std::vector<SpecIssue>& issues) {
    Where top{&issues};
    Where o{&issues, -1, "", "optimizer."};
    const OptimizerSpec& p = s.optimizer;
    std::string type = lower(p.type);
    if (std::find(kOptimizers.begin(), kOptimizers.end(), type) == kOptimizers.end()) {
        std::string guess = closest(p.type, kOptimizers);
        o.add("type", "unknown optimizer " + squote(p.type) +
                          (guess.empty() ? "; expected " + join(kOptimizers)
                                         : "; did you mean " + squote(guess) + "?"));
    }
    o.check("lr", p.lr, kPositive);
    o.check("momentum", p.momentum, kUnitOpen);
    o.check("beta1", p.beta1, kUnitOpen);
    o.check("beta2", p.beta2, kUnitOpen);
    o.check("eps", p.eps, kPositive);
    o.check("alpha", p.alpha, kUnitOpen);
    o.check("weight_decay", p.weight_decay, kNonNegative);
    o.check("clip_norm", p.clip_norm, kNonNegative);
    if (type == "sgd" && p.nesterov && p.momentum == 0.0f)
        o.add("nesterov",
              "Nesterov momentum needs a momentum above 0 — set optimizer.momentum, "
              "e.g. 0.9");

    Where sc{&issues, -1, "", "schedule."};
    const ScheduleSpec& q = s.schedule;
    std::string stype = lower(q.type);
    if (std::find(kSchedules.begin(), kSchedules.end(), stype) == kSchedules.end()) {
        std::string guess = closest(q.type, kSchedules);
        sc.add("type", "unknown schedule " + squote(q.type) +
                           (guess.empty() ? "; expected " + join(kSchedules)
                                          : "; did you mean " + squote(guess) + "?"));
    }
    sc.check("step_size", int64_t{q.step_size}, kStepsRange);
    sc.check("gamma", q.gamma, kGammaRange);
    sc.check("total_steps", int64_t{q.total_steps}, kStepsRange);
    sc.check("min_lr", q.min_lr, kNonNegative);
    sc.check("warmup_steps", int64_t{q.warmup_steps}, kWarmupRange);
    if (stype == "cosine" && std::isfinite(q.min_lr) && std::isfinite(p.lr) && q.min_lr > p.lr)
        sc.add("min_lr", num(q.min_lr) + " is above the learning rate " + num(p.lr) +
                             " — the cosine schedule goes from optimizer.lr down to min_lr");

    top.check("batch_size", int64_t{s.batch_size}, kBatchRange);
    top.check("epochs", int64_t{s.epochs}, kEpochsRange);

    Where d{&issues, -1, "", "data."};
    d.check("samples", int64_t{s.data.samples}, kSamplesRange);
    d.check("noise", s.data.noise, kNonNegative);
    d.check("test_fraction", s.data.test_fraction, kUnitOpen);
}

// ---- Writing JSON ------------------------------------------------------------

// A float as the double with the same shortest text, so 0.1f is written 0.1.
Json jnum(float f) {
    if (!std::isfinite(f)) return nullptr;
    char buf[32];
    auto r = std::to_chars(buf, buf + sizeof buf, f);
    return std::strtod(std::string(buf, r.ptr).c_str(), nullptr);
}

Json layer_json(const LayerSpec& l) {
    Json j;
    j["type"] = l.type;
    const LayerKind* kind = find_kind(canonical_layer_type(l.type));
    if (!kind) return j;
    bool pool = l.type == "MaxPool2D" || l.type == "AvgPool2D";
    for (const auto& f : kind->fields) {
        if (f == "units") j[f] = l.units;
        if (f == "filters") j[f] = l.filters;
        if (f == "kernel") j[f] = l.kernel;
        if (f == "stride" && l.stride != (pool ? l.kernel : 1)) j[f] = l.stride;
        if (f == "padding" && l.padding != 0) j[f] = l.padding;
        if (f == "init" && !l.init.empty()) j[f] = l.init;
        if (f == "bias" && !l.bias) j[f] = false;
        if (f == "alpha") j[f] = jnum(l.alpha);
        if (f == "rate") j[f] = jnum(l.rate);
        if (f == "eps") j[f] = jnum(l.eps);
        if (f == "momentum") j[f] = jnum(l.momentum);
    }
    return j;
}

Json spec_json(const ModelSpec& s) {
    Json j;
    j["name"] = s.name;
    j["description"] = s.description;
    if (s.input.rank > 0) j["input"] = s.input.to_vector();
    j["layers"] = Json::array();
    for (const auto& l : s.layers) j["layers"].push_back(layer_json(l));
    j["loss"] = s.loss;

    const OptimizerSpec& p = s.optimizer;
    const OptimizerSpec dp;
    Json o;
    o["type"] = p.type;
    o["lr"] = jnum(p.lr);
    auto opt = [&](const char* k, float v, float def) {
        if (v != def) o[k] = jnum(v);
    };
    opt("momentum", p.momentum, dp.momentum);
    if (p.nesterov) o["nesterov"] = true;
    opt("beta1", p.beta1, dp.beta1);
    opt("beta2", p.beta2, dp.beta2);
    opt("eps", p.eps, dp.eps);
    opt("alpha", p.alpha, dp.alpha);
    opt("weight_decay", p.weight_decay, dp.weight_decay);
    opt("clip_norm", p.clip_norm, dp.clip_norm);
    j["optimizer"] = o;

    const ScheduleSpec& q = s.schedule;
    const ScheduleSpec dq;
    Json sc;
    sc["type"] = q.type;
    if (q.step_size != dq.step_size) sc["step_size"] = q.step_size;
    if (q.gamma != dq.gamma) sc["gamma"] = jnum(q.gamma);
    if (q.total_steps != dq.total_steps) sc["total_steps"] = q.total_steps;
    if (q.min_lr != dq.min_lr) sc["min_lr"] = jnum(q.min_lr);
    if (q.warmup_steps != dq.warmup_steps) sc["warmup_steps"] = q.warmup_steps;
    j["schedule"] = sc;

    j["batch_size"] = s.batch_size;
    j["epochs"] = s.epochs;
    j["seed"] = s.seed;
    j["data"] = {{"name", s.data.name},
                 {"samples", s.data.samples},
                 {"noise", jnum(s.data.noise)},
                 {"test_fraction", jnum(s.data.test_fraction)},
                 {"seed", s.data.seed}};
    return j;
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

}  // namespace

// ---- Public ------------------------------------------------------------------

std::string SpecIssue::str() const {
    std::string out;
    if (layer >= 0) {
        out = "layer " + std::to_string(layer + 1);
        if (!layer_type.empty()) out += " (" + layer_type + ")";
        out += ": ";
    }
    if (!field.empty()) out += field + ": ";
    return out + message;
}

std::string SpecResult::message() const {
    std::string out;
    for (size_t i = 0; i < issues.size(); ++i) out += (i ? "\n" : "") + issues[i].str();
    return out;
}

std::string canonical_layer_type(const std::string& name) {
    std::string l = lower(name);
    for (const auto& k : layer_kinds())
        if (l == lower(k.name)) return k.name;
    return "";
}

SpecResult parse_spec(const std::string& json_text) {
    return parse_impl(json_text, "");
}

SpecResult load_spec_file(const std::string& path) {
    SpecResult res;
    auto fail = [&](int err) {
        Where{&res.issues}.add("", "cannot read " + squote(path) + ": " + std::strerror(err));
        return res;
    };
    try {
        std::error_code ec;
        if (std::filesystem::is_directory(path, ec)) return fail(EISDIR);
        errno = 0;
        std::ifstream f(path, std::ios::binary);
        if (!f) return fail(errno ? errno : ENOENT);
        auto size = std::filesystem::file_size(path, ec);
        if (!ec && size > kMaxSpecFileBytes) {
            Where{&res.issues}.add("", squote(path) + " is " + bytes_str(size) +
                                           "; a model spec is at most " +
                                           bytes_str(kMaxSpecFileBytes));
            return res;
        }
        std::string text;
        char buf[65536];
        while (f.read(buf, sizeof buf) || f.gcount() > 0) {
            text.append(buf, static_cast<size_t>(f.gcount()));
            if (text.size() > kMaxSpecFileBytes) {
                Where{&res.issues}.add("", squote(path) + " is larger than a model spec can be (" +
                                               bytes_str(kMaxSpecFileBytes) + ")");
                return res;
            }
        }
        if (f.bad()) return fail(errno ? errno : EIO);
        return parse_impl(text, path);
    } catch (const std::exception& e) {
        Where{&res.issues}.add("", "cannot read " + squote(path) + ": " + e.what());
        return res;
    }
}

std::string spec_to_json(const ModelSpec& spec, int indent) {
    Json j = spec_json(spec);
    if (indent < 0) return j.dump(-1, ' ', false, Json::error_handler_t::replace);
    std::string pad(static_cast<size_t>(indent), ' '), out = "{\n";
    for (auto it = j.begin(); it != j.end(); ++it) {
        out += pad + Json(it.key()).dump() + ": ";
        if (it.key() == "layers" && !it->empty()) {
            out += "[\n";
            for (size_t i = 0; i < it->size(); ++i)
                out += pad + pad + inline_json((*it)[i]) + (i + 1 < it->size() ? ",\n" : "\n");
            out += pad + "]";
        } else {
            out += inline_json(it.value());
        }
        out += std::next(it) == j.end() ? "\n" : ",\n";
    }
    return out + "}\n";
}

std::vector<SpecIssue> validate_spec(const ModelSpec& spec, std::vector<LayerInfo>* info) {
    std::vector<SpecIssue> issues;
    if (info) info->assign(spec.layers.size(), LayerInfo{});
    Where top{&issues};

    // The input: [F] or [C, H, W] of positive sizes, within the item limit.
    bool known = false;
    Shape cur = spec.input;
    bool dims_ok = cur.rank == 1 || cur.rank == 3;
    for (int i = 0; dims_ok && i < cur.rank; ++i) dims_ok = cur[i] >= 1;
    if (cur.rank == 0) {
        top.add("input",
                "missing — give the shape of one item: [features] or [channels, height, "
                "width]");
    } else if (!dims_ok) {
        top.add("input",
                "expects [features] or [channels, height, width] with positive integers, "
                "got [" +
                    join(
                        [&] {
                            std::vector<std::string> v;
                            for (int i = 0; i < cur.rank; ++i) v.push_back(std::to_string(cur[i]));
                            return v;
                        }(),
                        ", ") +
                    "]");
    } else {
        uint64_t n = 1;
        for (int i = 0; i < cur.rank; ++i) n = sat_mul(n, static_cast<uint64_t>(cur[i]));
        if (n > kMaxItemActivations)
            top.add("input", "one item of " + dims_str(cur) + " holds " + grouped(n) +
                                 " values; the limit is " + grouped(kMaxItemActivations));
        else
            known = true;
    }

    if (spec.layers.empty())
        top.add("layers",
                "the model has no layers — add at least one, e.g. {\"type\": \"Dense\", "
                "\"units\": 10}");

    uint64_t total = 0, largest = 0;
    int largest_at = -1;
    for (size_t i = 0; i < spec.layers.size(); ++i) {
        const LayerSpec l = with_defaults(spec.layers[i]);
        std::string t = canonical_layer_type(l.type);
        Where w{&issues, static_cast<int>(i), t.empty() ? l.type : t, ""};
        if (t.empty()) {
            if (l.type.empty()) {
                w.add("type", "missing — every layer needs a type such as Dense, Conv2D or ReLU");
            } else {
                std::string guess = closest(l.type, layer_type_names());
                for (const auto& [alias, canonical] : type_aliases())
                    if (guess.empty() && lower(l.type) == alias) guess = canonical;
                w.add("type", "unknown layer type " + squote(l.type) +
                                  (guess.empty() ? "; expected " + join(layer_type_names())
                                                 : "; did you mean " + squote(guess) + "?"));
            }
            known = false;
            continue;
        }
        bool fields_ok = check_layer_fields(l, t, w);
        if (!known) continue;
        LayerInfo li;
        li.in = cur;
        uint64_t params = 0;
        known = fields_ok && infer_layer(l, t, i == 0, cur, params, w);
        if (!known) continue;
        li.out = cur;
        li.params = static_cast<size_t>(params);
        if (info) (*info)[i] = li;
        total = sat_add(total, params);
        if (params > largest) {
            largest = params;
            largest_at = static_cast<int>(i);
        }
    }
    if (total > kMaxParameters) {
        std::string big = canonical_layer_type(spec.layers[static_cast<size_t>(largest_at)].type);
        top.add("layers", "the model would have " + grouped(total) + " parameters (" +
                              bytes_str(sat_mul(total, sizeof(float))) + "); the limit is " +
                              grouped(kMaxParameters) + " (" +
                              bytes_str(kMaxParameters * sizeof(float)) + ") — layer " +
                              std::to_string(largest_at + 1) + " (" + big + ") alone has " +
                              grouped(largest) + "; use fewer units or filters");
    }
    check_loss(spec, known, cur, top);
    check_training(spec, issues);
    return issues;
}

}  // namespace gs
