// What the session shows beyond the per-step scalars: per-layer statistics
// (taken on a budget, from backend reductions) and snapshots on request
// (probe activations, decision grids, confusion matrix, confident mistakes).
// Both run on the worker thread, between steps.
#include <algorithm>
#include <cmath>

#include "gradscope/input_features.h"
#include "gradscope/layer.h"
#include "gradscope/model.h"
#include "gradscope/run_log.h"
#include "gradscope/session.h"
#include "gradscope/trainer.h"
#include "session/inspection.h"

namespace gs {

namespace {

// Where snapshots look: the validation split, else the test split, else the
// training split.
Dataset* eval_split(Trainer& t) {
    if (t.validation_data() && t.validation_data()->size()) return t.validation_data();
    if (t.test_data() && t.test_data()->size()) return t.test_data();
    return &t.train_data();
}

}  // namespace

namespace {

void fill_histogram(Backend& be, const Tensor& t, float lo, float hi, LayerStats::Histogram& h) {
    if (!(hi > lo)) hi = lo + 1e-6f;
    h.lo = lo;
    h.hi = hi;
    be.histogram(t, lo, hi, LayerStats::kBins, h.counts);
}

}  // namespace

LayerStats layer_statistics(Model& m, size_t i, long step, float lr) {
    Backend& be = m.backend();
    Layer& l = m.layer(i);
    const std::string& t = l.type();
    LayerStats st;
    st.step = step;
    st.layer = static_cast<int>(i);
    const bool sig = t == "Sigmoid", tanh_ = t == "Tanh";
    const float lo = sig ? 0.01f : tanh_ ? -0.99f : -INFINITY;
    const float hi = sig ? 0.99f : tanh_ ? 0.99f : INFINITY;
    const TensorSummary a = be.summarize(m.activation(i), lo, hi);
    if (a.count) {
        st.act_mean = static_cast<float>(a.sum / a.count);
        st.act_std = static_cast<float>(
            std::sqrt(std::max(0.0, a.sum_sq / a.count - (a.sum / a.count) * (a.sum / a.count))));
        if (t == "ReLU" && a.features) st.dead_fraction = static_cast<float>(a.dead_features) / a.features;
        if (sig || tanh_) st.saturated_fraction = static_cast<float>(a.saturated) / a.count;
        fill_histogram(be, m.activation(i), a.min, a.max, st.acts);
    }
    if (!l.params().empty()) {
        Param& w = l.params()[0];
        const TensorSummary ws = be.summarize(w.value, -INFINITY, INFINITY);
        const TensorSummary gs = be.summarize(w.grad, -INFINITY, INFINITY);
        st.has_weights = true;
        st.weight_norm = static_cast<float>(std::sqrt(ws.sum_sq));
        st.grad_norm = static_cast<float>(std::sqrt(gs.sum_sq));
        st.grad_mean_abs = gs.count ? static_cast<float>(gs.sum_abs / gs.count) : 0.0f;
        st.grad_max_abs = std::max(std::abs(gs.min), std::abs(gs.max));
        st.update_ratio = st.weight_norm > 0 ? lr * st.grad_norm / st.weight_norm : 0.0f;
        fill_histogram(be, w.value, ws.min, ws.max, st.weights);
        fill_histogram(be, w.grad, gs.min, gs.max, st.grads);
    }
    return st;
}

void Session::publish_layer_stats(long step, float lr) {
    Model& m = m_trainer->model();
    for (size_t i = 0; i < m.layers_run(); ++i) {
        LayerStats st = layer_statistics(m, i, step, lr);
        if (st.dead_fraction > m_dead_above && m_dead_hit.empty())
            m_dead_hit = "layer " + std::to_string(i + 1) + " (ReLU) has " +
                         std::to_string(static_cast<int>(100 * st.dead_fraction + 0.5)) +
                         "% dead units, above " + std::to_string(m_dead_above);
        st.run = m_run.load(std::memory_order_relaxed);
        st.run_id = m_info.id;
        m_stats.push(st);
        if (m_log) m_log->write(st);
    }
}

std::shared_ptr<Snapshot> Session::make_snapshot(Trainer& t, Snapshot& confusion,
                                                 const SnapshotRequest& q) {
    auto snap = std::make_shared<Snapshot>();
    Model& m = t.model();
    snap->step = t.global_step();
    Dataset* eval = eval_split(t);
    const size_t per = eval->item_shape().numel();
    const int ty = eval->target_size();
    std::vector<float> x(per * static_cast<size_t>(t.batch_size())),
        y(static_cast<size_t>(ty) * static_cast<size_t>(t.batch_size()));
    const size_t L = m.layer_count();

    // Probe: every layer's output for one item.
    if (eval->size()) {
        const uint32_t i = static_cast<uint32_t>(std::clamp<long>(q.probe, 0, static_cast<long>(eval->size()) - 1));
        eval->gather(&i, 1, x.data(), y.data());
        snap->probe = static_cast<int>(i);
        snap->probe_label = eval->num_classes() ? static_cast<int>(y[0]) : -1;
        t.forward_items(*eval, &i, 1);
        size_t probe_floats = 0;  // within SnapshotRequest::kMaxProbeFloats
        for (size_t l = 0; l < L; ++l) {
            snap->probe_shapes.push_back(m.layer(l).out_shape().to_vector());
            const size_t n = m.layer(l).out_shape().numel();
            if (probe_floats + n > SnapshotRequest::kMaxProbeFloats) {
                snap->probe_activations.emplace_back();
                ++snap->probe_layers_left_out;
                continue;
            }
            probe_floats += n;
            snap->probe_activations.push_back(m.activation(l).to_host());
        }
    }

    // Decision grid over the plane of a 2-D set: its raw points (x1, x2),
    // turned into the model's input features where the spec asks for them,
    // so a heatmap stays a picture of the plane. For 1-input data, the
    // fitted curve: `grid` points along the input, each layer's output there.
    const std::vector<InputFeature> features = input_features_of(t.spec().data);
    const uint32_t first_item = 0;
    float first_xy[2];
    Dataset& train = t.train_data();
    int dims = 0;
    if (q.grid > 0 && train.size()) {
        if (train.gather_plane(&first_item, 1, first_xy))
            dims = 2;
        else if (features.empty() && train.item_shape().numel() == 1)
            dims = 1;
    }
    if (dims > 0) {
        float lo[2] = {INFINITY, INFINITY}, hi[2] = {-INFINITY, -INFINITY};
        const size_t n = std::min<size_t>(train.size(), 100000);
        std::vector<float> xy(2 * static_cast<size_t>(t.batch_size())),
            ty_buf(static_cast<size_t>(train.target_size()) * static_cast<size_t>(t.batch_size()));
        for (size_t first = 0; first < n; first += static_cast<size_t>(t.batch_size())) {
            const int k = static_cast<int>(std::min<size_t>(n - first, t.batch_size()));
            std::vector<uint32_t> idx(static_cast<size_t>(k));
            for (int j = 0; j < k; ++j) idx[static_cast<size_t>(j)] = static_cast<uint32_t>(first + j);
            if (dims == 2)
                train.gather_plane(idx.data(), k, xy.data());
            else
                train.gather(idx.data(), k, xy.data(), ty_buf.data());
            for (int j = 0; j < k; ++j)
                for (int d = 0; d < dims; ++d) {
                    lo[d] = std::min(lo[d], xy[static_cast<size_t>(j) * dims + d]);
                    hi[d] = std::max(hi[d], xy[static_cast<size_t>(j) * dims + d]);
                }
        }
        const int g = std::min(q.grid, SnapshotRequest::kMaxGrid);
        snap->grid = g;
        for (int d = 0; d < dims; ++d) {
            const float margin = 0.1f * std::max(hi[d] - lo[d], 1e-3f);
            snap->lo[d] = lo[d] - margin;
            snap->hi[d] = hi[d] + margin;
        }
        // Every unit of every flat layer over the grid, layer by layer until
        // SnapshotRequest::kMaxGridFloats is spent (100,000 Tanh layers once
        // took 13.4 GB here).
        snap->grid_units.resize(L);
        const size_t cells = dims == 2 ? static_cast<size_t>(g) * g : static_cast<size_t>(g);
        size_t grid_floats = 0;
        for (size_t l = 0; l < L; ++l) {
            if (m.layer(l).out_shape().rank != 1) continue;
            const size_t units = static_cast<size_t>(m.layer(l).out_shape()[0]);
            const size_t n = units * cells;
            if (grid_floats + n > SnapshotRequest::kMaxGridFloats) {
                ++snap->grid_layers_left_out;
                continue;
            }
            grid_floats += n;
            snap->grid_units[l].assign(units, std::vector<float>(cells));
        }
        std::vector<float> pts, inputs;
        for (size_t first = 0; first < cells; first += static_cast<size_t>(t.batch_size())) {
            const int k = static_cast<int>(std::min<size_t>(cells - first, t.batch_size()));
            pts.resize(static_cast<size_t>(k) * dims);
            for (int j = 0; j < k; ++j) {
                const size_t c = first + static_cast<size_t>(j);
                if (dims == 1) {
                    pts[static_cast<size_t>(j)] = snap->lo[0] + (static_cast<float>(c) + 0.5f) / g * (snap->hi[0] - snap->lo[0]);
                    continue;
                }
                const float fx = (static_cast<float>(c % g) + 0.5f) / g, fy = (static_cast<float>(c / g) + 0.5f) / g;
                pts[static_cast<size_t>(j) * 2] = snap->lo[0] + fx * (snap->hi[0] - snap->lo[0]);
                pts[static_cast<size_t>(j) * 2 + 1] = snap->lo[1] + fy * (snap->hi[1] - snap->lo[1]);
            }
            if (!features.empty()) {
                inputs.resize(static_cast<size_t>(k) * features.size());
                expand_features(features, pts.data(), k, inputs.data());
            }
            t.forward_raw(features.empty() ? pts.data() : inputs.data(), k);
            for (size_t l = 0; l < L; ++l) {
                auto& units = snap->grid_units[l];
                if (units.empty()) continue;
                const std::vector<float> a = m.activation(l).to_host();
                const size_t u_count = units.size();
                for (int j = 0; j < k; ++j)
                    for (size_t u = 0; u < u_count; ++u)
                        units[u][first + static_cast<size_t>(j)] = a[static_cast<size_t>(j) * u_count + u];
            }
        }
    }

    // Weights and gradients, for drawing connections: copied to the host
    // through the backend (the memory may be a GPU's).
    if (q.parameters) {
        snap->parameter_shapes.resize(L);
        snap->weights.resize(L);
        snap->weight_grads.resize(L);
        snap->biases.resize(L);
        for (size_t l = 0; l < L; ++l) {
            Layer& layer = m.layer(l);
            if (layer.params().empty() || (layer.type() != "Dense" && layer.type() != "Conv2D")) continue;
            const Param& w = layer.params()[0];
            snap->parameter_shapes[l] = w.value.shape().to_vector();
            if (w.value.numel() > q.max_parameter_floats) continue;
            snap->weights[l] = w.value.to_host();
            snap->weight_grads[l] = w.grad.to_host();
            if (layer.params().size() > 1 && layer.params()[1].name == "bias")
                snap->biases[l] = layer.params()[1].value.to_host();
        }
    }

    // Confusion matrix and mistakes: from the last validation pass, or a new one.
    if (q.confusion) {
        if (q.fresh_confusion || confusion.confusion_step < 0) compute_confusion(t, confusion, q.misclassified);
        snap->confusion_step = confusion.confusion_step;
        snap->classes = confusion.classes;
        snap->confusion = confusion.confusion;
        snap->mistakes.assign(confusion.mistakes.begin(),
                              confusion.mistakes.begin() +
                                  std::min<long>(static_cast<long>(confusion.mistakes.size()),
                                                 std::max(0, q.misclassified)));
        if (q.outcomes) snap->outcomes = confusion.outcomes;
    }
    return snap;
}


// One pass over the validation split (else the test split): the confusion
// matrix and the most confident mistakes, kept (in out) for the snapshots
// that follow.
void Session::compute_confusion(Trainer& t, Snapshot& result, int max_mistakes) {
    Dataset* eval = eval_split(t);
    const size_t per = eval->item_shape().numel();
    const int ty = eval->target_size();
    std::vector<float> x(per * static_cast<size_t>(t.batch_size())),
        y(static_cast<size_t>(ty) * static_cast<size_t>(t.batch_size()));
    result = Snapshot{};
    result.confusion_step = t.global_step();
    const int K = eval->num_classes();
    if (K >= 2 && eval->size()) {
        result.classes = K;
        result.confusion.assign(static_cast<size_t>(K) * K, 0);
        result.outcomes.reserve(eval->size());
        const std::vector<float> out = t.predict(*eval, 0, eval->size());
        const size_t outs = out.size() / eval->size();
        for (size_t first = 0; first < eval->size(); first += static_cast<size_t>(t.batch_size())) {
            const int k = static_cast<int>(std::min<size_t>(eval->size() - first, t.batch_size()));
            std::vector<uint32_t> idx(static_cast<size_t>(k));
            for (int j = 0; j < k; ++j) idx[static_cast<size_t>(j)] = static_cast<uint32_t>(first + j);
            eval->gather(idx.data(), k, x.data(), y.data());
            for (int j = 0; j < k; ++j) {
                const size_t item = first + static_cast<size_t>(j);
                const float* o = out.data() + item * outs;
                int pred = 0;
                float conf;
                if (outs == 1) {
                    pred = o[0] > 0.5f ? 1 : 0;
                    conf = pred ? o[0] : 1.0f - o[0];
                } else {
                    for (size_t c = 1; c < outs; ++c)
                        if (o[c] > o[pred]) pred = static_cast<int>(c);
                    conf = o[pred];
                }
                const int label = static_cast<int>(y[static_cast<size_t>(j) * ty]);
                if (label < 0 || label >= K || pred >= K) continue;
                ++result.confusion[static_cast<size_t>(label) * K + pred];
                result.outcomes.push_back({static_cast<int>(item), label, pred, conf});
                if (pred != label) result.mistakes.push_back({static_cast<int>(item), label, pred, conf});
            }
        }
        std::sort(result.mistakes.begin(), result.mistakes.end(),
                  [](const Snapshot::Mistake& a, const Snapshot::Mistake& b) { return a.confidence > b.confidence; });
        if (result.mistakes.size() > static_cast<size_t>(std::max(0, max_mistakes)))
            result.mistakes.resize(static_cast<size_t>(std::max(0, max_mistakes)));
    }
}

}  // namespace gs
