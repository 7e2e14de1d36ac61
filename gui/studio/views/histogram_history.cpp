// The bounded history of each layer's histograms.
#include "views/histogram_history.h"

#include "gradscope/distributions.h"

namespace gs::studio {

const char* histogram_kind_name(HistogramKind k) {
    switch (k) {
        case HistogramKind::Weights: return "weights";
        case HistogramKind::Gradients: return "gradients";
        case HistogramKind::Activations: return "activations";
    }
    return "";
}

void HistogramHistory::add(const std::vector<LayerStats>& layers) {
    for (const LayerStats& s : layers) add(s);
}

void HistogramHistory::thin(std::vector<HistogramSample>& v) const {
    if (v.size() < m_capacity) return;
    // Keep every other sample, and the newest.
    std::vector<HistogramSample> kept;
    kept.reserve(m_capacity / 2 + 1);
    for (size_t i = 0; i < v.size(); i += 2) kept.push_back(v[i]);
    if ((v.size() - 1) % 2 != 0) kept.push_back(v.back());
    v.swap(kept);
}

void HistogramHistory::add(const LayerStats& s) {
    if (s.layer < 0) return;
    if (static_cast<size_t>(s.layer) >= m_layers.size()) m_layers.resize(static_cast<size_t>(s.layer) + 1);
    Layer& l = m_layers[static_cast<size_t>(s.layer)];
    if (s.step == l.newest) return;  // seen already
    if (s.step < l.newest) l = Layer{};  // the run started over
    l.newest = s.step;
    const LayerStats::Histogram* hs[3] = {&s.weights, &s.grads, &s.acts};
    for (int k = 0; k < 3; ++k) {
        if (!has_histogram(*hs[k])) continue;
        auto& v = l.kinds[static_cast<size_t>(k)];
        thin(v);
        v.push_back({s.step, *hs[k], distribution_percentiles(*hs[k])});
    }
}

std::vector<const HistogramSample*> HistogramHistory::samples(int layer, HistogramKind kind) const {
    std::vector<const HistogramSample*> out;
    if (layer < 0 || static_cast<size_t>(layer) >= m_layers.size()) return out;
    for (const HistogramSample& h : m_layers[static_cast<size_t>(layer)].kinds[static_cast<size_t>(kind)])
        out.push_back(&h);
    return out;
}

bool HistogramHistory::has(int layer, HistogramKind kind) const {
    return layer >= 0 && static_cast<size_t>(layer) < m_layers.size() &&
           !m_layers[static_cast<size_t>(layer)].kinds[static_cast<size_t>(kind)].empty();
}

size_t HistogramHistory::memory_bytes() const {
    size_t b = m_layers.capacity() * sizeof(Layer);
    for (const Layer& l : m_layers)
        for (const auto& v : l.kinds) b += v.capacity() * sizeof(HistogramSample);
    return b;
}

}  // namespace gs::studio
