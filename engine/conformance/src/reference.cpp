// The plain reference of reference.h: simple loops in double precision.
#include "gradscope_conformance/reference.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "gradscope/rng.h"

namespace gs::conformance::ref {

namespace {

void add(Sums& s, size_t i, double term) {
    s.value[i] += term;
    s.magnitude[i] += std::fabs(term);
}

Sums zeros(size_t n) { return {Values(n, 0.0), Values(n, 0.0)}; }

}  // namespace

Sums dense_forward(const std::vector<float>& x, const std::vector<float>& w,
                   const std::vector<float>* b, int N, int K, int M) {
    Sums y = zeros(static_cast<size_t>(N) * M);
    for (int n = 0; n < N; ++n)
        for (int m = 0; m < M; ++m) {
            const size_t i = static_cast<size_t>(n) * M + m;
            if (b) add(y, i, (*b)[m]);
            for (int k = 0; k < K; ++k)
                add(y, i, static_cast<double>(x[static_cast<size_t>(n) * K + k]) *
                              w[static_cast<size_t>(m) * K + k]);
        }
    return y;
}

DenseGrads dense_backward(const std::vector<float>& x, const std::vector<float>& w,
                          const std::vector<float>& dy, int N, int K, int M) {
    DenseGrads g{zeros(static_cast<size_t>(N) * K), zeros(static_cast<size_t>(M) * K),
                 zeros(static_cast<size_t>(M))};
    for (int n = 0; n < N; ++n)
        for (int m = 0; m < M; ++m) {
            const double d = dy[static_cast<size_t>(n) * M + m];
            add(g.db, static_cast<size_t>(m), d);
            for (int k = 0; k < K; ++k) {
                add(g.dw, static_cast<size_t>(m) * K + k, d * x[static_cast<size_t>(n) * K + k]);
                add(g.dx, static_cast<size_t>(n) * K + k, d * w[static_cast<size_t>(m) * K + k]);
            }
        }
    return g;
}

namespace {

// Visits every (output position, kernel tap) pair of a convolution whose
// input cell is inside x: f(y index, x index, w index).
template <class F>
void for_each_tap(const ConvShape& s, F&& f) {
    const ConvParams& p = s.p;
    const int Ho = s.out_h(), Wo = s.out_w();
    for (int n = 0; n < s.N; ++n)
        for (int o = 0; o < s.O; ++o)
            for (int i = 0; i < Ho; ++i)
                for (int j = 0; j < Wo; ++j)
                    for (int c = 0; c < s.C; ++c)
                        for (int ki = 0; ki < p.kh; ++ki)
                            for (int kj = 0; kj < p.kw; ++kj) {
                                const int h = i * p.sh + ki - p.ph, v = j * p.sw + kj - p.pw;
                                if (h < 0 || h >= s.H || v < 0 || v >= s.W) continue;
                                const size_t yi = ((static_cast<size_t>(n) * s.O + o) * Ho + i) * Wo + j;
                                const size_t xi = ((static_cast<size_t>(n) * s.C + c) * s.H + h) * s.W + v;
                                const size_t wi = ((static_cast<size_t>(o) * s.C + c) * p.kh + ki) * p.kw + kj;
                                f(yi, xi, wi);
                            }
}

}  // namespace

Sums conv2d_forward(const ConvShape& s, const std::vector<float>& x, const std::vector<float>& w,
                    const std::vector<float>* b) {
    const size_t per_map = static_cast<size_t>(s.out_h()) * s.out_w();
    Sums y = zeros(static_cast<size_t>(s.N) * s.O * per_map);
    if (b)
        for (size_t i = 0; i < y.value.size(); ++i) add(y, i, (*b)[(i / per_map) % s.O]);
    for_each_tap(s, [&](size_t yi, size_t xi, size_t wi) {
        add(y, yi, static_cast<double>(x[xi]) * w[wi]);
    });
    return y;
}

ConvGrads conv2d_backward(const ConvShape& s, const std::vector<float>& x,
                          const std::vector<float>& w, const std::vector<float>& dy) {
    const size_t per_map = static_cast<size_t>(s.out_h()) * s.out_w();
    ConvGrads g{zeros(x.size()), zeros(w.size()), zeros(static_cast<size_t>(s.O))};
    for (size_t i = 0; i < dy.size(); ++i) add(g.db, (i / per_map) % s.O, dy[i]);
    for_each_tap(s, [&](size_t yi, size_t xi, size_t wi) {
        add(g.dx, xi, static_cast<double>(dy[yi]) * w[wi]);
        add(g.dw, wi, static_cast<double>(dy[yi]) * x[xi]);
    });
    return g;
}

namespace {

// Calls f(y index, x indices of the window inside the input) per output.
template <class F>
void for_each_window(const PoolShape& s, F&& f) {
    const PoolParams& p = s.p;
    const int Ho = s.out_h(), Wo = s.out_w();
    std::vector<size_t> cells;
    for (int nc = 0; nc < s.N * s.C; ++nc)
        for (int i = 0; i < Ho; ++i)
            for (int j = 0; j < Wo; ++j) {
                cells.clear();
                for (int ki = 0; ki < p.kh; ++ki)
                    for (int kj = 0; kj < p.kw; ++kj) {
                        const int h = i * p.sh + ki - p.ph, v = j * p.sw + kj - p.pw;
                        if (h < 0 || h >= s.H || v < 0 || v >= s.W) continue;
                        cells.push_back((static_cast<size_t>(nc) * s.H + h) * s.W + v);
                    }
                f((static_cast<size_t>(nc) * Ho + i) * Wo + j, cells);
            }
}

}  // namespace

Values pool2d_forward(const PoolShape& s, const std::vector<float>& x) {
    Values y(static_cast<size_t>(s.N) * s.C * s.out_h() * s.out_w());
    for_each_window(s, [&](size_t yi, const std::vector<size_t>& cells) {
        double best = -std::numeric_limits<double>::infinity(), sum = 0;
        for (size_t c : cells) best = std::max(best, static_cast<double>(x[c])), sum += x[c];
        y[yi] = s.p.kind == PoolKind::Max ? best : sum / static_cast<double>(cells.size());
    });
    return y;
}

Values pool2d_backward(const PoolShape& s, const std::vector<float>& x,
                       const std::vector<float>& dy) {
    Values dx(x.size(), 0.0);
    for_each_window(s, [&](size_t yi, const std::vector<size_t>& cells) {
        if (s.p.kind == PoolKind::Avg) {
            for (size_t c : cells) dx[c] += dy[yi] / static_cast<double>(cells.size());
            return;
        }
        size_t best = cells.front();
        for (size_t c : cells)
            if (x[c] > x[best]) best = c;
        dx[best] += dy[yi];
    });
    return dx;
}

ActivationValue activation(Activation a, double alpha, double x) {
    switch (a) {
        case Activation::ReLU: return {x > 0 ? x : 0.0, x > 0 ? 1.0 : 0.0};
        case Activation::LeakyReLU: return {x > 0 ? x : alpha * x, x > 0 ? 1.0 : alpha};
        case Activation::Sigmoid: {
            const double s = 1.0 / (1.0 + std::exp(-x));
            return {s, s * (1.0 - s)};
        }
        case Activation::Tanh: {
            const double t = std::tanh(x);
            return {t, 1.0 - t * t};
        }
        case Activation::GELU: {
            const double cdf = 0.5 * (1.0 + std::erf(x / std::sqrt(2.0)));
            const double pdf = std::exp(-0.5 * x * x) / std::sqrt(2.0 * M_PI);
            return {x * cdf, cdf + x * pdf};
        }
    }
    return {0, 0};
}

Values softmax_forward(const std::vector<float>& x, int N, int F) {
    Values y(x.size());
    for (int n = 0; n < N; ++n) {
        const size_t o = static_cast<size_t>(n) * F;
        double mx = -std::numeric_limits<double>::infinity(), s = 0;
        for (int f = 0; f < F; ++f) mx = std::max(mx, static_cast<double>(x[o + f]));
        for (int f = 0; f < F; ++f) s += std::exp(x[o + f] - mx);
        for (int f = 0; f < F; ++f) y[o + f] = std::exp(x[o + f] - mx) / s;
    }
    return y;
}

Values softmax_backward(const std::vector<float>& y, const std::vector<float>& dy, int N, int F) {
    Values dx(y.size());
    for (int n = 0; n < N; ++n) {
        const size_t o = static_cast<size_t>(n) * F;
        double dot = 0;
        for (int f = 0; f < F; ++f) dot += static_cast<double>(dy[o + f]) * y[o + f];
        for (int f = 0; f < F; ++f) dx[o + f] = y[o + f] * (dy[o + f] - dot);
    }
    return dx;
}

std::vector<float> dropout_mask(float p, uint64_t seed, uint64_t counter, size_t n) {
    const float scale = 1.0f / (1.0f - p);
    std::vector<float> m(n);
    for (size_t i = 0; i < n; ++i) m[i] = uniform_from_counter(seed, counter, i) < p ? 0.0f : scale;
    return m;
}

namespace {

size_t at(int n, int c, int i, int C, int S) {
    return (static_cast<size_t>(n) * C + c) * S + i;
}

}  // namespace

BatchNormForward batchnorm_train(const std::vector<float>& x, int N, int C, int S,
                                 const std::vector<float>& gamma, const std::vector<float>& beta,
                                 double eps) {
    BatchNormForward r;
    r.y.resize(x.size());
    const double count = static_cast<double>(N) * S;
    for (int c = 0; c < C; ++c) {
        double sum = 0, ss = 0;
        for (int n = 0; n < N; ++n)
            for (int i = 0; i < S; ++i) sum += x[at(n, c, i, C, S)];
        const double mean = sum / count;
        for (int n = 0; n < N; ++n)
            for (int i = 0; i < S; ++i) ss += (x[at(n, c, i, C, S)] - mean) * (x[at(n, c, i, C, S)] - mean);
        const double invstd = 1.0 / std::sqrt(ss / count + eps);
        r.mean.push_back(mean);
        r.invstd.push_back(invstd);
        r.var_unbiased.push_back(ss / (count - 1));
        for (int n = 0; n < N; ++n)
            for (int i = 0; i < S; ++i) {
                const size_t k = at(n, c, i, C, S);
                r.y[k] = (x[k] - mean) * invstd * gamma[c] + beta[c];
            }
    }
    return r;
}

Values batchnorm_eval(const std::vector<float>& x, int N, int C, int S,
                      const std::vector<float>& gamma, const std::vector<float>& beta,
                      const std::vector<float>& running_mean, const std::vector<float>& running_var,
                      double eps) {
    Values y(x.size());
    for (int n = 0; n < N; ++n)
        for (int c = 0; c < C; ++c)
            for (int i = 0; i < S; ++i) {
                const size_t k = at(n, c, i, C, S);
                y[k] = (x[k] - running_mean[c]) / std::sqrt(running_var[c] + eps) * gamma[c] + beta[c];
            }
    return y;
}

BatchNormGrads batchnorm_backward(const std::vector<float>& x, const std::vector<float>& dy, int N,
                                  int C, int S, const std::vector<float>& gamma, double eps) {
    const BatchNormForward f =
        batchnorm_train(x, N, C, S, gamma, std::vector<float>(static_cast<size_t>(C), 0.0f), eps);
    const double count = static_cast<double>(N) * S;
    BatchNormGrads g{Values(x.size()), Values(static_cast<size_t>(C)), Values(static_cast<size_t>(C))};
    for (int c = 0; c < C; ++c) {
        double sdy = 0, sdyx = 0;
        for (int n = 0; n < N; ++n)
            for (int i = 0; i < S; ++i) {
                const size_t k = at(n, c, i, C, S);
                sdy += dy[k];
                sdyx += dy[k] * (x[k] - f.mean[c]) * f.invstd[c];
            }
        g.dgamma[c] = sdyx;
        g.dbeta[c] = sdy;
        for (int n = 0; n < N; ++n)
            for (int i = 0; i < S; ++i) {
                const size_t k = at(n, c, i, C, S);
                const double xhat = (x[k] - f.mean[c]) * f.invstd[c];
                g.dx[k] = gamma[c] * f.invstd[c] / count * (count * dy[k] - sdy - xhat * sdyx);
            }
    }
    return g;
}

Loss softmax_cross_entropy(const std::vector<float>& logits, const std::vector<float>& labels, int N,
                           int K) {
    Loss r;
    r.correct = 0;
    r.grad.resize(logits.size());
    for (int n = 0; n < N; ++n) {
        const size_t o = static_cast<size_t>(n) * K;
        double mx = -std::numeric_limits<double>::infinity(), s = 0;
        int arg = 0;
        for (int k = 0; k < K; ++k)
            if (logits[o + k] > mx) mx = logits[o + k], arg = k;
        for (int k = 0; k < K; ++k) s += std::exp(logits[o + k] - mx);
        const double lse = mx + std::log(s);
        const int y = static_cast<int>(labels[static_cast<size_t>(n)]);
        r.sum += lse - logits[o + y];
        r.correct += arg == y;
        for (int k = 0; k < K; ++k) r.grad[o + k] = (std::exp(logits[o + k] - lse) - (k == y)) / N;
    }
    return r;
}

Loss sigmoid_binary_cross_entropy(const std::vector<float>& logits, const std::vector<float>& targets) {
    Loss r;
    r.correct = 0;
    const size_t N = logits.size();
    for (size_t i = 0; i < N; ++i) {
        const double z = logits[i], t = targets[i];
        // log s(z) and log(1 - s(z)), each in its stable form for the sign of z.
        const double log_s = z >= 0 ? -std::log1p(std::exp(-z)) : z - std::log1p(std::exp(z));
        const double log_1ms = z >= 0 ? -z - std::log1p(std::exp(-z)) : -std::log1p(std::exp(z));
        r.sum += -t * log_s - (1 - t) * log_1ms;
        r.correct += (z > 0) == (t > 0.5);
        r.grad.push_back((1.0 / (1.0 + std::exp(-z)) - t) / static_cast<double>(N));
    }
    return r;
}

Values softmax_item_outcomes(const std::vector<float>& logits, const std::vector<float>& labels,
                             int N, int K) {
    Values out;
    for (int n = 0; n < N; ++n) {
        const size_t o = static_cast<size_t>(n) * K;
        double mx = -std::numeric_limits<double>::infinity(), s = 0;
        int arg = 0;
        for (int k = 0; k < K; ++k)
            if (logits[o + k] > mx) mx = logits[o + k], arg = k;
        for (int k = 0; k < K; ++k) s += std::exp(logits[o + k] - mx);
        const int y = static_cast<int>(labels[static_cast<size_t>(n)]);
        out.insert(out.end(), {std::exp(logits[o + y] - mx) / s, double(y), double(arg), 1.0 / s});
    }
    return out;
}

Values bce_item_outcomes(const std::vector<float>& logits, const std::vector<float>& targets) {
    Values out;
    const auto sigmoid = [](double z) { return 1.0 / (1.0 + std::exp(-z)); };
    for (size_t i = 0; i < logits.size(); ++i) {
        const double z = logits[i];
        const bool label = targets[i] > 0.5f, predicted = z > 0;
        out.insert(out.end(), {sigmoid(label ? z : -z), double(label), double(predicted),
                               sigmoid(predicted ? z : -z)});
    }
    return out;
}

Loss mean_squared_error(const std::vector<float>& pred, const std::vector<float>& target, int N,
                        int F, bool classify) {
    Loss r;
    r.correct = classify ? 0 : -1;
    for (int n = 0; n < N; ++n) {
        double s = 0;
        bool all_close = true;
        for (int f = 0; f < F; ++f) {
            const size_t i = static_cast<size_t>(n) * F + f;
            const double e = static_cast<double>(pred[i]) - target[i];
            s += e * e;
            all_close = all_close && std::fabs(e) < 0.5;
            r.grad.push_back(2.0 * e / (static_cast<double>(N) * F));
        }
        r.sum += s / F;
        if (classify) r.correct += all_close;
    }
    return r;
}

void sgd_step(Values& p, const std::vector<float>& g, Values* velocity, const SgdStep& s) {
    for (size_t i = 0; i < p.size(); ++i) {
        double d = g[i] + static_cast<double>(s.weight_decay) * p[i];
        if (velocity) {
            double& v = (*velocity)[i];
            v = s.momentum * v + d;
            d = s.nesterov ? d + s.momentum * v : v;
        }
        p[i] -= s.lr * d;
    }
}

void adam_step(Values& p, const std::vector<float>& g, Values& m, Values& v, const AdamStep& s) {
    const double bc1 = 1.0 - std::pow(static_cast<double>(s.beta1), static_cast<double>(s.t));
    const double bc2 = 1.0 - std::pow(static_cast<double>(s.beta2), static_cast<double>(s.t));
    for (size_t i = 0; i < p.size(); ++i) {
        double d = g[i];
        if (s.decoupled)
            p[i] *= 1.0 - static_cast<double>(s.lr) * s.weight_decay;
        else
            d += static_cast<double>(s.weight_decay) * p[i];
        m[i] = s.beta1 * m[i] + (1.0 - s.beta1) * d;
        v[i] = s.beta2 * v[i] + (1.0 - s.beta2) * d * d;
        p[i] -= s.lr / bc1 * m[i] / (std::sqrt(v[i]) / std::sqrt(bc2) + s.eps);
    }
}

void rmsprop_step(Values& p, const std::vector<float>& g, Values& square_avg, Values* buffer,
                  const RmsPropStep& s) {
    for (size_t i = 0; i < p.size(); ++i) {
        const double d = g[i] + static_cast<double>(s.weight_decay) * p[i];
        square_avg[i] = s.alpha * square_avg[i] + (1.0 - s.alpha) * d * d;
        const double step = d / (std::sqrt(square_avg[i]) + s.eps);
        if (buffer) {
            (*buffer)[i] = s.momentum * (*buffer)[i] + step;
            p[i] -= s.lr * (*buffer)[i];
        } else {
            p[i] -= s.lr * step;
        }
    }
}

double sum_squares(const std::vector<float>& x) {
    double s = 0;
    for (float v : x) s += static_cast<double>(v) * v;
    return s;
}

TensorSummary summarize(const std::vector<float>& x, size_t items, float sat_lo, float sat_hi) {
    TensorSummary r;
    r.count = x.size();
    if (x.empty()) return r;
    r.min = r.max = x[0];
    for (float v : x) {
        r.sum += v;
        r.sum_sq += static_cast<double>(v) * v;
        r.sum_abs += std::fabs(v);
        r.min = std::min(r.min, v);
        r.max = std::max(r.max, v);
        r.nonpositive += v <= 0.0f;
        r.saturated += v <= sat_lo || v >= sat_hi;
    }
    r.features = x.size() / items;
    for (size_t f = 0; f < r.features; ++f) {
        bool dead = true;
        for (size_t i = 0; i < items; ++i) dead = dead && x[i * r.features + f] <= 0.0f;
        r.dead_features += dead;
    }
    return r;
}

std::vector<uint32_t> histogram(const std::vector<float>& x, float lo, float hi, int bins) {
    std::vector<uint32_t> counts(static_cast<size_t>(std::max(bins, 0)), 0);
    if (bins <= 0) return counts;
    // In float, as the bins are defined (a value on a bin edge lands in the same bin everywhere).
    const float w = hi > lo ? static_cast<float>(bins) / (hi - lo) : 0.0f;
    for (float v : x) {
        if (std::isnan(v)) continue;
        float f = (v - lo) * w;
        if (!(f > 0.0f)) f = 0.0f;  // below the range, or an infinite range (inf * 0)
        if (f > static_cast<float>(bins - 1)) f = static_cast<float>(bins - 1);
        ++counts[static_cast<size_t>(f)];
    }
    return counts;
}

}  // namespace gs::conformance::ref
