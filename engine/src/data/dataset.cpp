// InMemoryDataset: items and targets held as flat float arrays, item after
// item, gathered into batches by index.
#include <algorithm>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include "gradscope/dataset.h"
#include "gradscope/error.h"

namespace gs {

InMemoryDataset::InMemoryDataset(std::string name, Shape item, int num_classes, int target_size)
    : m_name(std::move(name)), m_item(item), m_classes(num_classes), m_target_size(target_size) {
    if (m_item.rank < 1 || m_item.rank > 4)
        throw Error("dataset '" + m_name + "': an item needs 1 to 4 dimensions, got " +
                    std::to_string(m_item.rank));
    for (int i = 0; i < m_item.rank; ++i)
        if (m_item[i] < 1)
            throw Error("dataset '" + m_name + "': item shape " + m_item.str() +
                        " has a dimension below 1");
    if (m_classes < 0)
        throw Error("dataset '" + m_name + "': the number of classes cannot be negative (" +
                    std::to_string(m_classes) + ")");
    if (m_target_size < 1)
        throw Error("dataset '" + m_name + "': a target needs at least one value, got " +
                    std::to_string(m_target_size));
}

void InMemoryDataset::gather(const uint32_t* indices, int n, float* x, float* y) const {
    const size_t item = m_item.numel();
    const size_t target = static_cast<size_t>(m_target_size);
    const size_t count = size();
    for (int i = 0; i < n; ++i) {
        const size_t k = indices[i];
        if (k >= count)
            throw Error("dataset '" + m_name + "': item " + std::to_string(k) +
                        " asked for, but it holds " + std::to_string(count));
        std::memcpy(x + static_cast<size_t>(i) * item, m_x.data() + k * item, item * sizeof(float));
        std::memcpy(y + static_cast<size_t>(i) * target, m_y.data() + k * target,
                    target * sizeof(float));
    }
}

void Dataset::gather_affine(const uint32_t* indices, int n, float* x, float* y, const float* scale,
                            const float* shift) const {
    gather(indices, n, x, y);
    const Shape item = item_shape();
    const size_t per = item.numel();
    const int channels = item.rank >= 3 ? item[0] : static_cast<int>(per);
    const size_t plane = per / static_cast<size_t>(channels);
    for (int i = 0; i < n; ++i)
        for (int c = 0; c < channels; ++c) {
            float* v = x + static_cast<size_t>(i) * per + static_cast<size_t>(c) * plane;
            for (size_t k = 0; k < plane; ++k) v[k] = v[k] * scale[c] + shift[c];
        }
}

bool Dataset::gather_plane(const uint32_t* indices, int n, float* xy) const {
    if (item_shape().numel() != 2) return false;
    // Targets go to a small buffer on the stack, a chunk at a time.
    constexpr int kChunk = 64, kMaxTarget = 16;
    const int t = target_size();
    if (t > kMaxTarget) {
        std::vector<float> y(static_cast<size_t>(n) * static_cast<size_t>(t));
        gather(indices, n, xy, y.data());
        return true;
    }
    float y[kChunk * kMaxTarget];
    for (int first = 0; first < n; first += kChunk)
        gather(indices + first, std::min(kChunk, n - first), xy + 2 * static_cast<size_t>(first), y);
    return true;
}

void InMemoryDataset::add(const float* x, const float* y) {
    m_x.insert(m_x.end(), x, x + m_item.numel());
    m_y.insert(m_y.end(), y, y + m_target_size);
}

void InMemoryDataset::reserve(size_t n) {
    m_x.reserve(n * m_item.numel());
    m_y.reserve(n * static_cast<size_t>(m_target_size));
}

}  // namespace gs
