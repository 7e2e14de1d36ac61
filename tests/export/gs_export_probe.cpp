// gs_export_probe: what the Python tests compare against, from the project's
// own C++ code.
//   gs_export_probe log RUN.jsonl
//       reads a run log with read_run_log (gradscope/run_log.h) and prints
//       what it holds as one JSON object (steps, epochs, events, layers,
//       garbage lines), so a test can check records written by Python.
//   gs_export_probe data SPEC OUT.safetensors [BATCHES]
//       prepares a spec's data as a Trainer does and writes every split
//       (preprocessed as for evaluation), the normalization, and the first
//       BATCHES training batches exactly as the training loader assembles
//       them (shuffled order, augmentation, fused normalization).
#include <cmath>
#include <cstdio>
#include <iostream>
#include <numeric>
#include <string>

#include <nlohmann/json.hpp>

#include "gradscope/data_pipeline.h"
#include "gradscope/error.h"
#include "gradscope/io.h"
#include "gradscope/presets.h"
#include "gradscope/rng.h"
#include "gradscope/run_log.h"

namespace {

using gs::Shape;
using Json = nlohmann::ordered_json;

Json number(double v) { return std::isfinite(v) ? Json(v) : Json(std::isnan(v) ? "nan" : v > 0 ? "inf" : "-inf"); }

int print_log(const std::string& path) {
    const gs::RunLogContents c = gs::read_run_log(path);
    Json j;
    j["backend"] = c.backend;
    j["spec"] = c.spec_json.empty() ? Json() : Json::parse(c.spec_json);
    j["garbage_lines"] = c.garbage_lines;
    j["partial_last_line"] = c.partial_last_line;
    Json steps = Json::array();
    for (size_t i = 0; i < c.steps.size(); ++i) {
        const gs::StepRecord& s = c.steps[i];
        steps.push_back({{"step", s.step}, {"epoch", s.epoch}, {"loss", number(s.loss)},
                         {"accuracy", number(s.accuracy)}, {"lr", number(s.lr)},
                         {"step_ms", number(s.step_ms)}, {"samples_per_s", number(s.samples_per_s)},
                         {"merged", c.merged[i]}});
    }
    j["steps"] = steps;
    Json epochs = Json::array();
    for (const auto& e : c.epochs)
        epochs.push_back({{"epoch", e.epoch}, {"step", e.step}, {"seconds", number(e.seconds)},
                          {"train_loss", number(e.train_loss)},
                          {"train_accuracy", number(e.train_accuracy)},
                          {"has_validation", e.has_validation}, {"val_loss", number(e.val_loss)},
                          {"val_accuracy", number(e.val_accuracy)}});
    j["epochs"] = epochs;
    Json events = Json::array();
    for (const auto& e : c.events)
        events.push_back({{"step", e.step}, {"kind", e.kind}, {"name", e.name},
                          {"value", number(e.value)}, {"text", e.text}});
    j["events"] = events;
    Json layers = Json::array();
    for (const auto& l : c.layers)
        layers.push_back({{"step", l.step}, {"layer", l.layer}, {"has_weights", l.has_weights},
                          {"weight_norm", number(l.weight_norm)}, {"grad_norm", number(l.grad_norm)},
                          {"grad_mean_abs", number(l.grad_mean_abs)},
                          {"grad_max_abs", number(l.grad_max_abs)},
                          {"update_ratio", number(l.update_ratio)}, {"act_mean", number(l.act_mean)},
                          {"act_std", number(l.act_std)}, {"dead_fraction", number(l.dead_fraction)},
                          {"saturated_fraction", number(l.saturated_fraction)}});
    j["layers"] = layers;
    std::cout << j.dump() << "\n";
    return 0;
}

gs::NamedArray array(const std::string& name, std::vector<int> shape, std::vector<float> v) {
    return gs::NamedArray{name, std::move(shape), std::move(v)};
}

std::vector<int> with_count(int n, const Shape& item) {
    std::vector<int> s = item.to_vector();
    s.insert(s.begin(), n);
    return s;
}

int dump_data(const std::string& spec_name, const std::string& out, int batches) {
    const gs::ModelSpec spec = gs::load_model(spec_name);
    gs::PreparedData d = gs::prepare_data(spec);
    gs::SafetensorsFile f;
    std::vector<float> scratch;
    auto split = [&](const std::shared_ptr<gs::Dataset>& ds, const std::string& name) {
        if (!ds || ds->size() == 0) return;
        const int n = static_cast<int>(ds->size());
        std::vector<uint32_t> idx(ds->size());
        std::iota(idx.begin(), idx.end(), 0u);
        std::vector<float> x(ds->size() * ds->item_shape().numel()),
            y(ds->size() * static_cast<size_t>(ds->target_size()));
        ds->gather(idx.data(), n, x.data(), y.data());
        d.preprocess.apply(x.data(), n, ds->item_shape(), false, 0, 0, scratch);
        f.tensors.push_back(array(name + "_x", with_count(n, ds->item_shape()), std::move(x)));
        f.tensors.push_back(array(name + "_y", {n, ds->target_size()}, std::move(y)));
    };
    split(d.train, "train");
    split(d.validation, "validation");
    split(d.test, "test");
    if (!d.preprocess.mean.empty()) {
        const int c = static_cast<int>(d.preprocess.mean.size());
        f.tensors.push_back(array("mean", {c}, d.preprocess.mean));
        f.tensors.push_back(array("inv_std", {c}, d.preprocess.inv_std));
    }
    // Training batches as Trainer::queue_next makes them.
    const gs::Dataset& train = *d.train;
    const size_t size = train.size();
    const int bs = spec.batch_size;
    gs::BatchLoader loader(gs::cpu_backend(), train.item_shape(), train.target_size(), bs);
    std::vector<uint32_t> order;
    int epoch = -1;
    size_t cursor = size;
    for (int b = 0; b < batches; ++b) {
        if (cursor >= size) {
            ++epoch;
            cursor = 0;
            order.resize(size);
            std::iota(order.begin(), order.end(), 0u);
            gs::Rng rng(spec.seed ^ gs::mix64(static_cast<uint64_t>(epoch) + 1));
            for (size_t i = size; i > 1; --i) std::swap(order[i - 1], order[rng.below(i)]);
        }
        const int n = static_cast<int>(std::min<size_t>(size - cursor, static_cast<size_t>(bs)));
        const uint64_t place = static_cast<uint64_t>(epoch) * size + cursor;
        loader.prepare(train, order.data() + cursor, n, d.preprocess, true, spec.seed, place);
        gs::Tensor x, y;
        loader.take(x, y);
        const std::string p = "batch" + std::to_string(b);
        f.tensors.push_back(array(p + "_x", with_count(n, train.item_shape()), x.to_host()));
        f.tensors.push_back(array(p + "_y", {n, train.target_size()}, y.to_host()));
        std::vector<float> items(order.begin() + static_cast<long>(cursor),
                                 order.begin() + static_cast<long>(cursor) + n);
        f.tensors.push_back(array(p + "_items", {n}, std::move(items)));
        cursor += static_cast<size_t>(n);
    }
    f.metadata["classes"] = std::to_string(train.num_classes());
    gs::save_safetensors(out, f);
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    try {
        const std::string what = argc > 1 ? argv[1] : "";
        if (what == "log" && argc == 3) return print_log(argv[2]);
        if (what == "data" && (argc == 4 || argc == 5))
            return dump_data(argv[2], argv[3], argc == 5 ? std::stoi(argv[4]) : 0);
        std::cerr << "usage: gs_export_probe log RUN.jsonl | data SPEC OUT.safetensors [BATCHES]\n";
        return 2;
    } catch (const std::exception& e) {
        std::cerr << "error: " << e.what() << "\n";
        return 1;
    }
}
