// RunData: records into tracks (see run_data.h).
#include "run_data.h"

#include <cmath>

#include <algorithm>

#include <nlohmann/json.hpp>

#include "gradscope/error.h"
#include "gradscope/json.h"
#include "gradscope/telemetry.h"

namespace gs::monitor {

namespace {

constexpr size_t kMaxLayers = 4096;  // a garbage layer index must not allocate the world

void add_series(Track& t, const Series& s) {
    for (const SeriesPoint& p : s.points()) {
        if (p.count > 1 && p.min != p.max) {
            t.add(p.x, p.min);
            t.add(p.x, p.max);
        } else {
            t.add(p.x, p.mean);
        }
    }
}

// Adds a histogram sample, halving the kept ones when full.
void add_histogram(std::vector<HistogramSample>& v, long step, const LayerStats::Histogram& h) {
    if (!(h.hi > h.lo)) return;  // not in this record
    if (v.size() >= LayerHistograms::kMaxSamples) {
        size_t k = 0;
        for (size_t i = 0; i < v.size(); i += 2) v[k++] = v[i];
        v.resize(k);
    }
    v.push_back(HistogramSample{step, h});
}

template <typename T>
void add_bounded(std::vector<T>& v, T r) {
    if (v.size() >= RunData::kMaxViewRecords) v.erase(v.begin(), v.begin() + static_cast<long>(v.size() / 2));
    v.push_back(std::move(r));
}

}  // namespace

void RunData::set_spec_json(const std::string& spec_json) {
    m_layer_names.clear();
    m_spec_name.clear();
    // Through the shared depth-bounded reader; a spec that does not parse
    // leaves the names empty (the run's curves still show).
    nlohmann::json j;
    try {
        j = gs::parse_json_bounded_sorted(spec_json, "the run log's spec");
    } catch (const gs::Error&) {
        return;
    }
    if (!j.is_object()) return;
    if (auto n = j.find("name"); n != j.end() && n->is_string()) m_spec_name = n->get<std::string>();
    auto layers = j.find("layers");
    if (layers == j.end() || !layers->is_array()) return;
    for (const auto& l : *layers) {
        std::string t = "?";
        if (l.is_object())
            if (auto ty = l.find("type"); ty != l.end() && ty->is_string()) t = ty->get<std::string>();
        m_layer_names.push_back(t);
    }
    ++m_version;
}

std::string RunData::layer_name(size_t layer) const {
    if (layer < m_layer_names.size()) return std::to_string(layer + 1) + " " + m_layer_names[layer];
    return "layer " + std::to_string(layer + 1);
}

void RunData::add(const StepRecord& r, long /*merged*/) {
    const double x = static_cast<double>(r.step);
    m_loss.add(x, r.loss);
    if (!(r.accuracy < 0)) m_accuracy.add(x, r.accuracy);
    m_lr.add(x, r.lr);
    m_sps.add(x, r.samples_per_s);
    m_last_step = std::max(m_last_step, r.step);
    m_last_epoch = r.epoch;
    ++m_records;
    ++m_version;
}

void RunData::add(const EpochRecord& r) {
    const double x = static_cast<double>(r.step);
    m_ep_train_loss.add(x, r.train_loss);
    if (!(r.train_accuracy < 0)) m_ep_train_acc.add(x, r.train_accuracy);
    if (r.has_validation) {
        m_val_loss.add(x, r.val_loss);
        if (!(r.val_accuracy < 0)) m_val_acc.add(x, r.val_accuracy);
    }
    m_last_step = std::max(m_last_step, r.step);
    ++m_epochs;
    ++m_records;
    ++m_version;
}

void RunData::add(const EventRecord& r) {
    if (r.kind == "rewind") {  // the run went back to r.step: what came after is undone
        const double x = static_cast<double>(r.step);
        for (Track* t : {&m_loss, &m_accuracy, &m_lr, &m_sps, &m_ep_train_loss, &m_ep_train_acc,
                         &m_val_loss, &m_val_acc})
            t->truncate_after(x);
        for (LayerTracks& l : m_layers)
            for (Track* t : {&l.grad_norm, &l.grad_mean_abs, &l.grad_max_abs, &l.update_ratio,
                             &l.weight_norm, &l.act_mean, &l.act_std, &l.dead_fraction,
                             &l.saturated_fraction})
                t->truncate_after(x);
        m_last_step = std::min(m_last_step, r.step);
    }
    m_events.push_back(r);
    ++m_records;
    ++m_version;
}

void RunData::add(const LayerStats& r) {
    if (r.layer < 0 || static_cast<size_t>(r.layer) >= kMaxLayers) return;
    const size_t i = static_cast<size_t>(r.layer);
    if (m_layers.size() <= i) m_layers.resize(i + 1);
    LayerTracks& t = m_layers[i];
    const double x = static_cast<double>(r.step);
    if (r.has_weights) {
        t.has_weights = true;
        t.grad_norm.add(x, r.grad_norm);
        t.grad_mean_abs.add(x, r.grad_mean_abs);
        t.grad_max_abs.add(x, r.grad_max_abs);
        t.update_ratio.add(x, r.update_ratio);
        t.weight_norm.add(x, r.weight_norm);
    }
    t.act_mean.add(x, r.act_mean);
    t.act_std.add(x, r.act_std);
    if (!(r.dead_fraction < 0)) t.dead_fraction.add(x, r.dead_fraction);
    if (!(r.saturated_fraction < 0)) t.saturated_fraction.add(x, r.saturated_fraction);
    if (r.step != m_latest_step) {
        // A new sample: layers it does not mention keep their older values.
        m_latest_step = r.step;
    }
    if (m_latest.size() <= i) {
        LayerStats none;
        none.layer = -1;
        m_latest.resize(i + 1, none);
    }
    m_latest[i] = r;
    if (m_histograms.size() <= i) m_histograms.resize(i + 1);
    if (r.has_weights) {
        add_histogram(m_histograms[i].weights, r.step, r.weights);
        add_histogram(m_histograms[i].grads, r.step, r.grads);
    }
    add_histogram(m_histograms[i].acts, r.step, r.acts);
    ++m_records;
    ++m_version;
}

void RunData::add(const SharpnessRecord& r) {
    m_sharpness.add(static_cast<double>(r.step), r.sharpness);
    m_edge.add(static_cast<double>(r.step), r.edge);
    m_last_sharpness = r;
    ++m_records;
    ++m_version;
}

void RunData::add(const ConfusionRecord& r) {
    add_bounded(m_confusions, r);
    ++m_records;
    ++m_version;
}

void RunData::add(const NoiseScaleRecord& r) {
    if (std::isfinite(r.b_simple)) m_noise.add(static_cast<double>(r.step), r.b_simple);  // inf: see the verdict
    m_noise_batch.add(static_cast<double>(r.step), static_cast<float>(r.batch));
    m_last_noise = r;
    ++m_records;
    ++m_version;
}

void RunData::add(const DataMapSummary& r) {
    add_bounded(m_data_maps, r);
    if (m_table) m_table->thresholds = r.thresholds;
    ++m_records;
    ++m_version;
}

void RunData::add(const LrRangeResult& r) {
    if (m_lr_ranges.size() >= kMaxLrRanges) m_lr_ranges.erase(m_lr_ranges.begin());
    m_lr_ranges.push_back(r);
    ++m_records;
    ++m_version;
}

void RunData::set_data_map_table(std::shared_ptr<DataMap> table) {
    m_table = std::move(table);
    if (m_table && !m_data_maps.empty()) m_table->thresholds = m_data_maps.back().thresholds;
    ++m_version;
}

void RunData::clear() {
    for (Track* t : {&m_loss, &m_accuracy, &m_lr, &m_sps, &m_ep_train_loss, &m_ep_train_acc,
                     &m_val_loss, &m_val_acc, &m_sharpness, &m_edge, &m_noise, &m_noise_batch})
        t->clear();
    m_last_sharpness = SharpnessRecord{};
    m_last_noise = NoiseScaleRecord{};
    m_lr_ranges.clear();
    m_events.clear();
    m_layers.clear();
    m_latest.clear();
    m_histograms.clear();
    m_confusions.clear();
    m_data_maps.clear();
    m_table.reset();
    m_latest_step = -1;
    m_last_step = 0;
    m_last_epoch = 0;
    m_epochs = 0;
    m_records = 0;
    ++m_version;
}

void RunData::load_from_store(const TelemetryStore& store) {
    const uint64_t v = m_version;
    clear();
    add_series(m_loss, store.loss());
    add_series(m_accuracy, store.accuracy());
    add_series(m_lr, store.lr());
    add_series(m_sps, store.samples_per_s());
    for (const EpochRecord& e : store.epochs()) add(e);
    m_events = store.events();
    add_series(m_sharpness, store.sharpness());
    add_series(m_edge, store.sharpness_edge());
    add_series(m_noise, store.noise_scale());
    m_last_sharpness = store.last_sharpness();
    m_last_noise = store.last_noise_scale();
    const auto& latest = store.layers();
    m_layers.resize(latest.size());
    for (size_t i = 0; i < latest.size(); ++i) {
        add_series(m_layers[i].grad_norm, store.layer_grad_norm(i));
        add_series(m_layers[i].update_ratio, store.layer_update_ratio(i));
        m_layers[i].has_weights = latest[i].has_weights;
    }
    m_latest = latest;
    m_last_step = std::max(m_last_step, store.last_step().step);
    m_last_epoch = store.last_step().epoch;
    m_records = store.loss().total_added();
    m_version = v + 1;
}

}  // namespace gs::monitor
