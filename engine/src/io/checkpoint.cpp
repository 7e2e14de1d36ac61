// Checkpoints: every parameter, buffer and optimizer state tensor of a
// Trainer in one safetensors file, with the spec, step and epoch as metadata.
#include <algorithm>
#include <string>

#include "gradscope/error.h"
#include "gradscope/io.h"
#include "gradscope/trainer.h"

namespace gs {

namespace {

constexpr const char* kFormat = "gradscope-checkpoint-1";

// Every tensor a checkpoint holds, in a fixed order.
std::vector<std::pair<std::string, Tensor*>> checkpoint_tensors(Trainer& t) {
    std::vector<std::pair<std::string, Tensor*>> out;
    for (auto& [name, p] : t.model().named_params()) out.emplace_back(name, &p->value);
    for (auto& [name, p] : t.model().named_buffers()) out.emplace_back(name, &p->value);
    for (auto& [name, s] : t.optimizer().named_state()) out.emplace_back("optim." + name, s);
    return out;
}

}  // namespace

void save_checkpoint(const std::string& path, Trainer& trainer) {
    SafetensorsFile f;
    for (auto& [name, t] : checkpoint_tensors(trainer))
        f.tensors.push_back({name, t->shape().to_vector(), t->to_host()});
    f.metadata["format"] = kFormat;
    f.metadata["spec"] = spec_to_json(trainer.spec(), -1);
    f.metadata["step"] = std::to_string(trainer.global_step());
    f.metadata["epoch"] = std::to_string(trainer.epoch());
    f.metadata["epoch_position"] = std::to_string(trainer.epoch_position());
    f.metadata["optimizer"] = trainer.optimizer().spec().type;
    f.metadata["optimizer_steps"] = std::to_string(trainer.optimizer().steps_taken());
    save_safetensors(path, f);
}

void load_checkpoint(const std::string& path, Trainer& trainer) {
    SafetensorsFile f = load_safetensors(path);
    auto fmt = f.metadata.find("format");
    if (fmt == f.metadata.end() || fmt->second != kFormat)
        throw Error("'" + path + "' is not a Gradscope checkpoint (no format \"" + kFormat +
                    "\" in its metadata)");
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
    trainer.set_progress(num("step"), static_cast<int>(num("epoch")),
                         static_cast<size_t>(std::max(0L, num("epoch_position"))));
    trainer.optimizer().set_steps_taken(num("optimizer_steps"));
}

}  // namespace gs
