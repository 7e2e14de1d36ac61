// ByteDataset: items held as uint8 (C, H, W) blocks with one class label
// byte each, turned into floats (byte / 255) only when gathered into a batch.
// Invariant: m_pixels.size() == m_labels.size() * m_item.numel(), and every
// label is below m_classes (so a label always fits the model's output).
#include <string>
#include <utility>

#include "gradscope/dataset.h"
#include "gradscope/error.h"

namespace gs {

namespace {

// One item may hold at most this many bytes (2 GiB): far beyond any image,
// and small enough that no product of dimensions can overflow.
constexpr size_t kMaxItemBytes = size_t{1} << 31;

}  // namespace

ByteDataset::ByteDataset(std::string name, Shape item, int num_classes,
                         std::vector<std::string> class_names)
    : m_name(std::move(name)),
      m_item(item),
      m_classes(num_classes),
      m_class_names(std::move(class_names)) {
    if (m_item.rank < 1 || m_item.rank > 4)
        throw Error("dataset '" + m_name + "': an item needs 1 to 4 dimensions, got " +
                    std::to_string(m_item.rank));
    size_t bytes = 1;
    for (int i = 0; i < m_item.rank; ++i) {
        if (m_item[i] < 1)
            throw Error("dataset '" + m_name + "': item shape " + m_item.str() +
                        " has a dimension below 1");
        bytes *= static_cast<size_t>(m_item[i]);  // each factor < 2^31, checked every step
        if (bytes > kMaxItemBytes)
            throw Error("dataset '" + m_name + "': item shape " + m_item.str() +
                        " is too large (more than 2 GiB per item)");
    }
    // Labels are stored as bytes, so there can be at most 256 classes.
    if (m_classes < 1 || m_classes > 256)
        throw Error("dataset '" + m_name + "': a byte dataset needs 1 to 256 classes, got " +
                    std::to_string(m_classes));
    if (!m_class_names.empty() && m_class_names.size() != static_cast<size_t>(m_classes))
        throw Error("dataset '" + m_name + "': " + std::to_string(m_class_names.size()) +
                    " class names given for " + std::to_string(m_classes) + " classes");
}

// The next item of a batch is somewhere else in the set (47 MB for
// Fashion-MNIST, read at random): its lines are asked for while this one
// converts. mlp-fashion/b256's real-data cost went from 3.4-6.4% to 2.6-4.5%
// (five alternated runs, 2026-12-07; README).
void ByteDataset::prefetch_next(const uint32_t* indices, int i, int n) const {
    if (i + 1 >= n || indices[i + 1] >= size()) return;
    const size_t item = m_item.numel();
    const uint8_t* next = m_pixels.data() + static_cast<size_t>(indices[i + 1]) * item;
    for (size_t b = 0; b < item; b += 64) __builtin_prefetch(next + b);
}

void ByteDataset::gather(const uint32_t* indices, int n, float* x, float* y) const {
    const size_t item = m_item.numel();
    const size_t count = size();
    constexpr float kScale = 1.0f / 255.0f;
    for (int i = 0; i < n; ++i) {
        const size_t k = indices[i];
        if (k >= count)
            throw Error("dataset '" + m_name + "': item " + std::to_string(k) +
                        " asked for, but it holds " + std::to_string(count));
        const uint8_t* src = m_pixels.data() + k * item;
        float* dst = x + static_cast<size_t>(i) * item;
        prefetch_next(indices, i, n);
        for (size_t j = 0; j < item; ++j) dst[j] = static_cast<float>(src[j]) * kScale;
        y[i] = static_cast<float>(m_labels[k]);
    }
}

void ByteDataset::gather_affine(const uint32_t* indices, int n, float* x, float* y,
                                const float* scale, const float* shift) const {
    const size_t item = m_item.numel();
    const size_t count = size();
    const int channels = m_item.rank >= 3 ? m_item[0] : static_cast<int>(item);
    const size_t plane = item / static_cast<size_t>(channels);
    for (int i = 0; i < n; ++i) {
        const size_t k = indices[i];
        if (k >= count)
            throw Error("dataset '" + m_name + "': item " + std::to_string(k) +
                        " asked for, but it holds " + std::to_string(count));
        const uint8_t* src = m_pixels.data() + k * item;
        float* dst = x + static_cast<size_t>(i) * item;
        prefetch_next(indices, i, n);
        for (int c = 0; c < channels; ++c) {
            // byte / 255 * scale + shift, in one pass.
            const float a = scale[c] / 255.0f, b = shift[c];
            const size_t o = static_cast<size_t>(c) * plane;
            for (size_t j = 0; j < plane; ++j) dst[o + j] = static_cast<float>(src[o + j]) * a + b;
        }
        y[i] = static_cast<float>(m_labels[k]);
    }
}

void ByteDataset::reserve(size_t n) {
    const size_t item = m_item.numel();
    if (item != 0 && n > m_pixels.max_size() / item)
        throw Error("dataset '" + m_name + "': cannot reserve room for " + std::to_string(n) +
                    " items of " + m_item.str());
    m_pixels.reserve(n * item);
    m_labels.reserve(n);
}

void ByteDataset::add(const uint8_t* pixels, int label) {
    if (label < 0 || label >= m_classes)
        throw Error("dataset '" + m_name + "': label " + std::to_string(label) + " of item " +
                    std::to_string(size()) + " is not between 0 and " +
                    std::to_string(m_classes - 1));
    m_pixels.insert(m_pixels.end(), pixels, pixels + m_item.numel());
    m_labels.push_back(static_cast<uint8_t>(label));
}

void ByteDataset::assign(std::vector<uint8_t> pixels, std::vector<uint8_t> labels) {
    const size_t item = m_item.numel();
    if (pixels.size() / item != labels.size() || pixels.size() % item != 0)
        throw Error("dataset '" + m_name + "': " + std::to_string(pixels.size()) +
                    " pixel bytes do not make " + std::to_string(labels.size()) + " items of " +
                    m_item.str() + " (" + std::to_string(item) + " bytes each)");
    for (size_t i = 0; i < labels.size(); ++i)
        if (labels[i] >= m_classes)
            throw Error("dataset '" + m_name + "': label " + std::to_string(labels[i]) +
                        " of item " + std::to_string(i) + " is not below " +
                        std::to_string(m_classes));
    // Into large pages (a copy, once), no bigger than the items need.
    m_pixels = decltype(m_pixels)(pixels.begin(), pixels.end());
    m_labels = std::move(labels);
}

}  // namespace gs
