// MaxPool2D and AvgPool2D over (N, C, H, W); stride defaults to the kernel.
// Average pooling excludes the zero padding from its count.
#include "layers/layers.h"

namespace gs {

PoolParams Pool2DLayer::params_of() const {
    const int k = m_spec.kernel > 0 ? m_spec.kernel : 2;
    const int s = m_spec.stride > 0 ? m_spec.stride : k, p = m_spec.padding;
    return PoolParams{m_spec.type == "MaxPool2D" ? PoolKind::Max : PoolKind::Avg, k, k, s, s, p, p};
}

void Pool2DLayer::setup(Backend& be, int max_batch) {
    Layer::setup(be, max_batch);
    const size_t need = be.pool2d_workspace(params_of(), m_in.with_batch(max_batch));
    if (need && (!m_workspace.defined() || m_workspace.numel() < need))
        m_workspace = Tensor(be, {static_cast<int>(need)});
}

void Pool2DLayer::forward(const Tensor& x, Tensor& y, const PassContext&) {
    m_be->pool2d_forward(params_of(), x, y, m_workspace.defined() ? &m_workspace : nullptr);
}

void Pool2DLayer::backward(const Tensor& x, const Tensor&, const Tensor& dy, Tensor* dx) {
    if (!dx) return;
    m_be->pool2d_backward(params_of(), x, dy, m_workspace.defined() ? &m_workspace : nullptr, *dx);
}

}  // namespace gs
