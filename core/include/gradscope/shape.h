// Shape: the dimensions of a tensor, or of one item of a dataset or a layer's
// input, as plain data (rank 1..4; no storage). Dimension 0 is the batch
// where a batch exists.
#pragma once

#include <array>
#include <cstddef>
#include <initializer_list>
#include <string>
#include <vector>

namespace gs {

// A shape of rank 1..4. Dimension 0 is the batch where a batch exists.
struct Shape {
    int rank = 0;
    std::array<int, 4> d{1, 1, 1, 1};

    Shape() = default;
    Shape(std::initializer_list<int> dims);  // throws gs::Error past 4 dimensions
    static Shape from_vector(const std::vector<int>& dims);

    int operator[](int i) const { return d[static_cast<size_t>(i)]; }
    int& operator[](int i) { return d[static_cast<size_t>(i)]; }
    size_t numel() const;
    // The product of all dimensions but the first.
    size_t per_item() const;
    // This shape with a batch dimension n put in front.
    Shape with_batch(int n) const;
    // This shape without its first dimension.
    Shape drop_batch() const;
    std::vector<int> to_vector() const;
    std::string str() const;  // "64x3x3"
    bool operator==(const Shape& o) const;
    bool operator!=(const Shape& o) const { return !(*this == o); }
};

}  // namespace gs
