// Trainer: the synchronous training loop (shuffle, batch, forward, loss,
// backward, clip, update) over a model, an optimizer and a dataset. It owns
// every buffer it steps with; after the first step nothing is allocated.
// The Session (worker thread, commands, telemetry) drives one of these.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "gradscope/backend.h"
#include "gradscope/data_pipeline.h"
#include "gradscope/dataset.h"
#include "gradscope/model.h"
#include "gradscope/optim.h"
#include "gradscope/spec.h"

namespace gs {

struct StepResult {
    double loss = 0.0;      // mean over the batch
    double accuracy = -1;   // fraction right, -1 for regression
    double grad_norm = 0;   // global L2 norm before clipping (with check_finite or clipping; else 0)
    float lr = 0;
    int batch = 0;          // items in this batch
    long step = 0;          // global step after this one
    int epoch = 0;          // epoch this step belonged to
    // With check_finite: a non-finite value stopped the step before the
    // update. The layer (0-based) where it first appeared, and the pass.
    bool nonfinite = false;
    int nonfinite_layer = -1;
    bool nonfinite_backward = false;
};

struct EvalResult {
    double loss = 0.0;
    double accuracy = -1;
    size_t items = 0;
};

class Trainer;

// Watches one step from inside (a traced step, gradscope/step_trace.h).
class StepObserver {
public:
    virtual ~StepObserver() = default;
    // After the forward pass, the loss and (when backward) the backward pass,
    // before clipping and the update: the model's activations, gradients and
    // parameters are this step's. x and y are the batch as the model and the
    // loss saw them.
    virtual void before_update(Trainer& t, const Tensor& x, const Tensor& y, bool backward) = 0;
    // At the end of the step: after the update, or after a non-finite value
    // stopped the step before it (r.nonfinite).
    virtual void after_step(Trainer& t, const StepResult& r) = 0;
};

class Trainer {
public:
    // Throws gs::Error if the spec does not validate or does not fit the data.
    Trainer(const ModelSpec& spec, PreparedData data, Backend& backend);
    // The same without validation data or preprocessing.
    Trainer(const ModelSpec& spec, std::shared_ptr<Dataset> train, std::shared_ptr<Dataset> test,
            Backend& backend);
    ~Trainer();

    // One batch. Starts a new epoch (reshuffled) when the last one is done.
    StepResult step();
    // Steps until the current epoch ends; returns the mean training result.
    EvalResult run_epoch();
    // Loss and accuracy over a whole dataset (no training), preprocessed as
    // the training data is (normalized, not augmented).
    EvalResult evaluate(const Dataset& data);
    // Predictions (the model's final output) for items of the given dataset.
    std::vector<float> predict(const Dataset& data, size_t first, size_t count);

    // Runs the model (evaluation mode, every layer) on n raw items x (as the
    // dataset gives them: preprocessed here like the training data);
    // activations are then in model().activation(i). n <= batch_size().
    void forward_raw(const float* x, int n);
    // The same for items of a dataset.
    void forward_items(const Dataset& data, const uint32_t* idx, int n);

    // The loss gradient on n items of the training set (n <= batch_size()),
    // at the parameters as they are, into every parameter's grad: a training
    // pass (dropout as at this step) on the items preprocessed without
    // augmentation, with nothing updated (BatchNorm's running statistics are
    // put back). Returns the batch's mean loss. For the gauges
    // (gradscope/optimization_gauges.h).
    double gradient_on(const uint32_t* idx, int n);

    // Re-initializes the model and optimizer state from the spec's seed.
    void reset();

