// Model: the layers of a validated spec on one backend, with the activation
// and gradient buffers they pass between them, sized once for a batch size.
// The loss lives here too: a final Softmax with cross-entropy, or a final
// Sigmoid with binary cross-entropy, is fused with its loss (computed from
// the logits, which is both faster and numerically stable).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "gradscope/backend.h"
#include "gradscope/layer.h"
#include "gradscope/names.h"
#include "gradscope/spec.h"
#include "gradscope/validate.h"

namespace gs {

// The loss of a spec by its id or alias (LossKind and the names in
// gradscope/names.h); throws gs::Error for an unknown one.
LossKind loss_kind_from_name(const std::string& name);

class Model {
public:
    // Throws gs::Error with every spec issue if the spec does not validate.
    Model(const ModelSpec& spec, Backend& backend);

    const ModelSpec& spec() const { return m_spec; }
    Backend& backend() { return *m_be; }
    LossKind loss_kind() const { return m_loss; }
    size_t layer_count() const { return m_layers.size(); }
    Layer& layer(size_t i) { return *m_layers[i]; }
    Shape input_shape() const { return m_spec.input; }
    Shape output_shape() const;  // per item
    size_t parameter_count() const;

    // Re-draws every parameter from seed.
    void initialize(uint64_t seed);
    // Sizes activation buffers for up to max_batch items (allocates if larger).
    void reserve(int max_batch);
    int capacity() const { return m_capacity; }

    // Runs the layers. With to_logits, a final activation fused with the loss
    // is skipped and the output is the logits (what loss() needs). Returns a
    // view of the last activation computed.
    const Tensor& forward(const Tensor& x, const PassContext& ctx, bool to_logits);
    // Loss of the last forward (which must have been to_logits) against
    // targets, and its gradient when train. With outcomes (a classification
    // loss: softmax or binary cross-entropy; ignored for MSE), each item's
    // row of Backend's LossItemColumn, (N, kLossItemColumns), from the same pass.
    LossSums loss(const Tensor& targets, bool train, Tensor* outcomes = nullptr);
    // Whether loss() can write per-item outcomes (a cross-entropy loss).
    bool has_item_outcomes() const {
        return m_loss == LossKind::SoftmaxCrossEntropy || m_loss == LossKind::BinaryCrossEntropy;
    }
    // Mean squared error counts an item right when every output is within
    // 0.5 of its target (classification with an MSE loss).
    void set_classify(bool on) { m_classify = on; }
    // Back-propagates the gradient loss() left. Input gradient not computed.
    void backward();

    // Activation after layer i of the last forward (a batch view), and the
    // loss gradient with respect to it after the last backward.
    const Tensor& activation(size_t i) const { return m_act_view[i]; }
    const Tensor& gradient(size_t i) const { return m_grad_view[i]; }
    // Layers the last forward ran (the fused final one is skipped in training).
    size_t layers_run() const { return m_ran; }
    // Every trainable parameter, named "layers.<i>.<name>".
    std::vector<std::pair<std::string, Param*>> named_params();
    std::vector<std::pair<std::string, Param*>> named_buffers();
    // True when the last layer is folded into the loss during training.
    bool fused_output() const { return m_fused; }

private:
    ModelSpec m_spec;
    Backend* m_be;
    LossKind m_loss;
    bool m_fused = false;
    bool m_classify = false;
    std::vector<std::unique_ptr<Layer>> m_layers;
    int m_capacity = 0;
    int m_batch = 0;
    size_t m_ran = 0;  // layers run by the last forward
    Tensor m_input_view;
    std::vector<Tensor> m_act, m_grad;            // full-capacity buffers
    std::vector<Tensor> m_act_view, m_grad_view;  // views for the current batch
    Tensor m_out_grad;                            // gradient of the loss
    Tensor m_out_grad_view;
};

}  // namespace gs
