// Optimizers (SGD with momentum and Nesterov, Adam, AdamW, RMSProp) with
// weight decay on weights (not biases or normalization parameters) and
// gradient clipping by global norm. The arithmetic is in
// gradscope_kernels/elementwise.h, shared with every backend.
#include <cmath>

#include "gradscope/error.h"
#include "gradscope/optim.h"

namespace gs {

std::string optimizer_type_problem(const std::string& t) {
    if (t == "sgd" || t == "adam" || t == "adamw" || t == "rmsprop") return {};
    return "unknown optimizer '" + t + "'; use sgd, adam, adamw or rmsprop";
}

namespace {
void check_type(const std::string& t) {
    if (std::string why = optimizer_type_problem(t); !why.empty()) throw Error(why);
}
}  // namespace

Optimizer::Optimizer(const OptimizerSpec& spec, Backend& backend) : m_spec(spec), m_be(&backend) {
    check_type(spec.type);
}

void Optimizer::set_spec(const OptimizerSpec& spec) {
    check_type(spec.type);
    m_spec = spec;
    for (auto& s : m_slots)
        if (m_spec.type != "sgd" && !s.s2.defined()) s.s2 = Tensor(*m_be, s.param->value.shape());
    reset_state();
}

void Optimizer::attach(const std::vector<std::pair<std::string, Param*>>& params) {
    m_slots.clear();
    for (const auto& [name, p] : params) {
        Slot s{name, p, Tensor(*m_be, p->value.shape()), Tensor()};
        if (m_spec.type != "sgd") s.s2 = Tensor(*m_be, p->value.shape());
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
    const std::string& t = m_spec.type;
    for (auto& s : m_slots) {
        const float wd = s.param->decay ? m_spec.weight_decay : 0.0f;
        if (t == "sgd") {
            SgdStep st{lr, m_spec.momentum, wd, m_spec.nesterov};
            m_be->sgd_update(s.param->value, s.param->grad, m_spec.momentum > 0 ? &s.s1 : nullptr,
                             st);
        } else if (t == "adam" || t == "adamw") {
            AdamStep st{lr, m_spec.beta1, m_spec.beta2, m_spec.eps, wd, t == "adamw", m_t};
            m_be->adam_update(s.param->value, s.param->grad, s.s1, s.s2, st);
        } else {
            RmsPropStep st{lr, m_spec.alpha, m_spec.eps, wd, m_spec.momentum};
            m_be->rmsprop_update(s.param->value, s.param->grad, s.s1,
                                 m_spec.momentum > 0 ? &s.s2 : nullptr, st);
        }
    }
}

std::vector<std::pair<std::string, Tensor*>> Optimizer::named_state() {
    std::vector<std::pair<std::string, Tensor*>> out;
    const std::string& t = m_spec.type;
    for (auto& s : m_slots) {
        if (t == "sgd") {
            out.emplace_back(s.name + ".momentum_buffer", &s.s1);
        } else if (t == "rmsprop") {
            out.emplace_back(s.name + ".square_avg", &s.s1);
            out.emplace_back(s.name + ".momentum_buffer", &s.s2);
        } else {
            out.emplace_back(s.name + ".exp_avg", &s.s1);
            out.emplace_back(s.name + ".exp_avg_sq", &s.s2);
        }
    }
    return out;
}

float scheduled_lr(const ScheduleSpec& sc, float base_lr, long step) {
    double lr = base_lr;
    const std::string& t = sc.type;
    if (t == "step") {
        lr *= std::pow(static_cast<double>(sc.gamma),
                       static_cast<double>(step / (sc.step_size > 0 ? sc.step_size : 1)));
    } else if (t == "exponential") {
        lr *= std::pow(static_cast<double>(sc.gamma), static_cast<double>(step));
    } else if (t == "cosine") {
        const double T = sc.total_steps > 0 ? static_cast<double>(sc.total_steps) : 1.0;
        const double s = std::min(static_cast<double>(step), T);
        lr = sc.min_lr + 0.5 * (base_lr - sc.min_lr) * (1.0 + std::cos(M_PI * s / T));
    } else if (t != "constant") {
        throw Error("unknown schedule '" + t + "'; use constant, step, exponential or cosine");
    }
    if (sc.warmup_steps > 0 && step < sc.warmup_steps)
        lr *= static_cast<double>(step + 1) / static_cast<double>(sc.warmup_steps);
    return static_cast<float>(lr);
}

}  // namespace gs
