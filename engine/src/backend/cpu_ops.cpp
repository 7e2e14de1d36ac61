// The plain-loop half of the CPU backend: memory, activations, softmax,
// dropout, batch normalization, losses, optimizer updates and reductions.
// Loops over large tensors are split across threads with static schedules,
// and reductions add fixed-size blocks in a fixed order, so results do not
// depend on the number of threads.
#include <omp.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "backend/cpu_backend.h"
#include "gradscope/error.h"
#include "gradscope/rng.h"
#include "gradscope_kernels/elementwise.h"

namespace gs {

namespace {
// Below this many elements a loop stays on one thread (a fork costs ~1 us).
constexpr long kParallelMin = 1 << 15;
// The same for parallel_for's one-pass elementwise loops (activations,
// optimizer updates, scale): 128K floats take ~10-20 us on one core, and on a
// busy 2-core machine waking the second thread for each (a futex wake when it
// already slept) costs more than it saves. Measured on mlp-fashion (ReLU
// passes of 16K-64K floats, a 32K-weight update): 1 << 15 -> 1 << 17 took
// gradscope-bench b256 from 41.8K-74.0K (median 46.0K) to 52.6K-95.3K (60.9K)
// samples/s, b64 from 22.5K-36.3K (24.4K) to 22.4K-39.3K (27.8K), six
// alternating runs each on the shared machine (load 5).
constexpr long kParallelMinElementwise = 1 << 17;
constexpr long kBlock = 4096;  // reduction block

// Runs f(i) for i in [0, n): vectorized, and split across the threads only
// when n is large (a parallel region costs microseconds; classroom tensors
// have tens of elements).
template <typename F>
inline void parallel_for(long n, F&& f) {
    if (n < kParallelMinElementwise) {
#pragma omp simd
        for (long i = 0; i < n; ++i) f(i);
    } else {
#pragma omp parallel for simd schedule(static)
        for (long i = 0; i < n; ++i) f(i);
    }
}

// Sum of f(i) over [0, n) in double, by blocks added in order.
template <typename F>
double block_sum(long n, F&& f) {
    const long blocks = (n + kBlock - 1) / kBlock;
    if (blocks <= 1) {
        double s = 0;
        for (long i = 0; i < n; ++i) s += f(i);
        return s;
    }
    thread_local std::vector<double> partial;
    if (partial.size() < static_cast<size_t>(blocks)) partial.resize(static_cast<size_t>(blocks));
    double* ps = partial.data();
#pragma omp parallel for schedule(static) if (n >= kParallelMin)
    for (long b = 0; b < blocks; ++b) {
        double s = 0;
        const long end = std::min(n, (b + 1) * kBlock);
        for (long i = b * kBlock; i < end; ++i) s += f(i);
        ps[b] = s;
    }
    double s = 0;
    for (long b = 0; b < blocks; ++b) s += ps[b];
    return s;
}
}  // namespace

// ----------------------------------------------------------------- memory ---

// Each block starts with a 64-byte header holding its size, so deallocate()
// can keep the byte counts; the data after it stays 64-byte aligned.
float* CpuBackend::allocate(size_t count) {
    const size_t bytes = ((count * sizeof(float) + 63) / 64) * 64 + 64;
    void* p = std::aligned_alloc(64, bytes);
    if (!p) throw Error("out of memory: could not allocate " + std::to_string(bytes) + " bytes");
    std::memset(p, 0, bytes);
    *static_cast<size_t*>(p) = bytes;
    ++m_mem.allocations;
    m_mem.live_bytes += bytes;
    m_mem.peak_bytes = std::max(m_mem.peak_bytes, m_mem.live_bytes);
    return reinterpret_cast<float*>(static_cast<char*>(p) + 64);
}
void CpuBackend::deallocate(float* p) {
    if (!p) return;
    char* base = reinterpret_cast<char*>(p) - 64;
    m_mem.live_bytes -= *reinterpret_cast<size_t*>(base);
    std::free(base);
}
void CpuBackend::upload(float* dst, const float* host, size_t n) {
    std::memcpy(dst, host, n * sizeof(float));
}
void CpuBackend::download(float* host, const float* src, size_t n) {
    std::memcpy(host, src, n * sizeof(float));
}
void CpuBackend::copy(Tensor& dst, const Tensor& src) {
    if (dst.numel() != src.numel()) throw Error("copy between tensors of different sizes");
    std::memcpy(dst.data(), src.data(), src.numel() * sizeof(float));
}
void CpuBackend::fill(Tensor& t, float value) {
    float* p = t.data();
    const long n = static_cast<long>(t.numel());
    for (long i = 0; i < n; ++i) p[i] = value;
}

// ------------------------------------------------------------ activations ---

void CpuBackend::activation_forward(Activation a, float alpha, const Tensor& x, Tensor& y) {
    const float* xp = x.data();
    float* yp = y.data();
    const long n = static_cast<long>(x.numel());
#define GS_ACT_LOOP(F) parallel_for(n, [=](long i) { yp[i] = F; });
    switch (a) {
        case Activation::ReLU: GS_ACT_LOOP(kernels::relu(xp[i])) break;
        case Activation::LeakyReLU: GS_ACT_LOOP(kernels::leaky_relu(xp[i], alpha)) break;
        case Activation::Sigmoid: GS_ACT_LOOP(kernels::sigmoid(xp[i])) break;
        case Activation::Tanh: GS_ACT_LOOP(kernels::fast_tanh(xp[i])) break;
        case Activation::GELU: GS_ACT_LOOP(kernels::gelu(xp[i])) break;
    }
#undef GS_ACT_LOOP
}

void CpuBackend::activation_backward(Activation a, float alpha, const Tensor& x, const Tensor& y,
                                     const Tensor& dy, Tensor& dx) {
    const float* xp = x.data();
    const float* yp = y.data();
    const float* gp = dy.data();
    float* dp = dx.data();
    const long n = static_cast<long>(x.numel());
#define GS_ACT_LOOP(F) parallel_for(n, [=](long i) { dp[i] = gp[i] * (F); });
    switch (a) {
        case Activation::ReLU: GS_ACT_LOOP(kernels::relu_grad(xp[i])) break;
        case Activation::LeakyReLU: GS_ACT_LOOP(kernels::leaky_relu_grad(xp[i], alpha)) break;
        case Activation::Sigmoid: GS_ACT_LOOP(kernels::sigmoid_grad_from_y(yp[i])) break;
        case Activation::Tanh: GS_ACT_LOOP(kernels::tanh_grad_from_y(yp[i])) break;
        case Activation::GELU: GS_ACT_LOOP(kernels::gelu_grad(xp[i])) break;
    }
#undef GS_ACT_LOOP
}

void CpuBackend::softmax_forward(const Tensor& x, Tensor& y) {
    const int N = x.dim(0);
    const int F = static_cast<int>(x.shape().per_item());
    for (int n = 0; n < N; ++n) {
        const float* xr = x.data() + static_cast<size_t>(n) * F;
        float* yr = y.data() + static_cast<size_t>(n) * F;
        float mx = xr[0];
        for (int f = 1; f < F; ++f) mx = std::max(mx, xr[f]);
        float s = 0;
        for (int f = 0; f < F; ++f) s += (yr[f] = std::exp(xr[f] - mx));
        const float inv = 1.0f / s;
        for (int f = 0; f < F; ++f) yr[f] *= inv;
    }
}

void CpuBackend::softmax_backward(const Tensor& y, const Tensor& dy, Tensor& dx) {
    // dx_i = y_i (dy_i - sum_j dy_j y_j)
    const int N = y.dim(0);
    const int F = static_cast<int>(y.shape().per_item());
    for (int n = 0; n < N; ++n) {
        const size_t o = static_cast<size_t>(n) * F;
        float dot = 0;
        for (int f = 0; f < F; ++f) dot += dy.data()[o + f] * y.data()[o + f];
        for (int f = 0; f < F; ++f) dx.data()[o + f] = y.data()[o + f] * (dy.data()[o + f] - dot);
    }
}

void CpuBackend::dropout_forward(float p, uint64_t seed, uint64_t counter, const Tensor& x,
                                 Tensor& mask, Tensor& y) {
    const long n = static_cast<long>(x.numel());
    const float keep = 1.0f - p;
    const float scale = keep > 0 ? 1.0f / keep : 0.0f;
    float* mp = mask.data();
    float* yp = y.data();
    const float* xp = x.data();
#pragma omp parallel for schedule(static) if (n >= kParallelMin)
    for (long i = 0; i < n; ++i) {
        mp[i] = kernels::dropout_mask(uniform_from_counter(seed, counter, static_cast<uint64_t>(i)),
                                      p, scale);
        yp[i] = xp[i] * mp[i];
    }
}

void CpuBackend::multiply(const Tensor& a, const Tensor& b, Tensor& y) {
    const long n = static_cast<long>(a.numel());
    const float* ap = a.data();
    const float* bp = b.data();
    float* yp = y.data();
    parallel_for(n, [&](long i) { yp[i] = ap[i] * bp[i]; });
}

// ------------------------------------------------------------ batch norm ----

namespace {
// Views (N, C, S): S = H * W for images, 1 for features.
struct NcsView {
    int N, C;
    long S;
};
NcsView ncs(const Tensor& x) {
    const Shape& s = x.shape();
    long S = 1;
    for (int i = 2; i < s.rank; ++i) S *= s[i];
    return {s[0], s.rank >= 2 ? s[1] : 1, S};
}
}  // namespace

void CpuBackend::batchnorm_forward(bool training, float eps, float momentum, const Tensor& x,
                                   const Tensor& gamma, const Tensor& beta, Tensor& running_mean,
                                   Tensor& running_var, Tensor& save_mean, Tensor& save_invstd,
                                   Tensor& y) {
    const NcsView v = ncs(x);
    const float* xp = x.data();
    float* yp = y.data();
    const long count = static_cast<long>(v.N) * v.S;
#pragma omp parallel for schedule(static) if (x.numel() >= static_cast<size_t>(kParallelMin))
    for (int c = 0; c < v.C; ++c) {
        float mean, invstd;
        if (training) {
            double s = 0, ss = 0;
            for (int n = 0; n < v.N; ++n) {
                const float* r = xp + (static_cast<long>(n) * v.C + c) * v.S;
                for (long i = 0; i < v.S; ++i) s += r[i];
            }
            const double m = s / static_cast<double>(count);
            for (int n = 0; n < v.N; ++n) {
                const float* r = xp + (static_cast<long>(n) * v.C + c) * v.S;
                for (long i = 0; i < v.S; ++i) ss += (r[i] - m) * (r[i] - m);
            }
            const double var = ss / static_cast<double>(count);
            mean = static_cast<float>(m);
            invstd = static_cast<float>(1.0 / std::sqrt(var + eps));
            save_mean.data()[c] = mean;
            save_invstd.data()[c] = invstd;
            const double unbiased = count > 1 ? ss / static_cast<double>(count - 1) : var;
            running_mean.data()[c] = (1 - momentum) * running_mean.data()[c] + momentum * mean;
            running_var.data()[c] = static_cast<float>((1 - momentum) * running_var.data()[c] +
                                                       momentum * unbiased);
        } else {
            mean = running_mean.data()[c];
            invstd = 1.0f / std::sqrt(running_var.data()[c] + eps);
        }
        const float g = gamma.data()[c], b = beta.data()[c];
        for (int n = 0; n < v.N; ++n) {
            const long o = (static_cast<long>(n) * v.C + c) * v.S;
            for (long i = 0; i < v.S; ++i) yp[o + i] = (xp[o + i] - mean) * invstd * g + b;
        }
    }
}

void CpuBackend::batchnorm_backward(const Tensor& x, const Tensor& gamma, const Tensor& save_mean,
                                    const Tensor& save_invstd, const Tensor& dy, Tensor& dx,
                                    Tensor& dgamma, Tensor& dbeta) {
    const NcsView v = ncs(x);
    const float* xp = x.data();
    const float* gp = dy.data();
    float* dp = dx.data();
    const double count = static_cast<double>(v.N) * static_cast<double>(v.S);
#pragma omp parallel for schedule(static) if (x.numel() >= static_cast<size_t>(kParallelMin))
    for (int c = 0; c < v.C; ++c) {
        const float mean = save_mean.data()[c], invstd = save_invstd.data()[c];
        double sdy = 0, sdyx = 0;
        for (int n = 0; n < v.N; ++n) {
            const long o = (static_cast<long>(n) * v.C + c) * v.S;
            for (long i = 0; i < v.S; ++i) {
                sdy += gp[o + i];
                sdyx += gp[o + i] * (xp[o + i] - mean) * invstd;
            }
        }
        dgamma.data()[c] = static_cast<float>(sdyx);
        dbeta.data()[c] = static_cast<float>(sdy);
        const float k = gamma.data()[c] * invstd;
        const float mdy = static_cast<float>(sdy / count), mdyx = static_cast<float>(sdyx / count);
        for (int n = 0; n < v.N; ++n) {
            const long o = (static_cast<long>(n) * v.C + c) * v.S;
            for (long i = 0; i < v.S; ++i) {
                const float xh = (xp[o + i] - mean) * invstd;
                dp[o + i] = k * (gp[o + i] - mdy - xh * mdyx);
            }
        }
    }
}

// ----------------------------------------------------------------- losses ---

namespace {

// outcomes (when asked for) holds a row of kLossItemColumns per item.
void check_outcomes(const Tensor* outcomes, int N) {
    if (outcomes && outcomes->numel() < static_cast<size_t>(N) * kLossItemColumns)
        throw Error("the per-item loss outcomes need " + std::to_string(N) + " x " +
                    std::to_string(kLossItemColumns) + " floats, got " +
                    std::to_string(outcomes->numel()));
}

}  // namespace

LossSums CpuBackend::softmax_cross_entropy(const Tensor& logits, const Tensor& labels,
                                           Tensor* dlogits, Tensor* outcomes) {
    const int N = logits.dim(0);
    const int K = static_cast<int>(logits.shape().per_item());
    const float invn = 1.0f / static_cast<float>(N);
    check_outcomes(outcomes, N);
    LossSums r;
    r.correct = 0;
    for (int n = 0; n < N; ++n) {
        const float* z = logits.data() + static_cast<size_t>(n) * K;
        const float lf = labels.data()[n];
        if (!(lf >= 0 && lf < static_cast<float>(K)) || lf != std::floor(lf))
            throw Error("label " + std::to_string(lf) + " is not a class of a " +
                        std::to_string(K) + "-way output");
        const int label = static_cast<int>(lf);
        int arg = 0;
        float mx = z[0];
        for (int k = 1; k < K; ++k)
            if (z[k] > mx) mx = z[k], arg = k;
        // Softmax in float (into dlogits when asked), the sum in double.
        float* d = dlogits ? dlogits->data() + static_cast<size_t>(n) * K : nullptr;
        double s = 0;
        for (int k = 0; k < K; ++k) {
            const float e = kernels::fast_exp(z[k] - mx);
            if (d) d[k] = e;
            s += e;
        }
        r.loss_sum += std::log(s) + mx - z[label];
        if (arg == label) ++r.correct;
        if (outcomes) {
            // The arg max's exponential is exp(0) = 1.
            float* o = outcomes->data() + static_cast<size_t>(n) * kLossItemColumns;
            o[kItemPTrue] = static_cast<float>(kernels::fast_exp(z[label] - mx) / s);
            o[kItemLabel] = static_cast<float>(label);
            o[kItemPredicted] = static_cast<float>(arg);
            o[kItemPPredicted] = static_cast<float>(1.0 / s);
        }
        if (d) {
            const float scale = static_cast<float>(1.0 / s) * invn;
            for (int k = 0; k < K; ++k) d[k] *= scale;
            d[label] -= invn;
        }
    }
    return r;
}

LossSums CpuBackend::sigmoid_binary_cross_entropy(const Tensor& logits, const Tensor& targets,
                                                  Tensor* dlogits, Tensor* outcomes) {
    const int N = logits.dim(0);
    const float invn = 1.0f / static_cast<float>(N);
    check_outcomes(outcomes, N);
    LossSums r;
    r.correct = 0;
    for (int n = 0; n < N; ++n) {
        const float z = logits.data()[n], t = targets.data()[n];
        r.loss_sum += kernels::bce_with_logits(z, t);
        if ((z > 0) == (t > 0.5f)) ++r.correct;
        if (dlogits) dlogits->data()[n] = (kernels::sigmoid(z) - t) * invn;
        if (outcomes)
            kernels::bce_item_outcome(z, t, outcomes->data() + static_cast<size_t>(n) * kLossItemColumns);
    }
    return r;
}

LossSums CpuBackend::mean_squared_error(const Tensor& pred, const Tensor& target, bool classify,
                                        Tensor* dpred) {
    const int N = pred.dim(0);
    const int F = static_cast<int>(pred.shape().per_item());
    const float g = 2.0f / (static_cast<float>(N) * static_cast<float>(F));
    LossSums r;
    if (classify) r.correct = 0;
    for (int n = 0; n < N; ++n) {
        double s = 0;
        bool ok = true;
        for (int f = 0; f < F; ++f) {
            const size_t i = static_cast<size_t>(n) * F + f;
            const float e = pred.data()[i] - target.data()[i];
            s += static_cast<double>(e) * e;
            ok = ok && std::fabs(e) < 0.5f;
            if (dpred) dpred->data()[i] = g * e;
        }
        r.loss_sum += s / F;
        if (classify && ok) ++r.correct;
    }
    return r;
}

// ------------------------------------------------------------- optimizers ---

void CpuBackend::sgd_update(Tensor& param, const Tensor& grad, Tensor* velocity, const SgdStep& s) {
    const long n = static_cast<long>(param.numel());
    float* p = param.data();
    const float* g = grad.data();
    if (velocity) {
        float* v = velocity->data();
        parallel_for(n, [&](long i) { kernels::sgd_momentum_step(p[i], g[i], v[i], s); });
    } else {
        parallel_for(n, [&](long i) { kernels::sgd_step(p[i], g[i], s); });
    }
}

void CpuBackend::adam_update(Tensor& param, const Tensor& grad, Tensor& m, Tensor& v,
                             const AdamStep& s) {
    const long n = static_cast<long>(param.numel());
    float* p = param.data();
    const float* g = grad.data();
    float* mp = m.data();
    float* vp = v.data();
    const kernels::AdamFactors f = kernels::adam_factors(s);
    parallel_for(n, [&](long i) { kernels::adam_step(p[i], g[i], mp[i], vp[i], s, f); });
}

void CpuBackend::rmsprop_update(Tensor& param, const Tensor& grad, Tensor& square_avg,
                                Tensor* buffer, const RmsPropStep& s) {
    const long n = static_cast<long>(param.numel());
    float* p = param.data();
    const float* g = grad.data();
    float* sq = square_avg.data();
    if (buffer) {
        float* b = buffer->data();
        parallel_for(n, [&](long i) { kernels::rmsprop_momentum_step(p[i], g[i], sq[i], b[i], s); });
    } else {
        parallel_for(n, [&](long i) { kernels::rmsprop_step(p[i], g[i], sq[i], s); });
    }
}

// ------------------------------------------------------------- reductions ---

namespace {
// Sum of squares of p[0..n) in double with eight running sums side by side
// (one chain of dependent additions would take four cycles an element), added
// up in a fixed order, so the result is the same on every run.
double sum_squares_block(const float* p, long n) {
    double acc[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    long i = 0;
    for (; i + 8 <= n; i += 8)
        for (int k = 0; k < 8; ++k) acc[k] += static_cast<double>(p[i + k]) * p[i + k];
    for (; i < n; ++i) acc[0] += static_cast<double>(p[i]) * p[i];
    return ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7]));
}
}  // namespace

double CpuBackend::sum_squares(const Tensor& t) {
    const float* p = t.data();
    const long n = static_cast<long>(t.numel());
    const long blocks = (n + kBlock - 1) / kBlock;
    if (blocks <= 1) return sum_squares_block(p, n);
    thread_local std::vector<double> partial;
    if (partial.size() < static_cast<size_t>(blocks)) partial.resize(static_cast<size_t>(blocks));
    double* ps = partial.data();
    if (n >= kParallelMin) {
#pragma omp parallel for schedule(static)
        for (long b = 0; b < blocks; ++b)
            ps[b] = sum_squares_block(p + b * kBlock, std::min(kBlock, n - b * kBlock));
    } else {
        for (long b = 0; b < blocks; ++b)
            ps[b] = sum_squares_block(p + b * kBlock, std::min(kBlock, n - b * kBlock));
    }
    double s = 0;
    for (long b = 0; b < blocks; ++b) s += ps[b];
    return s;
}

void CpuBackend::scale(Tensor& t, float factor) {
    const long n = static_cast<long>(t.numel());
    float* p = t.data();
    parallel_for(n, [&](long i) { p[i] *= factor; });
}

}  // namespace gs
