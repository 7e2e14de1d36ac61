// Gauges of the optimization itself, on a Trainer (the records and texts are
// in gradscope/gauges.h). A Session runs them between steps (its options
// sharpness_every and noise_every, and Session::find_lr); they can also be
// used on a Trainer directly (the command line's lr-find, the tests).
#pragma once

#include <atomic>
#include <cstdint>
#include <vector>

#include "gradscope/gauges.h"
#include "gradscope/trainer.h"

namespace gs {

// The learning-rate range test from the trainer's current state: steps with
// lr_i = lr_min (lr_max/lr_min)^(i/(steps-1)) (a constant schedule during the
// test), stopped early when the running average of the loss passes
// `explode` times its lowest value or the loss is not finite; then the
// training state (weights, optimizer state, progress, settings) is put back
// exactly as it was, bit for bit. cancel (optional) ends it early, restored.
LrRangeResult lr_range_test(Trainer& t, const LrRangeOptions& o,
                            const std::atomic<bool>* cancel = nullptr);

// Every parameter of a model as one host vector (in named_params() order).
class ParamVector {
public:
    size_t size(Trainer& t);
    void get_values(Trainer& t, std::vector<float>& out);
    void set_values(Trainer& t, const std::vector<float>& in);
    void get_grads(Trainer& t, std::vector<float>& out);
};

// Top eigenvalue of the loss Hessian on a fixed batch (chosen at the first
// estimate: the first batch_size items of a seeded shuffle of the training
// set), by power iteration on Hessian-vector products from central finite
// differences of gradients (two gradient passes per iteration), warm-started
// from the last estimate's vector. The parameters are put back afterwards.
class SharpnessEstimator {
public:
    int first_iterations = 20;  // a cold start
    int iterations = 6;         // later, warm-started
    double tolerance = 1e-4;    // stop when the eigenvalue moves less than this (relative)
    uint64_t seed = 1;
    // Returns the estimate (the Rayleigh quotient of the last vector);
    // iterations_used (optional) gets how many iterations it took.
    double estimate(Trainer& t, int* iterations_used = nullptr);
    void reset() { m_v.clear(); m_idx.clear(); }

private:
    void hvp(Trainer& t, double eps);
    ParamVector m_params;
    std::vector<uint32_t> m_idx;  // the fixed batch
    std::vector<float> m_theta, m_v, m_hv, m_gp, m_gm, m_tmp;
};

// The gradient noise scale B_simple = tr(Σ)/|G|² (McCandlish et al. 2018,
// appendix A). A measurement takes k gradients on k disjoint random batches
// of b items at the current parameters: their mean squared norm is the small
// batch's |G_small|² (B_small = b), the norm of their mean the large batch's
// |G_big|² (B_big = k b). Unbiased estimates
//   |G|² = (B_big |G_big|² - B_small |G_small|²) / (B_big - B_small)
//   tr Σ = (|G_small|² - |G_big|²) / (1/B_small - 1/B_big)
// are averaged (exponential moving averages, bias corrected) and divided.
// b_simple(): 0 before any measurement; +infinity while the averaged |G|²
// is not positive (the true gradient is lost in the noise: the noise scale
// is larger than the batches measured can resolve).
class NoiseScaleEstimator {
public:
    int batches = 4;       // k
    int batch = 0;         // b (0: the trainer's batch size; smaller when the set has fewer than k b items)
    double beta = 0.9;     // moving-average weight of the past
    uint64_t seed = 2;
    void measure(Trainer& t);
    double b_simple() const;
    double grad_sq() const { return m_weight > 0 ? m_g2 / m_weight : 0; }
    double trace() const { return m_weight > 0 ? m_s / m_weight : 0; }
    long measurements() const { return m_count; }
    void reset() { m_g2 = m_s = m_weight = 0, m_count = 0; }

private:
    ParamVector m_params;
    std::vector<uint32_t> m_order;
    std::vector<float> m_g, m_sum;
    double m_g2 = 0, m_s = 0, m_weight = 0;  // unnormalized moving averages and their total weight
    long m_count = 0;
    uint64_t m_draws = 0;
};

}  // namespace gs
