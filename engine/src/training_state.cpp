// The training state (gradscope/training_state.h): the one list of a state's
// tensors, and capturing and restoring it through the backend.
#include "gradscope/training_state.h"

#include <algorithm>

#include "gradscope/error.h"
#include "gradscope/model.h"
#include "gradscope/optim.h"
#include "gradscope/trainer.h"

namespace gs {

std::vector<std::pair<std::string, Tensor*>> state_tensors(Model& m, Optimizer* o) {
    std::vector<std::pair<std::string, Tensor*>> out;
    for (auto& [name, p] : m.named_params()) out.emplace_back(name, &p->value);
    for (auto& [name, p] : m.named_buffers()) out.emplace_back(name, &p->value);
    if (o)
        for (auto& [name, s] : o->named_state()) out.emplace_back("optim." + name, s);
    return out;
}

TrainingProgress progress_of(Trainer& t) {
    return TrainingProgress{t.global_step(), t.epoch(), t.epoch_position(),
                            t.optimizer().steps_taken()};
}

void set_progress(Trainer& t, const TrainingProgress& p) {
    t.set_progress(p.step, p.epoch, p.epoch_position);
    t.optimizer().set_steps_taken(p.optimizer_steps);
}

TrainingSettings settings_of(Trainer& t) {
    return TrainingSettings{t.optimizer().spec(), t.schedule(), t.batch_size(), t.shuffles()};
}

void apply_settings(Trainer& t, const TrainingSettings& s) {
    if (t.optimizer().spec().type != s.optimizer.type)
        t.optimizer().set_spec(s.optimizer);  // other state tensors, from zero
    else
        t.optimizer().spec() = s.optimizer;
    t.schedule() = s.schedule;
    if (s.batch_size > 0 && s.batch_size != t.batch_size()) t.set_batch_size(s.batch_size);
    t.set_shuffle(s.shuffle);
}

ModelSpec live_spec(Trainer& t) {
    ModelSpec s = t.spec();
    s.optimizer = t.optimizer().spec();
    s.schedule = t.schedule();
    s.batch_size = t.batch_size();
    return s;
}

size_t state_floats(Trainer& t) {
    size_t n = 0;
    for (auto& [name, tensor] : state_tensors(t.model(), &t.optimizer())) n += tensor->numel();
    return n;
}

size_t max_state_floats(Trainer& t) {
    size_t n = 0;
    for (auto& [name, p] : t.model().named_params()) n += 3 * p->value.numel();
    for (auto& [name, p] : t.model().named_buffers()) n += p->value.numel();
    return n;
}

const std::vector<Tensor*>& StateLayout::tensors(Trainer& t) {
    if (m_trainer != &t || m_optimizer != t.optimizer().spec().type) {
        m_trainer = &t;
        m_optimizer = t.optimizer().spec().type;
        m_tensors.clear();
        m_floats = 0;
        for (auto& [name, tensor] : state_tensors(t.model(), &t.optimizer())) {
            m_tensors.push_back(tensor);
            m_floats += tensor->numel();
        }
    }
    return m_tensors;
}

size_t StateLayout::floats(Trainer& t) {
    tensors(t);
    return m_floats;
}

size_t capture_state(Trainer& t, StateLayout& layout, TrainingProgress& progress,
                     TrainingSettings& settings, float* values, size_t capacity) {
    const size_t n = layout.floats(t);
    if (n > capacity) return 0;
    Backend& be = t.model().backend();
    size_t at = 0;
    for (Tensor* x : layout.tensors(t)) {
        be.download(values + at, x->data(), x->numel());
        at += x->numel();
    }
    progress = progress_of(t);
    settings = settings_of(t);
    return n;
}

void restore_state(Trainer& t, StateLayout& layout, const TrainingProgress& progress,
                   const TrainingSettings& settings, const float* values, size_t count) {
    apply_settings(t, settings);
    const size_t n = layout.floats(t);
    if (count != n)
        throw Error("a training state of " + std::to_string(count) + " values does not fit this " +
                    settings.optimizer.type + " model, which has " + std::to_string(n));
    Backend& be = t.model().backend();
    size_t at = 0;
    for (Tensor* x : layout.tensors(t)) {
        be.upload(x->data(), values + at, x->numel());
        at += x->numel();
    }
    set_progress(t, progress);
}

void capture_state(Trainer& t, TrainingState& s) {
    StateLayout layout;
    s.values.resize(layout.floats(t));
    capture_state(t, layout, s.progress, s.settings, s.values.data(), s.values.size());
}

void restore_state(Trainer& t, const TrainingState& s) {
    StateLayout layout;
    restore_state(t, layout, s.progress, s.settings, s.values.data(), s.values.size());
}

}  // namespace gs
