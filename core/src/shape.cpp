// Shape: dimension arithmetic and text (see gradscope/shape.h).
#include "gradscope/shape.h"

#include "gradscope/error.h"

namespace gs {

Shape::Shape(std::initializer_list<int> dims) {
    if (dims.size() > 4) throw Error("a shape has at most 4 dimensions");
    rank = static_cast<int>(dims.size());
    int i = 0;
    for (int v : dims) d[static_cast<size_t>(i++)] = v;
}

Shape Shape::from_vector(const std::vector<int>& dims) {
    if (dims.size() > 4) throw Error("a shape has at most 4 dimensions");
    Shape s;
    s.rank = static_cast<int>(dims.size());
    for (size_t i = 0; i < dims.size(); ++i) s.d[i] = dims[i];
    return s;
}

size_t Shape::numel() const {
    size_t n = 1;
    for (int i = 0; i < rank; ++i) n *= static_cast<size_t>(d[static_cast<size_t>(i)]);
    return n;
}

size_t Shape::per_item() const {
    size_t n = 1;
    for (int i = 1; i < rank; ++i) n *= static_cast<size_t>(d[static_cast<size_t>(i)]);
    return n;
}

Shape Shape::with_batch(int n) const {
    if (rank >= 4) throw Error("cannot add a batch dimension to a 4-D shape");
    Shape s;
    s.rank = rank + 1;
    s.d[0] = n;
    for (int i = 0; i < rank; ++i) s.d[static_cast<size_t>(i + 1)] = d[static_cast<size_t>(i)];
    return s;
}

Shape Shape::drop_batch() const {
    Shape s;
    s.rank = rank > 0 ? rank - 1 : 0;
    for (int i = 1; i < rank; ++i) s.d[static_cast<size_t>(i - 1)] = d[static_cast<size_t>(i)];
    return s;
}

std::vector<int> Shape::to_vector() const {
    return std::vector<int>(d.begin(), d.begin() + rank);
}

std::string Shape::str() const {
    std::string s;
    for (int i = 0; i < rank; ++i) {
        if (i) s += 'x';
        s += std::to_string(d[static_cast<size_t>(i)]);
    }
    return s.empty() ? "scalar" : s;
}

bool Shape::operator==(const Shape& o) const {
    if (rank != o.rank) return false;
    for (int i = 0; i < rank; ++i)
        if (d[static_cast<size_t>(i)] != o.d[static_cast<size_t>(i)]) return false;
    return true;
}

}  // namespace gs
