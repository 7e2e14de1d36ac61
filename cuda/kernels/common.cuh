// Launch geometry and block reductions shared by the kernels in this folder.
#pragma once

#include <cuda_runtime.h>

#include <cstddef>

namespace gs::cuda {

inline constexpr int kThreads = 256;

// Blocks for a grid-stride loop over n elements.
inline unsigned grid_for(size_t n) {
    const size_t b = (n + kThreads - 1) / kThreads;
    return static_cast<unsigned>(b < 1 ? 1 : (b > 8192 ? 8192 : b));
}

#define GS_GRID_STRIDE(i, n)                                                        \
    for (size_t i = static_cast<size_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < (n); \
         i += static_cast<size_t>(gridDim.x) * blockDim.x)

// Sum of v over the block (kThreads threads); the result is valid in thread 0.
template <typename T>
__device__ inline T block_sum(T v) {
    __shared__ T warp_sums[kThreads / 32];
    for (int o = 16; o > 0; o >>= 1) v += __shfl_down_sync(0xffffffffu, v, o);
    const int lane = threadIdx.x % 32, warp = threadIdx.x / 32;
    __syncthreads();  // warp_sums may still be read by a previous call
    if (lane == 0) warp_sums[warp] = v;
    __syncthreads();
    T r = 0;
    if (warp == 0) {
        r = lane < kThreads / 32 ? warp_sums[lane] : T(0);
        for (int o = 16; o > 0; o >>= 1) r += __shfl_down_sync(0xffffffffu, r, o);
    }
    return r;
}

}  // namespace gs::cuda
