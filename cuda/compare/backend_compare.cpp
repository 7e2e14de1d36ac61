// The backend comparisons of backend_compare.h: each operation is a small
// function that builds seeded inputs on a backend, runs the operation and
// returns its outputs on the host; it runs on both backends and each output
// is compared.
#include "backend_compare.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <sstream>
#include <utility>

#include "gradscope/data_pipeline.h"
#include "gradscope/dataset.h"
#include "gradscope/error.h"
#include "gradscope/presets.h"
#include "gradscope/rng.h"
#include "gradscope/trainer.h"

namespace gs::compare {

namespace {

using Values = std::vector<double>;
using Outputs = std::vector<std::pair<std::string, Values>>;  // output name, values
using Run = std::function<Outputs(Backend&)>;

// Tolerances by kind of arithmetic.
constexpr double kElementwise = 1e-5;  // the same formulas; device libm may differ by an ulp
constexpr double kProducts = 1e-4;     // sums of products in another order (cuBLAS, oneDNN)
constexpr double kConv = 5e-3;         // cuDNN may use TF32 tensor cores on Ampere and newer
constexpr double kSums = 1e-9;         // double sums in another order
constexpr double kExact = 0;           // counts, masks, indices, extremes

std::vector<float> random_values(size_t n, uint64_t seed, double lo = -1, double hi = 1) {
    Rng rng(seed);
    std::vector<float> v(n);
    for (auto& x : v) x = static_cast<float>(rng.uniform(lo, hi));
    return v;
}

Tensor make(Backend& be, const Shape& s, const std::vector<float>& v) {
    Tensor t(be, s);
    t.from_host(v);
    return t;
}
Tensor make_random(Backend& be, const Shape& s, uint64_t seed, double lo = -1, double hi = 1) {
    return make(be, s, random_values(s.numel(), seed, lo, hi));
}

Values host(const Tensor& t) {
    const std::vector<float> v = t.to_host();
    return {v.begin(), v.end()};
}

double max_rel_error(const Values& got, const Values& want) {
    if (got.size() != want.size()) return INFINITY;
    double scale = 0, err = 0;
    for (size_t i = 0; i < want.size(); ++i) {
        scale = std::max(scale, std::fabs(want[i]));
        const double d = std::fabs(got[i] - want[i]);
        // NaN on one side only is an infinite error; on both, agreement.
        if (std::isnan(got[i]) != std::isnan(want[i])) return INFINITY;
        if (!std::isnan(d)) err = std::max(err, d);
    }
    return err == 0 ? 0 : err / std::max(scale, 1e-30);
}

class Comparer {
public:
    Comparer(Backend& ref, Backend& other, std::vector<OpCheck>& out)
        : m_ref(ref), m_other(other), m_out(out) {}

