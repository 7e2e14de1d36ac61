// The layer factory and the parameter initializers.
#include <cmath>

#include "gradscope/error.h"
#include "gradscope/layer.h"
#include "layers/layers.h"

namespace gs {

void Layer::setup(Backend& be, int max_batch) {
    (void)max_batch;
    m_be = &be;
}

void init_values(const std::string& init, std::vector<float>& values, int fan_in, int fan_out,
                 Rng& rng) {
    const double fi = fan_in > 0 ? fan_in : 1, fo = fan_out > 0 ? fan_out : 1;
    if (init == "zeros") {
        for (float& v : values) v = 0.0f;
    } else if (init == "he_uniform") {
        const double b = std::sqrt(6.0 / fi);
        for (float& v : values) v = static_cast<float>(rng.uniform(-b, b));
    } else if (init == "he_normal") {
        const double s = std::sqrt(2.0 / fi);
        for (float& v : values) v = static_cast<float>(s * rng.normal());
    } else if (init == "xavier_uniform" || init.empty()) {
        const double b = std::sqrt(6.0 / (fi + fo));
        for (float& v : values) v = static_cast<float>(rng.uniform(-b, b));
    } else if (init == "lecun_uniform") {
        const double b = std::sqrt(3.0 / fi);
        for (float& v : values) v = static_cast<float>(rng.uniform(-b, b));
    } else if (init == "lecun_normal") {
        const double s = std::sqrt(1.0 / fi);
        for (float& v : values) v = static_cast<float>(s * rng.normal());
    } else if (init == "xavier_normal") {
        const double s = std::sqrt(2.0 / (fi + fo));
        for (float& v : values) v = static_cast<float>(s * rng.normal());
    } else {
        throw Error("unknown initializer '" + init +
                    "'; use he_uniform, he_normal, xavier_uniform, xavier_normal, lecun_uniform, lecun_normal or zeros");
    }
}

std::unique_ptr<Layer> make_layer(const LayerSpec& spec, const Shape& in, const Shape& out) {
    const std::string& t = spec.type;
    if (t == "Dense") return std::make_unique<DenseLayer>(spec, in, out);
    if (t == "Conv2D") return std::make_unique<Conv2DLayer>(spec, in, out);
    if (t == "MaxPool2D" || t == "AvgPool2D") return std::make_unique<Pool2DLayer>(spec, in, out);
    if (t == "Flatten") return std::make_unique<FlattenLayer>(spec, in, out);
    if (t == "ReLU") return std::make_unique<ActivationLayer>(spec, in, out, Activation::ReLU);
    if (t == "LeakyReLU")
        return std::make_unique<ActivationLayer>(spec, in, out, Activation::LeakyReLU);
    if (t == "Sigmoid") return std::make_unique<ActivationLayer>(spec, in, out, Activation::Sigmoid);
    if (t == "Tanh") return std::make_unique<ActivationLayer>(spec, in, out, Activation::Tanh);
    if (t == "GELU") return std::make_unique<ActivationLayer>(spec, in, out, Activation::GELU);
    if (t == "Softmax") return std::make_unique<SoftmaxLayer>(spec, in, out);
    if (t == "Dropout") return std::make_unique<DropoutLayer>(spec, in, out);
    if (t == "BatchNorm") return std::make_unique<BatchNormLayer>(spec, in, out);
    throw Error("unknown layer type '" + t + "'");
}

}  // namespace gs
