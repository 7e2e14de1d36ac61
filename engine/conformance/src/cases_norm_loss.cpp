// Conformance cases of batch normalization (training and inference forward,
// saved and running statistics, backward) and of the three losses with
// their gradients, right-answer counts, per-item outcomes and bad labels.
#include <cmath>

#include "gradscope/error.h"
#include "suite.h"

namespace gs::conformance {

namespace {

constexpr Tolerance kNorm{1e-5, 1e-6};
constexpr Tolerance kNormRel{1e-5, 0};
constexpr Tolerance kNormGrad{1e-4, 0};  // scale: |dx| + 0.1 max |dx| (the sums cancel)
constexpr Tolerance kNormParamGrad{1e-5, 1e-5};
constexpr Tolerance kLossSum{1e-6, 0};
// Probabilities from fast_exp in float (relative error ~1e-6), classes exact;
// the absolute part covers probabilities that underflow on one side only.
constexpr Tolerance kItemOutcome{1e-5, 1e-30};

void add_batchnorm(Cases& out, const Shape& xs, uint64_t seed) {
    const int N = xs[0], C = xs[1], S = static_cast<int>(xs.per_item()) / xs[1];
    out.push_back({"x " + xs.str(),
                   {{"batchnorm forward", "y (training)", kNorm},
                    {"batchnorm forward", "saved mean", kNorm},
                    {"batchnorm forward", "saved invstd", kNormRel},
                    {"batchnorm forward", "running mean", kNorm},
                    {"batchnorm forward", "running var", kNormRel},
                    {"batchnorm backward", "dx", kNormGrad},
                    {"batchnorm backward", "dgamma", kNormParamGrad},
                    {"batchnorm backward", "dbeta", kNormParamGrad},
                    {"batchnorm forward", "y (inference)", kNorm},
                    {"batchnorm forward", "running kept", kExact}},
                   [=](Backend& be) {
                       const float eps = 1e-5f, momentum = 0.1f;
                       // Channel c has mean ~c - 1 and spread ~c + 1.
                       std::vector<float> xv = random_values(xs.numel(), seed);
                       for (size_t k = 0; k < xv.size(); ++k) {
                           const int c = static_cast<int>(k / size_t(S)) % C;
                           xv[k] = xv[k] * float(c + 1) + float(c - 1);
                       }
                       const auto gv = random_values(size_t(C), seed + 1, 0.5, 2.0);
                       const auto bv = random_values(size_t(C), seed + 2);
                       const auto dyv = random_values(xs.numel(), seed + 3);
                       std::vector<float> rm0(static_cast<size_t>(C)), rv0(static_cast<size_t>(C));
                       for (int c = 0; c < C; ++c) rm0[size_t(c)] = 0.5f * c, rv0[size_t(c)] = 2.0f + c;

                       Tensor x = make(be, xs, xv), g = make(be, {C}, gv), b = make(be, {C}, bv);
                       Tensor rm = make(be, {C}, rm0), rv = make(be, {C}, rv0);
                       Tensor sm = garbage(be, {C}), si = garbage(be, {C}), y = garbage(be, xs);
                       be.batchnorm_forward(true, eps, momentum, x, g, b, rm, rv, sm, si, y);
                       Tensor dx = garbage(be, xs), dg = garbage(be, {C}), db = garbage(be, {C});
                       be.batchnorm_backward(x, g, sm, si, make(be, xs, dyv), dx, dg, db);
                       Tensor rm2 = make(be, {C}, rm0), rv2 = make(be, {C}, rv0);
                       Tensor sm2 = garbage(be, {C}), si2 = garbage(be, {C}), y2 = garbage(be, xs);
                       be.batchnorm_forward(false, eps, momentum, x, g, b, rm2, rv2, sm2, si2, y2);

                       const auto f = ref::batchnorm_train(xv, N, C, S, gv, bv, eps);
                       std::vector<double> want_rm(static_cast<size_t>(C)), want_rv(static_cast<size_t>(C));
                       for (size_t c = 0; c < size_t(C); ++c) {
                           // Running statistics move towards the batch's, with the unbiased variance.
                           want_rm[c] = (1.0 - momentum) * rm0[c] + double(momentum) * f.mean[c];
                           want_rv[c] = (1.0 - momentum) * rv0[c] + double(momentum) * f.var_unbiased[c];
                       }
                       const auto grads = ref::batchnorm_backward(xv, dyv, N, C, S, gv, eps);
                       double dx_max = 0;
                       for (double v : grads.dx) dx_max = std::max(dx_max, std::fabs(v));
                       std::vector<double> dx_scale(grads.dx.size());
                       for (size_t k = 0; k < dx_scale.size(); ++k)
                           dx_scale[k] = std::fabs(grads.dx[k]) + 0.1 * dx_max;
                       std::vector<double> kept = to_double(rm2.to_host()), rv_kept = to_double(rv2.to_host());
                       kept.insert(kept.end(), rv_kept.begin(), rv_kept.end());
                       std::vector<double> want_kept = to_double(rm0);
                       want_kept.insert(want_kept.end(), rv0.begin(), rv0.end());
                       return std::vector<Compared>{
                           compare(y, f.y), compare(sm, f.mean), compare(si, f.invstd),
                           compare(rm, want_rm), compare(rv, want_rv),
                           compare(dx, grads.dx, dx_scale), compare(dg, grads.dgamma),
                           compare(db, grads.dbeta),
                           compare(y2, ref::batchnorm_eval(xv, N, C, S, gv, bv, rm0, rv0, eps)),
                           compare(kept, want_kept)};
                   }});
}

std::vector<Compared> loss_outputs(const LossSums& got, const LossSums& got_no_grad,
                                   const Tensor& grad, const ref::Loss& want) {
    return {compare({got.loss_sum}, {want.sum}), compare({double(got.correct)}, {double(want.correct)}),
            compare(grad, want.grad), compare({got_no_grad.loss_sum}, {want.sum}),
            compare({double(got_no_grad.correct)}, {double(want.correct)})};
}

std::vector<OutputSpec> loss_specs(const std::string& op, Tolerance grad) {
    return {{op, "loss sum", kLossSum},
            {op, "right answers", kExact},
            {op, "gradient", grad},
            {op, "loss sum (no grad)", kLossSum},
            {op, "right (no grad)", kExact}};
}

void add_cross_entropy(Cases& out, int N, int K, uint64_t seed) {
    out.push_back({"logits " + pair_str(N, K), loss_specs("softmax cross entropy", {1e-5, 1e-8}),
                   [=](Backend& be) {
                       auto zv = random_values(size_t(N) * K, seed, -3, 3);
                       std::vector<float> labels(static_cast<size_t>(N));
                       for (int n = 0; n < N; ++n) labels[size_t(n)] = float((n * 7 + int(seed)) % K);
                       if (N >= 3) {
                           zv[size_t(1) * K + size_t(labels[1])] = 6.0f;  // right, surely
                           zv[size_t(2) * K + (size_t(labels[2]) + 1) % K] = 1000.0f;  // wrong, hugely
                       }
                       Tensor z = make(be, {N, K}, zv), l = make(be, {N}, labels), d = garbage(be, {N, K});
                       const LossSums r = be.softmax_cross_entropy(z, l, &d);
                       const LossSums r2 = be.softmax_cross_entropy(z, l, nullptr);
                       return loss_outputs(r, r2, d, ref::softmax_cross_entropy(zv, labels, N, K));
                   }});
}

// The per-item outcome rows (the data map's input) of the classification
// losses, with and without the gradient, and the sums unchanged by asking.
void add_item_outcomes(Cases& out, int N, int K, uint64_t seed) {
    const std::string op = "softmax cross entropy";
    out.push_back({"outcomes of logits " + pair_str(N, K),
                   {{op, "item outcomes", kItemOutcome},
                    {op, "item outcomes (no grad)", kItemOutcome},
                    {op, "loss sum (with outcomes)", kLossSum},
                    {op, "right (with outcomes)", kExact}},
                   [=](Backend& be) {
                       auto zv = random_values(size_t(N) * K, seed, -4, 4);
                       std::vector<float> labels(static_cast<size_t>(N));
                       for (int n = 0; n < N; ++n) labels[size_t(n)] = float((n * 3 + int(seed)) % K);
                       if (N >= 3) {
                           zv[size_t(1) * K + size_t(labels[1])] = 9.0f;  // right, surely
                           zv[size_t(2) * K + (size_t(labels[2]) + 1) % K] = 200.0f;  // wrong, hugely
                       }
                       Tensor z = make(be, {N, K}, zv), l = make(be, {N}, labels), d = garbage(be, {N, K});
                       Tensor o = garbage(be, {N, kLossItemColumns}), o2 = garbage(be, {N, kLossItemColumns});
                       const LossSums r = be.softmax_cross_entropy(z, l, &d, &o);
                       be.softmax_cross_entropy(z, l, nullptr, &o2);
                       const ref::Loss want = ref::softmax_cross_entropy(zv, labels, N, K);
                       const ref::Values rows = ref::softmax_item_outcomes(zv, labels, N, K);
                       return std::vector<Compared>{compare(o, rows), compare(o2, rows),
                                                    compare({r.loss_sum}, {want.sum}),
                                                    compare({double(r.correct)}, {double(want.correct)})};
                   }});
}

void add_bce_item_outcomes(Cases& out, const std::vector<float>& zv, const std::vector<float>& tv) {
    const int N = static_cast<int>(zv.size());
    const std::string op = "sigmoid binary cross entropy";
    out.push_back({"outcomes of logits " + pair_str(N, 1),
                   {{op, "item outcomes", kItemOutcome}, {op, "item outcomes (no grad)", kItemOutcome}},
                   [=](Backend& be) {
                       Tensor z = make(be, {N, 1}, zv), t = make(be, {N}, tv), d = garbage(be, {N, 1});
                       Tensor o = garbage(be, {N, kLossItemColumns}), o2 = garbage(be, {N, kLossItemColumns});
                       be.sigmoid_binary_cross_entropy(z, t, &d, &o);
                       be.sigmoid_binary_cross_entropy(z, t, nullptr, &o2);
                       const ref::Values rows = ref::bce_item_outcomes(zv, tv);
                       return std::vector<Compared>{compare(o, rows), compare(o2, rows)};
                   }});
}

void add_bad_labels(Cases& out) {
    out.push_back({"logits 2x3, labels 3, -1, 1.5, NaN",
                   {{"softmax cross entropy", "bad labels throw", kExact},
                    {"softmax cross entropy", "then works", kLossSum}},
                   [](Backend& be) {
                       Tensor z = make(be, {2, 3}, {0, 0, 0, 1, 2, 3});
                       std::vector<double> threw;
                       for (float bad : {3.0f, -1.0f, 1.5f, std::nanf("")}) {
                           Tensor l = make(be, {2}, {0.0f, bad}), d(be, {2, 3});
                           try {
                               be.softmax_cross_entropy(z, l, &d);
                               threw.push_back(0);
                           } catch (const Error&) {
                               threw.push_back(1);
                           }
                       }
                       // The backend still works afterwards.
                       const std::vector<float> zv{0, 0, 0, 1, 2, 3}, lv{1, 2};
                       const LossSums r = be.softmax_cross_entropy(z, make(be, {2}, lv), nullptr);
                       return std::vector<Compared>{
                           compare(threw, std::vector<double>(4, 1.0)),
                           compare({r.loss_sum}, {ref::softmax_cross_entropy(zv, lv, 2, 3).sum})};
                   }});
}

void add_binary_cross_entropy(Cases& out, const std::vector<float>& zv, const std::vector<float>& tv,
                              const std::string& what) {
    const int N = static_cast<int>(zv.size());
    out.push_back({"logits " + pair_str(N, 1) + what,
                   loss_specs("sigmoid binary cross entropy", {1e-6, 1e-8}), [=](Backend& be) {
                       Tensor z = make(be, {N, 1}, zv), t = make(be, {N}, tv), d = garbage(be, {N, 1});
                       const LossSums r = be.sigmoid_binary_cross_entropy(z, t, &d);
                       const LossSums r2 = be.sigmoid_binary_cross_entropy(z, t, nullptr);
                       return loss_outputs(r, r2, d, ref::sigmoid_binary_cross_entropy(zv, tv));
                   }});
}

void add_squared_error(Cases& out, int N, int F, uint64_t seed) {
    std::vector<OutputSpec> specs = loss_specs("mean squared error", {1e-6, 1e-9});
    specs.push_back({"mean squared error", "right (regression)", kExact});
    out.push_back({"pred " + pair_str(N, F), specs, [=](Backend& be) {
                       const auto pv = random_values(size_t(N) * F, seed, -1, 1);
                       auto tv = random_values(size_t(N) * F, seed + 1, -1, 1);
                       for (size_t i = 0; i < tv.size(); i += 3) tv[i] = pv[i] + 0.1f;  // some items right
                       Tensor p = make(be, {N, F}, pv), t = make(be, {N, F}, tv), d = garbage(be, {N, F});
                       const LossSums r = be.mean_squared_error(p, t, true, &d);
                       const LossSums r2 = be.mean_squared_error(p, t, true, nullptr);
                       const LossSums r3 = be.mean_squared_error(p, t, false, nullptr);
                       auto outs = loss_outputs(r, r2, d, ref::mean_squared_error(pv, tv, N, F, true));
                       outs.push_back(compare({double(r3.correct)}, {-1.0}));
                       return outs;
                   }});
}

}  // namespace

void add_batchnorm_loss_cases(Cases& out, uint64_t seed) {
    for (const Shape& s : {Shape{8, 3, 4, 5}, Shape{16, 6}, Shape{4, 2, 1, 1}, Shape{1, 3, 5, 7}})
        add_batchnorm(out, s, seed += 10);
    add_cross_entropy(out, 7, 5, seed += 10);
    add_cross_entropy(out, 1, 3, seed += 10);
    add_item_outcomes(out, 7, 5, seed += 10);
    add_item_outcomes(out, 1, 10, seed += 10);
    add_bad_labels(out);
    add_bce_item_outcomes(out, {2.0f, -1.0f, 0.5f, -3.0f, 40.0f, -40.0f, 0.0f},
                          {1.0f, 1.0f, 0.0f, 0.0f, 0.0f, 1.0f, 0.3f});
    add_binary_cross_entropy(out, {2.0f, -1.0f, 0.5f, -3.0f, 100.0f, -100.0f, 0.0f},
                             {1.0f, 1.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.3f}, ", tails");
    seed += 10;
    add_binary_cross_entropy(out, random_values(17, seed, -4, 4), random_values(17, seed + 1, 0, 1), "");
    add_squared_error(out, 7, 3, seed += 10);
    add_squared_error(out, 1, 1, seed += 10);
}

}  // namespace gs::conformance
