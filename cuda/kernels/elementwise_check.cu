// Compiles the shared per-element arithmetic as device code, so a change to
// gradscope/kernels/elementwise.h that nvcc cannot build fails CI at once.
#include "gradscope/kernels/elementwise.h"

namespace gs {

// out: (n), x: (n)
__global__ void elementwise_check_kernel(float* out, const float* x, int n, SgdStep s) {
    const int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= n) return;
    float p = x[i], v = 0.0f;
    kernels::sgd_momentum_step(p, kernels::gelu_grad(x[i]) + kernels::sigmoid(x[i]), v, s);
    out[i] = p + kernels::bce_with_logits(x[i], 0.5f) + kernels::leaky_relu(x[i], 0.01f);
}

}  // namespace gs
