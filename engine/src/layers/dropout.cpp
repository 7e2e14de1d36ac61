// Inverted dropout: in training each unit is kept with probability 1 - rate
// and scaled by 1 / (1 - rate); in evaluation it passes through. The mask is
// drawn from (seed, step, layer, index), so a run is reproducible.
#include "gradscope/rng.h"
#include "layers/layers.h"

namespace gs {

void DropoutLayer::setup(Backend& be, int max_batch) {
    Layer::setup(be, max_batch);
    if (!m_mask.defined() || m_mask.dim(0) < max_batch) m_mask = Tensor(be, m_in.with_batch(max_batch));
}

void DropoutLayer::forward(const Tensor& x, Tensor& y, const PassContext& ctx) {
    m_masked = ctx.training && m_spec.rate > 0.0f;
    if (!m_masked) {
        m_be->copy(y, x);
        return;
    }
    Tensor mask = m_mask.batch_view(0, x.dim(0));
    m_be->dropout_forward(m_spec.rate, ctx.seed ^ mix64(static_cast<uint64_t>(ctx.layer)), ctx.step,
                          x, mask, y);
}

void DropoutLayer::backward(const Tensor&, const Tensor&, const Tensor& dy, Tensor* dx) {
    if (!dx) return;
    if (m_masked)
        m_be->multiply(dy, m_mask.batch_view(0, dy.dim(0)), *dx);
    else
        m_be->copy(*dx, dy);
}

}  // namespace gs
