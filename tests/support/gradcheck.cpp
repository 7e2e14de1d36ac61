// Central-difference gradient checks for layers and whole models.
#include "gradcheck.h"

#include <cmath>
#include <cstdio>

#include "gradscope/backend.h"
#include "gradscope/model.h"
#include "gradscope/rng.h"

namespace gs::test {

namespace {

void normal_away_from_zero(std::vector<float>& v, uint64_t seed) {
    Rng rng(seed);
    for (float& x : v) {
        double r = rng.normal();
        if (std::fabs(r) < 0.1) r = r < 0 ? r - 0.1 : r + 0.1;
        x = static_cast<float>(r);
    }
}

// Indices to check: all when few, else evenly spread with the ends included.
std::vector<size_t> pick(size_t n, int max_checks) {
    std::vector<size_t> out;
    if (n <= static_cast<size_t>(max_checks)) {
        for (size_t i = 0; i < n; ++i) out.push_back(i);
    } else {
        for (int k = 0; k < max_checks; ++k)
            out.push_back(static_cast<size_t>(static_cast<double>(k) * (n - 1) / (max_checks - 1)));
    }
    return out;
}

void compare(GradCheckReport& r, const std::string& what, size_t i, double a, double n,
             const GradCheckOptions& o) {
    ++r.checked;
    if (std::fabs(a - n) <= o.rel_tol * std::max(std::fabs(a), std::fabs(n)) + o.abs_tol) return;
    if (r.failed++ == 0) {
        char b[256];
        std::snprintf(b, sizeof b, "%s[%zu]: analytic %.6g numeric %.6g", what.c_str(), i, a, n);
        r.first_failure = b;
    }
}

}  // namespace

void distinct_values(std::vector<float>& v, uint64_t seed) {
    Rng rng(seed);
    for (size_t i = 0; i < v.size(); ++i) v[i] = static_cast<float>(i) * 0.1f - 0.05f * v.size();
    for (size_t i = v.size(); i > 1; --i) std::swap(v[i - 1], v[rng.below(i)]);
    for (float& x : v) x *= 0.1f;
}

GradCheckReport check_layer_gradients(Layer& layer, int batch, const GradCheckOptions& o) {
    Backend& be = cpu_backend();
    layer.setup(be, batch);
    Rng rng(o.seed);
    layer.init(rng);
    // Parameters get random values too (zeros and ones hide mistakes).
    for (auto& p : layer.params()) {
        std::vector<float> v(p.value.numel());
        normal_away_from_zero(v, rng.next_u64());
        p.value.from_host(v);
    }
    const Shape in = layer.in_shape().with_batch(batch), out = layer.out_shape().with_batch(batch);
    Tensor x(be, in), y(be, out), dy(be, out), dx(be, in);
    std::vector<float> xv(in.numel());
    if (o.make_input)
        o.make_input(xv, o.seed + 1);
    else
        normal_away_from_zero(xv, o.seed + 1);
    x.from_host(xv);
    std::vector<float> g(out.numel());
    normal_away_from_zero(g, o.seed + 2);
    dy.from_host(g);

    PassContext ctx{true, 99, 5, 0};
    auto objective = [&]() {
        layer.forward(x, y, ctx);
        std::vector<float> yv = y.to_host();
        double s = 0;
        for (size_t i = 0; i < yv.size(); ++i) s += static_cast<double>(yv[i]) * g[i];
        return s;
    };
    objective();
    layer.backward(x, y, dy, o.check_input ? &dx : nullptr);

    GradCheckReport r;
    auto check_tensor = [&](Tensor& t, const std::vector<float>& analytic, const std::string& name) {
        std::vector<float> v = t.to_host();
        for (size_t i : pick(v.size(), o.max_checks)) {
            const float keep = v[i];
            v[i] = keep + static_cast<float>(o.eps);
            t.from_host(v);
            const double lp = objective();
            v[i] = keep - static_cast<float>(o.eps);
            t.from_host(v);
            const double lm = objective();
            v[i] = keep;
            t.from_host(v);
            compare(r, name, i, analytic[i], (lp - lm) / (2 * o.eps), o);
        }
    };
    std::vector<std::vector<float>> grads;
    for (auto& p : layer.params()) grads.push_back(p.grad.to_host());
    if (o.check_input) check_tensor(x, dx.to_host(), "input");
    for (size_t k = 0; k < layer.params().size(); ++k)
        check_tensor(layer.params()[k].value, grads[k], "param " + layer.params()[k].name);
    return r;
}

GradCheckReport check_model_gradients(const ModelSpec& spec, int batch, const GradCheckOptions& o) {
    Backend& be = cpu_backend();
    Model m(spec, be);
    m.reserve(batch);
    m.initialize(o.seed);
    Tensor x(be, spec.input.with_batch(batch));
    std::vector<float> xv(x.numel());
    normal_away_from_zero(xv, o.seed + 1);
    x.from_host(xv);
    const int outs = static_cast<int>(m.output_shape().numel());
    Tensor t;
    Rng rng(o.seed + 3);
    if (m.loss_kind() == LossKind::SoftmaxCrossEntropy) {
        std::vector<float> lab(static_cast<size_t>(batch));
        for (float& l : lab) l = static_cast<float>(rng.below(static_cast<uint64_t>(outs)));
        t = Tensor(be, {batch});
        t.from_host(lab);
    } else {
        std::vector<float> tv(static_cast<size_t>(batch) * outs);
        for (float& v : tv) v = static_cast<float>(rng.uniform());
        t = Tensor(be, {batch, outs});
        t.from_host(tv);
    }
    PassContext ctx{true, 99, 5, 0};
    auto objective = [&](bool train) {
        m.forward(x, ctx, true);
        return m.loss(t, train).loss_sum / batch;
    };
    objective(true);
    m.backward();
    GradCheckReport r;
    for (auto& [name, p] : m.named_params()) {
        std::vector<float> a = p->grad.to_host(), v = p->value.to_host();
        for (size_t i : pick(v.size(), o.max_checks)) {
            const float keep = v[i];
            v[i] = keep + static_cast<float>(o.eps);
            p->value.from_host(v);
            const double lp = objective(false);
            v[i] = keep - static_cast<float>(o.eps);
            p->value.from_host(v);
            const double lm = objective(false);
            v[i] = keep;
            p->value.from_host(v);
            compare(r, name, i, a[i], (lp - lm) / (2 * o.eps), o);
        }
    }
    return r;
}

}  // namespace gs::test
