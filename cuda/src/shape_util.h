// Shape arithmetic for the CUDA library, inline: the library is loaded into
// programs that do not export the engine's symbols, so it must not call the
// engine's out-of-line functions (Shape::numel and friends).
#pragma once

#include <cstddef>

#include "gradscope/tensor.h"

namespace gs::cuda {

inline size_t count(const Shape& s) {
    size_t n = 1;
    for (int i = 0; i < s.rank; ++i) n *= static_cast<size_t>(s[i]);
    return n;
}
inline size_t count(const Tensor& t) { return count(t.shape()); }
inline size_t per_item(const Tensor& t) {
    const Shape& s = t.shape();
    size_t n = 1;
    for (int i = 1; i < s.rank; ++i) n *= static_cast<size_t>(s[i]);
    return n;
}

// (N, C, S): S = H * W for images, 1 for features.
struct Ncs {
    int N, C;
    long S;
};
inline Ncs ncs(const Tensor& x) {
    const Shape& s = x.shape();
    long S = 1;
    for (int i = 2; i < s.rank; ++i) S *= s[i];
    return {s[0], s.rank >= 2 ? s[1] : 1, S};
}

}  // namespace gs::cuda
