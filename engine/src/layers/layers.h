// The layer classes. Each layer's forward and backward live together in its
// own file; this header only declares them for the factory and the tests.
#pragma once

#include "gradscope/layer.h"

namespace gs {

// y (N, M) = x (N, K) W^T + b
class DenseLayer : public Layer {
public:
    using Layer::Layer;
    void setup(Backend& be, int max_batch) override;
    void init(Rng& rng) override;
    void forward(const Tensor& x, Tensor& y, const PassContext& ctx) override;
    void backward(const Tensor& x, const Tensor& y, const Tensor& dy, Tensor* dx) override;
};

// y (N, O, Ho, Wo) = conv(x (N, C, H, W), W (O, C, k, k)) + b
class Conv2DLayer : public Layer {
public:
    using Layer::Layer;
    void setup(Backend& be, int max_batch) override;
    void init(Rng& rng) override;
    void forward(const Tensor& x, Tensor& y, const PassContext& ctx) override;
    void backward(const Tensor& x, const Tensor& y, const Tensor& dy, Tensor* dx) override;
    ConvParams params_of() const;
};

class Pool2DLayer : public Layer {
public:
    using Layer::Layer;
    void setup(Backend& be, int max_batch) override;
    void forward(const Tensor& x, Tensor& y, const PassContext& ctx) override;
    void backward(const Tensor& x, const Tensor& y, const Tensor& dy, Tensor* dx) override;
    PoolParams params_of() const;

private:
    Tensor m_workspace;  // max pooling's argmax record, sized for the largest batch
};

class FlattenLayer : public Layer {
public:
    using Layer::Layer;
    void forward(const Tensor& x, Tensor& y, const PassContext& ctx) override;
    void backward(const Tensor& x, const Tensor& y, const Tensor& dy, Tensor* dx) override;
};

class ActivationLayer : public Layer {
public:
    ActivationLayer(LayerSpec spec, Shape in, Shape out, Activation a)
        : Layer(std::move(spec), in, out), m_act(a) {}
    void forward(const Tensor& x, Tensor& y, const PassContext& ctx) override;
    void backward(const Tensor& x, const Tensor& y, const Tensor& dy, Tensor* dx) override;

private:
    Activation m_act;
};

class SoftmaxLayer : public Layer {
public:
    using Layer::Layer;
    void forward(const Tensor& x, Tensor& y, const PassContext& ctx) override;
    void backward(const Tensor& x, const Tensor& y, const Tensor& dy, Tensor* dx) override;
};

class DropoutLayer : public Layer {
public:
    using Layer::Layer;
    void setup(Backend& be, int max_batch) override;
    void forward(const Tensor& x, Tensor& y, const PassContext& ctx) override;
    void backward(const Tensor& x, const Tensor& y, const Tensor& dy, Tensor* dx) override;

private:
    Tensor m_mask;
    bool m_masked = false;  // the last forward applied a mask
};

// Per-channel normalization over the batch (and the image plane).
class BatchNormLayer : public Layer {
public:
    using Layer::Layer;
    void setup(Backend& be, int max_batch) override;
    void init(Rng& rng) override;
    void forward(const Tensor& x, Tensor& y, const PassContext& ctx) override;
    void backward(const Tensor& x, const Tensor& y, const Tensor& dy, Tensor* dx) override;

private:
    Tensor m_save_mean, m_save_invstd;
    Tensor m_scratch;  // dx when the caller wants none (BatchNorm first)
};

}  // namespace gs
