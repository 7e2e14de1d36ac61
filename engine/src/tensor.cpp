// Tensor: storage bookkeeping and views; no arithmetic here (Shape is in
// core/src/shape.cpp).
#include "gradscope/tensor.h"

#include <cstring>

#include "gradscope/backend.h"
#include "gradscope/error.h"

namespace gs {

Storage::Storage(Backend* b, size_t n) : backend(b), count(n) { ptr = b->allocate(n); }
Storage::~Storage() {
    if (ptr) backend->deallocate(ptr);
}

Tensor::Tensor(Backend& backend, Shape shape) : m_shape(shape) {
    m_storage = std::make_shared<Storage>(&backend, shape.numel() ? shape.numel() : 1);
}

Tensor Tensor::batch_view(int first, int count) const {
    if (first < 0 || count < 0 || first + count > m_shape[0])
        throw Error("batch view [" + std::to_string(first) + ", " + std::to_string(first + count) +
                    ") outside a batch of " + std::to_string(m_shape[0]));
    Tensor t = *this;
    t.m_offset = m_offset + static_cast<size_t>(first) * m_shape.per_item();
    t.m_shape.d[0] = count;
    return t;
}

Tensor Tensor::reshaped(const Shape& s) const {
    if (s.numel() != m_shape.numel())
        throw Error("cannot view " + m_shape.str() + " as " + s.str());
    Tensor t = *this;
    t.m_shape = s;
    return t;
}

std::vector<float> Tensor::to_host() const {
    std::vector<float> out(numel());
    if (!out.empty()) backend()->download(out.data(), data(), out.size());
    return out;
}

void Tensor::from_host(const float* src, size_t n) {
    if (n != numel())
        throw Error("cannot copy " + std::to_string(n) + " values into a tensor of " +
                    m_shape.str());
    if (n) backend()->upload(data(), src, n);
}

}  // namespace gs
