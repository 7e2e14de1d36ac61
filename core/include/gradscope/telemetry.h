// Telemetry: what a training session publishes, as plain structs. The
// training thread pushes records into single-producer single-consumer rings
// (it never waits: when a ring is full, the record is counted as dropped); a
// consumer drains the rings once per frame or tick into a TelemetryStore,
// whose series keep recent points at full resolution and older ones
// decimated (min / max / mean per bucket), so memory stays bounded however
// long a run goes.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "gradscope/gauges.h"

namespace gs {

// One training step.
struct StepRecord {
    long step = 0;            // global step, 1-based (after the step)
    int epoch = 0;            // the epoch it belonged to (0-based)
    float loss = 0;           // mean over the batch
    float accuracy = -1;      // fraction right; -1 for regression
    float lr = 0;             // learning rate used
    float step_ms = 0;        // wall time of the step
    float samples_per_s = 0;  // batch / step time
    uint32_t run = 0;         // resets and rewinds before it (Session::run_count()): drain() drops
                              // what a reset or a rewind undid
    uint32_t run_id = 0;      // which run of a family (RunInfo::id): a consumer of several runs tells them apart
};

// The end of an epoch, with validation where the session has a split for it.
struct EpochRecord {
    int epoch = 0;  // 1-based: the epoch just finished
    long step = 0;
    float train_loss = 0, train_accuracy = -1;
    bool has_validation = false;
    float val_loss = 0, val_accuracy = -1;
    double seconds = 0;  // since the session started
    uint32_t run = 0;    // as in StepRecord
    uint32_t run_id = 0;  // as in StepRecord
};

// Something that happened: a hyperparameter change, a state change, a
// breakpoint, a refused command. text is for people; kind for programs.
struct EventRecord {
    long step = 0;
    std::string kind;  // "hyperparameter", "state", "breakpoint", "error", ...
    std::string name;  // which hyperparameter / state / breakpoint
    double value = 0;  // the new value, where there is one
    std::string text;
    uint32_t run_id = 0;  // as in StepRecord
};

// Statistics of one layer at one step, computed on a budget (every few
// steps, so that they cost a few percent of training at most). Fixed size:
// publishing one allocates nothing.
struct LayerStats {
    static constexpr int kBins = 32;
    struct Histogram {
        float lo = 0, hi = 0;  // the range the bins split evenly
        uint32_t counts[kBins] = {};
    };
    long step = 0;
    uint32_t run = 0;  // as in StepRecord
    uint32_t run_id = 0;  // as in StepRecord
    int layer = 0;  // 0-based, as in the spec
    bool has_weights = false;
    float weight_norm = 0;    // L2 norm of the weights (first parameter)
    float grad_norm = 0;      // L2 norm of their gradient
    float grad_mean_abs = 0;  // mean |gradient|
    float grad_max_abs = 0;   // max |gradient|
    float update_ratio = 0;   // lr * |gradient| / |weights|: the relative size of a plain step
    float act_mean = 0, act_std = 0;  // of the layer's output over the batch
    float dead_fraction = -1;       // after ReLU-like layers: outputs <= 0 for every item
    float saturated_fraction = -1;  // after Sigmoid / Tanh: outputs within 1% of the limits
    Histogram weights, grads, acts;
};

// What a front end asks to see, computed by the worker between steps.
struct SnapshotRequest {
    int probe = 0;          // item of the validation (else test, else training) split
    int grid = 64;          // decision grid resolution for 2-input models, curve points for 1-input ones (0: none; at most kMaxGrid)
    // The confusion matrix and the most confident mistakes come from the last
    // validation pass (every epoch end); fresh_confusion makes a new pass now
    // (costly on large splits: ask for it on demand, not ten times a second).
    bool confusion = true;
    bool fresh_confusion = false;
    int misclassified = 16;  // how many of the most confident mistakes
    // Every item's outcome of that same pass (Snapshot::outcomes): what a
    // confusion cell's gallery lists. No extra pass; a copy of one entry per item.
    bool outcomes = false;
    // Copy the weights (and their gradients) of Dense and Conv2D layers to
    // the host for drawing, each layer whose weights have at most
    // max_parameter_floats values.
    bool parameters = true;
    size_t max_parameter_floats = size_t{1} << 16;

