// The Backend interface: the coarse operations every layer, loss and optimizer
// is written in. Layers call these and never branch on the device. The CPU
// backend (oneDNN + plain loops) is the reference every other backend is
// checked against. Shapes are given in comments as (N, C, H, W) or (N, F).
//
// Conventions: outputs are overwritten, never accumulated; gradient outputs
// that are null pointers are not computed.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "gradscope/backend_info.h"
#include "gradscope/tensor.h"

namespace gs {

enum class Activation { ReLU, LeakyReLU, Sigmoid, Tanh, GELU };

struct ConvParams {
    int kh = 3, kw = 3;  // kernel
    int sh = 1, sw = 1;  // stride
    int ph = 0, pw = 0;  // zero padding on each side
};

enum class PoolKind { Max, Avg };

struct PoolParams {
    PoolKind kind = PoolKind::Max;
    int kh = 2, kw = 2, sh = 2, sw = 2, ph = 0, pw = 0;
};

// Result of a loss: the sum over the batch (not the mean) and, for a
// classification target, how many predictions were right (-1 otherwise).
struct LossSums {
    double loss_sum = 0.0;
    long correct = -1;
};

// What a classification loss also writes per item when asked (the data map's
// raw material, from the same pass): a row of kLossItemColumns floats per item,
// outcomes (N, kLossItemColumns). The item was right exactly when
// predicted == label. Softmax: the predicted class is the first arg max of the
// logits. Sigmoid BCE: label = (target > 0.5), predicted = (logit > 0).
enum LossItemColumn : int {
    kItemPTrue = 0,       // the probability the model gives the item's label
    kItemLabel = 1,       // the label, as a class index
    kItemPredicted = 2,   // the class the model prefers
    kItemPPredicted = 3,  // its probability
};
inline constexpr int kLossItemColumns = 4;

struct TensorSummary {
    double sum = 0, sum_sq = 0, sum_abs = 0;
    float min = 0, max = 0;
    size_t count = 0, nonpositive = 0, saturated = 0;
    size_t dead_features = 0, features = 0;  // per-item positions <= 0 in every item
};

// Hyperparameters of one optimizer update, already resolved for this step.
struct SgdStep {
    float lr = 0.01f, momentum = 0.0f, weight_decay = 0.0f;
    bool nesterov = false;
};
struct AdamStep {
    float lr = 1e-3f, beta1 = 0.9f, beta2 = 0.999f, eps = 1e-8f, weight_decay = 0.0f;
    bool decoupled = false;  // AdamW
    long t = 1;              // 1-based step count for bias correction
};
struct RmsPropStep {
    float lr = 1e-3f, alpha = 0.99f, eps = 1e-8f, weight_decay = 0.0f, momentum = 0.0f;
};

// What a backend's tensors hold, for the memory read-outs and for tests that
// check the training loop allocates nothing per step.
struct MemoryStats {
    size_t allocations = 0;  // allocate() calls so far
    size_t live_bytes = 0;
    size_t peak_bytes = 0;
};

class Backend {
public:
    virtual ~Backend() = default;
    virtual std::string name() const = 0;

    // --- memory -----------------------------------------------------------
    virtual float* allocate(size_t count) = 0;  // zero-filled
    virtual void deallocate(float* p) = 0;
    virtual void upload(float* dst, const float* host, size_t n) = 0;
    virtual void download(float* host, const float* src, size_t n) = 0;
    virtual void copy(Tensor& dst, const Tensor& src) = 0;
    virtual void fill(Tensor& t, float value) = 0;
    virtual void synchronize() {}
    // True when data() pointers are host memory (the CPU backend): then
    // batches are assembled in place instead of staged and uploaded.
    virtual bool host_memory() const { return false; }
    virtual MemoryStats memory_stats() const = 0;

    // --- dense ------------------------------------------------------------
    // y(N,M) = x(N,K) w(M,K)^T + b(M)
    virtual void dense_forward(const Tensor& x, const Tensor& w, const Tensor* b, Tensor& y) = 0;
    // dx(N,K) = dy(N,M) w(M,K); dw(M,K) = dy^T x; db(M) = sum_n dy
    virtual void dense_backward(const Tensor& x, const Tensor& w, const Tensor& dy, Tensor* dx,
                                Tensor& dw, Tensor* db) = 0;

    // --- convolution ------------------------------------------------------
    // y(N,O,Ho,Wo) = conv(x(N,C,H,W), w(O,C,KH,KW)) + b(O)
    virtual void conv2d_forward(const ConvParams& p, const Tensor& x, const Tensor& w,
                                const Tensor* b, Tensor& y) = 0;
    virtual void conv2d_backward(const ConvParams& p, const Tensor& x, const Tensor& w,
                                 const Tensor& dy, Tensor* dx, Tensor& dw, Tensor* db) = 0;

    // --- pooling ----------------------------------------------------------
    // Floats of workspace a max pooling forward keeps for its backward.
    virtual size_t pool2d_workspace(const PoolParams& p, const Shape& x) = 0;
    virtual void pool2d_forward(const PoolParams& p, const Tensor& x, Tensor& y,
                                Tensor* workspace) = 0;
    virtual void pool2d_backward(const PoolParams& p, const Tensor& x, const Tensor& dy,
                                 const Tensor* workspace, Tensor& dx) = 0;

