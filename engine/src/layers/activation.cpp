// Elementwise activations (ReLU, LeakyReLU, Sigmoid, Tanh, GELU) and Softmax.
#include "layers/layers.h"

namespace gs {

void ActivationLayer::forward(const Tensor& x, Tensor& y, const PassContext&) {
    m_be->activation_forward(m_act, m_spec.alpha, x, y);
}

void ActivationLayer::backward(const Tensor& x, const Tensor& y, const Tensor& dy, Tensor* dx) {
    if (dx) m_be->activation_backward(m_act, m_spec.alpha, x, y, dy, *dx);
}

void SoftmaxLayer::forward(const Tensor& x, Tensor& y, const PassContext&) {
    m_be->softmax_forward(x, y);
}

void SoftmaxLayer::backward(const Tensor&, const Tensor& y, const Tensor& dy, Tensor* dx) {
    if (dx) m_be->softmax_backward(y, dy, *dx);
}

}  // namespace gs
