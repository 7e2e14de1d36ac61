// The CUDA backend: cuBLAS for dense layers, cuDNN for convolution, own
// kernels (kernels/*.cu) for everything elementwise, the losses, optimizers,
// pooling, batch norm and the telemetry reductions. One compute stream; a
// second stream with pinned staging for downloads. Memory comes from a
// caching allocator, so a training step allocates nothing after the first.
// Not thread-safe: one training thread uses it (it makes its device current
// on whichever thread calls).
#pragma once

#include <cublas_v2.h>
#include <cuda_runtime.h>
#include <cudnn.h>

#include <map>
#include <memory>
#include <unordered_map>
#include <vector>

#include "gradscope/backend.h"
#include "kernels/launchers.h"

namespace gs::cuda {

class ConvCache;  // dnn_ops.cpp

class CudaBackend : public Backend {
public:
    explicit CudaBackend(int device);
    ~CudaBackend() override;
    std::string name() const override { return "cuda:" + std::to_string(m_device); }
    bool host_memory() const override { return false; }

    float* allocate(size_t count) override;
    void deallocate(float* p) override;
    void upload(float* dst, const float* host, size_t n) override;
    void download(float* host, const float* src, size_t n) override;
    void copy(Tensor& dst, const Tensor& src) override;
    void fill(Tensor& t, float value) override;
    void synchronize() override;
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

    // For the cuBLAS / cuDNN halves (blas_ops.cpp, dnn_ops.cpp).
    cudaStream_t stream() const { return m_stream; }
    // A device scratch area of at least `bytes`, grown (never shrunk) on demand.
    void* workspace(size_t bytes);

private:
    void activate();  // makes the device current on the calling thread
    LossSums finish_loss(bool classify);
    // Copies `bytes` of device results to pinned memory and waits for them.
    const void* fetch(const void* device, size_t bytes);
    void* pinned(size_t bytes);

    int m_device;
    cudaStream_t m_stream = nullptr, m_copy_stream = nullptr;
    cudaEvent_t m_ready = nullptr;
    cublasHandle_t m_blas = nullptr;
    cudnnHandle_t m_dnn = nullptr;
    std::unique_ptr<ConvCache> m_conv;

    // Caching allocator: freed blocks wait in m_free by size for reuse.
    std::multimap<size_t, void*> m_free;
    std::unordered_map<void*, size_t> m_sizes;
    MemoryStats m_mem;

    void* m_workspace = nullptr;
    size_t m_workspace_bytes = 0;
    void* m_results = nullptr;   // device: loss / summary results, partials
    void* m_pinned = nullptr;    // host, pinned: results and download staging
    size_t m_pinned_bytes = 0;
    uint32_t* m_hist = nullptr;  // device histogram counts
    int m_hist_bins = 0;

    friend class ConvCache;
};

}  // namespace gs::cuda
