// HistogramHistory: the view model of the histograms-over-time view. The
// store keeps only each layer's newest statistics, so this keeps the
// history itself: per layer, the step and the weights, gradients and
// activations histograms of every statistics sample, bounded. When a layer
// reaches its capacity every other sample is dropped (a run of any length
// keeps samples spread over all of it, at most `capacity` per layer).
#pragma once

#include <array>
#include <cstddef>
#include <vector>

#include "gradscope/telemetry.h"

namespace gs::studio {

enum class HistogramKind { Weights = 0, Gradients = 1, Activations = 2 };

struct HistogramSample {
    long step = 0;
    LayerStats::Histogram h;
    std::array<float, 9> percentiles{};  // distribution_percentiles(h)
};

class HistogramHistory {
public:
    explicit HistogramHistory(size_t capacity = 256) : m_capacity(capacity < 4 ? 4 : capacity) {}
    // Adds the samples of layer statistics newer than what is kept (the
    // store's layers() after each drain); a step earlier than the newest
    // kept (a reset or a rewind) starts that layer over.
    void add(const std::vector<LayerStats>& layers);
    void add(const LayerStats& s);
    void clear() { m_layers.clear(); }

    size_t capacity() const { return m_capacity; }
    size_t layers() const { return m_layers.size(); }
    // The samples of one layer and kind that have a histogram, oldest first.
    std::vector<const HistogramSample*> samples(int layer, HistogramKind kind) const;
    // Whether a layer has any sample of that kind.
    bool has(int layer, HistogramKind kind) const;
    size_t memory_bytes() const;

private:
    struct Layer {
        std::array<std::vector<HistogramSample>, 3> kinds;  // by HistogramKind, only those taken
        long newest = -1;
    };
    void thin(std::vector<HistogramSample>& v) const;

    size_t m_capacity;
    std::vector<Layer> m_layers;
};

const char* histogram_kind_name(HistogramKind k);  // "weights", "gradients", "activations"

}  // namespace gs::studio
