// The layer factory and the parameter initializers.
#include <cmath>

#include "gradscope/error.h"
#include "gradscope/layer.h"
#include "gradscope/names.h"
#include "layers/layers.h"

namespace gs {

void Layer::setup(Backend& be, int max_batch) {
    (void)max_batch;
    m_be = &be;
}

void init_values(const std::string& init, std::vector<float>& values, int fan_in, int fan_out,
                 Rng& rng) {
    const double fi = fan_in > 0 ? fan_in : 1, fo = fan_out > 0 ? fan_out : 1;
    const InitName* name = init.empty() ? &entry_of(initializer_table(), InitKind::XavierUniform)
                                        : find_initializer(init);
    if (!name)
        throw Error("unknown initializer '" + init + "'; use " + name_list(initializer_table()));
    auto uniform = [&](double b) {
        for (float& v : values) v = static_cast<float>(rng.uniform(-b, b));
    };
    auto normal = [&](double s) {
        for (float& v : values) v = static_cast<float>(s * rng.normal());
    };
    switch (name->kind) {
        case InitKind::Zeros:
            for (float& v : values) v = 0.0f;
            break;
        case InitKind::HeUniform: uniform(std::sqrt(6.0 / fi)); break;
        case InitKind::HeNormal: normal(std::sqrt(2.0 / fi)); break;
        case InitKind::XavierUniform: uniform(std::sqrt(6.0 / (fi + fo))); break;
        case InitKind::LecunUniform: uniform(std::sqrt(3.0 / fi)); break;
        case InitKind::LecunNormal: normal(std::sqrt(1.0 / fi)); break;
        case InitKind::XavierNormal: normal(std::sqrt(2.0 / (fi + fo))); break;
    }
}

std::unique_ptr<Layer> make_layer(const LayerSpec& spec, const Shape& in, const Shape& out) {
    const LayerKindName* kind = find_layer_kind(spec.type);
    if (!kind) throw Error("unknown layer type '" + spec.type + "'");
    auto activation = [&](Activation a) { return std::make_unique<ActivationLayer>(spec, in, out, a); };
    switch (kind->kind) {
        case LayerKind::Dense: return std::make_unique<DenseLayer>(spec, in, out);
        case LayerKind::Conv2D: return std::make_unique<Conv2DLayer>(spec, in, out);
        case LayerKind::MaxPool2D:
        case LayerKind::AvgPool2D: return std::make_unique<Pool2DLayer>(spec, in, out);
        case LayerKind::Flatten: return std::make_unique<FlattenLayer>(spec, in, out);
        case LayerKind::ReLU: return activation(Activation::ReLU);
        case LayerKind::LeakyReLU: return activation(Activation::LeakyReLU);
        case LayerKind::Sigmoid: return activation(Activation::Sigmoid);
        case LayerKind::Tanh: return activation(Activation::Tanh);
        case LayerKind::GELU: return activation(Activation::GELU);
        case LayerKind::Softmax: return std::make_unique<SoftmaxLayer>(spec, in, out);
        case LayerKind::Dropout: return std::make_unique<DropoutLayer>(spec, in, out);
        case LayerKind::BatchNorm: return std::make_unique<BatchNormLayer>(spec, in, out);
    }
    throw Error("unknown layer type '" + spec.type + "'");
}

}  // namespace gs
