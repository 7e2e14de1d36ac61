// flip_labels (gradscope/label_noise.h): a view of a dataset that gives some
// items another label, applied to the targets after the wrapped dataset's
// own gather (so byte images keep their fast path).
#include "gradscope/label_noise.h"

#include <algorithm>
#include <unordered_map>

#include "gradscope/error.h"
#include "gradscope/rng.h"

namespace gs {

namespace {

class FlippedLabels : public Dataset {
public:
    FlippedLabels(std::shared_ptr<Dataset> base, std::unordered_map<uint32_t, int> labels)
        : m_base(std::move(base)), m_labels(std::move(labels)) {}
    std::string name() const override { return m_base->name() + " (" + std::to_string(m_labels.size()) + " labels flipped)"; }
    size_t size() const override { return m_base->size(); }
    Shape item_shape() const override { return m_base->item_shape(); }
    int num_classes() const override { return m_base->num_classes(); }
    int target_size() const override { return 1; }
    std::vector<std::string> class_names() const override { return m_base->class_names(); }
    void gather(const uint32_t* idx, int n, float* x, float* y) const override {
        m_base->gather(idx, n, x, y);
        patch(idx, n, y);
    }
    void gather_affine(const uint32_t* idx, int n, float* x, float* y, const float* scale,
                       const float* shift) const override {
        m_base->gather_affine(idx, n, x, y, scale, shift);
        patch(idx, n, y);
    }

private:
    void patch(const uint32_t* idx, int n, float* y) const {
        for (int i = 0; i < n; ++i)
            if (auto it = m_labels.find(idx[i]); it != m_labels.end()) y[i] = static_cast<float>(it->second);
    }

    std::shared_ptr<Dataset> m_base;
    std::unordered_map<uint32_t, int> m_labels;
};

}  // namespace

NoisyLabels flip_labels(std::shared_ptr<Dataset> data, size_t count, uint64_t seed) {
    const int k = data->num_classes();
    if (k < 2 || data->target_size() != 1)
        throw Error("flipping labels needs a classification set; " + data->name() + " is not one");
    const size_t n = data->size();
    if (count > n)
        throw Error("cannot flip " + std::to_string(count) + " labels of " + std::to_string(n) + " items");
    // A partial Fisher-Yates shuffle picks the items; each takes another class.
    Rng rng(seed);
    std::vector<uint32_t> order(n);
    for (size_t i = 0; i < n; ++i) order[i] = static_cast<uint32_t>(i);
    for (size_t i = 0; i < count; ++i) std::swap(order[i], order[i + rng.below(n - i)]);
    order.resize(count);
    std::sort(order.begin(), order.end());
    std::vector<float> x(data->item_shape().numel());
    std::unordered_map<uint32_t, int> labels;
    for (uint32_t item : order) {
        float y = 0;
        data->gather(&item, 1, x.data(), &y);
        const int old = static_cast<int>(y);
        const int shift = 1 + static_cast<int>(rng.below(static_cast<uint64_t>(k - 1)));
        labels[item] = (old + shift) % k;
    }
    return {std::make_shared<FlippedLabels>(std::move(data), std::move(labels)), std::move(order)};
}

}  // namespace gs
