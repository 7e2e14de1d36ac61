// Conformance cases of the per-element and per-item operations: every
// activation forward and backward (over a ramp with both tails and the
// kinks), softmax forward and backward (huge logits, one feature, batch 1),
// and dropout (the mask is the same bits on every backend).
#include "suite.h"

namespace gs::conformance {

namespace {

constexpr Tolerance kActivation{2e-6, 2e-7};
// Sigmoid and tanh take f' from y in float: 1 - y loses ~1e-7 absolute.
constexpr Tolerance kActivationGrad{1e-5, 3e-7};
constexpr Tolerance kSoftmax{2e-6, 1e-8};
constexpr Tolerance kSoftmaxGrad{1e-5, 1e-7};

// 17x15 inputs: a ramp over [-6, 6] (missing 0 by a little), then the kinks
// and both tails, then random values.
std::vector<float> activation_inputs(uint64_t seed) {
    std::vector<float> v;
    for (int i = -120; i <= 120; ++i) v.push_back(static_cast<float>(i) * 0.05f + 0.013f);
    for (float s : {0.0f, 1e-3f, -1e-3f, 0.5f, -0.5f, 8.0f, -8.0f, 20.0f, -20.0f, 100.0f, -100.0f,
                    1000.0f, -1000.0f})
        v.push_back(s);
    const auto r = random_values(17 * 15 - v.size(), seed, -3, 3);
    v.insert(v.end(), r.begin(), r.end());
    return v;
}

const char* activation_name(Activation a) {
    switch (a) {
        case Activation::ReLU: return "relu";
        case Activation::LeakyReLU: return "leaky_relu 0.1";
        case Activation::Sigmoid: return "sigmoid";
        case Activation::Tanh: return "tanh";
        case Activation::GELU: return "gelu";
    }
    return "?";
}

void add_activation(Cases& out, Activation a, uint64_t seed) {
    const Shape s{17, 15};
    out.push_back({s.str() + ", " + activation_name(a),
                   {{"activation forward", "y", kActivation},
                    {"activation backward", "dx", kActivationGrad}},
                   [=](Backend& be) {
                       const float alpha = 0.1f;
                       const auto xv = activation_inputs(seed);
                       const auto dyv = random_values(s.numel(), seed + 1, -2, 2);
                       std::vector<double> y(xv.size()), dx(xv.size());
                       std::vector<float> yf(xv.size());
                       for (size_t i = 0; i < xv.size(); ++i) {
                           const ref::ActivationValue r = ref::activation(a, alpha, xv[i]);
                           y[i] = r.y;
                           yf[i] = static_cast<float>(r.y);
                           dx[i] = dyv[i] * r.dydx;
                       }
                       Tensor x = make(be, s, xv), ty = garbage(be, s), tdx = garbage(be, s);
                       be.activation_forward(a, alpha, x, ty);
                       // The backward gets the reference's y, so it is checked on its own.
                       be.activation_backward(a, alpha, x, make(be, s, yf), make(be, s, dyv), tdx);
                       return std::vector<Compared>{compare(ty, y), compare(tdx, dx)};
                   }});
}

void add_softmax(Cases& out, int N, int F, bool huge_row, uint64_t seed) {
    const Shape s{N, F};
    out.push_back({s.str() + (huge_row ? ", a row of logits ~1000" : ""),
                   {{"softmax forward", "y", kSoftmax}, {"softmax backward", "dx", kSoftmaxGrad}},
                   [=](Backend& be) {
                       auto xv = random_values(s.numel(), seed, -3, 3);
                       if (huge_row)
                           for (int f = 0; f < F; ++f) xv[size_t(N - 2) * F + f] = 1000.0f - f;
                       const auto dyv = random_values(s.numel(), seed + 1);
                       const auto y = ref::softmax_forward(xv, N, F);
                       const std::vector<float> yf(y.begin(), y.end());
                       Tensor x = make(be, s, xv), ty = garbage(be, s), tdx = garbage(be, s);
                       be.softmax_forward(x, ty);
                       be.softmax_backward(make(be, s, yf), make(be, s, dyv), tdx);
                       return std::vector<Compared>{compare(ty, y),
                                                    compare(tdx, ref::softmax_backward(yf, dyv, N, F))};
                   }});
}

void add_dropout(Cases& out, const Shape& s, float p, uint64_t seed) {
    out.push_back({s.str() + ", p " + std::to_string(p).substr(0, 4),
                   {{"dropout forward", "mask", kExact}, {"dropout forward", "y", kExact}},
                   [=](Backend& be) {
                       const auto xv = random_values(s.numel(), seed, -2, 2);
                       const uint64_t mask_seed = 1234567 + seed, counter = 42;
                       Tensor x = make(be, s, xv), m = garbage(be, s), y = garbage(be, s);
                       be.dropout_forward(p, mask_seed, counter, x, m, y);
                       const auto mask = ref::dropout_mask(p, mask_seed, counter, s.numel());
                       std::vector<double> want_y(xv.size());
                       for (size_t i = 0; i < xv.size(); ++i) want_y[i] = xv[i] * mask[i];  // one float product
                       return std::vector<Compared>{compare(m, to_double(mask)), compare(y, want_y)};
                   }});
}

}  // namespace

void add_elementwise_cases(Cases& out, uint64_t seed) {
    for (Activation a : {Activation::ReLU, Activation::LeakyReLU, Activation::Sigmoid,
                         Activation::Tanh, Activation::GELU})
        add_activation(out, a, seed += 10);
    add_softmax(out, 7, 17, true, seed += 10);
    add_softmax(out, 1, 3, false, seed += 10);
    add_softmax(out, 17, 1, false, seed += 10);
    add_dropout(out, {17, 61}, 0.3f, seed += 10);
    add_dropout(out, {1}, 0.5f, seed += 10);
    add_dropout(out, {3, 7}, 0.0f, seed += 10);
}

}  // namespace gs::conformance
