// Trainer: the synchronous training loop. Buffers (host staging, device
// batch, activations) are sized once for the batch size; each step gathers a
// shuffled batch, uploads it and runs forward, loss, backward and update.
#include "gradscope/trainer.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <numeric>
#include <utility>

#include "gradscope/error.h"
#include "gradscope/rng.h"

namespace gs {

namespace {

// Floats per target as the loss wants them: class index, or one-hot for an
// MSE loss over several class outputs, or the regression values.
int loss_target_size(const Model& m, const Dataset& d) {
    const int out = static_cast<int>(m.output_shape().numel());
    if (m.loss_kind() == LossKind::MeanSquaredError && d.num_classes() >= 2 && out > 1) return out;
    return d.target_size();
}

std::string json_dims(const Shape& s) {
    std::string out = "[";
    for (int i = 0; i < s.rank; ++i) out += (i ? ", " : "") + std::to_string(s[i]);
    return out + "]";
}

void check_fits(const Model& m, const Dataset& d) {
    const ModelSpec& s = m.spec();
    if (d.item_shape().numel() != s.input.numel())
        throw Error("the model expects inputs of " + s.input.str() + " but " + d.name() +
                    " has items of " + d.item_shape().str() + " — set \"input\" to " +
                    json_dims(d.item_shape()));
    const int out = static_cast<int>(m.output_shape().numel());
    const int k = d.num_classes();
    switch (m.loss_kind()) {
        case LossKind::SoftmaxCrossEntropy:
            if (k < 2)
                throw Error("softmax cross-entropy needs classes, but " + d.name() +
                            " is a regression set — use the mse loss");
            if (out != k)
                throw Error("the model outputs " + std::to_string(out) + " classes but " +
                            d.name() + " has " + std::to_string(k) +
                            " — set the last Dense layer's units to " + std::to_string(k));
            break;
        case LossKind::BinaryCrossEntropy:
            if (k != 2)
                throw Error("binary cross-entropy needs a two-class set, but " + d.name() +
                            (k ? " has " + std::to_string(k) + " classes" : " is regression") +
                            " — use softmax_cross_entropy or mse");
            break;
        case LossKind::MeanSquaredError:
            if (k == 0 && out != d.target_size())
                throw Error("the model outputs " + std::to_string(out) + " values but " + d.name() +
                            " has targets of " + std::to_string(d.target_size()));
            if (k == 2 && out != 1 && out != 2)
                throw Error("for two classes with mse the model needs 1 output (or 2, one-hot)");
            if (k > 2 && out != k)
                throw Error("with mse over " + std::to_string(k) + " classes the model needs " +
                            std::to_string(k) + " outputs (one-hot targets)");
            break;
    }
}

}  // namespace

Trainer::Trainer(const ModelSpec& spec, std::shared_ptr<Dataset> train,
                 std::shared_ptr<Dataset> test, Backend& backend)
    : Trainer(spec, PreparedData{std::move(train), nullptr, std::move(test), {}, ""}, backend) {}

Trainer::Trainer(const ModelSpec& spec, PreparedData data, Backend& backend)
    : m_be(&backend),
      m_model(spec, backend),
      m_optim(spec.optimizer, backend),
      m_schedule(spec.schedule),
      m_train(std::move(data.train)),
      m_validation(std::move(data.validation)),
      m_test(std::move(data.test)),
      m_pre(std::move(data.preprocess)),
      m_batch(spec.batch_size) {
    if (!m_train || m_train->size() == 0) throw Error("the training set is empty");
    check_fits(m_model, *m_train);
    if (m_validation && m_validation->size() > 0) check_fits(m_model, *m_validation);
    if (m_test && m_test->size() > 0) check_fits(m_model, *m_test);
    m_model.set_classify(m_train->num_classes() >= 2);
    m_target_size = loss_target_size(m_model, *m_train);
    m_model.initialize(spec.seed);
    m_optim.attach(m_model.named_params());
    m_batch = 0;
    set_batch_size(spec.batch_size);
}

Trainer::~Trainer() = default;

void Trainer::set_batch_size(int n) {
    if (n < 1 || n > kMaxBatch)
        throw Error("batch size " + std::to_string(n) + " is out of range [1, " +
                    std::to_string(kMaxBatch) + "]");
    drop_queued();
    m_batch = n;
    m_model.reserve(n);
    const Shape in = m_model.input_shape();
    if (!m_loader || m_loader->max_batch() < n) {
        m_loader = std::make_unique<BatchLoader>(*m_be, in, m_target_size, n);
        m_ex = Tensor(*m_be, in.with_batch(n));
        m_ey = Tensor(*m_be, {n, m_target_size});
        m_host_x.assign(static_cast<size_t>(n) * in.numel(), 0.0f);
        m_host_y.assign(static_cast<size_t>(n) *
                            std::max(m_target_size, m_train->target_size()), 0.0f);
    }
    size_outcomes();
}

void Trainer::set_item_outcomes(bool on) {
    m_outcomes_on = on && m_model.has_item_outcomes();
    size_outcomes();
}

// Room for the largest batch's outcome rows, made when they are first
// needed or the batch outgrows them.
void Trainer::size_outcomes() {
    if (!m_outcomes_on || (m_outcomes.data() && m_outcomes.dim(0) >= m_batch)) return;
    m_outcomes = Tensor(*m_be, {m_batch, kLossItemColumns});
    if (!m_be->host_memory()) m_outcomes_host.assign(m_outcomes.numel(), 0.0f);
}

const float* Trainer::last_item_outcomes() const {
    if (!m_outcomes_on || !m_outcomes_view.data()) return nullptr;
    return m_be->host_memory() ? m_outcomes_view.data() : m_outcomes_host.data();
}

void Trainer::set_progress(long step, int epoch, size_t position) {
    drop_queued();
    m_step = step;
    m_epoch = epoch;
    m_cursor = position < m_train->size() ? position : 0;
    m_epoch_open = m_cursor > 0;
}

size_t Trainer::steps_per_epoch() const {
    return (m_train->size() + static_cast<size_t>(m_batch) - 1) / static_cast<size_t>(m_batch);
}

void Trainer::order_for(int epoch) {
    if (m_order_epoch == epoch) return;
    m_order.resize(m_train->size());
    std::iota(m_order.begin(), m_order.end(), 0u);
    if (m_shuffle) {
        Rng rng(m_model.spec().seed ^ mix64(static_cast<uint64_t>(epoch) + 1));
        for (size_t i = m_order.size(); i > 1; --i) std::swap(m_order[i - 1], m_order[rng.below(i)]);
    }
    m_order_epoch = epoch;
}

void Trainer::set_shuffle(bool on) {
    if (on == m_shuffle) return;
    drop_queued();
    m_shuffle = on;
    m_order_epoch = -1;  // the next batch takes the new order
}

// Asks the loader for the batch after the last one queued (or, with none
// queued, the one at the trained position).
void Trainer::queue_next() {
    if (m_queued_cursor >= m_train->size()) {
        ++m_queued_epoch;
        m_queued_cursor = 0;
    }
    order_for(m_queued_epoch);
    const size_t left = m_train->size() - m_queued_cursor;
    const int n = static_cast<int>(std::min<size_t>(left, static_cast<size_t>(m_batch)));
    // Augmentation draws from the item's place in the run, not the thread.
    const uint64_t place = static_cast<uint64_t>(m_queued_epoch) * m_train->size() + m_queued_cursor;
    m_loader->prepare(*m_train, m_order.data() + m_queued_cursor, n, m_pre, true,
                      m_model.spec().seed, place);
    m_next_batch.assign(m_order.data() + m_queued_cursor, m_order.data() + m_queued_cursor + n);
    m_queued_cursor += static_cast<size_t>(n);
}

void Trainer::drop_queued() {
    if (m_loader && m_loader->pending()) {
        Tensor x, y;
        try {
            m_loader->take(x, y);
        } catch (const std::exception&) {
            // The batch is dropped either way; its error comes back if it is asked for again.
        }
    }
}

StepResult Trainer::step() {
    if (!m_loader->pending()) {
        m_queued_epoch = m_epoch;
        m_queued_cursor = m_epoch_open ? m_cursor : 0;
        queue_next();
    }
    Tensor x, y;
    m_loader->take(x, y);
    const int n = x.dim(0);
    std::swap(m_last_batch, m_next_batch);
    queue_next();  // the next batch is assembled while this one trains

    PassContext ctx{true, m_model.spec().seed, static_cast<uint64_t>(m_step), 0};
    m_model.forward(x, ctx, true);
    Tensor* outcomes = nullptr;
    if (m_outcomes_on) {
        m_outcomes_view = m_outcomes.batch_view(0, n);
        outcomes = &m_outcomes_view;
    }
    LossSums ls = m_model.loss(y, true, outcomes);
    if (outcomes && !m_be->host_memory())
        m_be->download(m_outcomes_host.data(), outcomes->data(), outcomes->numel());
    StepResult r;
    bool backward = false;
    // The first layer whose output is not finite, or -1.
    auto first_bad_activation = [&]() -> int {
        for (size_t i = 0; i < m_model.layers_run(); ++i)
            if (!std::isfinite(m_be->sum_squares(m_model.activation(i)))) return static_cast<int>(i);
        return -1;
    };
    if (m_check_finite && !std::isfinite(ls.loss_sum)) {
        r.nonfinite = true;
        const int i = first_bad_activation();
        r.nonfinite_layer = i >= 0 ? i : static_cast<int>(m_model.layers_run()) - 1;
    } else {
        m_model.backward();
        backward = true;
        if (m_check_gradients) {
            const auto t0 = std::chrono::steady_clock::now();
            r.grad_norm = m_optim.gradient_norm();
            m_gradient_check_ms =
                std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
        }
        if (m_check_finite && m_check_gradients && !std::isfinite(r.grad_norm)) {
            r.nonfinite = true;
            // A non-finite activation that a saturating layer hid from the
            // loss came first; else the first layer, in backward order,
            // whose input or parameter gradients are not finite.
            r.nonfinite_layer = first_bad_activation();
            r.nonfinite_backward = r.nonfinite_layer < 0;
            for (size_t i = m_model.layers_run(); i-- > 0 && r.nonfinite_layer < 0;) {
                bool bad = i > 0 && !std::isfinite(m_be->sum_squares(m_model.gradient(i - 1)));
                for (auto& p : m_model.layer(i).params())
                    bad = bad || !std::isfinite(m_be->sum_squares(p.grad));
                if (bad) r.nonfinite_layer = static_cast<int>(i);
            }
        }
    }
    StepObserver* observer = std::exchange(m_observer, nullptr);
    if (observer) observer->before_update(*this, x, y, backward);
    if (r.nonfinite) {
        // No update: the weights stay as they were before this batch, which
        // counts as used (the loader has moved on), not as a step.
        r.loss = ls.loss_sum / n;
        r.batch = n;
        r.epoch = m_epoch;
        r.step = m_step;
        advance(n);
        if (observer) observer->after_step(*this, r);
        return r;
    }
    if (m_optim.spec().clip_norm > 0) r.grad_norm = m_optim.clip_gradients();
    r.lr = scheduled_lr(m_schedule, m_optim.spec().lr, m_step);
    m_optim.step(r.lr);

    r.loss = ls.loss_sum / n;
    r.accuracy = ls.correct >= 0 ? static_cast<double>(ls.correct) / n : -1.0;
    r.batch = n;
    r.epoch = m_epoch;
    r.step = ++m_step;
    advance(n);
    if (observer) observer->after_step(*this, r);
    return r;
}

void Trainer::advance(int n) {
    m_cursor = (m_epoch_open ? m_cursor : 0) + static_cast<size_t>(n);
    m_epoch_open = true;
    if (m_cursor >= m_train->size()) {
        m_epoch_open = false;
        m_cursor = 0;
        ++m_epoch;
    }
}

EvalResult Trainer::run_epoch() {
    EvalResult e;
    double loss = 0, correct = 0;
    const int start = m_epoch;
    do {
        StepResult r = step();
        loss += r.loss * r.batch;
        if (r.accuracy >= 0) correct += r.accuracy * r.batch;
        e.items += static_cast<size_t>(r.batch);
        if (r.accuracy < 0) e.accuracy = -2;  // mark regression
    } while (m_epoch == start);
    e.loss = loss / static_cast<double>(e.items);
    e.accuracy = e.accuracy < -1 ? -1 : correct / static_cast<double>(e.items);
    return e;
}

// Gathers, one-hot encodes (MSE over classes) and normalizes a batch into
// the evaluation buffers, on this thread.
void Trainer::eval_batch(const Dataset& data, const uint32_t* idx, int n) {
    Tensor xv = m_ex.batch_view(0, n), yv = m_ey.batch_view(0, n);
    const bool host = m_be->host_memory();
    float* x = host ? xv.data() : m_host_x.data();
    float* y = host && m_target_size == data.target_size() ? yv.data() : m_host_y.data();
    data.gather(idx, n, x, y);
    if (m_target_size != data.target_size()) one_hot_in_place(y, n, m_target_size);
    m_pre.apply(x, n, data.item_shape(), false, 0, 0, m_scratch);
    if (!host) m_be->upload(xv.data(), x, xv.numel());
    if (y != yv.data()) m_be->upload(yv.data(), y, yv.numel());
}

EvalResult Trainer::evaluate(const Dataset& data) {
    EvalResult e;
    if (data.size() == 0) return e;
    std::vector<uint32_t> idx(static_cast<size_t>(m_batch));
    double loss = 0;
    long correct = 0;
    bool classify = true;
    PassContext ctx{false, m_model.spec().seed, static_cast<uint64_t>(m_step), 0};
    for (size_t first = 0; first < data.size(); first += static_cast<size_t>(m_batch)) {
        const int n = static_cast<int>(std::min<size_t>(data.size() - first, m_batch));
        std::iota(idx.begin(), idx.begin() + n, static_cast<uint32_t>(first));
        eval_batch(data, idx.data(), n);
        m_model.forward(m_ex.batch_view(0, n), ctx, true);
        LossSums ls = m_model.loss(m_ey.batch_view(0, n), false);
        loss += ls.loss_sum;
        if (ls.correct < 0) classify = false;
        correct += std::max(0L, ls.correct);
    }
    e.items = data.size();
    e.loss = loss / static_cast<double>(e.items);
    e.accuracy = classify ? static_cast<double>(correct) / static_cast<double>(e.items) : -1.0;
    return e;
}

std::vector<float> Trainer::predict(const Dataset& data, size_t first, size_t count) {
    const size_t per = m_model.output_shape().numel();
    std::vector<float> out;
    out.reserve(count * per);
    std::vector<uint32_t> idx(static_cast<size_t>(m_batch));
    PassContext ctx{false, m_model.spec().seed, static_cast<uint64_t>(m_step), 0};
    for (size_t i = 0; i < count; i += static_cast<size_t>(m_batch)) {
        const int n = static_cast<int>(std::min<size_t>(count - i, m_batch));
        std::iota(idx.begin(), idx.begin() + n, static_cast<uint32_t>(first + i));
        eval_batch(data, idx.data(), n);
        std::vector<float> y = m_model.forward(m_ex.batch_view(0, n), ctx, false).to_host();
        out.insert(out.end(), y.begin(), y.end());
    }
    return out;
}

void Trainer::forward_raw(const float* x, int n) {
    if (n < 1 || n > m_batch) throw Error("forward_raw: " + std::to_string(n) + " items do not fit a batch");
    Tensor xv = m_ex.batch_view(0, n);
    const size_t count = xv.numel();
    float* host = m_be->host_memory() ? xv.data() : m_host_x.data();
    std::copy(x, x + count, host);
    m_pre.apply(host, n, m_train->item_shape(), false, 0, 0, m_scratch);
    if (!m_be->host_memory()) m_be->upload(xv.data(), host, count);
    PassContext ctx{false, m_model.spec().seed, static_cast<uint64_t>(m_step), 0};
    m_model.forward(xv, ctx, false);
}

void Trainer::forward_items(const Dataset& data, const uint32_t* idx, int n) {
    if (n < 1 || n > m_batch) throw Error("forward_items: " + std::to_string(n) + " items do not fit a batch");
    eval_batch(data, idx, n);
    PassContext ctx{false, m_model.spec().seed, static_cast<uint64_t>(m_step), 0};
    m_model.forward(m_ex.batch_view(0, n), ctx, false);
}

double Trainer::gradient_on(const uint32_t* idx, int n) {
    if (n < 1 || n > m_batch) throw Error("gradient_on: " + std::to_string(n) + " items do not fit a batch");
    auto buffers = m_model.named_buffers();
    size_t floats = 0;
    for (auto& b : buffers) floats += b.second->value.numel();
    if (m_saved_buffers.size() < floats) m_saved_buffers.resize(floats);  // once per model
    size_t at = 0;
    for (auto& b : buffers) {
        m_be->download(m_saved_buffers.data() + at, b.second->value.data(), b.second->value.numel());
        at += b.second->value.numel();
    }
    eval_batch(*m_train, idx, n);
    PassContext ctx{true, m_model.spec().seed, static_cast<uint64_t>(m_step), 0};
    m_model.forward(m_ex.batch_view(0, n), ctx, true);
    const LossSums ls = m_model.loss(m_ey.batch_view(0, n), true);
    m_model.backward();
    at = 0;
    for (auto& b : buffers) {
        m_be->upload(b.second->value.data(), m_saved_buffers.data() + at, b.second->value.numel());
        at += b.second->value.numel();
    }
    return ls.loss_sum / n;
}

void Trainer::reset() {
    m_model.initialize(m_model.spec().seed);
    m_optim.reset_state();
    set_progress(0, 0);
}

}  // namespace gs
