// The CUDA backend's memory (caching allocator, uploads, downloads through a
// copy stream and pinned staging) and the operations that run on its own
// kernels: elementwise, softmax, losses, batch norm, pooling, optimizers and
// reductions. Dense layers are in blas_ops.cpp, convolution in dnn_ops.cpp.
#include "cuda_backend.h"

#include <algorithm>
#include <cstring>

#include "check.h"
#include "conv_cache.h"
#include "shape_util.h"

namespace gs::cuda {

namespace {
constexpr size_t kResultBytes = 4096;                       // results at the start of m_results
constexpr size_t kPartialsOffset = kResultBytes;            // then the reduction partials
constexpr size_t kPinnedLimit = size_t{256} << 20;          // larger downloads skip staging
}  // namespace

void throw_failure(const char* library, const char* call, const char* file, int line,
                   const std::string& message) {
    const char* base = std::strrchr(file, '/');
    throw Error(std::string(library) + " error at " + (base ? base + 1 : file) + ":" +
                std::to_string(line) + ": " + message + " (in " + call + ")");
}

CudaBackend::CudaBackend(int device) : m_device(device) {
    GS_CUDA_CHECK(cudaSetDevice(device));
    GS_CUDA_CHECK(cudaStreamCreateWithFlags(&m_stream, cudaStreamNonBlocking));
    GS_CUDA_CHECK(cudaStreamCreateWithFlags(&m_copy_stream, cudaStreamNonBlocking));
    GS_CUDA_CHECK(cudaEventCreateWithFlags(&m_ready, cudaEventDisableTiming));
    GS_CUBLAS_CHECK(cublasCreate(&m_blas));
    GS_CUBLAS_CHECK(cublasSetStream(m_blas, m_stream));
    GS_CUDNN_CHECK(cudnnCreate(&m_dnn));
    GS_CUDNN_CHECK(cudnnSetStream(m_dnn, m_stream));
    GS_CUDA_CHECK(cudaMalloc(&m_results, kResultBytes + kReduceBlocks * kPartialBytes));
    pinned(size_t{1} << 20);
    m_conv = std::make_unique<ConvCache>(m_dnn);
}

CudaBackend::~CudaBackend() {
    // Never throws: failures while tearing down are ignored.
    cudaSetDevice(m_device);
    cudaDeviceSynchronize();
    m_conv.reset();
    for (auto& [bytes, p] : m_free) cudaFree(p);
    for (auto& [p, bytes] : m_sizes) cudaFree(p);
    cudaFree(m_workspace);
    cudaFree(m_results);
    cudaFree(m_hist);
    cudaFreeHost(m_pinned);
    if (m_dnn) cudnnDestroy(m_dnn);
    if (m_blas) cublasDestroy(m_blas);
    cudaEventDestroy(m_ready);
    cudaStreamDestroy(m_copy_stream);
    cudaStreamDestroy(m_stream);
}

void CudaBackend::activate() { GS_CUDA_CHECK(cudaSetDevice(m_device)); }

// ----------------------------------------------------------------- memory ---

float* CudaBackend::allocate(size_t count) {
    activate();
    const size_t bytes = std::max<size_t>(256, (count * sizeof(float) + 255) / 256 * 256);
    void* p = nullptr;
    if (auto it = m_free.find(bytes); it != m_free.end()) {
        p = it->second;
        m_free.erase(it);
    } else {
        cudaError_t e = cudaMalloc(&p, bytes);
        if (e == cudaErrorMemoryAllocation) {
            // Give the cached blocks back and try once more.
            cudaGetLastError();
            GS_CUDA_CHECK(cudaStreamSynchronize(m_stream));
            for (auto& [b, q] : m_free) cudaFree(q);
            m_free.clear();
            e = cudaMalloc(&p, bytes);
        }
        if (e == cudaErrorMemoryAllocation) {
            cudaGetLastError();
            throw Error("out of GPU memory: could not allocate " + std::to_string(bytes) +
                        " bytes (" + std::to_string(m_mem.live_bytes) + " in use)");
        }
        GS_CUDA_CHECK(e);
    }
    m_sizes[p] = bytes;
    GS_CUDA_CHECK(cudaMemsetAsync(p, 0, bytes, m_stream));
    ++m_mem.allocations;
    m_mem.live_bytes += bytes;
    m_mem.peak_bytes = std::max(m_mem.peak_bytes, m_mem.live_bytes);
    return static_cast<float*>(p);
}

void CudaBackend::deallocate(float* p) {
    if (!p) return;
    auto it = m_sizes.find(p);
    if (it == m_sizes.end()) return;
    m_mem.live_bytes -= it->second;
    // Work queued on the stream may still use it; the next user is queued
    // on the same stream, after that work.
    m_free.emplace(it->second, p);
    m_sizes.erase(it);
}

void* CudaBackend::pinned(size_t bytes) {
    if (bytes > m_pinned_bytes) {
        if (m_pinned) GS_CUDA_CHECK(cudaFreeHost(m_pinned));
        m_pinned = nullptr;
        GS_CUDA_CHECK(cudaMallocHost(&m_pinned, bytes));
        m_pinned_bytes = bytes;
    }
    return m_pinned;
}

void* CudaBackend::workspace(size_t bytes) {
    if (bytes > m_workspace_bytes) {
        GS_CUDA_CHECK(cudaStreamSynchronize(m_stream));
        if (m_workspace) GS_CUDA_CHECK(cudaFree(m_workspace));
        m_workspace = nullptr;
        GS_CUDA_CHECK(cudaMalloc(&m_workspace, bytes));
        m_workspace_bytes = bytes;
    }
    return m_workspace;
}

void CudaBackend::upload(float* dst, const float* host, size_t n) {
    activate();
    // From pageable memory the call returns once the data is staged, so the
    // caller may reuse `host` at once.
    GS_CUDA_CHECK(cudaMemcpyAsync(dst, host, n * sizeof(float), cudaMemcpyHostToDevice, m_stream));
}

void CudaBackend::download(float* host, const float* src, size_t n) {
    activate();
    const size_t bytes = n * sizeof(float);
    if (bytes > kPinnedLimit) {
        GS_CUDA_CHECK(cudaMemcpyAsync(host, src, bytes, cudaMemcpyDeviceToHost, m_stream));
        GS_CUDA_CHECK(cudaStreamSynchronize(m_stream));
        return;
    }
    std::memcpy(host, fetch(src, bytes), bytes);
}

const void* CudaBackend::fetch(const void* device, size_t bytes) {
    // The copy stream waits for what the compute stream has queued so far,
    // copies into pinned memory, and only the copy is waited for.
    void* staging = pinned(bytes);
    GS_CUDA_CHECK(cudaEventRecord(m_ready, m_stream));
    GS_CUDA_CHECK(cudaStreamWaitEvent(m_copy_stream, m_ready, 0));
    GS_CUDA_CHECK(cudaMemcpyAsync(staging, device, bytes, cudaMemcpyDeviceToHost, m_copy_stream));
    GS_CUDA_CHECK(cudaStreamSynchronize(m_copy_stream));
    return staging;
}

void CudaBackend::copy(Tensor& dst, const Tensor& src) {
    activate();
    if (count(dst) != count(src)) throw Error("copy between tensors of different sizes");
    GS_CUDA_CHECK(cudaMemcpyAsync(dst.data(), src.data(), count(src) * sizeof(float),
                                  cudaMemcpyDeviceToDevice, m_stream));
}

void CudaBackend::fill(Tensor& t, float value) {
    activate();
    cuda::fill(t.data(), value, count(t), m_stream);
    GS_CUDA_CHECK_LAUNCH();
}

void CudaBackend::synchronize() {
    activate();
    GS_CUDA_CHECK(cudaStreamSynchronize(m_stream));
}

// ------------------------------------------------------------ elementwise ---

void CudaBackend::activation_forward(Activation a, float alpha, const Tensor& x, Tensor& y) {
    activate();
    cuda::activation_forward(a, alpha, x.data(), y.data(), count(x), m_stream);
    GS_CUDA_CHECK_LAUNCH();
}

void CudaBackend::activation_backward(Activation a, float alpha, const Tensor& x, const Tensor& y,
                                      const Tensor& dy, Tensor& dx) {
    activate();
    cuda::activation_backward(a, alpha, x.data(), y.data(), dy.data(), dx.data(), count(x),
                              m_stream);
    GS_CUDA_CHECK_LAUNCH();
}

void CudaBackend::softmax_forward(const Tensor& x, Tensor& y) {
    activate();
    cuda::softmax_forward(x.data(), y.data(), x.dim(0), static_cast<int>(per_item(x)), m_stream);
    GS_CUDA_CHECK_LAUNCH();
}

void CudaBackend::softmax_backward(const Tensor& y, const Tensor& dy, Tensor& dx) {
    activate();
    cuda::softmax_backward(y.data(), dy.data(), dx.data(), y.dim(0), static_cast<int>(per_item(y)),
                           m_stream);
    GS_CUDA_CHECK_LAUNCH();
}

void CudaBackend::dropout_forward(float p, uint64_t seed, uint64_t counter, const Tensor& x,
                                  Tensor& mask, Tensor& y) {
    activate();
    cuda::dropout_forward(p, seed, counter, x.data(), mask.data(), y.data(), count(x), m_stream);
    GS_CUDA_CHECK_LAUNCH();
}

void CudaBackend::multiply(const Tensor& a, const Tensor& b, Tensor& y) {
    activate();
    cuda::multiply(a.data(), b.data(), y.data(), count(a), m_stream);
    GS_CUDA_CHECK_LAUNCH();
}

void CudaBackend::scale(Tensor& t, float factor) {
    activate();
    cuda::scale(t.data(), factor, count(t), m_stream);
    GS_CUDA_CHECK_LAUNCH();
}

// ------------------------------------------------------------ batch norm ----

void CudaBackend::batchnorm_forward(bool training, float eps, float momentum, const Tensor& x,
                                    const Tensor& gamma, const Tensor& beta, Tensor& running_mean,
                                    Tensor& running_var, Tensor& save_mean, Tensor& save_invstd,
                                    Tensor& y) {
    activate();
    const Ncs v = ncs(x);
    if (training)
        cuda::batchnorm_forward_training(eps, momentum, x.data(), gamma.data(), beta.data(),
                                         running_mean.data(), running_var.data(),
                                         save_mean.data(), save_invstd.data(), y.data(), v.N, v.C,
                                         v.S, m_stream);
    else
        cuda::batchnorm_forward_inference(eps, x.data(), gamma.data(), beta.data(),
                                          running_mean.data(), running_var.data(), y.data(), v.N,
                                          v.C, v.S, m_stream);
    GS_CUDA_CHECK_LAUNCH();
}

void CudaBackend::batchnorm_backward(const Tensor& x, const Tensor& gamma, const Tensor& save_mean,
                                     const Tensor& save_invstd, const Tensor& dy, Tensor& dx,
                                     Tensor& dgamma, Tensor& dbeta) {
    activate();
    const Ncs v = ncs(x);
    cuda::batchnorm_backward(x.data(), gamma.data(), save_mean.data(), save_invstd.data(),
                             dy.data(), dx.data(), dgamma.data(), dbeta.data(), v.N, v.C, v.S,
                             m_stream);
    GS_CUDA_CHECK_LAUNCH();
}

// ----------------------------------------------------------------- pooling --

namespace {
PoolShape pool_shape(const PoolParams& p, const Shape& x) {
    return {x[0], x[1], x[2], x[3], (x[2] + 2 * p.ph - p.kh) / p.sh + 1,
            (x[3] + 2 * p.pw - p.kw) / p.sw + 1};
}
}  // namespace

size_t CudaBackend::pool2d_workspace(const PoolParams& p, const Shape& x) {
    if (p.kind != PoolKind::Max) return 0;
    const PoolShape d = pool_shape(p, x);
    static_assert(sizeof(int) == sizeof(float), "indices are kept in float storage");
    return static_cast<size_t>(d.N) * d.C * d.Ho * d.Wo;
}

void CudaBackend::pool2d_forward(const PoolParams& p, const Tensor& x, Tensor& y, Tensor* ws) {
    activate();
    PoolShape d = pool_shape(p, x.shape());
    d.Ho = y.dim(2);
    d.Wo = y.dim(3);
    int* idx = nullptr;
    if (p.kind == PoolKind::Max) {
        if (!ws || count(*ws) < pool2d_workspace(p, x.shape()))
            throw Error("max pooling needs a workspace of " +
                        std::to_string(pool2d_workspace(p, x.shape())) + " floats");
        idx = reinterpret_cast<int*>(ws->data());
    }
    cuda::pool_forward(p, d, x.data(), y.data(), idx, m_stream);
    GS_CUDA_CHECK_LAUNCH();
}

void CudaBackend::pool2d_backward(const PoolParams& p, const Tensor& x, const Tensor& dy,
                                  const Tensor* ws, Tensor& dx) {
    activate();
    PoolShape d = pool_shape(p, x.shape());
    d.Ho = dy.dim(2);
    d.Wo = dy.dim(3);
    const int* idx = nullptr;
    if (p.kind == PoolKind::Max) {
        if (!ws) throw Error("max pooling backward needs the forward's workspace");
        idx = reinterpret_cast<const int*>(ws->data());
    }
    cuda::pool_backward(p, d, dy.data(), idx, dx.data(), m_stream);
    GS_CUDA_CHECK_LAUNCH();
}

// ----------------------------------------------------------------- losses ---

LossSums CudaBackend::finish_loss(bool classify) {
    GS_CUDA_CHECK_LAUNCH();
    LossResult r;
    std::memcpy(&r, fetch(m_results, sizeof r), sizeof r);
    if (r.bad_labels)
        throw Error("label " + std::to_string(r.first_bad_label) +
                    " is not a class of the model's output (" + std::to_string(r.bad_labels) +
                    " such labels in the batch)");
    LossSums s;
    s.loss_sum = r.loss_sum;
    s.correct = classify ? static_cast<long>(r.correct) : -1;
    return s;
}

// outcomes (when asked for) holds a row of kLossItemColumns per item.
static void check_outcomes(const Tensor* outcomes, int N) {
    if (outcomes && count(*outcomes) < static_cast<size_t>(N) * kLossItemColumns)
        throw Error("the per-item loss outcomes need " + std::to_string(N) + " x " +
                    std::to_string(kLossItemColumns) + " floats, got " +
                    std::to_string(count(*outcomes)));
}

LossSums CudaBackend::softmax_cross_entropy(const Tensor& logits, const Tensor& labels,
                                            Tensor* dlogits, Tensor* outcomes) {
    activate();
    check_outcomes(outcomes, logits.dim(0));
    cuda::softmax_cross_entropy(logits.data(), labels.data(), dlogits ? dlogits->data() : nullptr,
                                outcomes ? outcomes->data() : nullptr, logits.dim(0),
                                static_cast<int>(per_item(logits)),
                                static_cast<LossResult*>(m_results), m_stream);
    return finish_loss(true);
}

LossSums CudaBackend::sigmoid_binary_cross_entropy(const Tensor& logits, const Tensor& targets,
                                                   Tensor* dlogits, Tensor* outcomes) {
    activate();
    check_outcomes(outcomes, logits.dim(0));
    cuda::sigmoid_bce(logits.data(), targets.data(), dlogits ? dlogits->data() : nullptr,
                      outcomes ? outcomes->data() : nullptr, logits.dim(0),
                      static_cast<LossResult*>(m_results), m_stream);
    return finish_loss(true);
}

LossSums CudaBackend::mean_squared_error(const Tensor& pred, const Tensor& target, bool classify,
                                         Tensor* dpred) {
    activate();
    cuda::mean_squared_error(pred.data(), target.data(), dpred ? dpred->data() : nullptr,
                             pred.dim(0), static_cast<int>(per_item(pred)),
                             static_cast<LossResult*>(m_results), m_stream);
    return finish_loss(classify);
}

// ------------------------------------------------------------- optimizers ---

void CudaBackend::sgd_update(Tensor& param, const Tensor& grad, Tensor* velocity,
                             const SgdStep& s) {
    activate();
    cuda::sgd_update(param.data(), grad.data(), velocity ? velocity->data() : nullptr, count(param),
                     s, m_stream);
    GS_CUDA_CHECK_LAUNCH();
}

void CudaBackend::adam_update(Tensor& param, const Tensor& grad, Tensor& m, Tensor& v,
                              const AdamStep& s) {
    activate();
    cuda::adam_update(param.data(), grad.data(), m.data(), v.data(), count(param), s, m_stream);
    GS_CUDA_CHECK_LAUNCH();
}

void CudaBackend::rmsprop_update(Tensor& param, const Tensor& grad, Tensor& square_avg,
                                 Tensor* buffer, const RmsPropStep& s) {
    activate();
    cuda::rmsprop_update(param.data(), grad.data(), square_avg.data(),
                         buffer ? buffer->data() : nullptr, count(param), s, m_stream);
    GS_CUDA_CHECK_LAUNCH();
}

// ------------------------------------------------------------- reductions ---

double CudaBackend::sum_squares(const Tensor& t) {
    activate();
    if (count(t) == 0) return 0.0;
    auto* partials = static_cast<char*>(m_results) + kPartialsOffset;
    cuda::sum_squares(t.data(), count(t), partials, static_cast<double*>(m_results), m_stream);
    GS_CUDA_CHECK_LAUNCH();
    double r;
    std::memcpy(&r, fetch(m_results, sizeof r), sizeof r);
    return r;
}

TensorSummary CudaBackend::summarize(const Tensor& t, float sat_lo, float sat_hi) {
    activate();
    TensorSummary r;
    const size_t n = count(t);
    r.count = n;
    if (!n) return r;
    const size_t items = t.shape().rank >= 2 ? static_cast<size_t>(t.dim(0)) : 1;
    auto* partials = static_cast<char*>(m_results) + kPartialsOffset;
    cuda::summarize(t.data(), n, items, sat_lo, sat_hi, partials,
                    static_cast<SummaryResult*>(m_results), m_stream);
    GS_CUDA_CHECK_LAUNCH();
    SummaryResult s;
    std::memcpy(&s, fetch(m_results, sizeof s), sizeof s);
    r.sum = s.sum;
    r.sum_sq = s.sum_sq;
    r.sum_abs = s.sum_abs;
    r.min = s.min;
    r.max = s.max;
    r.nonpositive = s.nonpositive;
    r.saturated = s.saturated;
    r.features = n / items;
    r.dead_features = s.dead_features;
    return r;
}

void CudaBackend::histogram(const Tensor& t, float lo, float hi, int bins, uint32_t* counts) {
    activate();
    for (int b = 0; b < bins; ++b) counts[b] = 0;
    if (bins <= 0) return;
    if (bins > m_hist_bins) {
        GS_CUDA_CHECK(cudaStreamSynchronize(m_stream));
        if (m_hist) GS_CUDA_CHECK(cudaFree(m_hist));
        m_hist = nullptr;
        GS_CUDA_CHECK(cudaMalloc(&m_hist, static_cast<size_t>(bins) * sizeof(uint32_t)));
        m_hist_bins = bins;
    }
    const size_t bytes = static_cast<size_t>(bins) * sizeof(uint32_t);
    GS_CUDA_CHECK(cudaMemsetAsync(m_hist, 0, bytes, m_stream));
    cuda::histogram(t.data(), count(t), lo, hi, bins, m_hist, m_stream);
    GS_CUDA_CHECK_LAUNCH();
    std::memcpy(counts, fetch(m_hist, bytes), bytes);
}

}  // namespace gs::cuda
