// Writing a model spec as JSON (spec_to_json) in the presets' layout: one key
// per line, one layer a line, floats in their shortest form, and fields left
// at their defaults left out.
#include "spec/spec_detail.h"

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <iterator>

namespace gs {

using namespace spec_detail;

namespace {

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
    const LayerKindName* kind = find_layer_kind(canonical_layer_type(l.type));
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
        if (f == "momentum") j[f] = jnum(l.momentum);  // a field, not a name
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
    // The fields every spec shows, then the rest where they differ from the
    // defaults (a file's own fields stay out of a built-in set's spec).
    const DataSpec& d = s.data;
    const DataSpec dd;
    Json dj = {{"name", d.name},
               {"samples", d.samples},
               {"noise", jnum(d.noise)},
               {"test_fraction", jnum(d.test_fraction)},
               {"seed", d.seed}};
    if (d.path != dd.path) dj["path"] = d.path;
    if (d.validation_fraction != dd.validation_fraction)
        dj["validation_fraction"] = jnum(d.validation_fraction);
    if (d.limit != dd.limit) dj["limit"] = d.limit;
    if (d.test_limit != dd.test_limit) dj["test_limit"] = d.test_limit;
    if (d.normalize != dd.normalize) dj["normalize"] = d.normalize;
    if (d.augment_flip != dd.augment_flip) dj["augment_flip"] = d.augment_flip;
    if (d.augment_crop_padding != dd.augment_crop_padding)
        dj["augment_crop_padding"] = d.augment_crop_padding;
    if (d.label_column != dd.label_column) dj["label_column"] = d.label_column;
    if (d.image_size != dd.image_size) dj["image_size"] = d.image_size;
    if (d.grayscale != dd.grayscale) dj["grayscale"] = d.grayscale;
    write_data_extras(d, dj, jnum);
    j["data"] = dj;
    return j;
}

}  // namespace

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

}  // namespace gs
