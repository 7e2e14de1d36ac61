// FeatureDataset: the input features of a 2-D set (DataSpec::features),
// computed from the parent's points as batches are gathered. Work goes in
// chunks through buffers on the stack: gather() may run on the loader's
// thread and the session's at once, and allocates nothing.
#include "gradscope/data_pipeline.h"
#include "gradscope/error.h"
#include "gradscope/input_features.h"

#include <algorithm>

namespace gs {

FeatureDataset::FeatureDataset(std::shared_ptr<const Dataset> plane,
                               std::vector<InputFeature> features)
    : m_plane(std::move(plane)), m_features(std::move(features)) {
    if (!m_plane || m_plane->item_shape().numel() != 2)
        throw Error("input features are computed from points (x1, x2) of a 2-D set; '" +
                    (m_plane ? m_plane->name() : std::string("nothing")) + "' has items of " +
                    (m_plane ? m_plane->item_shape().str() : std::string("nothing")));
    if (m_features.empty()) throw Error("input features: none given");
}

void FeatureDataset::gather(const uint32_t* indices, int n, float* x, float* y) const {
    constexpr int kChunk = 256;
    float xy[2 * kChunk];
    const size_t width = m_features.size(), target = static_cast<size_t>(target_size());
    for (int first = 0; first < n; first += kChunk) {
        const int m = std::min(kChunk, n - first);
        m_plane->gather(indices + first, m, xy, y + static_cast<size_t>(first) * target);
        expand_features(m_features, xy, m, x + static_cast<size_t>(first) * width);
    }
}

bool FeatureDataset::gather_plane(const uint32_t* indices, int n, float* xy) const {
    return m_plane->gather_plane(indices, n, xy);
}

}  // namespace gs
