// Checkpoints: the training state of a Trainer (every parameter, buffer and
// optimizer state tensor; gradscope/training_state.h) in one safetensors
// file, with the spec, the progress and the run that wrote it as metadata.
#include <algorithm>
#include <string>

#include "gradscope/error.h"
#include "gradscope/io.h"
#include "gradscope/model.h"
#include "gradscope/optim.h"
#include "gradscope/trainer.h"

namespace gs {

namespace {

constexpr const char* kFormat = "gradscope-checkpoint-1";

// Every tensor a checkpoint holds, in a fixed order: the training state's
// (gradscope/training_state.h), the one list restore points use too.
std::vector<std::pair<std::string, Tensor*>> checkpoint_tensors(Model& m, Optimizer* o) {
    return state_tensors(m, o);
}

std::vector<std::pair<std::string, Tensor*>> checkpoint_tensors(Trainer& t) {
    return checkpoint_tensors(t.model(), &t.optimizer());
}

SafetensorsFile load_gradscope_file(const std::string& path) {
    SafetensorsFile f = load_safetensors(path);
    auto fmt = f.metadata.find("format");
    if (fmt == f.metadata.end() || fmt->second != kFormat)
        throw Error("'" + path + "' is not a Gradscope checkpoint (no format \"" + kFormat +
                    "\" in its metadata)");
    return f;
}

void write_checkpoint(const std::string& path, const ModelSpec& spec, Model& model,
                      Optimizer& optimizer, const CheckpointProgress& progress, const RunInfo& run) {
    SafetensorsFile f;
    for (auto& [name, t] : checkpoint_tensors(model, &optimizer))
        f.tensors.push_back({name, t->shape().to_vector(), t->to_host()});
    f.metadata["format"] = kFormat;
    f.metadata["spec"] = spec_to_json(spec, -1);
    f.metadata["step"] = std::to_string(progress.step);
    f.metadata["epoch"] = std::to_string(progress.epoch);
    f.metadata["epoch_position"] = std::to_string(progress.epoch_position);
    f.metadata["optimizer"] = optimizer.spec().type;
    f.metadata["optimizer_steps"] = std::to_string(progress.optimizer_steps);
    if (!run.uid.empty()) f.metadata["run_id"] = run.uid;
    if (!run.name.empty()) f.metadata["run_name"] = run.name;
    save_safetensors(path, f);
}

}  // namespace

void save_checkpoint(const std::string& path, const ModelSpec& spec, Model& model,
                     Optimizer& optimizer, const CheckpointProgress& progress) {
    write_checkpoint(path, spec, model, optimizer, progress, RunInfo{});
}

void save_checkpoint(const std::string& path, Trainer& trainer) {
    save_checkpoint(path, trainer, RunInfo{});
}

void save_checkpoint(const std::string& path, Trainer& trainer, const RunInfo& run) {
    write_checkpoint(path, live_spec(trainer), trainer.model(), trainer.optimizer(),
                     progress_of(trainer), run);
}

std::map<std::string, std::string> checkpoint_metadata(const std::string& path) {
    return load_gradscope_file(path).metadata;
}

void load_model_weights(const std::string& path, Model& model) {
    SafetensorsFile f = load_gradscope_file(path);
    if (model.capacity() == 0) model.reserve(1);  // a model's tensors exist once it is sized
    auto want = checkpoint_tensors(model, nullptr);
    const std::string pre = "checkpoint '" + path + "' does not match this model: ";
    for (auto& [name, t] : want) {
        const NamedArray* a = f.find(name);
        if (!a) throw Error(pre + "tensor '" + name + "' is missing from the file");
        if (Shape::from_vector(a->shape) != t->shape())
            throw Error(pre + "tensor '" + name + "' is " + Shape::from_vector(a->shape).str() +
                        " in the file but " + t->shape().str() + " in the model");
    }
    for (const auto& a : f.tensors) {  // optimizer state may be another optimizer's
        bool known = a.name.starts_with("optim.");
        for (auto& w : want) known = known || w.first == a.name;
        if (!known) throw Error(pre + "the file has tensor '" + a.name + "', which the model lacks");
    }
    for (auto& [name, t] : want) t->from_host(f.find(name)->values);
}

ModelSpec checkpoint_spec(const std::string& path) {
    SafetensorsFile f = load_gradscope_file(path);
    auto it = f.metadata.find("spec");
    if (it == f.metadata.end())
        throw Error("'" + path + "' holds no model spec (no \"spec\" in its metadata)");
    SpecResult r = parse_spec(it->second);
    if (!r.ok()) throw Error("the spec stored in '" + path + "' has problems:\n" + r.message());
    return r.spec;
}

void load_checkpoint(const std::string& path, Trainer& trainer) {
    SafetensorsFile f = load_gradscope_file(path);
    auto want = checkpoint_tensors(trainer);
    const std::string pre = "checkpoint '" + path + "' does not match this model: ";
    // Check everything before changing anything, so a failed load leaves the
    // trainer as it was.
    for (auto& [name, t] : want) {
        const NamedArray* a = f.find(name);
        if (!a) throw Error(pre + "tensor '" + name + "' is missing from the file");
        if (Shape::from_vector(a->shape) != t->shape())
            throw Error(pre + "tensor '" + name + "' is " + Shape::from_vector(a->shape).str() +
                        " in the file but " + t->shape().str() + " in the model");
    }
    for (const auto& a : f.tensors) {
        bool known = false;
        for (auto& w : want) known = known || w.first == a.name;
        if (!known) throw Error(pre + "the file has tensor '" + a.name + "', which the model lacks");
    }
    for (auto& [name, t] : want) t->from_host(f.find(name)->values);
    auto num = [&](const char* key) -> long {
        auto it = f.metadata.find(key);
        if (it == f.metadata.end()) return 0;
        try {
            return std::stol(it->second);
        } catch (...) {
            throw Error("'" + path + "': metadata \"" + key + "\" is not a number");
        }
    };
    set_progress(trainer, CheckpointProgress{num("step"), static_cast<int>(num("epoch")),
                                             static_cast<size_t>(std::max(0L, num("epoch_position"))),
                                             num("optimizer_steps")});
}

}  // namespace gs
