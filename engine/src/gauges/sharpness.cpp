// Sharpness: the top eigenvalue of the loss Hessian on a fixed batch, by
// power iteration on finite-difference Hessian-vector products
// (gradscope/optimization_gauges.h). Also ParamVector, the flat view of a
// model's parameters the gauges share.
#include <algorithm>
#include <cmath>
#include <numeric>

#include "gradscope/optimization_gauges.h"
#include "gradscope/rng.h"

namespace gs {

size_t ParamVector::size(Trainer& t) {
    size_t n = 0;
    for (auto& [name, p] : t.model().named_params()) n += p->value.numel();
    return n;
}

void ParamVector::get_values(Trainer& t, std::vector<float>& out) {
    out.resize(size(t));
    size_t at = 0;
    for (auto& [name, p] : t.model().named_params()) {
        p->value.backend()->download(out.data() + at, p->value.data(), p->value.numel());
        at += p->value.numel();
    }
}

void ParamVector::set_values(Trainer& t, const std::vector<float>& in) {
    size_t at = 0;
    for (auto& [name, p] : t.model().named_params()) {
        p->value.backend()->upload(p->value.data(), in.data() + at, p->value.numel());
        at += p->value.numel();
    }
}

void ParamVector::get_grads(Trainer& t, std::vector<float>& out) {
    out.resize(size(t));
    size_t at = 0;
    for (auto& [name, p] : t.model().named_params()) {
        p->grad.backend()->download(out.data() + at, p->grad.data(), p->grad.numel());
        at += p->grad.numel();
    }
}

namespace {

double dot(const std::vector<float>& a, const std::vector<float>& b) {
    double s = 0;
    for (size_t i = 0; i < a.size(); ++i) s += static_cast<double>(a[i]) * b[i];
    return s;
}

}  // namespace

// m_hv = (g(θ + eps v) - g(θ - eps v)) / (2 eps) on the fixed batch.
void SharpnessEstimator::hvp(Trainer& t, double eps) {
    const int n = static_cast<int>(m_idx.size());
    for (size_t i = 0; i < m_theta.size(); ++i) m_tmp[i] = static_cast<float>(m_theta[i] + eps * m_v[i]);
    m_params.set_values(t, m_tmp);
    t.gradient_on(m_idx.data(), n);
    m_params.get_grads(t, m_gp);
    for (size_t i = 0; i < m_theta.size(); ++i) m_tmp[i] = static_cast<float>(m_theta[i] - eps * m_v[i]);
    m_params.set_values(t, m_tmp);
    t.gradient_on(m_idx.data(), n);
    m_params.get_grads(t, m_gm);
    for (size_t i = 0; i < m_theta.size(); ++i)
        m_hv[i] = static_cast<float>((static_cast<double>(m_gp[i]) - m_gm[i]) / (2 * eps));
}

double SharpnessEstimator::estimate(Trainer& t, int* iterations_used) {
    const size_t dim = m_params.size(t);
    if (m_idx.empty()) {  // the fixed batch
        const size_t items = t.train_data().size();
        std::vector<uint32_t> order(items);
        std::iota(order.begin(), order.end(), 0u);
        Rng rng(seed);
        for (size_t i = items; i > 1; --i) std::swap(order[i - 1], order[rng.below(i)]);
        order.resize(std::min<size_t>(items, static_cast<size_t>(t.batch_size())));
        m_idx = std::move(order);
    }
    if (m_idx.size() > static_cast<size_t>(t.batch_size())) m_idx.resize(static_cast<size_t>(t.batch_size()));
    int iters = iterations;
    if (m_v.size() != dim) {  // a cold start: a random unit vector
        m_v.assign(dim, 0.0f);
        Rng rng(seed ^ 0x5eed);
        for (float& x : m_v) x = static_cast<float>(rng.normal());
        iters = first_iterations;
    }
    m_hv.resize(dim);
    m_gp.resize(dim);
    m_gm.resize(dim);
    m_tmp.resize(dim);
    m_params.get_values(t, m_theta);
    const double vn = std::sqrt(dot(m_v, m_v));
    for (float& x : m_v) x = static_cast<float>(x / (vn > 0 ? vn : 1));
    // A step small against the parameters (truncation) and large against
    // float rounding: 1e-3 of their root mean square, at least 1e-4.
    const double rms = std::sqrt(dot(m_theta, m_theta) / std::max<size_t>(dim, 1));
    const double eps = 1e-3 * std::max(rms, 0.1) * std::sqrt(static_cast<double>(dim));
    double lambda = 0;
    int used = 0;
    for (int k = 0; k < iters; ++k) {
        hvp(t, eps);
        ++used;
        const double next = dot(m_v, m_hv);
        const double norm = std::sqrt(dot(m_hv, m_hv));
        if (!(norm > 0) || !std::isfinite(norm)) {
            lambda = next;
            break;
        }
        for (size_t i = 0; i < dim; ++i) m_v[i] = static_cast<float>(m_hv[i] / norm);
        const bool settled = k > 0 && std::fabs(next - lambda) <= tolerance * std::fabs(next);
        lambda = next;
        if (settled) break;
    }
    m_params.set_values(t, m_theta);
    if (iterations_used) *iterations_used = used;
    return lambda;
}

}  // namespace gs
