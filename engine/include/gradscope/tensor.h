// Tensor: a float32 array of up to four dimensions (N, C, H, W) whose storage
// belongs to a Backend. Copies of a Tensor share storage; batch views share it
// too, so the training loop can step on a smaller last batch without
// allocating. data() is a device pointer on a non-CPU backend.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "gradscope/shape.h"

namespace gs {

class Backend;

// Raw storage handed out by a backend and given back when the last Tensor
// that refers to it goes away.
struct Storage {
    Backend* backend = nullptr;
    float* ptr = nullptr;
    size_t count = 0;  // floats
    Storage(Backend* b, size_t n);
    ~Storage();
    Storage(const Storage&) = delete;
    Storage& operator=(const Storage&) = delete;
};

class Tensor {
public:
    Tensor() = default;
    Tensor(Backend& backend, Shape shape);  // allocates, contents zeroed

    bool defined() const { return m_storage != nullptr; }
    const Shape& shape() const { return m_shape; }
    size_t numel() const { return m_shape.numel(); }
    int dim(int i) const { return m_shape[i]; }
    Backend* backend() const { return m_storage ? m_storage->backend : nullptr; }

    float* data() { return m_storage ? m_storage->ptr + m_offset : nullptr; }
    const float* data() const { return m_storage ? m_storage->ptr + m_offset : nullptr; }

    // Items [first, first + count) of dimension 0, sharing storage.
    Tensor batch_view(int first, int count) const;
    // The same storage seen with another shape of equal element count.
    Tensor reshaped(const Shape& s) const;

    std::vector<float> to_host() const;
    void from_host(const float* src, size_t n);
    void from_host(const std::vector<float>& src) { from_host(src.data(), src.size()); }

private:
    std::shared_ptr<Storage> m_storage;
    size_t m_offset = 0;
    Shape m_shape;
};

}  // namespace gs