    // The budget of one snapshot, whatever the model (docs/limits.md): the
    // grid's resolution, and the floats of all decision grids and of all
    // probe activations. Layers are filled in order until the budget is
    // spent; the rest are left empty and counted in the Snapshot.
    static constexpr int kMaxGrid = 512;
    static constexpr size_t kMaxGridFloats = size_t{16} << 20;   // 64 MiB
    static constexpr size_t kMaxProbeFloats = size_t{16} << 20;  // 64 MiB
};

// The answer: each part is empty where it does not apply.
struct Snapshot {
    long step = 0;
    // Every layer's output for the probe item (layer i: shapes[i], values[i]).
    int probe = -1;
    int probe_label = -1;
    std::vector<std::vector<int>> probe_shapes;
    std::vector<std::vector<float>> probe_activations;
    // For 2-D data: a grid x 0..grid-1 (first coordinate x1, lo..hi) by y
    // (second coordinate x2) over the plane of the points, whatever input
    // features the model computes from them; per layer and unit, its output
    // over the grid (row by row), and the model's output (the last layer's
    // first unit). For 1-input data: `grid` points x (lo[0]..hi[0]) and per
    // layer and unit its output there (the fitted curve: grid values).
    int grid = 0;
    float lo[2] = {0, 0}, hi[2] = {0, 0};
    std::vector<std::vector<std::vector<float>>> grid_units;  // [layer][unit][grid*grid]
    // Layers whose grids (or probe activations) the budget left out (empty).
    size_t grid_layers_left_out = 0;
    size_t probe_layers_left_out = 0;
    // On the validation split (else the test split): counts[true * classes + predicted],
    // as of confusion_step.
    long confusion_step = -1;
    int classes = 0;
    std::vector<uint32_t> confusion;
    struct Mistake {
        int item = 0, label = 0, predicted = 0;
        float confidence = 0;
    };
    std::vector<Mistake> mistakes;  // most confident first
    // With SnapshotRequest::outcomes: every item of that split, in item order,
    // from the pass that made `confusion` (confidence: of the predicted class).
    std::vector<Mistake> outcomes;
    // Per layer (index as in the spec; empty where the layer has no weights
    // or the request asked for none): the layer's weights, as
    // parameter_shapes[i] says (Dense: units x inputs; Conv2D: filters x
    // channels x k x k), their gradients from the last step, and the biases.
    // A layer with weights has its shape even when its values were left out
    // for being larger than SnapshotRequest::max_parameter_floats.
    std::vector<std::vector<int>> parameter_shapes;
    std::vector<std::vector<float>> weights, weight_grads, biases;
};

// A past step of a run, rebuilt exactly (Session::show_step): what the views
// show for it, in the structs they show the live run with.
struct PastStep {
    long step = -1;       // the step shown: the state after that many steps
    uint32_t run_id = 0;  // the run it belongs to
    // That step's scalars as the run had them (loss, accuracy, lr of the step
    // that led to this state; step_ms and samples_per_s 0). Step 0 (before any
    // training) has none: record.step is 0 and loss NaN.
    StepRecord record;
    // As request_snapshot() would have made it at that step (the confusion
    // matrix and mistakes from a fresh pass over the split, when asked for).
    Snapshot snapshot;
    // Every layer's statistics after that step, from that step's training
    // batch, as the live run takes them (empty for step 0).
    std::vector<LayerStats> layers;
};

// A fixed-capacity single-producer single-consumer ring. push() and pop()
// never block and never allocate; one thread may push, one other may pop.
template <typename T>
class SpscRing {
public:
    explicit SpscRing(size_t capacity) : m_items(capacity + 1) {}
    // False (and the record counted as dropped) when the ring is full.
    bool push(T item) {
        const size_t head = m_head.load(std::memory_order_relaxed);
        const size_t next = (head + 1) % m_items.size();
        if (next == m_tail.load(std::memory_order_acquire)) {
            m_dropped.fetch_add(1, std::memory_order_relaxed);
            return false;
        }
        m_items[head] = std::move(item);
        m_head.store(next, std::memory_order_release);
        return true;
    }
    bool pop(T& out) {
        const size_t tail = m_tail.load(std::memory_order_relaxed);
        if (tail == m_head.load(std::memory_order_acquire)) return false;
        out = std::move(m_items[tail]);
        m_tail.store((tail + 1) % m_items.size(), std::memory_order_release);
        return true;
    }
    size_t dropped() const { return m_dropped.load(std::memory_order_relaxed); }

private:
    std::vector<T> m_items;
    std::atomic<size_t> m_head{0}, m_tail{0};
    std::atomic<size_t> m_dropped{0};
};

// One point of a series: x (a step) and the min, max and mean of y over the
// points it stands for (all equal at full resolution). A bucket's x is the x
// of the first raw point it covers, so it spans [x, next point's x); its mean
// is weighted by count.
struct SeriesPoint {
    double x = 0;
    float min = 0, max = 0, mean = 0;
    uint32_t count = 1;  // raw points merged into this one
};

// A series with bounded memory: the newest `recent` points exactly, and
// everything older in at most `buckets` buckets, whose width doubles (pairs
// merged) whenever they run out. The shape survives: every bucket keeps the
// min and max of what it covers.
class Series {
public:
    explicit Series(size_t recent = 4096, size_t buckets = 4096);
    void add(double x, float y);
    // Old buckets then recent points, in x order.
    std::vector<SeriesPoint> points() const;
    size_t total_added() const { return m_total; }
    size_t memory_bytes() const;
    void clear();
    // Forgets every point with x > x_max (a run rewound to x_max): the recent
    // points after it, and the buckets that start after it (a bucket that
    // straddles x_max stays whole). total_added() drops by what was forgotten.
    void truncate_after(double x_max);

private:
    size_t m_recent_cap, m_bucket_cap;
    std::vector<SeriesPoint> m_recent;  // ring of the newest points
    size_t m_recent_start = 0;          // index of the oldest in the ring
    std::vector<SeriesPoint> m_buckets; // decimated history, oldest first
    std::vector<double> m_bucket_sums;  // sum of y per bucket: means stay count-weighted
    uint32_t m_bucket_width = 1;        // raw points per full bucket
    size_t m_total = 0;
};

// What a consumer (studio, monitor, command line) keeps of a session.
class TelemetryStore {
public:
    TelemetryStore();
    void add(const StepRecord& r);
    void add(const EpochRecord& r);
    void add(const EventRecord& r);
    void add(const LayerStats& r);
    // The gauges (gradscope/gauges.h): series over steps, and the last records.
    void add(const SharpnessRecord& r);
    void add(const NoiseScaleRecord& r);
    const Series& sharpness() const { return m_sharpness; }
    const Series& sharpness_edge() const { return m_edge; }  // 2/lr at each estimate
    const Series& noise_scale() const { return m_noise; }
    const SharpnessRecord& last_sharpness() const { return m_last_sharpness; }
    const NoiseScaleRecord& last_noise_scale() const { return m_last_noise; }