    void check(const std::string& op, const std::string& shapes, double tol, const Run& run) {
        Outputs want, got;
        try {
            want = run(m_ref);
            got = run(m_other);
            m_other.synchronize();
        } catch (const std::exception& e) {
            m_out.push_back({op, shapes, INFINITY, tol, false, e.what()});
            return;
        }
        for (size_t i = 0; i < want.size(); ++i) {
            OpCheck c;
            c.op = want[i].first.empty() ? op : op + " " + want[i].first;
            c.shapes = shapes;
            c.tolerance = tol;
            c.max_rel_error = max_rel_error(got[i].second, want[i].second);
            c.pass = c.max_rel_error <= tol;
            if (got[i].second.size() != want[i].second.size()) c.note = "sizes differ";
            m_out.push_back(std::move(c));
        }
    }

private:
    Backend& m_ref;
    Backend& m_other;
    std::vector<OpCheck>& m_out;
};

std::string act_name(Activation a) {
    switch (a) {
        case Activation::ReLU: return "relu";
        case Activation::LeakyReLU: return "leaky_relu";
        case Activation::Sigmoid: return "sigmoid";
        case Activation::Tanh: return "tanh";
        case Activation::GELU: return "gelu";
    }
    return "?";
}

void memory_and_elementwise(Comparer& c, uint64_t seed) {
    const Shape s{37, 29};  // odd sizes: partial blocks
    c.check("upload/download", "1073", kExact, [&](Backend& be) {
        return Outputs{{"", host(make_random(be, s, seed))}};
    });
    c.check("copy, fill, scale, multiply", "37x29", kElementwise, [&](Backend& be) {
        Tensor a = make_random(be, s, seed + 1), b = make_random(be, s, seed + 2), y(be, s);
        Tensor d(be, s), f(be, s);
        be.copy(d, a);
        be.fill(f, 0.25f);
        be.scale(d, -3.0f);
        be.multiply(a, b, y);
        return Outputs{{"copy*scale", host(d)}, {"fill", host(f)}, {"multiply", host(y)}};
    });
    for (Activation a : {Activation::ReLU, Activation::LeakyReLU, Activation::Sigmoid,
                         Activation::Tanh, Activation::GELU}) {
        c.check("activation " + act_name(a), "37x29", kElementwise, [&](Backend& be) {
            Tensor x = make_random(be, s, seed + 3, -6, 6), y(be, s), dx(be, s);
            Tensor dy = make_random(be, s, seed + 4);
            be.activation_forward(a, 0.1f, x, y);
            be.activation_backward(a, 0.1f, x, y, dy, dx);
            return Outputs{{"forward", host(y)}, {"backward", host(dx)}};
        });
    }
    c.check("softmax", "64x10", kElementwise, [&](Backend& be) {
        const Shape sm{64, 10};
        Tensor x = make_random(be, sm, seed + 5, -8, 8), y(be, sm), dx(be, sm);
        be.softmax_forward(x, y);
        be.softmax_backward(y, make_random(be, sm, seed + 6), dx);
        return Outputs{{"forward", host(y)}, {"backward", host(dx)}};
    });
    c.check("dropout p=0.3", "37x29", kExact, [&](Backend& be) {
        Tensor x = make_random(be, s, seed + 7), m(be, s), y(be, s);
        be.dropout_forward(0.3f, 1234567, 42, x, m, y);
        return Outputs{{"mask", host(m)}, {"y", host(y)}};
    });
}

void dense_conv_pool(Comparer& c, uint64_t seed) {
    c.check("dense", "x 32x50, w 20x50", kProducts, [&](Backend& be) {
        Tensor x = make_random(be, {32, 50}, seed), w = make_random(be, {20, 50}, seed + 1);
        Tensor b = make_random(be, {20}, seed + 2), y(be, {32, 20});
        Tensor dx(be, {32, 50}), dw(be, {20, 50}), db(be, {20});
        be.dense_forward(x, w, &b, y);
        be.dense_backward(x, w, make_random(be, {32, 20}, seed + 3), &dx, dw, &db);
        return Outputs{{"forward", host(y)}, {"dx", host(dx)}, {"dw", host(dw)}, {"db", host(db)}};
    });
    struct ConvCase {
        ConvParams p;
        Shape x, w, y;
    };
    const ConvCase convs[] = {
        {{3, 3, 1, 1, 1, 1}, {4, 3, 12, 12}, {8, 3, 3, 3}, {4, 8, 12, 12}},
        {{5, 5, 2, 2, 0, 0}, {2, 4, 13, 13}, {6, 4, 5, 5}, {2, 6, 5, 5}},
    };
    for (const ConvCase& k : convs) {
        const std::string shapes = "x " + k.x.str() + ", w " + k.w.str() + ", stride " +
                                   std::to_string(k.p.sh) + ", pad " + std::to_string(k.p.ph);
        c.check("conv2d", shapes, kConv, [&](Backend& be) {
            Tensor x = make_random(be, k.x, seed + 10), w = make_random(be, k.w, seed + 11);
            Tensor b = make_random(be, {k.w[0]}, seed + 12), y(be, k.y);
            Tensor dx(be, k.x), dw(be, k.w), db(be, {k.w[0]});
            be.conv2d_forward(k.p, x, w, &b, y);
            be.conv2d_backward(k.p, x, w, make_random(be, k.y, seed + 13), &dx, dw, &db);
            return Outputs{{"forward", host(y)}, {"dx", host(dx)}, {"dw", host(dw)},
                           {"db", host(db)}};
        });
    }
    struct PoolCase {
        PoolParams p;
        Shape x, y;
        const char* name;
    };
    const PoolCase pools[] = {
        {{PoolKind::Max, 2, 2, 2, 2, 0, 0}, {4, 8, 12, 12}, {4, 8, 6, 6}, "max 2x2/2"},
        {{PoolKind::Max, 3, 3, 1, 1, 1, 1}, {2, 3, 7, 7}, {2, 3, 7, 7}, "max 3x3/1 pad 1"},
        {{PoolKind::Avg, 3, 3, 2, 2, 1, 1}, {2, 3, 9, 9}, {2, 3, 5, 5}, "avg 3x3/2 pad 1"},
    };
    for (const PoolCase& k : pools) {
        c.check(std::string("pool2d ") + k.name, "x " + k.x.str(), kElementwise,
                [&](Backend& be) {
                    Tensor x = make_random(be, k.x, seed + 20), y(be, k.y), dx(be, k.x);
                    const size_t ws_n = be.pool2d_workspace(k.p, k.x);
                    Tensor ws;
                    if (ws_n) ws = Tensor(be, {static_cast<int>(ws_n)});
                    be.pool2d_forward(k.p, x, y, ws_n ? &ws : nullptr);
                    be.pool2d_backward(k.p, x, make_random(be, k.y, seed + 21),
                                       ws_n ? &ws : nullptr, dx);
                    return Outputs{{"forward", host(y)}, {"backward", host(dx)}};
                });
    }
}

void batchnorm(Comparer& c, uint64_t seed) {
    for (const Shape& s : {Shape{16, 6}, Shape{4, 5, 6, 6}}) {
        const int C = s[1];
        c.check("batchnorm", "x " + s.str(), kProducts, [&](Backend& be) {
            Tensor x = make_random(be, s, seed + 30, -2, 3), y(be, s), y2(be, s), dx(be, s);
            Tensor g = make_random(be, {C}, seed + 31, 0.5, 1.5), b = make_random(be, {C}, seed + 32);
            Tensor rm = make_random(be, {C}, seed + 33), rv = make_random(be, {C}, seed + 34, 0.5, 2);
            Tensor sm(be, {C}), si(be, {C}), dg(be, {C}), db(be, {C});
            be.batchnorm_forward(true, 1e-5f, 0.1f, x, g, b, rm, rv, sm, si, y);
            be.batchnorm_backward(x, g, sm, si, make_random(be, s, seed + 35), dx, dg, db);
            be.batchnorm_forward(false, 1e-5f, 0.1f, x, g, b, rm, rv, sm, si, y2);
            return Outputs{{"train forward", host(y)}, {"running mean", host(rm)},
                           {"running var", host(rv)}, {"saved invstd", host(si)},
                           {"dx", host(dx)}, {"dgamma", host(dg)}, {"dbeta", host(db)},
                           {"inference forward", host(y2)}};
        });
    }
}

void losses(Comparer& c, uint64_t seed) {
    c.check("softmax_cross_entropy", "logits 50x10", kElementwise, [&](Backend& be) {
        Tensor z = make_random(be, {50, 10}, seed + 40, -4, 4), d(be, {50, 10});
        std::vector<float> labels(50);
        Rng rng(seed + 41);
        for (auto& l : labels) l = static_cast<float>(rng.below(10));
        const LossSums r = be.softmax_cross_entropy(z, make(be, {50}, labels), &d);
        return Outputs{{"loss", {r.loss_sum}}, {"correct", {double(r.correct)}}, {"grad", host(d)}};
    });
    c.check("sigmoid_binary_cross_entropy", "logits 50x1", kElementwise, [&](Backend& be) {
        Tensor z = make_random(be, {50, 1}, seed + 42, -5, 5), d(be, {50, 1});
        const LossSums r = be.sigmoid_binary_cross_entropy(
            z, make_random(be, {50}, seed + 43, 0, 1), &d);
        return Outputs{{"loss", {r.loss_sum}}, {"correct", {double(r.correct)}}, {"grad", host(d)}};
    });
    c.check("mean_squared_error", "pred 50x3", kElementwise, [&](Backend& be) {
        Tensor p = make_random(be, {50, 3}, seed + 44), d(be, {50, 3});
        const LossSums r = be.mean_squared_error(p, make_random(be, {50, 3}, seed + 45), true, &d);
        return Outputs{{"loss", {r.loss_sum}}, {"correct", {double(r.correct)}}, {"grad", host(d)}};
    });
}

void optimizers(Comparer& c, uint64_t seed) {
    const Shape s{1031};
    // Three steps each, with fresh gradients, so state (momentum, moments) matters.
    auto steps = [&](Backend& be, const std::function<void(Tensor&, const Tensor&, int)>& f) {
        Tensor p = make_random(be, s, seed + 50);
        for (int i = 0; i < 3; ++i) f(p, make_random(be, s, seed + 51 + static_cast<uint64_t>(i)), i);
        return host(p);
    };
    c.check("sgd", "1031", kElementwise, [&](Backend& be) {
        SgdStep st{0.1f, 0.0f, 0.01f, false};
        return Outputs{{"", steps(be, [&](Tensor& p, const Tensor& g, int) {
                            be.sgd_update(p, g, nullptr, st);
                        })}};
    });
    c.check("sgd momentum nesterov", "1031", kElementwise, [&](Backend& be) {
        Tensor v(be, s);
        SgdStep st{0.1f, 0.9f, 0.01f, true};
        Values p = steps(be, [&](Tensor& q, const Tensor& g, int) { be.sgd_update(q, g, &v, st); });
        return Outputs{{"param", p}, {"velocity", host(v)}};
    });
    for (bool decoupled : {false, true}) {
        c.check(decoupled ? "adamw" : "adam", "1031", kElementwise, [&](Backend& be) {
            Tensor m(be, s), v(be, s);
            Values p = steps(be, [&](Tensor& q, const Tensor& g, int i) {
                AdamStep st{0.01f, 0.9f, 0.999f, 1e-8f, 0.01f, decoupled, i + 1};
                be.adam_update(q, g, m, v, st);
            });
            return Outputs{{"param", p}, {"m", host(m)}, {"v", host(v)}};
        });
    }
    for (bool momentum : {false, true}) {
        c.check(momentum ? "rmsprop momentum" : "rmsprop", "1031", kElementwise, [&](Backend& be) {
            Tensor sq(be, s), buf(be, s);
            RmsPropStep st{0.01f, 0.99f, 1e-8f, 0.01f, momentum ? 0.9f : 0.0f};
            Values p = steps(be, [&](Tensor& q, const Tensor& g, int) {
                be.rmsprop_update(q, g, sq, momentum ? &buf : nullptr, st);
            });
            return Outputs{{"param", p}, {"square avg", host(sq)}};
        });
    }
}

void reductions(Comparer& c, uint64_t seed) {
    const Shape s{64, 3001};  // several blocks, a partial last one
    c.check("sum_squares", s.str(), kSums, [&](Backend& be) {
        return Outputs{{"", {be.sum_squares(make_random(be, s, seed + 60))}}};
    });
    c.check("summarize", s.str(), kSums, [&](Backend& be) {
        std::vector<float> v = random_values(s.numel(), seed + 61, -1, 3);
        for (size_t f = 0; f < 3001; f += 7)  // dead features: <= 0 in every item
            for (size_t i = 0; i < 64; ++i) v[i * 3001 + f] = -std::fabs(v[i * 3001 + f]);
        const TensorSummary r = be.summarize(make(be, s, v), -0.9f, 2.9f);
        return Outputs{{"sums", {r.sum, r.sum_sq, r.sum_abs}},
                       {"min max", {r.min, r.max}},
                       {"counts", {double(r.count), double(r.nonpositive), double(r.saturated),
                                   double(r.dead_features), double(r.features)}}};
    });
    c.check("histogram 37 bins", s.str(), kExact, [&](Backend& be) {
        std::vector<uint32_t> counts(37);
        be.histogram(make_random(be, s, seed + 62, -1.2, 1.2), -1.0f, 1.0f, 37, counts.data());
        return Outputs{{"", Values(counts.begin(), counts.end())}};
    });
}

}  // namespace

std::vector<OpCheck> compare_ops(Backend& ref, Backend& other, uint64_t seed) {
    std::vector<OpCheck> out;
    Comparer c(ref, other, out);
    memory_and_elementwise(c, seed);
    dense_conv_pool(c, seed);
    batchnorm(c, seed);
    losses(c, seed);
    optimizers(c, seed);
    reductions(c, seed);
    return out;
}

CurveCheck compare_training(const std::string& preset, Backend& ref, Backend& other, int steps,
                            int window, double tolerance) {
    CurveCheck r;
    r.model = preset;
    r.steps = steps;
    r.tolerance = tolerance;
    try {
        ModelSpec spec = load_preset(preset);
        PreparedData data;
        try {
            data = prepare_data(spec);
        } catch (const Error& e) {
            // Without the preset's files (Fashion-MNIST), synthetic items of its shape.
            DataSpec d;
            d.name = "synthetic";
            d.samples = spec.batch_size * 16;
            d.test_fraction = 0;
            d.seed = 7;
            data = PreparedData{};
            data.train = make_builtin_dataset(d, spec.input, 10).train;
            r.note = std::string("synthetic data (") + e.what() + ")";
        }
        data.validation = data.test = nullptr;
        for (int side = 0; side < 2; ++side) {
            Trainer t(spec, data, side == 0 ? ref : other);
            auto& loss = side == 0 ? r.ref_loss : r.other_loss;
            for (int i = 0; i < steps; ++i) loss.push_back(t.step().loss);
        }
        for (int start = 0; start < steps; start += window) {
            const int end = std::min(steps, start + window);
            double a = 0, b = 0;
            for (int i = start; i < end; ++i) a += r.ref_loss[size_t(i)], b += r.other_loss[size_t(i)];
            const double d = std::fabs(a - b) / std::max(std::fabs(a), 1e-12);
            r.max_rel_diff = std::max(r.max_rel_diff, std::isnan(d) ? INFINITY : d);
        }
        r.pass = r.max_rel_diff <= tolerance;
    } catch (const std::exception& e) {
        r.note = e.what();
        r.pass = false;
    }
    return r;
}

std::string format_ops(const std::vector<OpCheck>& checks) {
    std::ostringstream o;
    char line[512];
    std::snprintf(line, sizeof line, "%-44s %-34s %12s %10s  %s\n", "operation", "shapes",
                  "max rel err", "tolerance", "result");
    o << line;
    for (const auto& c : checks) {
        std::snprintf(line, sizeof line, "%-44s %-34s %12.3g %10.3g  %s%s%s\n", c.op.c_str(),
                      c.shapes.c_str(), c.max_rel_error, c.tolerance, c.pass ? "PASS" : "FAIL",
                      c.note.empty() ? "" : "  ", c.note.c_str());
        o << line;
    }
    return o.str();
}

std::string format_curves(const std::vector<CurveCheck>& checks) {
    std::ostringstream o;
    char line[512];
    for (const auto& c : checks) {
        const double a = c.ref_loss.empty() ? NAN : c.ref_loss.back();
        const double b = c.other_loss.empty() ? NAN : c.other_loss.back();
        std::snprintf(line, sizeof line,
                      "training %-14s %4d steps: last loss %.5f vs %.5f, max window diff %.3g "
                      "(tolerance %.3g)  %s%s%s\n",
                      c.model.c_str(), c.steps, a, b, c.max_rel_diff, c.tolerance,
                      c.pass ? "PASS" : "FAIL", c.note.empty() ? "" : "  ", c.note.c_str());
        o << line;
    }
    return o.str();
}

}  // namespace gs::compare
