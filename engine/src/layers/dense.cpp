// Dense (fully connected): y (N, M) = x (N, K) W (M, K)^T + b (M).
#include "layers/layers.h"

namespace gs {

void DenseLayer::setup(Backend& be, int max_batch) {
    Layer::setup(be, max_batch);
    if (!m_params.empty()) return;
    const int K = static_cast<int>(m_in.numel()), M = m_spec.units;
    m_params.push_back({"weight", Tensor(be, {M, K}), Tensor(be, {M, K}), true});
    if (m_spec.bias) m_params.push_back({"bias", Tensor(be, {M}), Tensor(be, {M}), false});
}

void DenseLayer::init(Rng& rng) {
    const int K = static_cast<int>(m_in.numel()), M = m_spec.units;
    std::vector<float> w(static_cast<size_t>(M) * K);
    init_values(m_spec.init, w, K, M, rng);
    m_params[0].value.from_host(w);
    if (m_spec.bias) m_be->fill(m_params[1].value, 0.0f);
}

void DenseLayer::forward(const Tensor& x, Tensor& y, const PassContext&) {
    m_be->dense_forward(x, m_params[0].value, m_spec.bias ? &m_params[1].value : nullptr, y);
}

void DenseLayer::backward(const Tensor& x, const Tensor&, const Tensor& dy, Tensor* dx) {
    m_be->dense_backward(x, m_params[0].value, dy, dx, m_params[0].grad,
                         m_spec.bias ? &m_params[1].grad : nullptr);
}

}  // namespace gs
