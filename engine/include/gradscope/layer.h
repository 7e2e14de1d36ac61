// Layer: one step of a network, forward and backward, written against the
// Backend interface. Parameters are allocated once in setup(); workspaces are
// sized for the largest batch and used through batch views, so a training
// step allocates nothing.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "gradscope/backend.h"
#include "gradscope/rng.h"
#include "gradscope/spec.h"
#include "gradscope/tensor.h"

namespace gs {

struct Param {
    std::string name;  // "weight", "bias", "gamma", ...
    Tensor value;
    Tensor grad;
    bool decay = true;  // weight decay applies (not to biases and norms)
};

// What a pass needs beyond its tensors.
struct PassContext {
    bool training = true;
    uint64_t seed = 0;   // the run's seed, for dropout
    uint64_t step = 0;   // the global step, for dropout
    int layer = 0;       // index of the running layer, set by the model
};

class Layer {
public:
    Layer(LayerSpec spec, Shape in, Shape out) : m_spec(std::move(spec)), m_in(in), m_out(out) {}
    virtual ~Layer() = default;

    const LayerSpec& spec() const { return m_spec; }
    const std::string& type() const { return m_spec.type; }
    const Shape& in_shape() const { return m_in; }    // per item
    const Shape& out_shape() const { return m_out; }  // per item

    // Allocates parameters (first call only) and workspaces for max_batch.
    virtual void setup(Backend& be, int max_batch);
    // Draws initial parameter values.
    virtual void init(Rng& rng) { (void)rng; }
    // x (n, in...), y (n, out...)
    virtual void forward(const Tensor& x, Tensor& y, const PassContext& ctx) = 0;
    // Given x, y = forward(x) and dy, writes parameter gradients and, if dx
    // is given, dx. Uses what forward() kept, so it follows the same forward.
    virtual void backward(const Tensor& x, const Tensor& y, const Tensor& dy, Tensor* dx) = 0;

    std::vector<Param>& params() { return m_params; }
    // State that is not trained but is saved (BatchNorm's running statistics).
    std::vector<Param>& buffers() { return m_buffers; }

protected:
    Backend* m_be = nullptr;
    LayerSpec m_spec;
    Shape m_in, m_out;
    std::vector<Param> m_params;
    std::vector<Param> m_buffers;
};

// Builds a layer of a validated spec.
std::unique_ptr<Layer> make_layer(const LayerSpec& spec, const Shape& in, const Shape& out);

// Fills a host array with the named initializer (fan_in, fan_out per unit).
void init_values(const std::string& init, std::vector<float>& values, int fan_in, int fan_out,
                 Rng& rng);

}  // namespace gs