    // --- elementwise ------------------------------------------------------
    virtual void activation_forward(Activation a, float alpha, const Tensor& x, Tensor& y) = 0;
    // dx = dy * f'(x), given x and y = f(x)
    virtual void activation_backward(Activation a, float alpha, const Tensor& x, const Tensor& y,
                                     const Tensor& dy, Tensor& dx) = 0;
    // Softmax over the features of each item: x, y (N,F).
    virtual void softmax_forward(const Tensor& x, Tensor& y) = 0;
    virtual void softmax_backward(const Tensor& y, const Tensor& dy, Tensor& dx) = 0;
    // Inverted dropout: mask holds 0 or 1/(1-p), drawn from (seed, counter, index).
    virtual void dropout_forward(float p, uint64_t seed, uint64_t counter, const Tensor& x,
                                 Tensor& mask, Tensor& y) = 0;
    virtual void multiply(const Tensor& a, const Tensor& b, Tensor& y) = 0;  // y = a * b

    // --- batch normalization over N (and H, W) per channel -----------------
    // x, y (N,C) or (N,C,H,W); gamma, beta, running stats, saved stats (C).
    virtual void batchnorm_forward(bool training, float eps, float momentum, const Tensor& x,
                                   const Tensor& gamma, const Tensor& beta, Tensor& running_mean,
                                   Tensor& running_var, Tensor& save_mean, Tensor& save_invstd,
                                   Tensor& y) = 0;
    virtual void batchnorm_backward(const Tensor& x, const Tensor& gamma, const Tensor& save_mean,
                                    const Tensor& save_invstd, const Tensor& dy, Tensor& dx,
                                    Tensor& dgamma, Tensor& dbeta) = 0;

    // --- losses: gradients are of the batch mean ---------------------------
    // logits (N,K), labels (N) class indices stored as floats. outcomes, when
    // not null: (N, kLossItemColumns), each item's row (LossItemColumn).
    virtual LossSums softmax_cross_entropy(const Tensor& logits, const Tensor& labels,
                                           Tensor* dlogits, Tensor* outcomes = nullptr) = 0;
    // logits (N,1) before the sigmoid, targets (N) in [0,1]; outcomes as above.
    virtual LossSums sigmoid_binary_cross_entropy(const Tensor& logits, const Tensor& targets,
                                                  Tensor* dlogits, Tensor* outcomes = nullptr) = 0;
    // pred, target (N,F); counts a match when every |pred-target| < 0.5 if classify.
    virtual LossSums mean_squared_error(const Tensor& pred, const Tensor& target, bool classify,
                                        Tensor* dpred) = 0;

    // --- optimizer updates, one parameter tensor at a time -------------------
    virtual void sgd_update(Tensor& param, const Tensor& grad, Tensor* velocity,
                            const SgdStep& s) = 0;
    virtual void adam_update(Tensor& param, const Tensor& grad, Tensor& m, Tensor& v,
                             const AdamStep& s) = 0;
    virtual void rmsprop_update(Tensor& param, const Tensor& grad, Tensor& square_avg,
                                Tensor* buffer, const RmsPropStep& s) = 0;

    // --- reductions and scaling --------------------------------------------
    virtual double sum_squares(const Tensor& t) = 0;
    virtual void scale(Tensor& t, float factor) = 0;

    // --- statistics for telemetry: only these small results leave the device --
    // Sums, extremes, zeros (x <= 0) and saturated values (x <= sat_lo or
    // x >= sat_hi) of a tensor, and for a batch (N, ...) the features that
    // are <= 0 for every item ("dead" units after a ReLU).
    virtual TensorSummary summarize(const Tensor& t, float sat_lo, float sat_hi) = 0;
    // counts[bins] of values in [lo, hi] (outside values go to the end bins).
    virtual void histogram(const Tensor& t, float lo, float hi, int bins, uint32_t* counts) = 0;
};

// The CPU backend, created once per process and shared.
Backend& cpu_backend();

// Every backend this build knows, probed: the CPU first, then each CUDA
// device, or a single "cuda" entry that says why none is usable.
std::vector<BackendInfo> probe_backends();
// The same list without the probes that may load a driver and libraries
// (CUDA): those entries are listed as not usable yet ("still looking for a
// driver"). For a window's first frame; probe_backends() on another thread
// fills them in.
std::vector<BackendInfo> probe_backends_quickly();

// Names of the backends usable here, the CPU first.
std::vector<std::string> available_backends();
// A backend by name ("cpu"); throws gs::Error naming what is available.
Backend& backend_by_name(const std::string& name);

// What a front end trains on when it asks for a backend: the one asked for
// or, when that one cannot run here, the CPU and the reason.
struct OpenedBackend {
    Backend* backend = nullptr;  // never null
    std::string name;            // the name asked for, or "cpu" after falling back
    std::string family;          // of the one asked for, for messages: "CUDA"
    std::string reason;          // why it fell back, in words ("no CUDA driver found"); empty if not
    std::string error;           // the error it fell back on ("CUDA is unavailable: no CUDA driver found")
    bool fell_back() const { return !reason.empty(); }
};
// The one policy every front end follows: opens `requested` or, when it is a
// known backend that is unusable here (no driver, no device), the CPU with
// the reason. An unknown name is a mistake, not a fallback: throws gs::Error
// naming what is available.
OpenedBackend open_backend(const std::string& requested);

}  // namespace gs
