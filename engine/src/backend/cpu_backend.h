// The CPU backend: oneDNN for dense, convolution and pooling (primitives made
// once per shape and cached, with their arguments and scratchpads), plain
// OpenMP loops for everything elementwise. It is the reference every other
// backend is compared against. Not thread-safe: one training thread uses it.
#pragma once

#include <memory>

#include "gradscope/backend.h"

namespace gs {

class DnnlOps;  // cpu_dnnl.cpp

class CpuBackend : public Backend {
public:
    CpuBackend();
    ~CpuBackend() override;
    std::string name() const override { return "cpu"; }
    bool host_memory() const override { return true; }

    float* allocate(size_t count) override;
    void deallocate(float* p) override;
    void upload(float* dst, const float* host, size_t n) override;
    void download(float* host, const float* src, size_t n) override;
    void copy(Tensor& dst, const Tensor& src) override;
    void fill(Tensor& t, float value) override;
    MemoryStats memory_stats() const override { return m_mem; }

    void dense_forward(const Tensor& x, const Tensor& w, const Tensor* b, Tensor& y) override;
    void dense_backward(const Tensor& x, const Tensor& w, const Tensor& dy, Tensor* dx, Tensor& dw,
                        Tensor* db) override;
    void conv2d_forward(const ConvParams& p, const Tensor& x, const Tensor& w, const Tensor* b,
                        Tensor& y) override;
    void conv2d_backward(const ConvParams& p, const Tensor& x, const Tensor& w, const Tensor& dy,
                         Tensor* dx, Tensor& dw, Tensor* db) override;
    size_t pool2d_workspace(const PoolParams& p, const Shape& x) override;
    void pool2d_forward(const PoolParams& p, const Tensor& x, Tensor& y, Tensor* ws) override;
    void pool2d_backward(const PoolParams& p, const Tensor& x, const Tensor& dy, const Tensor* ws,
                         Tensor& dx) override;

    void activation_forward(Activation a, float alpha, const Tensor& x, Tensor& y) override;
    void activation_backward(Activation a, float alpha, const Tensor& x, const Tensor& y,
                             const Tensor& dy, Tensor& dx) override;
    void softmax_forward(const Tensor& x, Tensor& y) override;
    void softmax_backward(const Tensor& y, const Tensor& dy, Tensor& dx) override;
    void dropout_forward(float p, uint64_t seed, uint64_t counter, const Tensor& x, Tensor& mask,
                         Tensor& y) override;
    void multiply(const Tensor& a, const Tensor& b, Tensor& y) override;

    void batchnorm_forward(bool training, float eps, float momentum, const Tensor& x,
                           const Tensor& gamma, const Tensor& beta, Tensor& running_mean,
                           Tensor& running_var, Tensor& save_mean, Tensor& save_invstd,
                           Tensor& y) override;
    void batchnorm_backward(const Tensor& x, const Tensor& gamma, const Tensor& save_mean,
                            const Tensor& save_invstd, const Tensor& dy, Tensor& dx,
                            Tensor& dgamma, Tensor& dbeta) override;

    LossSums softmax_cross_entropy(const Tensor& logits, const Tensor& labels, Tensor* dlogits,
                                   Tensor* outcomes = nullptr) override;
    LossSums sigmoid_binary_cross_entropy(const Tensor& logits, const Tensor& targets,
                                          Tensor* dlogits, Tensor* outcomes = nullptr) override;
    LossSums mean_squared_error(const Tensor& pred, const Tensor& target, bool classify,
                                Tensor* dpred) override;

    void sgd_update(Tensor& param, const Tensor& grad, Tensor* velocity, const SgdStep& s) override;
    void adam_update(Tensor& param, const Tensor& grad, Tensor& m, Tensor& v,
                     const AdamStep& s) override;
    void rmsprop_update(Tensor& param, const Tensor& grad, Tensor& square_avg, Tensor* buffer,
                        const RmsPropStep& s) override;

    double sum_squares(const Tensor& t) override;
    TensorSummary summarize(const Tensor& t, float sat_lo, float sat_hi) override;
    void histogram(const Tensor& t, float lo, float hi, int bins, uint32_t* counts) override;
    void scale(Tensor& t, float factor) override;

private:
    std::unique_ptr<DnnlOps> m_dnnl;
    MemoryStats m_mem;
};

// Below this many multiply-adds a dense product runs as plain loops: oneDNN's
// per-call overhead (a few microseconds) dominates classroom-sized layers.
constexpr size_t kSmallGemmMacs = 32 * 1024;
// Up to this many, oneDNN runs a dense product on one thread: a parallel
// region (waking the other threads) costs more than it saves for products
// of tens of microseconds, such as mlp-fashion's 128 -> 10 layer.
constexpr size_t kOneThreadGemmMacs = 1024 * 1024;

}  // namespace gs