    const Series& loss() const { return m_loss; }
    // The newest statistics of each layer (index = layer), and each layer's
    // gradient norm and update ratio over time.
    const std::vector<LayerStats>& layers() const { return m_layers; }
    const Series& layer_grad_norm(size_t layer) const { return m_layer_grad[layer]; }
    const Series& layer_update_ratio(size_t layer) const { return m_layer_ratio[layer]; }
    const Series& accuracy() const { return m_accuracy; }
    const Series& lr() const { return m_lr; }
    const Series& samples_per_s() const { return m_sps; }
    // The newest epochs: at most kMaxEpochs; when full, the oldest half is
    // forgotten (amortized O(1) per add).
    const std::vector<EpochRecord>& epochs() const { return m_epochs; }
    // The newest events: at most kMaxEvents; when full, the oldest tenth is
    // forgotten (amortized O(1) per add).
    const std::vector<EventRecord>& events() const { return m_events; }
    const StepRecord& last_step() const { return m_last; }
    size_t memory_bytes() const;
    void clear();
    // The run went back to `step` (Session::rewind; drain() calls this):
    // every series and the epochs forget what came after it; last_step()
    // becomes the last step kept (its loss, accuracy, lr and rate as the
    // series hold them); the events stay, as a history of what happened.
    void truncate_after(long step);

    static constexpr size_t kMaxEpochs = 100000;
    static constexpr size_t kMaxEvents = 10000;

private:
    Series m_loss, m_accuracy, m_lr, m_sps;
    std::vector<EpochRecord> m_epochs;
    std::vector<EventRecord> m_events;
    StepRecord m_last;
    std::vector<LayerStats> m_layers;
    std::vector<Series> m_layer_grad, m_layer_ratio;
    Series m_sharpness, m_edge, m_noise;
    SharpnessRecord m_last_sharpness;
    NoiseScaleRecord m_last_noise;
};

}  // namespace gs
