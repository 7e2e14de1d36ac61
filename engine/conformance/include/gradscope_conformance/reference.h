// The plain reference the conformance suite holds every backend to: each
// Backend operation written as the simplest loops, in double precision, on
// host vectors. Nothing here is fast or clever, so that it can be read
// against the formula. Layouts as in gradscope/backend.h: (N, C, H, W) or
// (N, F), row-major.
#pragma once

#include <cstdint>
#include <vector>

#include "gradscope/backend.h"

namespace gs::conformance::ref {

using Values = std::vector<double>;

// Sums of products, with the sum of the absolute terms of each (the scale
// a relative tolerance applies to).
struct Sums {
    Values value, magnitude;
};

// y(N,M) = x(N,K) w(M,K)^T + b(M); b may be null.
Sums dense_forward(const std::vector<float>& x, const std::vector<float>& w,
                   const std::vector<float>* b, int N, int K, int M);
// dx(N,K) = dy w; dw(M,K) = dy^T x; db(M) = sum over n of dy.
struct DenseGrads {
    Sums dx, dw, db;
};
DenseGrads dense_backward(const std::vector<float>& x, const std::vector<float>& w,
                          const std::vector<float>& dy, int N, int K, int M);

struct ConvShape {
    int N, C, H, W, O;
    ConvParams p;
    int out_h() const { return (H + 2 * p.ph - p.kh) / p.sh + 1; }
    int out_w() const { return (W + 2 * p.pw - p.kw) / p.sw + 1; }
};
// y(N,O,Ho,Wo) = cross-correlation of x(N,C,H,W) with w(O,C,KH,KW), zero
// padding, + b(O); b may be null.
Sums conv2d_forward(const ConvShape& s, const std::vector<float>& x, const std::vector<float>& w,
                    const std::vector<float>* b);
struct ConvGrads {
    Sums dx, dw, db;
};
ConvGrads conv2d_backward(const ConvShape& s, const std::vector<float>& x,
                          const std::vector<float>& w, const std::vector<float>& dy);

struct PoolShape {
    int N, C, H, W;
    PoolParams p;
    int out_h() const { return (H + 2 * p.ph - p.kh) / p.sh + 1; }
    int out_w() const { return (W + 2 * p.pw - p.kw) / p.sw + 1; }
};
// Max: the largest value in the window (padding never wins); avg: the mean
// of the window's cells inside the input (padding not counted).
Values pool2d_forward(const PoolShape& s, const std::vector<float>& x);
// Max: dy to the first largest cell of each window; avg: dy / count to each cell.
Values pool2d_backward(const PoolShape& s, const std::vector<float>& x,
                       const std::vector<float>& dy);

// f(x) and f'(x). ReLU'(0) = 0 as PyTorch's; LeakyReLU'(0) = alpha; GELU is
// the exact x Phi(x).
struct ActivationValue {
    double y, dydx;
};
ActivationValue activation(Activation a, double alpha, double x);

// Softmax over the F features of each of N items, and its backward
// dx = y (dy - sum(dy y)).
Values softmax_forward(const std::vector<float>& x, int N, int F);
Values softmax_backward(const std::vector<float>& y, const std::vector<float>& dy, int N, int F);

// The inverted-dropout mask: 0 where uniform_from_counter(seed, counter, i) < p,
// else 1 / (1 - p) (in float, as the mask is stored).
std::vector<float> dropout_mask(float p, uint64_t seed, uint64_t counter, size_t n);

// Batch normalization of x viewed as (N, C, S), S = H * W (1 for features).
struct BatchNormForward {
    Values y, mean, invstd;  // invstd = 1 / sqrt(biased variance + eps)
    Values var_unbiased;     // what the running variance moves towards
};
BatchNormForward batchnorm_train(const std::vector<float>& x, int N, int C, int S,
                                 const std::vector<float>& gamma, const std::vector<float>& beta,
                                 double eps);
// Inference: (x - running_mean) / sqrt(running_var + eps) * gamma + beta.
Values batchnorm_eval(const std::vector<float>& x, int N, int C, int S,
                      const std::vector<float>& gamma, const std::vector<float>& beta,
                      const std::vector<float>& running_mean, const std::vector<float>& running_var,
                      double eps);
// The textbook backward, with the batch statistics recomputed from x.
struct BatchNormGrads {
    Values dx, dgamma, dbeta;
};
BatchNormGrads batchnorm_backward(const std::vector<float>& x, const std::vector<float>& dy, int N,
                                  int C, int S, const std::vector<float>& gamma, double eps);

// A loss over a batch: the sum of the per-item losses, how many items were
// right (-1 when not a classification) and the gradient of the batch mean.
struct Loss {
    double sum = 0;
    long correct = -1;
    Values grad;
};
// logits (N,K), labels (N) class indices; right when the arg max (first on ties) is the label.
Loss softmax_cross_entropy(const std::vector<float>& logits, const std::vector<float>& labels, int N,
                           int K);
// logits (N), targets (N) in [0, 1]; right when (z > 0) == (t > 0.5).
Loss sigmoid_binary_cross_entropy(const std::vector<float>& logits, const std::vector<float>& targets);
// The per-item outcome rows of the classification losses (Backend's
// LossItemColumn: p(label), label, predicted, p(predicted)), N x
// kLossItemColumns: softmax over logits (N,K), the predicted class its first
// arg max; sigmoid BCE over logits (N), label t > 0.5, predicted z > 0.
Values softmax_item_outcomes(const std::vector<float>& logits, const std::vector<float>& labels,
                             int N, int K);
Values bce_item_outcomes(const std::vector<float>& logits, const std::vector<float>& targets);
// pred, target (N,F): per item the mean over F of the squared error; right
// (if classify) when every |pred - target| < 0.5.
Loss mean_squared_error(const std::vector<float>& pred, const std::vector<float>& target, int N,
                        int F, bool classify);

// One optimizer step in PyTorch's arithmetic, on double state. SGD: g += wd p;
// v = mu v + g; p -= lr (nesterov ? g + mu v : v) (no v without momentum).
void sgd_step(Values& p, const std::vector<float>& g, Values* velocity, const SgdStep& s);
// Adam (g += wd p) or AdamW (p *= 1 - lr wd), with bias correction at step s.t.
void adam_step(Values& p, const std::vector<float>& g, Values& m, Values& v, const AdamStep& s);
// RMSProp, not centered: sq = a sq + (1 - a) g^2; with momentum
// buf = mu buf + g / (sqrt(sq) + eps), p -= lr buf; else p -= lr g / (sqrt(sq) + eps).
void rmsprop_step(Values& p, const std::vector<float>& g, Values& square_avg, Values* buffer,
                  const RmsPropStep& s);

double sum_squares(const std::vector<float>& x);
// The statistics of Backend::summarize for `items` items of x.size() / items features.
TensorSummary summarize(const std::vector<float>& x, size_t items, float sat_lo, float sat_hi);
// counts[bins] over [lo, hi]: bin floor((v - lo) * bins / (hi - lo)) clamped to
// the end bins; NaN counted nowhere.
std::vector<uint32_t> histogram(const std::vector<float>& x, float lo, float hi, int bins);

}  // namespace gs::conformance::ref
