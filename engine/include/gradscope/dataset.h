// Datasets give (input, target) items by index. Targets are class indices
// (stored as floats) for classification, or values for regression.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "gradscope/large_pages.h"
#include "gradscope/spec.h"
#include "gradscope/tensor.h"

namespace gs {

class Dataset {
public:
    virtual ~Dataset() = default;
    virtual std::string name() const = 0;
    virtual size_t size() const = 0;
    virtual Shape item_shape() const = 0;
    // Number of classes; 0 for a regression target.
    virtual int num_classes() const = 0;
    // Floats per target: 1 for a class index, more for a vector target.
    virtual int target_size() const { return 1; }
    virtual std::vector<std::string> class_names() const { return {}; }
    // Copies items indices[0..n) into x (n * item numel) and y (n * target_size).
    virtual void gather(const uint32_t* indices, int n, float* x, float* y) const = 0;
    // The same, with x of channel c mapped to x * scale[c] + shift[c] on the
    // way (one channel per feature for flat items). Byte images override it
    // to do both in one pass.
    virtual void gather_affine(const uint32_t* indices, int n, float* x, float* y,
                               const float* scale, const float* shift) const;
    // The points (x1, x2) of the plane behind items: n x 2 floats into xy.
    // An item of two values is its own point; a set of input features
    // (FeatureDataset) gives the points its features are computed from.
    // False, with xy untouched, when the items are not points of a plane.
    virtual bool gather_plane(const uint32_t* indices, int n, float* xy) const;
};

// Items held as floats in memory.
class InMemoryDataset : public Dataset {
public:
    InMemoryDataset(std::string name, Shape item, int num_classes, int target_size = 1);
    std::string name() const override { return m_name; }
    size_t size() const override { return m_y.size() / static_cast<size_t>(m_target_size); }
    Shape item_shape() const override { return m_item; }
    int num_classes() const override { return m_classes; }
    int target_size() const override { return m_target_size; }
    std::vector<std::string> class_names() const override { return m_class_names; }
    void gather(const uint32_t* indices, int n, float* x, float* y) const override;

    void add(const float* x, const float* y);
    void reserve(size_t n);
    void set_class_names(std::vector<std::string> names) { m_class_names = std::move(names); }
    const std::vector<float>& inputs() const { return m_x; }
    const std::vector<float>& targets() const { return m_y; }

private:
    std::string m_name;
    Shape m_item;
    int m_classes;
    int m_target_size;
    std::vector<float> m_x, m_y;
    std::vector<std::string> m_class_names;
};

// Items held as bytes (images, 0..255) with a class label each: uint8
// sources stay uint8 in memory and become floats (byte / 255) per batch.
class ByteDataset : public Dataset {
public:
    ByteDataset(std::string name, Shape item, int num_classes,
                std::vector<std::string> class_names = {});
    std::string name() const override { return m_name; }
    size_t size() const override { return m_labels.size(); }
    Shape item_shape() const override { return m_item; }
    int num_classes() const override { return m_classes; }
    std::vector<std::string> class_names() const override { return m_class_names; }
    void gather(const uint32_t* indices, int n, float* x, float* y) const override;
    void gather_affine(const uint32_t* indices, int n, float* x, float* y, const float* scale,
                       const float* shift) const override;

    void reserve(size_t n);
    // pixels: item_shape().numel() bytes in (C, H, W) order.
    void add(const uint8_t* pixels, int label);
    // Takes a whole block of items at once (n items, labels[n]).
    void assign(std::vector<uint8_t> pixels, std::vector<uint8_t> labels);
    const uint8_t* item(size_t i) const { return m_pixels.data() + i * m_item.numel(); }
    int label(size_t i) const { return m_labels[i]; }
    size_t memory_bytes() const { return m_pixels.capacity() + m_labels.capacity(); }

private:
    void prefetch_next(const uint32_t* indices, int i, int n) const;  // item indices[i + 1]'s lines
    std::string m_name;
    Shape m_item;
    int m_classes;
    std::vector<std::string> m_class_names;
    // Items are read at random, a batch at a time: Fashion-MNIST's 47 MB in
    // huge pages where the kernel gives them (large_pages.h).
    std::vector<uint8_t, LargePageAllocator<uint8_t>> m_pixels;
    std::vector<uint8_t> m_labels;
};

struct DataSplit {
    std::shared_ptr<Dataset> train;
    std::shared_ptr<Dataset> test;
};

// The built-in sets: spiral, circle, xor, gaussian, moons (2-D, two classes;
// gaussian and spiral take spec.classes up to 6), points (the spec's drawn
// points), line and plane (regression), synthetic (random items of a given
// shape, for benchmarks). Throws gs::Error for an unknown name.
DataSplit make_builtin_dataset(const DataSpec& spec, const Shape& item_shape = Shape{},
                               int num_classes = 0);
std::vector<std::string> builtin_dataset_names();

}  // namespace gs
