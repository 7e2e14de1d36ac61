// Conformance cases of the optimizer updates (SGD with momentum, Nesterov
// and weight decay; Adam; AdamW; RMSProp with and without momentum), three
// steps each so the state matters, and of the reductions for telemetry:
// sum of squares, summaries (dead and saturated units) and histograms.
#include <cmath>
#include <functional>

#include "suite.h"

namespace gs::conformance {

namespace {

constexpr Tolerance kUpdate{1e-5, 1e-7};  // float state against double, three steps
// RMSProp's momentum buffer sums steps g / sqrt(square avg) of size up to
// 1 / sqrt(1 - alpha) = 10, which may cancel: float error ~1e-6 absolute.
constexpr Tolerance kRmsPropBuffer{1e-5, 1e-5};

const Shape kParam{17, 61};

// A start and three fresh gradients, the same for the backend and the reference.
struct Steps {
    std::vector<float> p0;
    std::vector<std::vector<float>> grads;
};
Steps steps_for(uint64_t seed) {
    Steps s{random_values(kParam.numel(), seed), {}};
    for (uint64_t i = 0; i < 3; ++i) s.grads.push_back(random_values(kParam.numel(), seed + 1 + i));
    return s;
}

void add_sgd(Cases& out, const std::string& what, SgdStep st, uint64_t seed) {
    const bool momentum = st.momentum != 0;
    std::vector<OutputSpec> specs{{"sgd update", "param", kUpdate}};
    if (momentum) specs.push_back({"sgd update", "velocity", kUpdate});
    out.push_back({kParam.str() + ", 3 steps, " + what, specs, [=](Backend& be) {
                       const Steps s = steps_for(seed);
                       Tensor p = make(be, kParam, s.p0), v(be, kParam);
                       ref::Values rp = to_double(s.p0), rv(s.p0.size(), 0.0);
                       for (const auto& g : s.grads) {
                           be.sgd_update(p, make(be, kParam, g), momentum ? &v : nullptr, st);
                           ref::sgd_step(rp, g, momentum ? &rv : nullptr, st);
                       }
                       std::vector<Compared> r{compare(p, rp)};
                       if (momentum) r.push_back(compare(v, rv));
                       return r;
                   }});
}

void add_adam(Cases& out, bool decoupled, uint64_t seed) {
    const std::string op = "adam update";  // AdamW is adam_update with decoupled decay
    out.push_back({kParam.str() + ", 3 steps, " + (decoupled ? "adamw" : "adam") + ", wd 0.01",
                   {{op, "param", kUpdate}, {op, "m", kUpdate}, {op, "v", kUpdate}},
                   [=](Backend& be) {
                       const Steps s = steps_for(seed);
                       Tensor p = make(be, kParam, s.p0), m(be, kParam), v(be, kParam);
                       ref::Values rp = to_double(s.p0), rm(s.p0.size(), 0.0), rv(s.p0.size(), 0.0);
                       for (size_t i = 0; i < s.grads.size(); ++i) {
                           const AdamStep st{0.01f, 0.9f, 0.999f, 1e-8f, 0.01f, decoupled, long(i) + 1};
                           be.adam_update(p, make(be, kParam, s.grads[i]), m, v, st);
                           ref::adam_step(rp, s.grads[i], rm, rv, st);
                       }
                       return std::vector<Compared>{compare(p, rp), compare(m, rm), compare(v, rv)};
                   }});
}

void add_rmsprop(Cases& out, float momentum, uint64_t seed) {
    std::vector<OutputSpec> specs{{"rmsprop update", "param", kUpdate},
                                  {"rmsprop update", "square avg", kUpdate}};
    if (momentum != 0) specs.push_back({"rmsprop update", "buffer", kRmsPropBuffer});
    out.push_back({kParam.str() + ", 3 steps, wd 0.01" + (momentum != 0 ? ", momentum 0.9" : ""),
                   specs, [=](Backend& be) {
                       const Steps s = steps_for(seed);
                       const RmsPropStep st{0.01f, 0.99f, 1e-8f, 0.01f, momentum};
                       Tensor p = make(be, kParam, s.p0), sq(be, kParam), buf(be, kParam);
                       ref::Values rp = to_double(s.p0), rsq(s.p0.size(), 0.0), rbuf(s.p0.size(), 0.0);
                       for (const auto& g : s.grads) {
                           be.rmsprop_update(p, make(be, kParam, g), sq, momentum != 0 ? &buf : nullptr, st);
                           ref::rmsprop_step(rp, g, rsq, momentum != 0 ? &rbuf : nullptr, st);
                       }
                       std::vector<Compared> r{compare(p, rp), compare(sq, rsq)};
                       if (momentum != 0) r.push_back(compare(buf, rbuf));
                       return r;
                   }});
}

void add_summary(Cases& out, const Shape& s, uint64_t seed) {
    out.push_back({s.str() + ", saturated outside (-0.9, 2.9)",
                   {{"summarize", "sums", kSums}, {"summarize", "min max", kExact},
                    {"summarize", "counts", kExact}},
                   [=](Backend& be) {
                       std::vector<float> v = random_values(s.numel(), seed, -1, 3);
                       const size_t items = s.rank >= 2 ? size_t(s[0]) : 1, per = s.numel() / items;
                       for (size_t f = 0; f < per; f += 7)  // dead features: <= 0 in every item
                           for (size_t i = 0; i < items; ++i) v[i * per + f] = -std::fabs(v[i * per + f]);
                       const TensorSummary r = be.summarize(make(be, s, v), -0.9f, 2.9f);
                       const TensorSummary w = ref::summarize(v, items, -0.9f, 2.9f);
                       auto counts = [](const TensorSummary& t) {
                           return std::vector<double>{double(t.count), double(t.nonpositive),
                                                      double(t.saturated), double(t.dead_features),
                                                      double(t.features)};
                       };
                       return std::vector<Compared>{
                           compare({r.sum, r.sum_sq, r.sum_abs}, {w.sum, w.sum_sq, w.sum_abs},
                                   {w.sum_abs, w.sum_sq, w.sum_abs}),
                           compare({r.min, r.max}, {w.min, w.max}), compare(counts(r), counts(w))};
                   }});
}

}  // namespace

void add_optimizer_stat_cases(Cases& out, uint64_t seed) {
    add_sgd(out, "wd 0.01", SgdStep{0.1f, 0.0f, 0.01f, false}, seed += 10);
    add_sgd(out, "momentum 0.9", SgdStep{0.1f, 0.9f, 0.0f, false}, seed += 10);
    add_sgd(out, "nesterov 0.9, wd 0.01", SgdStep{0.1f, 0.9f, 0.01f, true}, seed += 10);
    add_adam(out, false, seed += 10);
    add_adam(out, true, seed += 10);
    add_rmsprop(out, 0.0f, seed += 10);
    add_rmsprop(out, 0.9f, seed += 10);

    for (const Shape& s : {Shape{1}, Shape{17, 61}, Shape{1000003}}) {
        out.push_back({s.str(), {{"sum squares", "value", kSums}}, [s, seed](Backend& be) {
                           const auto v = random_values(s.numel(), seed + 1);
                           return std::vector<Compared>{
                               compare({be.sum_squares(make(be, s, v))}, {ref::sum_squares(v)})};
                       }});
    }
    for (const Shape& s : {Shape{64, 3001}, Shape{3, 2, 3, 5}, Shape{17}}) add_summary(out, s, seed += 10);

    out.push_back({"17x61 in (-1.2, 1.2), 37 bins over [-1, 1]",
                   {{"histogram", "counts", kExact}}, [seed](Backend& be) {
                       const auto v = random_values(17 * 61, seed + 2, -1.2, 1.2);
                       std::vector<uint32_t> counts(37, 7);
                       be.histogram(make(be, {17, 61}, v), -1.0f, 1.0f, 37, counts.data());
                       const auto want = ref::histogram(v, -1.0f, 1.0f, 37);
                       return std::vector<Compared>{
                           compare({counts.begin(), counts.end()}, {want.begin(), want.end()})};
                   }});
    // A run that trains on through an infinity asks for histograms over an
    // infinite range: every finite value lands in a bin, NaN in none.
    out.push_back({"5 with inf, -inf, NaN; ranges infinite and NaN",
                   {{"histogram", "total (inf range)", kExact}, {"histogram", "total (NaN range)", kExact}},
                   [](Backend& be) {
                       Tensor t = make(be, {5}, {1.0f, INFINITY, -INFINITY, NAN, -2.0f});
                       std::vector<double> totals;
                       for (float hi : {INFINITY, NAN}) {
                           uint32_t c[4] = {7, 7, 7, 7};
                           be.histogram(t, hi == INFINITY ? -INFINITY : -1.0f, hi, 4, c);
                           totals.push_back(double(c[0]) + c[1] + c[2] + c[3]);
                       }
                       return std::vector<Compared>{compare({totals[0]}, {4.0}), compare({totals[1]}, {4.0})};
                   }});
}

}  // namespace gs::conformance
