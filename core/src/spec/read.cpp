// Reading a model spec from JSON text or a file (read_spec_json,
// read_spec_file). Every problem becomes an issue and nothing throws: a value
// of the wrong JSON type, an unknown field (with the closest known one, or the
// name another library uses), a file too large to be a spec. A check given by
// the caller (the engine's validation: parse_spec, load_spec_file) adds what
// reading cannot see, and the issues come back in roughly the order of a spec
// file.
#include "spec/spec_detail.h"

#include "gradscope/error.h"
#include "gradscope/files.h"
#include "gradscope/json.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <exception>
#include <limits>
#include <set>
#include <utility>

namespace gs {

using namespace spec_detail;

namespace {

constexpr uint64_t kMaxSpecFileBytes = 16ull << 20;

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
        for (const auto& kind : layer_kind_table())
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
    const LayerKindName* kind = find_layer_kind(canonical);
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
        rd.get(*o, "validation_fraction", p.validation_fraction);
        rd.get_seed(*o, "seed", p.seed);
        rd.get(*o, "path", p.path);
        rd.get_int(*o, "limit", p.limit, kLimitRange);
        rd.get_int(*o, "test_limit", p.test_limit, kLimitRange);
        rd.get(*o, "normalize", p.normalize);
        rd.get(*o, "augment_flip", p.augment_flip);
        rd.get_int(*o, "augment_crop_padding", p.augment_crop_padding, kCropRange);
        rd.get(*o, "label_column", p.label_column);
        rd.get_int(*o, "image_size", p.image_size, kImageSizeRange);
        rd.get(*o, "grayscale", p.grayscale);
        read_data_extras(*o, p, issues);
    }
}

SpecResult read_impl(const std::string& text, const std::string& source, SpecCheck check) {
    SpecResult res;
    try {
        // Depth-bounded; a syntax error or a number out of range names the
        // source, the line and the field.
        Json top;
        try {
            top = parse_json_bounded(text, source.empty() ? "the spec" : quoted_path(source));
        } catch (const Error& e) {
            Where{&res.issues}.add("", e.what());
            return res;
        }
        if (!top.is_object()) {
            Where{&res.issues}.add(
                "", "a model spec is a JSON object ({\"input\": ..., \"layers\": [...]}), got " +
                        describe(top));
            return res;
        }
        read_spec(top, res.spec, res.issues);
        // The check (validation) adds what reading could not see; a field
        // reading already reported (or a layer it could not read) is not
        // reported twice.
        // Looked up in sets, not by scanning: a spec of 200,000 broken layers
        // has as many issues on each side (it was quadratic).
        std::vector<SpecIssue> more;
        if (check) more = check(res.spec);
        std::set<std::pair<int, std::string>> read_fields;
        std::set<int> read_layers;  // layers reading reported as a whole
        for (const SpecIssue& p : res.issues) {
            read_fields.emplace(p.layer, p.field);
            if (p.field.empty()) read_layers.insert(p.layer);
        }
        for (auto& v : more) {
            const bool dup = read_fields.count({v.layer, v.field}) ||
                             (v.layer >= 0 && read_layers.count(v.layer));
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
        // A spec from a file: each issue names the file and the line of its
        // field (or of its layer, for a field that is missing).
        if (!source.empty() && !res.issues.empty()) {
            const auto lines = json_lines(text);
            for (SpecIssue& i : res.issues) {
                i.source = quoted_path(source);
                const std::string layer =
                    i.layer >= 0 ? "layers[" + std::to_string(i.layer) + "]" : "";
                const std::string field =
                    layer.empty() ? i.field : i.field.empty() ? layer : layer + "." + i.field;
                auto it = lines.find(field);
                if (it == lines.end() && !layer.empty()) it = lines.find(layer);
                if (it == lines.end() && i.field.find('.') != std::string::npos)
                    it = lines.find(i.field.substr(0, i.field.find('.')));  // its object
                if (it != lines.end()) i.line = static_cast<int>(it->second);
            }
        }
    } catch (const std::exception& e) {
        Where{&res.issues}.add("", std::string("could not read the spec: ") + e.what());
    } catch (...) {
        Where{&res.issues}.add("", "could not read the spec: unknown error");
    }
    return res;
}

}  // namespace

SpecResult read_spec_json(const std::string& json_text, SpecCheck check) {
    return read_impl(json_text, "", check);
}

SpecResult read_spec_file(const std::string& path, SpecCheck check) {
    SpecResult res;
    try {
        // A regular file of at most kMaxSpecFileBytes, refused before reading.
        const std::string text = read_file(path, kMaxSpecFileBytes, "a model spec");
        return read_impl(text, path, check);
    } catch (const std::exception& e) {
        Where{&res.issues}.add("", e.what());
        return res;
    }
}

}  // namespace gs
