// Optimizers and learning-rate schedules. Hyperparameters live in an
// OptimizerSpec that can be changed between steps; the state tensors
// (momentum, moments) are named after their parameter for checkpoints.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "gradscope/backend.h"
#include "gradscope/layer.h"
#include "gradscope/names.h"
#include "gradscope/spec.h"

namespace gs {

class Optimizer {
public:
    Optimizer(const OptimizerSpec& spec, Backend& backend);

    // The parameters to update; allocates the state tensors once.
    void attach(const std::vector<std::pair<std::string, Param*>>& params);
    // Applies one update with learning rate lr (the schedule's value).
    void step(float lr);
    // Clips gradients to spec().clip_norm, if set. Returns the global norm
    // before clipping.
    double clip_gradients();
    double gradient_norm();

    OptimizerSpec& spec() { return m_spec; }
    const OptimizerSpec& spec() const { return m_spec; }
    long steps_taken() const { return m_t; }
    void set_steps_taken(long t) { m_t = t; }
    // Every state tensor, named "<param name>.<state>" (e.g. "layers.0.weight.m").
    std::vector<std::pair<std::string, Tensor*>> named_state();
    void reset_state();
    // Switches to another optimizer (type and hyperparameters) between steps;
    // the state starts again from zero. Throws gs::Error for an unknown type.
    void set_spec(const OptimizerSpec& spec);

private:
    struct Slot {
        std::string name;
        Param* param;
        Tensor s1, s2;  // momentum / first moment / square average; second moment / buffer
    };
    OptimizerSpec m_spec;
    Backend* m_be;
    std::vector<Slot> m_slots;
    long m_t = 0;
};

// "" for a known optimizer type (sgd, adam, adamw, rmsprop), else why not,
// in the words every front end shows. Inline (core's table of names only), so
// the checkpoint reader's checks need no optimizer code (tests/fuzz).
inline std::string optimizer_type_problem(const std::string& type) {
    if (find_optimizer(type)) return {};
    return "unknown optimizer '" + type + "'; use " + name_list(optimizer_table());
}

// Learning rate at (0-based) step for a base rate and a schedule.
float scheduled_lr(const ScheduleSpec& schedule, float base_lr, long step);

}  // namespace gs
