// Model: builds layers from a validated spec and runs them over buffers
// sized once for the largest batch (smaller batches use views).
#include "gradscope/model.h"

#include "gradscope/error.h"

namespace gs {

LossKind loss_kind_from_name(const std::string& name) {
    if (const LossName* loss = find_loss(name)) return loss->kind;
    throw Error("unknown loss '" + name + "'; use " + name_list(loss_table()));
}

Model::Model(const ModelSpec& spec, Backend& backend) : m_spec(spec), m_be(&backend) {
    std::vector<LayerInfo> info;
    auto issues = validate_spec(spec, &info);
    if (!issues.empty()) {
        std::string msg = "the model spec has problems:";
        for (const auto& i : issues) msg += "\n  " + i.str();
        throw Error(msg);
    }
    m_loss = loss_kind_from_name(spec.loss);
    for (size_t i = 0; i < spec.layers.size(); ++i)
        m_layers.push_back(make_layer(with_defaults(spec.layers[i]), info[i].in, info[i].out));
    const std::string& last = spec.layers.back().type;
    m_fused = (m_loss == LossKind::SoftmaxCrossEntropy && last == "Softmax") ||
              (m_loss == LossKind::BinaryCrossEntropy && last == "Sigmoid");
}

Shape Model::output_shape() const { return m_layers.back()->out_shape(); }

size_t Model::parameter_count() const {
    std::vector<LayerInfo> info;
    validate_spec(m_spec, &info);
    size_t n = 0;
    for (const auto& i : info) n += i.params;
    return n;
}

void Model::reserve(int max_batch) {
    if (max_batch <= m_capacity) return;
    const size_t L = m_layers.size();
    m_act.resize(L);
    m_grad.resize(L);
    m_act_view.resize(L);
    m_grad_view.resize(L);
    for (size_t i = 0; i < L; ++i) {
        Shape s = m_layers[i]->out_shape().with_batch(max_batch);
        m_act[i] = Tensor(*m_be, s);
        m_grad[i] = Tensor(*m_be, s);
        m_layers[i]->setup(*m_be, max_batch);
    }
    m_capacity = max_batch;
}

void Model::initialize(uint64_t seed) {
    if (m_capacity == 0) reserve(1);
    Rng rng(seed);
    for (auto& l : m_layers) l->init(rng);
}

const Tensor& Model::forward(const Tensor& x, const PassContext& ctx, bool to_logits) {
    const int n = x.dim(0);
    if (n > m_capacity) reserve(n);
    if (n != m_batch) {
        for (size_t i = 0; i < m_layers.size(); ++i) {
            m_act_view[i] = m_act[i].batch_view(0, n);
            m_grad_view[i] = m_grad[i].batch_view(0, n);
        }
        m_batch = n;
    }
    m_input_view = x;
    m_ran = m_layers.size() - ((to_logits && m_fused) ? 1 : 0);
    PassContext c = ctx;
    const Tensor* in = &m_input_view;
    for (size_t i = 0; i < m_ran; ++i) {
        c.layer = static_cast<int>(i);
        m_layers[i]->forward(*in, m_act_view[i], c);
        in = &m_act_view[i];
    }
    return *in;
}

LossSums Model::loss(const Tensor& targets, bool train, Tensor* outcomes) {
    if (m_ran == 0) throw Error("loss() needs a model with at least one unfused layer");
    const Tensor& out = m_act_view[m_ran - 1];
    Tensor* grad = train ? &m_grad_view[m_ran - 1] : nullptr;
    switch (m_loss) {
        case LossKind::SoftmaxCrossEntropy:
            return m_be->softmax_cross_entropy(out, targets, grad, outcomes);
        case LossKind::BinaryCrossEntropy:
            return m_be->sigmoid_binary_cross_entropy(out, targets, grad, outcomes);
        case LossKind::MeanSquaredError:
            return m_be->mean_squared_error(out, targets, m_classify, grad);
    }
    return {};
}

void Model::backward() {
    for (size_t i = m_ran; i-- > 0;) {
        const Tensor& in = i ? m_act_view[i - 1] : m_input_view;
        m_layers[i]->backward(in, m_act_view[i], m_grad_view[i], i ? &m_grad_view[i - 1] : nullptr);
    }
}

std::vector<std::pair<std::string, Param*>> Model::named_params() {
    std::vector<std::pair<std::string, Param*>> out;
    for (size_t i = 0; i < m_layers.size(); ++i)
        for (auto& p : m_layers[i]->params())
            out.emplace_back("layers." + std::to_string(i) + "." + p.name, &p);
    return out;
}

std::vector<std::pair<std::string, Param*>> Model::named_buffers() {
    std::vector<std::pair<std::string, Param*>> out;
    for (size_t i = 0; i < m_layers.size(); ++i)
        for (auto& p : m_layers[i]->buffers())
            out.emplace_back("layers." + std::to_string(i) + "." + p.name, &p);
    return out;
}

}  // namespace gs
