// Checkpoints: the training state of a Trainer (every parameter, buffer and
// optimizer state tensor; gradscope/training_state.h) in one safetensors
// file, with the spec, the progress and the run that wrote it as metadata
// (docs/checkpoint.md). Reading trusts none of it: every metadata field is
// parsed whole and range-checked, the spec must read and validate, and the
// tensors are matched to the model by name through a hash map (linear in
// their number), all before the trainer is touched.
#include <algorithm>
#include <string>
#include <unordered_map>
#include <unordered_set>

#include "gradscope/error.h"
#include "gradscope/io.h"
#include "gradscope/model.h"
#include "gradscope/names.h"
#include "gradscope/optim.h"
#include "gradscope/trainer.h"
#include "gradscope/validate.h"
#include "io/checkpoint_read.h"

namespace gs {

namespace {


// Every tensor a checkpoint holds, in a fixed order: the training state's
// (gradscope/training_state.h), the one list restore points use too.
std::vector<std::pair<std::string, Tensor*>> checkpoint_tensors(Model& m, Optimizer* o) {
    return state_tensors(m, o);
}

std::vector<std::pair<std::string, Tensor*>> checkpoint_tensors(Trainer& t) {
    return checkpoint_tensors(t.model(), &t.optimizer());
}

[[noreturn]] void bad_metadata(const std::string& path, const std::string& what) {
    throw Error(quoted_path(path) + ": metadata " + what);
}

using Checked = CheckedCheckpoint;

Checked load_gradscope_file(const std::string& path) {
    return check_checkpoint(load_safetensors(path), path);
}

// Every tensor want names is in the file with the same shape, and (unless
// extra optimizer state is allowed) the file holds no other.
void match_tensors(const Checked& c, const std::string& path,
                   const std::vector<std::pair<std::string, Tensor*>>& want, bool any_optim) {
    const std::string pre = "checkpoint " + quoted_path(path) + " does not match this model: ";
    std::unordered_set<std::string> wanted;
    wanted.reserve(want.size());
    for (auto& [name, t] : want) {
        wanted.insert(name);
        auto it = c.by_name.find(name);
        if (it == c.by_name.end()) throw Error(pre + "tensor '" + name + "' is missing from the file");
        const NamedArray* a = it->second;
        if (a->shape.size() > 4 || Shape::from_vector(a->shape) != t->shape())
            throw Error(pre + "tensor '" + name + "' is " +
                        (a->shape.size() > 4 ? std::to_string(a->shape.size()) + "-dimensional"
                                             : Shape::from_vector(a->shape).str()) +
                        " in the file but " + t->shape().str() + " in the model");
    }
    for (const auto& a : c.file.tensors) {
        const bool known = wanted.count(a.name) || (any_optim && a.name.starts_with("optim."));
        if (!known) throw Error(pre + "the file has tensor '" + a.name + "', which the model lacks");
    }
}

void write_checkpoint(const std::string& path, const ModelSpec& spec, Model& model,
                      Optimizer& optimizer, const CheckpointProgress& progress, const RunInfo& run) {
    SafetensorsFile f;
    for (auto& [name, t] : checkpoint_tensors(model, &optimizer))
        f.tensors.push_back({name, t->shape().to_vector(), t->to_host()});
    f.metadata["format"] = kCheckpointFormat;
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
    return load_gradscope_file(path).file.metadata;
}

void load_model_weights(const std::string& path, Model& model) {
    const Checked c = load_gradscope_file(path);
    if (model.capacity() == 0) model.reserve(1);  // a model's tensors exist once it is sized
    auto want = checkpoint_tensors(model, nullptr);
    match_tensors(c, path, want, /*any_optim=*/true);  // optimizer state may be another's
    for (auto& [name, t] : want) t->from_host(c.by_name.at(name)->values);
}

ModelSpec checkpoint_spec(const std::string& path) { return load_gradscope_file(path).spec; }

void load_checkpoint(const std::string& path, Trainer& trainer) {
    const Checked c = load_gradscope_file(path);
    const CheckpointProgress& p = c.progress;
    // Check everything before changing anything, so a failed load leaves the
    // trainer as it was.
    const int epochs = trainer.spec().epochs;
    if (p.epoch > epochs)
        throw Error(quoted_path(path) + " has trained " + std::to_string(p.epoch) +
                    " epochs, more than the " + std::to_string(epochs) +
                    " this run is to train — ask for more epochs (--epochs) to go on from it");
    const size_t items = trainer.train_data().size();
    if (p.epoch_position > items)
        bad_metadata(path, "\"epoch_position\" is " + std::to_string(p.epoch_position) +
                               ", past the " + std::to_string(items) +
                               " training items of this run (is it another dataset?)");
    auto want = checkpoint_tensors(trainer);
    match_tensors(c, path, want, /*any_optim=*/false);
    for (auto& [name, t] : want) t->from_host(c.by_name.at(name)->values);
    set_progress(trainer, p);
}

}  // namespace gs
