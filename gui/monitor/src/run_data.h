// RunData: the monitor's data model of one run, fed record by record (from a
// run log being followed, or from an in-process session's telemetry) and
// read by the panels that draw it. It knows nothing of drawing or files
// (Tracy's habit: capture and viewing apart, one data model between them).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "gradscope/confusion.h"
#include "gradscope/data_map.h"
#include "gradscope/telemetry.h"
#include "track.h"

namespace gs {
class TelemetryStore;
}

namespace gs::monitor {

// A layer's statistics over time (x = step).
struct LayerTracks {
    Track grad_norm, grad_mean_abs, grad_max_abs, update_ratio, weight_norm;
    Track act_mean, act_std, dead_fraction, saturated_fraction;
    bool has_weights = false;
};

// A layer's histograms over time (from the "layers" lines that carry them),
// oldest first. Bounded: when a kind reaches kMaxSamples, every other sample
// is dropped, so the whole run stays covered at half the resolution.
struct HistogramSample {
    long step = 0;
    LayerStats::Histogram h;
};
struct LayerHistograms {
    static constexpr size_t kMaxSamples = 2048;
    std::vector<HistogramSample> weights, grads, acts;
};

class RunData {
public:
    std::string name;  // shown in legends: the directory or the session's name

    void set_spec_json(const std::string& spec_json);
    void set_layer_names(std::vector<std::string> names) { m_layer_names = std::move(names); }
    void set_backend(std::string b) { m_backend = std::move(b); }
    void add(const StepRecord& r, long merged = 1);
    void add(const EpochRecord& r);
    void add(const EventRecord& r);
    void add(const LayerStats& r);
    // The gauges of the optimization (gradscope/gauges.h).
    void add(const SharpnessRecord& r);
    void add(const NoiseScaleRecord& r);
    void add(const LrRangeResult& r);
    void add(const ConfusionRecord& r);
    void add(const DataMapSummary& r);
    // Forgets every record (a log replaced or truncated).
    void clear();
    // Replaces everything with what a TelemetryStore holds (its decimated
    // buckets become their min and max points, so spikes survive).
    void load_from_store(const TelemetryStore& store);

    // Per step line.
    const Track& loss() const { return m_loss; }
    const Track& accuracy() const { return m_accuracy; }
    const Track& lr() const { return m_lr; }
    const Track& samples_per_s() const { return m_sps; }
    // Per epoch (x = the step at the epoch's end).
    const Track& epoch_train_loss() const { return m_ep_train_loss; }
    const Track& epoch_train_accuracy() const { return m_ep_train_acc; }
    const Track& val_loss() const { return m_val_loss; }
    const Track& val_accuracy() const { return m_val_acc; }
    const std::vector<EventRecord>& events() const { return m_events; }
    // The gauges: sharpness and 2/lr at each estimate, the noise scale and
    // the batch size; the newest records; the range tests (the newest few).
    const Track& sharpness() const { return m_sharpness; }
    const Track& sharpness_edge() const { return m_edge; }
    const Track& noise_scale() const { return m_noise; }
    const Track& noise_batch() const { return m_noise_batch; }
    const SharpnessRecord& last_sharpness() const { return m_last_sharpness; }
    const NoiseScaleRecord& last_noise_scale() const { return m_last_noise; }
    const std::vector<LrRangeResult>& lr_ranges() const { return m_lr_ranges; }
    static constexpr size_t kMaxLrRanges = 16;
    const std::vector<LayerTracks>& layers() const { return m_layers; }
    // The newest statistics sample, one entry per layer (index = layer).
    const std::vector<LayerStats>& latest_layers() const { return m_latest; }
    // Per layer (index = layer): histograms over time.
    const std::vector<LayerHistograms>& histograms() const { return m_histograms; }
    // Confusion matrices (one per validation pass) and data map summaries
    // (one per epoch), oldest first; at most kMaxViewRecords each (the
    // oldest half is forgotten when full).
    const std::vector<ConfusionRecord>& confusions() const { return m_confusions; }
    const std::vector<DataMapSummary>& data_maps() const { return m_data_maps; }
    static constexpr size_t kMaxViewRecords = 4096;
    // The data map's per-item table (datamap.csv beside the log), as last
    // read; null when there is none. Its thresholds are the newest
    // "datamap" record's (the CSV does not hold them).
    void set_data_map_table(std::shared_ptr<DataMap> table);
    std::shared_ptr<const DataMap> data_map_table() const { return m_table; }
    // "1 Dense" for layer 0, from the spec; "layer N" when unknown.
    std::string layer_name(size_t layer) const;
    const std::string& spec_name() const { return m_spec_name; }
    const std::string& backend() const { return m_backend; }

    long last_step() const { return m_last_step; }
    int last_epoch() const { return m_last_epoch; }
    size_t epochs_done() const { return m_epochs; }
    size_t records() const { return m_records; }
    // Bumped by every change: a view redraws when it differs.
    uint64_t version() const { return m_version; }

private:
    Track m_loss, m_accuracy, m_lr, m_sps;
    Track m_ep_train_loss, m_ep_train_acc, m_val_loss, m_val_acc;
    std::vector<EventRecord> m_events;
    Track m_sharpness, m_edge, m_noise, m_noise_batch;
    SharpnessRecord m_last_sharpness;
    NoiseScaleRecord m_last_noise;
    std::vector<LrRangeResult> m_lr_ranges;
    std::vector<LayerTracks> m_layers;
    std::vector<LayerStats> m_latest;
    std::vector<LayerHistograms> m_histograms;
    std::vector<ConfusionRecord> m_confusions;
    std::vector<DataMapSummary> m_data_maps;
    std::shared_ptr<DataMap> m_table;
    long m_latest_step = -1;
    std::vector<std::string> m_layer_names;
    std::string m_spec_name, m_backend;
    long m_last_step = 0;
    int m_last_epoch = 0;
    size_t m_epochs = 0;
    size_t m_records = 0;
    uint64_t m_version = 0;
};

}  // namespace gs::monitor
