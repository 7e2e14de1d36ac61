// BatchNorm over (N, C) after Dense or (N, C, H, W) after Conv2D: normalizes
// each channel with the batch's statistics in training and with running
// averages (momentum as in PyTorch) in evaluation; then scales and shifts.
#include "layers/layers.h"

namespace gs {

void BatchNormLayer::setup(Backend& be, int max_batch) {
    Layer::setup(be, max_batch);
    if (!m_scratch.defined() || m_scratch.dim(0) < max_batch)
        m_scratch = Tensor(be, m_in.with_batch(max_batch));
    if (!m_params.empty()) return;
    const int C = m_in[0];
    m_params.push_back({"gamma", Tensor(be, {C}), Tensor(be, {C}), false});
    m_params.push_back({"beta", Tensor(be, {C}), Tensor(be, {C}), false});
    m_buffers.push_back({"running_mean", Tensor(be, {C}), Tensor(), false});
    m_buffers.push_back({"running_var", Tensor(be, {C}), Tensor(), false});
    m_save_mean = Tensor(be, {C});
    m_save_invstd = Tensor(be, {C});
}

void BatchNormLayer::init(Rng&) {
    m_be->fill(m_params[0].value, 1.0f);
    m_be->fill(m_params[1].value, 0.0f);
    m_be->fill(m_buffers[0].value, 0.0f);
    m_be->fill(m_buffers[1].value, 1.0f);
}

void BatchNormLayer::forward(const Tensor& x, Tensor& y, const PassContext& ctx) {
    m_be->batchnorm_forward(ctx.training, m_spec.eps, m_spec.momentum, x, m_params[0].value,
                            m_params[1].value, m_buffers[0].value, m_buffers[1].value, m_save_mean,
                            m_save_invstd, y);
}

void BatchNormLayer::backward(const Tensor& x, const Tensor&, const Tensor& dy, Tensor* dx) {
    // The data gradient comes out of the same pass as the parameters'; when
    // the caller wants none it goes to scratch.
    Tensor scratch;
    if (!dx) {
        scratch = m_scratch.batch_view(0, x.dim(0));
        dx = &scratch;
    }
    m_be->batchnorm_backward(x, m_params[0].value, m_save_mean, m_save_invstd, dy, *dx,
                             m_params[0].grad, m_params[1].grad);
}

}  // namespace gs
