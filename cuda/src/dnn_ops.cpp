// Convolution on cuDNN: forward (plus bias with cudnnAddTensor), backward
// data, backward filter and backward bias, with plans cached per shape.
#include <algorithm>
#include <vector>

#include "check.h"
#include "conv_cache.h"
#include "cuda_backend.h"
#include "shape_util.h"

namespace gs::cuda {

namespace {
constexpr size_t kMaxConvWorkspace = size_t{1} << 30;  // ignore algorithms that want more

// The fastest algorithm cudnnFind* timed (they come fastest first) that
// succeeded within the memory cap, preferring deterministic ones (the same
// seed gives the same run; some backward algorithms add with atomics) that
// run in the descriptor's math mode (one descriptor serves all three
// directions); any usable one when none is both.
template <typename Perf>
const Perf& pick(const std::vector<Perf>& perfs, int returned, const char* what) {
    const Perf* fallback = nullptr;
    for (int i = 0; i < returned; ++i) {
        const Perf& p = perfs[static_cast<size_t>(i)];
        if (p.status != CUDNN_STATUS_SUCCESS || p.memory > kMaxConvWorkspace) continue;
        if (p.determinism == CUDNN_DETERMINISTIC && p.mathType == CUDNN_DEFAULT_MATH) return p;
        if (!fallback) fallback = &p;
    }
    if (fallback) return *fallback;
    throw Error(std::string("cuDNN has no usable ") + what + " algorithm for this convolution");
}

// Asks cuDNN how many algorithms it has for one direction, times them all
// (cudnnFind*), and picks one (a copy: the timings are gone afterwards).
template <typename Perf, typename Count, typename Find>
Perf find_algorithm(Count count, Find find, const char* what) {
    int n = 0, returned = 0;
    GS_CUDNN_CHECK(count(&n));
    std::vector<Perf> perfs(static_cast<size_t>(n));
    GS_CUDNN_CHECK(find(n, &returned, perfs.data()));
    return pick(perfs, returned, what);
}

// Destroys a half-made plan's descriptors if making it throws.
struct PlanGuard {
    ConvPlan* plan;
    ~PlanGuard() {
        if (!plan) return;
        if (plan->x) cudnnDestroyTensorDescriptor(plan->x);
        if (plan->y) cudnnDestroyTensorDescriptor(plan->y);
        if (plan->bias) cudnnDestroyTensorDescriptor(plan->bias);
        if (plan->w) cudnnDestroyFilterDescriptor(plan->w);
        if (plan->conv) cudnnDestroyConvolutionDescriptor(plan->conv);
    }
};
}  // namespace

ConvCache::~ConvCache() {
    for (auto& [key, p] : m_plans) {
        cudnnDestroyTensorDescriptor(p.x);
        cudnnDestroyTensorDescriptor(p.y);
        cudnnDestroyTensorDescriptor(p.bias);
        cudnnDestroyFilterDescriptor(p.w);
        cudnnDestroyConvolutionDescriptor(p.conv);
    }
}

const ConvPlan& ConvCache::plan(const ConvParams& cp, const Shape& x, const Shape& w,
                                const Shape& y) {
    const std::array<int, 16> key{x[0], x[1], x[2], x[3], w[0], w[1], w[2], w[3],
                                  y[2], y[3], cp.sh, cp.sw, cp.ph, cp.pw, 0, 0};
    if (auto it = m_plans.find(key); it != m_plans.end()) return it->second;
    ConvPlan p;
    PlanGuard guard{&p};
    GS_CUDNN_CHECK(cudnnCreateTensorDescriptor(&p.x));
    GS_CUDNN_CHECK(cudnnCreateTensorDescriptor(&p.y));
    GS_CUDNN_CHECK(cudnnCreateTensorDescriptor(&p.bias));
    GS_CUDNN_CHECK(cudnnCreateFilterDescriptor(&p.w));
    GS_CUDNN_CHECK(cudnnCreateConvolutionDescriptor(&p.conv));
    GS_CUDNN_CHECK(cudnnSetTensor4dDescriptor(p.x, CUDNN_TENSOR_NCHW, CUDNN_DATA_FLOAT, x[0], x[1],
                                              x[2], x[3]));
    GS_CUDNN_CHECK(cudnnSetTensor4dDescriptor(p.y, CUDNN_TENSOR_NCHW, CUDNN_DATA_FLOAT, y[0], y[1],
                                              y[2], y[3]));
    GS_CUDNN_CHECK(
        cudnnSetTensor4dDescriptor(p.bias, CUDNN_TENSOR_NCHW, CUDNN_DATA_FLOAT, 1, w[0], 1, 1));
    GS_CUDNN_CHECK(cudnnSetFilter4dDescriptor(p.w, CUDNN_DATA_FLOAT, CUDNN_TENSOR_NCHW, w[0], w[1],
                                              w[2], w[3]));
    GS_CUDNN_CHECK(cudnnSetConvolution2dDescriptor(p.conv, cp.ph, cp.pw, cp.sh, cp.sw, 1, 1,
                                                   CUDNN_CROSS_CORRELATION, CUDNN_DATA_FLOAT));
    // Tensor cores (TF32 on Ampere and newer) where cuDNN picks them, as
    // PyTorch allows by default.
    GS_CUDNN_CHECK(cudnnSetConvolutionMathType(p.conv, CUDNN_DEFAULT_MATH));

    const auto f = find_algorithm<cudnnConvolutionFwdAlgoPerf_t>(
        [&](int* n) { return cudnnGetConvolutionForwardAlgorithmMaxCount(m_handle, n); },
        [&](int n, int* returned, cudnnConvolutionFwdAlgoPerf_t* perfs) {
            return cudnnFindConvolutionForwardAlgorithm(m_handle, p.x, p.w, p.conv, p.y, n, returned, perfs);
        },
        "forward");
    p.fwd = f.algo;
    p.fwd_bytes = f.memory;
    const auto d = find_algorithm<cudnnConvolutionBwdDataAlgoPerf_t>(
        [&](int* n) { return cudnnGetConvolutionBackwardDataAlgorithmMaxCount(m_handle, n); },
        [&](int n, int* returned, cudnnConvolutionBwdDataAlgoPerf_t* perfs) {
            return cudnnFindConvolutionBackwardDataAlgorithm(m_handle, p.w, p.y, p.conv, p.x, n, returned, perfs);
        },
        "backward-data");
    p.bwd_data = d.algo;
    p.bwd_data_bytes = d.memory;
    const auto g = find_algorithm<cudnnConvolutionBwdFilterAlgoPerf_t>(
        [&](int* n) { return cudnnGetConvolutionBackwardFilterAlgorithmMaxCount(m_handle, n); },
        [&](int n, int* returned, cudnnConvolutionBwdFilterAlgoPerf_t* perfs) {
            return cudnnFindConvolutionBackwardFilterAlgorithm(m_handle, p.x, p.y, p.conv, p.w, n, returned, perfs);
        },
        "backward-filter");
    p.bwd_filter = g.algo;
    p.bwd_filter_bytes = g.memory;
    guard.plan = nullptr;  // the cache owns the descriptors now
    return m_plans.emplace(key, p).first->second;
}

void CudaBackend::conv2d_forward(const ConvParams& p, const Tensor& x, const Tensor& w,
                                 const Tensor* b, Tensor& y) {
    activate();
    const ConvPlan& plan = m_conv->plan(p, x.shape(), w.shape(), y.shape());
    void* ws = workspace(plan.fwd_bytes);
    const float one = 1.0f, zero = 0.0f;
    GS_CUDNN_CHECK(cudnnConvolutionForward(m_dnn, &one, plan.x, x.data(), plan.w, w.data(),
                                           plan.conv, plan.fwd, ws, plan.fwd_bytes, &zero, plan.y,
                                           y.data()));
    if (b) GS_CUDNN_CHECK(cudnnAddTensor(m_dnn, &one, plan.bias, b->data(), &one, plan.y, y.data()));
}

void CudaBackend::conv2d_backward(const ConvParams& p, const Tensor& x, const Tensor& w,
                                  const Tensor& dy, Tensor* dx, Tensor& dw, Tensor* db) {
    activate();
    const ConvPlan& plan = m_conv->plan(p, x.shape(), w.shape(), dy.shape());
    const float one = 1.0f, zero = 0.0f;
    void* ws = workspace(std::max(plan.bwd_data_bytes, plan.bwd_filter_bytes));
    if (dx)
        GS_CUDNN_CHECK(cudnnConvolutionBackwardData(m_dnn, &one, plan.w, w.data(), plan.y,
                                                    dy.data(), plan.conv, plan.bwd_data, ws,
                                                    plan.bwd_data_bytes, &zero, plan.x, dx->data()));
    GS_CUDNN_CHECK(cudnnConvolutionBackwardFilter(m_dnn, &one, plan.x, x.data(), plan.y, dy.data(),
                                                  plan.conv, plan.bwd_filter, ws,
                                                  plan.bwd_filter_bytes, &zero, plan.w, dw.data()));
    if (db)
        GS_CUDNN_CHECK(cudnnConvolutionBackwardBias(m_dnn, &one, plan.y, dy.data(), &zero,
                                                    plan.bias, db->data()));
}

}  // namespace gs::cuda
