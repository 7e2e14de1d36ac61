// The classroom's session commands and the step tracer. A traced step is
// the session's ordinary training step: the Trainer calls the StepTracer
// after its backward pass (activations, gradients and weights before the
// update are copied out) and after the update (weights and optimizer state
// after). Per-example gradients are the stored ones times the batch size
// (the loss is a batch mean); their mean is the stored sum. Everything here
// allocates, but only for a step that was asked to be traced.
#include "session/step_trace.h"

#include <algorithm>
#include <cmath>

#include "gradscope/model.h"
#include "gradscope/names.h"
#include "gradscope/optim.h"
#include "gradscope/session.h"
#include "gradscope/validate.h"

namespace gs {

namespace {

bool is_activation(const std::string& t) {
    return t == "ReLU" || t == "LeakyReLU" || t == "Sigmoid" || t == "Tanh" || t == "GELU" ||
           t == "Softmax";
}

std::string layer_name(size_t i, const std::string& type) {
    return "layer " + std::to_string(i + 1) + " (" + type + ")";
}

// values (n x units) into a TraceValues, each scaled by scale, with the mean
// of the scaled values (or, with sum_mean, the plain sum: the batch mean of
// per-example gradients whose stored values carry 1/n).
TraceValues values_of(std::vector<float> v, int n, int units, float scale = 1.0f,
                      bool sum_mean = false) {
    TraceValues out;
    out.units = units;
    out.mean.assign(static_cast<size_t>(units), 0.0f);
    std::vector<double> acc(static_cast<size_t>(units), 0.0);
    for (int i = 0; i < n; ++i)
        for (int u = 0; u < units; ++u) acc[static_cast<size_t>(u)] += v[static_cast<size_t>(i) * units + u];
    for (int u = 0; u < units; ++u)
        out.mean[static_cast<size_t>(u)] =
            static_cast<float>(sum_mean ? acc[static_cast<size_t>(u)] : acc[static_cast<size_t>(u)] / n);
    if (scale != 1.0f)
        for (float& x : v) x *= scale;
    out.items = std::move(v);
    return out;
}

// What a fused output activation gives: softmax over each row, or a sigmoid.
std::vector<float> fused_output(const std::vector<float>& z, int n, int units, bool softmax) {
    std::vector<float> a(z.size());
    for (int i = 0; i < n; ++i) {
        const float* row = z.data() + static_cast<size_t>(i) * units;
        float* out = a.data() + static_cast<size_t>(i) * units;
        if (!softmax) {
            for (int u = 0; u < units; ++u) out[u] = static_cast<float>(1.0 / (1.0 + std::exp(-double{row[u]})));
            continue;
        }
        const float mx = *std::max_element(row, row + units);
        double s = 0;
        for (int u = 0; u < units; ++u) s += std::exp(double{row[u]} - mx);
        for (int u = 0; u < units; ++u) out[u] = static_cast<float>(std::exp(double{row[u]} - mx) / s);
    }
    return a;
}

// Each example's loss from the network's output (the logits where the final
// activation is fused) and its targets, as the backend's loss computes it.
std::vector<float> item_losses(LossKind loss, const std::vector<float>& out, int n, int width,
                               const std::vector<float>& targets, int target_width) {
    std::vector<float> l(static_cast<size_t>(n));
    for (int i = 0; i < n; ++i) {
        const float* o = out.data() + static_cast<size_t>(i) * width;
        const float* t = targets.data() + static_cast<size_t>(i) * target_width;
        double v = 0;
        if (loss == LossKind::SoftmaxCrossEntropy) {
            const float mx = *std::max_element(o, o + width);
            double s = 0;
            for (int k = 0; k < width; ++k) s += std::exp(double{o[k]} - mx);
            const int label = std::clamp(static_cast<int>(t[0]), 0, width - 1);
            v = std::log(s) + mx - o[label];
        } else if (loss == LossKind::BinaryCrossEntropy) {
            const double z = o[0];
            v = std::max(z, 0.0) - z * t[0] + std::log1p(std::exp(-std::abs(z)));
        } else {
            for (int k = 0; k < width; ++k) v += (double{o[k]} - t[k]) * (double{o[k]} - t[k]);
            v /= width;
        }
        l[static_cast<size_t>(i)] = static_cast<float>(v);
    }
    return l;
}

}  // namespace

std::string trace_refusal(const ModelSpec& spec, std::vector<TraceLayer>* layout) {
    const std::string limits = "step-through shows dense networks (up to " +
                               std::to_string(kTraceMaxDense) + " Dense layers of at most " +
                               std::to_string(kTraceMaxUnits) + " units, " +
                               std::to_string(kTraceMaxInputs) + " inputs)";
    std::vector<LayerInfo> info;
    if (!validate_spec(spec, &info).empty()) return "the model spec does not validate";
    if (spec.input.rank != 1 || spec.input[0] > kTraceMaxInputs)
        return limits + "; this one takes inputs of " + spec.input.str();
    std::vector<TraceLayer> out;
    for (size_t i = 0; i < spec.layers.size(); ++i) {
        const LayerSpec& l = spec.layers[i];
        if (l.type == "Dense") {
            if (static_cast<int>(out.size()) == kTraceMaxDense)
                return limits + "; this one has more Dense layers";
            if (l.units > kTraceMaxUnits)
                return limits + "; " + layer_name(i, l.type) + " has " + std::to_string(l.units) + " units";
            TraceLayer t;
            t.dense = static_cast<int>(i);
            t.inputs = static_cast<int>(info[i].in.numel());
            t.units = l.units;
            t.has_bias = l.bias;
            out.push_back(std::move(t));
            continue;
        }
        if (!is_activation(l.type) || out.empty() || out.back().activation >= 0)
            return limits + " with one activation after each Dense layer; " + layer_name(i, l.type) +
                   (is_activation(l.type) ? " does not follow a Dense layer" : " is neither");
        if (l.type == "Softmax" && i + 1 != spec.layers.size())
            return limits + "; Softmax must be the last layer";
        out.back().activation = static_cast<int>(i);
        out.back().activation_type = l.type;
        out.back().alpha = l.alpha;
    }
    if (out.empty()) return limits + "; this one has no Dense layer";
    const LossKind loss = loss_kind_from_name(spec.loss);
    TraceLayer& last = out.back();
    last.fused = (loss == LossKind::SoftmaxCrossEntropy && last.activation_type == "Softmax") ||
                 (loss == LossKind::BinaryCrossEntropy && last.activation_type == "Sigmoid");
    if (layout) *layout = std::move(out);
    return "";
}

StepTracer::StepTracer(const ModelSpec& spec, const StepTraceRequest& request)
    : m_trace(std::make_shared<StepTrace>()) {
    trace_refusal(spec, &m_trace->layers);
    m_trace->example = request.example;
    m_trace->loss = spec.loss;
}

void StepTracer::copy_state(Trainer& t, bool after) {
    Optimizer& o = t.optimizer();
    StepTrace& tr = *m_trace;
    const OptimizerKind kind = find_optimizer(o.spec().type) ? find_optimizer(o.spec().type)->kind
                                                             : OptimizerKind::Sgd;
    bool keeps[2] = {kind != OptimizerKind::Sgd || o.spec().momentum > 0,
                     kind == OptimizerKind::Adam || kind == OptimizerKind::AdamW ||
                         (kind == OptimizerKind::RmsProp && o.spec().momentum > 0)};
    if (!after) {
        const char* names[4][2] = {{"velocity", ""}, {"m", "v"}, {"m", "v"},
                                   {"square average", "momentum buffer"}};
        for (int s = 0; s < 2; ++s) tr.state_names[s] = keeps[s] ? names[static_cast<int>(kind)][s] : "";
    }
    const std::vector<std::pair<std::string, Tensor*>> state = o.named_state();
    for (TraceLayer& l : tr.layers) {
        const std::string prefix = "layers." + std::to_string(l.dense) + ".";
        for (const char* which : {"weight", "bias"}) {
            int slot = 0;
            for (const auto& [name, tensor] : state) {
                if (name.rfind(prefix + which + ".", 0) != 0) continue;
                if (slot < 2 && keeps[slot]) {
                    const bool weight = which[0] == 'w';
                    std::vector<float>* dst = weight ? (after ? l.weight_state_after : l.weight_state_before)
                                                     : (after ? l.bias_state_after : l.bias_state_before);
                    dst[slot] = tensor->to_host();
                }
                ++slot;
            }
        }
    }
}

void StepTracer::before_update(Trainer& t, const Tensor& x, const Tensor& y, bool backward) {
    Model& m = t.model();
    StepTrace& tr = *m_trace;
    const int n = x.dim(0);
    if (n > kTraceMaxBatch) {
        m_skip = true;
        m_why_not = "not traced: a batch of " + std::to_string(n) + " is more than a trace keeps (" +
                    std::to_string(kTraceMaxBatch) + ") — lower the batch size";
        return;
    }
    tr.batch = n;
    tr.example = std::clamp(tr.example, 0, n - 1);
    tr.items = t.last_batch();
    tr.input = values_of(x.to_host(), n, static_cast<int>(x.numel() / static_cast<size_t>(n)));
    tr.targets = y.to_host();
    tr.target_width = static_cast<int>(y.numel() / static_cast<size_t>(n));
    const float scale = static_cast<float>(n);  // stored gradients carry the loss's 1/n
    for (TraceLayer& l : tr.layers) {
        const size_t d = static_cast<size_t>(l.dense);
        std::vector<float> z = m.activation(d).to_host();
        if (l.fused)
            l.a = values_of(fused_output(z, n, l.units, l.activation_type == "Softmax"), n, l.units);
        else if (l.activation >= 0)
            l.a = values_of(m.activation(static_cast<size_t>(l.activation)).to_host(), n, l.units);
        else
            l.a = values_of(z, n, l.units);
        l.z = values_of(std::move(z), n, l.units);
        Layer& dense = m.layer(d);
        l.weight_before = dense.params()[0].value.to_host();
        if (l.has_bias) l.bias_before = dense.params()[1].value.to_host();
        if (!backward) continue;
        l.dz = values_of(m.gradient(d).to_host(), n, l.units, scale, true);
        if (l.activation >= 0 && !l.fused)
            l.da = values_of(m.gradient(static_cast<size_t>(l.activation)).to_host(), n, l.units, scale, true);
        l.weight_grad = dense.params()[0].grad.to_host();
        if (l.has_bias) l.bias_grad = dense.params()[1].grad.to_host();
    }
    const TraceLayer& last = tr.layers.back();
    const std::vector<float>& out = last.fused ? last.z.items : last.a.items;
    tr.item_loss = item_losses(m.loss_kind(), out, n, last.units, tr.targets, tr.target_width);
    double sum = 0;
    for (float v : tr.item_loss) sum += v;
    tr.loss_mean = sum / n;
    copy_state(t, false);
}

void StepTracer::after_step(Trainer& t, const StepResult& r) {
    if (m_skip) return;
    StepTrace& tr = *m_trace;
    tr.epoch = r.epoch;
    tr.optimizer = t.optimizer().spec();
    if (r.nonfinite) {
        tr.step = r.step + 1;
        tr.updated = false;
        tr.note = "a non-finite value appeared in the " +
                  std::string(r.nonfinite_backward ? "backward" : "forward") +
                  " pass; the step stopped before the update";
        m_done = std::move(m_trace);
        return;
    }
    tr.step = r.step;
    tr.updated = true;
    tr.lr = r.lr;
    tr.optimizer_steps = t.optimizer().steps_taken();
    double ss = 0;
    for (const TraceLayer& l : tr.layers) {
        for (float g : l.weight_grad) ss += double{g} * g;
        for (float g : l.bias_grad) ss += double{g} * g;
    }
    tr.grad_norm = std::sqrt(ss);
    const float clip = tr.optimizer.clip_norm;
    if (clip > 0 && r.grad_norm > clip) tr.clip_scale = static_cast<float>(clip / (r.grad_norm + 1e-6));
    Model& m = t.model();
    for (TraceLayer& l : tr.layers) {
        Layer& dense = m.layer(static_cast<size_t>(l.dense));
        l.weight_after = dense.params()[0].value.to_host();
        if (l.has_bias) l.bias_after = dense.params()[1].value.to_host();
    }
    copy_state(t, true);
    m_done = std::move(m_trace);
}

// ------------------------------------------------------------ the session --

CommandResult Session::trace_next_step(const StepTraceRequest& request) {
    std::lock_guard<std::mutex> lock(m_mutex);
    if (m_state == SessionState::Failed) return refuse("the session failed — reset it first");
    // The spec is fixed for the session's life: reading it here is safe.
    if (std::string why = trace_refusal(m_trainer->spec()); !why.empty()) return refuse(why);
    Command c(Command::Trace);
    c.trace = request;
    return enqueue(std::move(c));
}

std::shared_ptr<const StepTrace> Session::latest_trace() const {
    std::lock_guard<std::mutex> lock(m_snap_mutex);
    return m_trace;
}

void Session::arm_trace(const StepTraceRequest& request) {
    m_tracer = std::make_shared<StepTracer>(m_trainer->spec(), request);
    m_trainer->observe_next_step(m_tracer.get());
}

void Session::finish_trace(const StepResult& r) {
    std::shared_ptr<StepTracer> tracer = std::move(m_tracer);
    std::shared_ptr<const StepTrace> trace = tracer->take();
    if (!trace) {
        publish(EventRecord{r.step, "trace", "", 0, tracer->why_not()});
        return;
    }
    {
        std::lock_guard<std::mutex> lock(m_snap_mutex);
        m_trace = trace;
    }
    publish(EventRecord{trace->step, "trace", "", static_cast<double>(trace->step),
                        "step " + std::to_string(trace->step) + " traced"});
}

CommandResult Session::set_parameter(const ParameterEdit& edit) {
    std::lock_guard<std::mutex> lock(m_mutex);
    if (m_state == SessionState::Failed) return refuse("the session failed — reset it first");
    const ModelSpec& spec = m_trainer->spec();  // fixed for the session's life
    const int layers = static_cast<int>(spec.layers.size());
    if (edit.layer < 0 || edit.layer >= layers)
        return refuse("cannot set a parameter of layer " + std::to_string(edit.layer + 1) +
                      ": the model has " + std::to_string(layers) + " layers");
    const LayerSpec& l = spec.layers[static_cast<size_t>(edit.layer)];
    const std::string where = layer_name(static_cast<size_t>(edit.layer), l.type);
    if (l.type != "Dense") return refuse("cannot set a parameter of " + where + ": only Dense layers have weights to set");
    const bool weight = edit.param == "weight";
    if (!weight && edit.param != "bias")
        return refuse("cannot set '" + edit.param + "' of " + where + ": use weight or bias");
    if (!weight && !l.bias) return refuse(where + " has no bias");
    const int inputs = static_cast<int>(m_trainer->model().layer(static_cast<size_t>(edit.layer)).in_shape().numel());
    if (edit.unit < 0 || edit.unit >= l.units)
        return refuse(where + " has units 1 to " + std::to_string(l.units) + ", not " + std::to_string(edit.unit + 1));
    if (weight && (edit.input < 0 || edit.input >= inputs))
        return refuse(where + " has inputs 1 to " + std::to_string(inputs) + ", not " + std::to_string(edit.input + 1));
    if (!std::isfinite(edit.value)) return refuse("a weight must be a finite number");
    Command c(Command::SetParameter);
    c.edit = edit;
    return enqueue(std::move(c));
}

float set_parameter_value(Trainer& trainer, const ParameterEdit& edit) {
    Layer& layer = trainer.model().layer(static_cast<size_t>(edit.layer));
    const bool weight = edit.param == "weight";
    Tensor& t = layer.params()[weight ? 0 : 1].value;
    std::vector<float> v = t.to_host();
    const size_t at = weight ? static_cast<size_t>(edit.unit) * layer.in_shape().numel() + static_cast<size_t>(edit.input)
                             : static_cast<size_t>(edit.unit);
    const float was = v[at];
    v[at] = edit.value;
    t.from_host(v);
    return was;
}

void Session::apply_parameter_edit(const ParameterEdit& edit, EventRecord& e) {
    const bool weight = edit.param == "weight";
    const float was = set_parameter_value(*m_trainer, edit);
    const std::string where = layer_name(static_cast<size_t>(edit.layer), "Dense");
    e.kind = "parameter";
    e.name = "layers." + std::to_string(edit.layer) + "." + edit.param + "[" + std::to_string(edit.unit) +
             (weight ? "][" + std::to_string(edit.input) : std::string()) + "]";
    e.value = edit.value;
    e.text = where + ": " +
             (weight ? "the weight from input " + std::to_string(edit.input + 1) + " to unit " +
                           std::to_string(edit.unit + 1)
                     : "the bias of unit " + std::to_string(edit.unit + 1)) +
             " set to " + std::to_string(edit.value) + " (was " + std::to_string(was) + ")";
}

}  // namespace gs
