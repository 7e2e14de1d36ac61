// Flatten: (N, C, H, W) -> (N, C*H*W), a copy in the same order.
#include "layers/layers.h"

namespace gs {

void FlattenLayer::forward(const Tensor& x, Tensor& y, const PassContext&) { m_be->copy(y, x); }

void FlattenLayer::backward(const Tensor&, const Tensor&, const Tensor& dy, Tensor* dx) {
    if (dx) m_be->copy(*dx, dy);
}

}  // namespace gs
