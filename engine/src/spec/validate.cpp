// Validating a model spec (validate_spec): each layer's fields checked against
// their ranges, each layer's output shape and parameter count inferred with
// saturating 64-bit arithmetic (so a typo never overflows or allocates), the
// loss checked against the last layer, and the training settings checked.
// Also parse_spec and load_spec_file: the core library's reading, then this.
//
// spec/spec_detail.h (text helpers, ranges, Where) lives in core/src and is
// shared with the core's reading through the engine's PRIVATE include of
// core/src: one set of messages for reading and validating.
#include "gradscope/validate.h"
#include "gradscope/files.h"

#include "spec/spec_detail.h"

#include "gradscope/input_features.h"
#include "gradscope/names.h"

#include <algorithm>
#include <cmath>

namespace gs {

using namespace spec_detail;

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
    if ((t == "Dense" || t == "Conv2D") && !l.init.empty() && !find_initializer(l.init)) {
        const std::vector<std::string> inits = name_ids(initializer_table());
        std::string guess = closest(l.init, inits);
        w.add("init", "unknown initializer " + squote(l.init) +
                          (guess.empty() ? "; expected " + join(inits)
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
        const std::vector<std::string> losses = name_ids(loss_table());
        std::string guess = closest(spec.loss, losses);
        w.add("loss", "unknown loss " + squote(spec.loss) +
                          (guess.empty() ? "; expected " + join(losses)
                                         : "; did you mean " + squote(guess) + "?"));
        return;
    }
    if (!known || spec.layers.empty()) return;
    uint64_t n = 1;
    for (int i = 0; i < out.rank; ++i) n *= static_cast<uint64_t>(out[i]);  // within the item limit
    if (loss == id_of(LossKind::BinaryCrossEntropy)) {
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
    } else if (loss == id_of(LossKind::SoftmaxCrossEntropy) && (out.rank != 1 || out[0] < 2)) {
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

// The classroom's data fields: classes for the sets that take them, points
// for a drawn set, input features for 2-D sets, and an input as wide as the
// features.
void check_plane_data(const ModelSpec& s, std::vector<SpecIssue>& issues) {
    const DataSpec& data = s.data;
    Where d{&issues, -1, "", "data."};
    const std::string name = lower(data.name);
    const bool drawn = name == "points";
    if (data.classes != 0) {
        if (name == "gaussian" || name == "spiral") {
            d.check("classes", int64_t{data.classes}, IntRange{2, kMaxSetClasses});
        } else if (drawn) {
            if (d.check("classes", int64_t{data.classes}, IntRange{2, kMaxPointClasses}))
                for (size_t i = 0; i < data.points.size(); ++i)
                    if (data.points[i].label >= data.classes) {
                        d.add("classes", "point " + std::to_string(i + 1) + " has class " +
                                             std::to_string(data.points[i].label) + " but classes is " +
                                             std::to_string(data.classes) + " — raise classes to " +
                                             std::to_string(data.points[i].label + 1));
                        break;
                    }
        } else {
            d.add("classes", "only gaussian, spiral and points take a number of classes; " +
                                 squote(data.name) + " has its own — leave classes out");
        }
    }
    if (drawn && data.points.empty())
        d.add("points", "a drawn set needs points — draw some on the data plot, or give "
                        "\"points\": [[x, y, class], ...]");
    if (!drawn && !data.points.empty())
        d.add("points", "points are read for data \"points\" only, not " + squote(data.name) +
                            " — set \"name\": \"points\" or leave points out");
    if (data.features.empty()) return;
    if (!is_plane_dataset(name)) {
        d.add("features", "input features apply to the 2-D sets (" + join(plane_dataset_names()) +
                              "), not " + squote(data.name) + " — leave features out");
        return;
    }
    const size_t width = input_features_of(data).size();
    if (width == data.features.size() && s.input.rank >= 1 &&
        (s.input.rank != 1 || static_cast<size_t>(s.input[0]) != width)) {
        const std::string input =
            s.input.rank == 1 ? "[" + std::to_string(s.input[0]) + "]" : dims_str(s.input);
        Where{&issues}.add("input", "the data gives " + std::to_string(width) +
                                        " inputs per point (features " +
                                        join(data.features, " and ") + ") but input is " + input +
                                        " — set \"input\" to [" + std::to_string(width) + "]");
    }
}

void check_training(const ModelSpec& s, std::vector<SpecIssue>& issues) {
    Where top{&issues};
    Where o{&issues, -1, "", "optimizer."};
    const OptimizerSpec& p = s.optimizer;
    std::string type = lower(p.type);
    if (!find_optimizer(type)) {
        const std::vector<std::string> optimizers = name_ids(optimizer_table());
        std::string guess = closest(p.type, optimizers);
        o.add("type", "unknown optimizer " + squote(p.type) +
                          (guess.empty() ? "; expected " + join(optimizers)
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
    if (type == id_of(OptimizerKind::Sgd) && p.nesterov && p.momentum == 0.0f)
        o.add("nesterov",
              "Nesterov momentum needs a momentum above 0 — set optimizer.momentum, "
              "e.g. 0.9");

    Where sc{&issues, -1, "", "schedule."};
    const ScheduleSpec& q = s.schedule;
    std::string stype = lower(q.type);
    if (!find_schedule(stype)) {
        const std::vector<std::string> schedules = name_ids(schedule_table());
        std::string guess = closest(q.type, schedules);
        sc.add("type", "unknown schedule " + squote(q.type) +
                           (guess.empty() ? "; expected " + join(schedules)
                                          : "; did you mean " + squote(guess) + "?"));
    }
    sc.check("step_size", int64_t{q.step_size}, kStepsRange);
    sc.check("gamma", q.gamma, kGammaRange);
    sc.check("total_steps", int64_t{q.total_steps}, kStepsRange);
    sc.check("min_lr", q.min_lr, kNonNegative);
    sc.check("warmup_steps", int64_t{q.warmup_steps}, kWarmupRange);
    if (stype == id_of(ScheduleKind::Cosine) && std::isfinite(q.min_lr) && std::isfinite(p.lr) && q.min_lr > p.lr)
        sc.add("min_lr", num(q.min_lr) + " is above the learning rate " + num(p.lr) +
                             " — the cosine schedule goes from optimizer.lr down to min_lr");

    top.check("batch_size", int64_t{s.batch_size}, kBatchRange);
    top.check("epochs", int64_t{s.epochs}, kEpochsRange);

    Where d{&issues, -1, "", "data."};
    d.check("samples", int64_t{s.data.samples}, kSamplesRange);
    d.check("noise", s.data.noise, kNonNegative);
    d.check("test_fraction", s.data.test_fraction, kUnitOpen);
    d.check("validation_fraction", s.data.validation_fraction, kUnitOpen);
    d.check("limit", int64_t{s.data.limit}, kLimitRange);
    d.check("test_limit", int64_t{s.data.test_limit}, kLimitRange);
    d.check("augment_crop_padding", int64_t{s.data.augment_crop_padding}, kCropRange);
    d.check("image_size", int64_t{s.data.image_size}, kImageSizeRange);
    if (s.data.path.size() > kMaxPathBytes)
        d.add("path", "is " + grouped(s.data.path.size()) + " characters long; a path is at most " +
                          grouped(kMaxPathBytes));
    check_plane_data(s, issues);
}

}  // namespace

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
    if (spec.layers.size() > kMaxLayers)
        top.add("layers", "the model has " + grouped(spec.layers.size()) +
                              " layers; a model has at most " + grouped(kMaxLayers) +
                              " (docs/limits.md)");

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
                const std::vector<std::string> types = name_ids(layer_kind_table());
                std::string guess = closest(l.type, types);
                for (const auto& [alias, canonical] : type_aliases())
                    if (guess.empty() && lower(l.type) == alias) guess = canonical;
                w.add("type", "unknown layer type " + squote(l.type) +
                                  (guess.empty() ? "; expected " + join(types)
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

namespace {
std::vector<SpecIssue> validate_read(const ModelSpec& spec) { return validate_spec(spec); }
}  // namespace

SpecResult parse_spec(const std::string& json_text) {
    return read_spec_json(json_text, validate_read);
}

SpecResult load_spec_file(const std::string& path) {
    return read_spec_file(path, validate_read);
}

}  // namespace gs
