// Optimizers (SGD with momentum and Nesterov, Adam, AdamW, RMSProp) with
// weight decay on weights (not biases or normalization parameters) and
// gradient clipping by global norm. The arithmetic is in
// gradscope_kernels/elementwise.h, shared with every backend.
#include <cmath>

#include "gradscope/error.h"
#include "gradscope/names.h"
#include "gradscope/optim.h"

namespace gs {

namespace {
OptimizerKind kind_of(const std::string& t) {
    const OptimizerName* o = find_optimizer(t);
    if (!o) throw Error(optimizer_type_problem(t));
    return o->kind;
}
void check_type(const std::string& t) { kind_of(t); }
}  // namespace

Optimizer::Optimizer(const OptimizerSpec& spec, Backend& backend) : m_spec(spec), m_be(&backend) {
    check_type(spec.type);
}

void Optimizer::set_spec(const OptimizerSpec& spec) {
    check_type(spec.type);
    m_spec = spec;
    for (auto& s : m_slots)
        if (kind_of(m_spec.type) != OptimizerKind::Sgd && !s.s2.defined())
            s.s2 = Tensor(*m_be, s.param->value.shape());
    reset_state();
}

void Optimizer::attach(const std::vector<std::pair<std::string, Param*>>& params) {
    m_slots.clear();
    for (const auto& [name, p] : params) {
        Slot s{name, p, Tensor(*m_be, p->value.shape()), Tensor()};
        if (kind_of(m_spec.type) != OptimizerKind::Sgd) s.s2 = Tensor(*m_be, p->value.shape());
        m_slots.push_back(std::move(s));
    }
    m_t = 0;
}

void Optimizer::reset_state() {
    for (auto& s : m_slots) {
        m_be->fill(s.s1, 0.0f);
        if (s.s2.defined()) m_be->fill(s.s2, 0.0f);
    }
    m_t = 0;
}

double Optimizer::gradient_norm() {
    double ss = 0;
    for (auto& s : m_slots) ss += m_be->sum_squares(s.param->grad);
    return std::sqrt(ss);
}

double Optimizer::clip_gradients() {
    const double norm = gradient_norm();
    if (m_spec.clip_norm > 0 && norm > m_spec.clip_norm) {
        const float f = static_cast<float>(m_spec.clip_norm / (norm + 1e-6));
        for (auto& s : m_slots) m_be->scale(s.param->grad, f);
    }
    return norm;
}

void Optimizer::step(float lr) {
    ++m_t;
    const OptimizerKind k = kind_of(m_spec.type);
    for (auto& s : m_slots) {
        const float wd = s.param->decay ? m_spec.weight_decay : 0.0f;
        switch (k) {
            case OptimizerKind::Sgd: {
                SgdStep st{lr, m_spec.momentum, wd, m_spec.nesterov};
                m_be->sgd_update(s.param->value, s.param->grad,
                                 m_spec.momentum > 0 ? &s.s1 : nullptr, st);
                break;
            }
            case OptimizerKind::Adam:
            case OptimizerKind::AdamW: {
                AdamStep st{lr, m_spec.beta1, m_spec.beta2, m_spec.eps,
                            wd, k == OptimizerKind::AdamW, m_t};
                m_be->adam_update(s.param->value, s.param->grad, s.s1, s.s2, st);
                break;
            }
            case OptimizerKind::RmsProp: {
                RmsPropStep st{lr, m_spec.alpha, m_spec.eps, wd, m_spec.momentum};
                m_be->rmsprop_update(s.param->value, s.param->grad, s.s1,
                                     m_spec.momentum > 0 ? &s.s2 : nullptr, st);
                break;
            }
        }
    }
}

std::vector<std::pair<std::string, Tensor*>> Optimizer::named_state() {
    std::vector<std::pair<std::string, Tensor*>> out;
    const OptimizerKind k = kind_of(m_spec.type);
    for (auto& s : m_slots) {
        switch (k) {
            case OptimizerKind::Sgd: out.emplace_back(s.name + ".momentum_buffer", &s.s1); break;
            case OptimizerKind::RmsProp:
                out.emplace_back(s.name + ".square_avg", &s.s1);
                out.emplace_back(s.name + ".momentum_buffer", &s.s2);
                break;
            case OptimizerKind::Adam:
            case OptimizerKind::AdamW:
                out.emplace_back(s.name + ".exp_avg", &s.s1);
                out.emplace_back(s.name + ".exp_avg_sq", &s.s2);
                break;
        }
    }
    return out;
}

float scheduled_lr(const ScheduleSpec& sc, float base_lr, long step) {
    double lr = base_lr;
    const ScheduleName* schedule = find_schedule(sc.type);
    if (!schedule)
        throw Error("unknown schedule '" + sc.type + "'; use " + name_list(schedule_table()));
    switch (schedule->kind) {
        case ScheduleKind::Constant: break;
        case ScheduleKind::Step:
            lr *= std::pow(static_cast<double>(sc.gamma),
                           static_cast<double>(step / (sc.step_size > 0 ? sc.step_size : 1)));
            break;
        case ScheduleKind::Exponential:
            lr *= std::pow(static_cast<double>(sc.gamma), static_cast<double>(step));
            break;
        case ScheduleKind::Cosine: {
            const double T = sc.total_steps > 0 ? static_cast<double>(sc.total_steps) : 1.0;
            const double s = std::min(static_cast<double>(step), T);
            lr = sc.min_lr + 0.5 * (base_lr - sc.min_lr) * (1.0 + std::cos(M_PI * s / T));
            break;
        }
    }
    if (sc.warmup_steps > 0 && step < sc.warmup_steps)
        lr *= static_cast<double>(step + 1) / static_cast<double>(sc.warmup_steps);
    return static_cast<float>(lr);
}

}  // namespace gs