    Model& model() { return m_model; }
    Optimizer& optimizer() { return m_optim; }
    const ModelSpec& spec() const { return m_model.spec(); }
    ScheduleSpec& schedule() { return m_schedule; }
    Dataset& train_data() { return *m_train; }
    Dataset* validation_data() { return m_validation.get(); }
    Dataset* test_data() { return m_test.get(); }
    const Preprocess& preprocess() const { return m_pre; }
    long global_step() const { return m_step; }
    int epoch() const { return m_epoch; }
    size_t steps_per_epoch() const;
    int batch_size() const { return m_batch; }
    // Takes effect at the next batch.
    void set_batch_size(int n);
    // Items of the current epoch already trained on.
    size_t epoch_position() const { return m_epoch_open ? m_cursor : 0; }
    // Checks the loss and the gradients of every step for non-finite values
    // and skips the update when there is one (a breakpoint). Costs one pass
    // over the gradients per step.
    void set_check_finite(bool on) { m_check_finite = on; }
    // The training-split items of the last step's batch, in batch order.
    const std::vector<uint32_t>& last_batch() const { return m_last_batch; }
    // Whether the next step measures the global gradient norm (a pass over
    // every gradient), which check_finite then also checks (the loss is
    // checked every step for free); and how long the last one took.
    void set_check_gradients(bool on) { m_check_gradients = on; }
    double last_gradient_check_ms() const { return m_gradient_check_ms; }
    // Restores counters from a checkpoint: the next step takes the same batch
    // the saved run would have taken (the epoch's order follows from the seed).
    void set_progress(long step, int epoch, size_t position = 0);
    // Per-item outcomes of every training step, for the data map: with a
    // classification loss (softmax or binary cross-entropy) the loss also
    // writes each item's row of Backend's LossItemColumn (p(label), label,
    // predicted class, its probability) in the same pass. Off by default;
    // ignored for other losses. Buffers are sized with the batch, so a step
    // allocates nothing.
    void set_item_outcomes(bool on);
    bool item_outcomes() const { return m_outcomes_on; }
    // The last step's rows, last_batch().size() x kLossItemColumns in host
    // memory, in batch order; null when off.
    const float* last_item_outcomes() const;
    // Off: every epoch takes the training items in their stored order (for
    // comparing runs batch by batch with another framework). On by default.
    void set_shuffle(bool on);
    bool shuffles() const { return m_shuffle; }
    // The next step() reports to o (not owned; null: none), then forgets it.
    void observe_next_step(StepObserver* o) { m_observer = o; }

private:
    void order_for(int epoch);
    void queue_next();
    void drop_queued();
    void advance(int n);  // n items of the epoch used
    void eval_batch(const Dataset& data, const uint32_t* idx, int n);

    Backend* m_be;
    Model m_model;
    Optimizer m_optim;
    ScheduleSpec m_schedule;
    std::shared_ptr<Dataset> m_train, m_validation, m_test;
    Preprocess m_pre;
    int m_batch;
    int m_target_size;
    long m_step = 0;
    int m_epoch = 0;
    size_t m_cursor = 0;        // items of epoch m_epoch trained on
    bool m_epoch_open = false;  // m_cursor counts within m_epoch
    bool m_check_finite = false;
    bool m_shuffle = true;
    bool m_check_gradients = false;
    double m_gradient_check_ms = 0;
    StepObserver* m_observer = nullptr;  // for the next step only
    // The batch being prepared by the loader: where it starts.
    int m_queued_epoch = 0;
    size_t m_queued_cursor = 0;
    int m_order_epoch = -1;  // the epoch m_order is the shuffle of
    std::vector<uint32_t> m_order;
    std::vector<uint32_t> m_next_batch, m_last_batch;  // items of the queued / last batch
    std::unique_ptr<BatchLoader> m_loader;
    // Per-item outcomes of the training batch (set_item_outcomes): on the
    // backend, and staged on the host for a backend whose memory is not.
    bool m_outcomes_on = false;
    Tensor m_outcomes, m_outcomes_view;
    std::vector<float> m_outcomes_host;
    void size_outcomes();
    // Evaluation stages its batches here, apart from the training loader.
    Tensor m_ex, m_ey;
    std::vector<float> m_host_x, m_host_y, m_scratch;
    std::vector<float> m_saved_buffers;  // gradient_on: BatchNorm's statistics, put back
};

}  // namespace gs
