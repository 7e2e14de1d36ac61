// Conv2D: y (N, O, Ho, Wo) = conv(x (N, C, H, W), W (O, C, k, k)) + b (O),
// with stride and zero padding; Ho = (H + 2 pad - k) / stride + 1.
#include "layers/layers.h"

namespace gs {

ConvParams Conv2DLayer::params_of() const {
    const int k = m_spec.kernel, s = m_spec.stride > 0 ? m_spec.stride : 1, p = m_spec.padding;
    return ConvParams{k, k, s, s, p, p};
}

void Conv2DLayer::setup(Backend& be, int max_batch) {
    Layer::setup(be, max_batch);
    if (!m_params.empty()) return;
    const int O = m_spec.filters, C = m_in[0], k = m_spec.kernel;
    m_params.push_back({"weight", Tensor(be, {O, C, k, k}), Tensor(be, {O, C, k, k}), true});
    if (m_spec.bias) m_params.push_back({"bias", Tensor(be, {O}), Tensor(be, {O}), false});
}

void Conv2DLayer::init(Rng& rng) {
    const int O = m_spec.filters, C = m_in[0], k = m_spec.kernel;
    std::vector<float> w(static_cast<size_t>(O) * C * k * k);
    init_values(m_spec.init, w, C * k * k, O * k * k, rng);
    m_params[0].value.from_host(w);
    if (m_spec.bias) m_be->fill(m_params[1].value, 0.0f);
}

void Conv2DLayer::forward(const Tensor& x, Tensor& y, const PassContext&) {
    m_be->conv2d_forward(params_of(), x, m_params[0].value,
                         m_spec.bias ? &m_params[1].value : nullptr, y);
}

void Conv2DLayer::backward(const Tensor& x, const Tensor&, const Tensor& dy, Tensor* dx) {
    m_be->conv2d_backward(params_of(), x, m_params[0].value, dy, dx, m_params[0].grad,
                          m_spec.bias ? &m_params[1].grad : nullptr);
}

}  // namespace gs
