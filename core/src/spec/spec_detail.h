// Shared internals of the model-spec code (core's read.cpp and write.cpp, the
// engine's validate.cpp): text formatting for messages, the lists of fields
// and the names other libraries use, the allowed ranges of numbers, saturating size
// arithmetic, and Where, which adds issues for one place in a spec.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <limits>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "gradscope/names.h"
#include "gradscope/spec.h"

namespace gs::spec_detail {

using Json = nlohmann::ordered_json;

inline constexpr int64_t kMaxUnits = int64_t{1} << 24;

// ---- Text --------------------------------------------------------------------

std::string lower(std::string s);
std::string grouped(uint64_t v);  // 1234567 -> "1,234,567"
std::string grouped_signed(int64_t v);
// The shortest text that reads back as the same float.
std::string num(double v);
std::string bytes_str(uint64_t bytes);  // "1.5 MiB"
std::string dims_str(const Shape& s);   // "64x3x3", or "nothing"
std::string squote(const std::string& s);
// "a, b or c" (last joins the final two).
std::string join(const std::vector<std::string>& items, const char* last = " or ");
// The candidate closest to word when it is a likely typo, else "".
std::string closest(const std::string& word, const std::vector<std::string>& candidates);
// What a JSON value is, for "got ..." (never dumps a deep or long value).
std::string describe(const Json& v);
// A value on one line with a space after each ':' and ',', as in the presets.
std::string inline_json(const Json& v);

// ---- Tables ------------------------------------------------------------------

// The named things (layer kinds, losses, optimizers, schedules, initializers)
// are gradscope/names.h's tables; these are the spec's own lists of fields
// and the names other libraries use.

// Names other libraries use, for "did you mean".
const std::vector<std::pair<std::string, std::string>>& field_aliases();
const std::vector<std::pair<std::string, std::string>>& type_aliases();

extern const std::vector<std::string> kTopFields;
extern const std::vector<std::string> kOptimizerFields;
extern const std::vector<std::string> kScheduleFields;
extern const std::vector<std::string> kDataFields;

// The classroom's data fields (classes, points, features; data_fields.cpp):
// read from a "data" object into d, and written into its JSON (number writes
// a float in its shortest form).
void read_data_extras(const Json& data, DataSpec& d, std::vector<SpecIssue>& issues);
void write_data_extras(const DataSpec& d, Json& data, Json (*number)(float));

// The loss's canonical name, in any case ("BCE" -> "binary_cross_entropy"), or "".
std::string canonical_loss(const std::string& name);

// ---- Ranges ------------------------------------------------------------------

struct IntRange {
    int64_t lo, hi;
};
inline constexpr int64_t kIntMax = std::numeric_limits<int>::max();
inline constexpr int64_t kLongMax = std::numeric_limits<long>::max();
inline constexpr IntRange kUnitsRange{1, kMaxUnits};
inline constexpr IntRange kKernelRange{1, 64};
inline constexpr IntRange kStrideRange{1, 64};
inline constexpr IntRange kPaddingRange{0, 64};
inline constexpr IntRange kBatchRange{1, kMaxBatch};
inline constexpr IntRange kEpochsRange{1, kIntMax};
inline constexpr IntRange kSamplesRange{1, 10'000'000};
inline constexpr IntRange kLimitRange{0, kIntMax};
inline constexpr IntRange kCropRange{0, 64};
inline constexpr IntRange kImageSizeRange{1, 4096};
inline constexpr IntRange kStepsRange{1, kLongMax};
inline constexpr IntRange kWarmupRange{0, kLongMax};

std::string int_range_message(IntRange r, const std::string& got);

// [lo, hi], each end excluded when open.
struct FloatRange {
    double lo, hi;
    bool lo_open, hi_open;
};
inline constexpr double kInf = std::numeric_limits<double>::infinity();
inline constexpr FloatRange kPositive{0, kInf, true, false};
inline constexpr FloatRange kNonNegative{0, kInf, false, false};
inline constexpr FloatRange kUnitOpen{0, 1, false, true};     // [0, 1)
inline constexpr FloatRange kUnitClosed{0, 1, false, false};  // [0, 1]
inline constexpr FloatRange kGammaRange{0, 1, true, false};   // (0, 1]

// A problem with v, or "" when v lies in r.
std::string float_problem(double v, FloatRange r);

// Saturating arithmetic for sizes.
inline uint64_t sat_mul(uint64_t a, uint64_t b) {
    if (a && b > std::numeric_limits<uint64_t>::max() / a)
        return std::numeric_limits<uint64_t>::max();
    return a * b;
}
inline uint64_t sat_add(uint64_t a, uint64_t b) {
    return b > std::numeric_limits<uint64_t>::max() - a ? std::numeric_limits<uint64_t>::max()
                                                        : a + b;
}

inline Shape make_shape(std::initializer_list<int64_t> dims) {
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

}  // namespace gs::spec_detail
