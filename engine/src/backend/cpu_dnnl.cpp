// The oneDNN half of the CPU backend: dense (matmul), convolution and pooling.
// Each primitive is created once per shape (the first creation JIT-compiles,
// ~tens of ms) and kept with its memory objects, C argument list and a user
// scratchpad, so a call only rebinds data pointers: no allocation per step.
#include <omp.h>
#include <oneapi/dnnl/dnnl.hpp>

#include <array>
#include <cstring>
#include <memory>
#include <unordered_map>
#include <vector>

#include "backend/cpu_backend.h"
#include "gradscope/error.h"
#include "gradscope/rng.h"

namespace gs {

using dnnl::memory;
using dt = memory::data_type;
using tag = memory::format_tag;

namespace {

enum Op : int {
    kDenseFwd = 1, kDenseBwdData, kDenseBwdWeights,
    kConvFwd = 10, kConvBwdData, kConvBwdWeights,
    kPoolFwd = 20, kPoolBwd,
};

struct PrimKey {
    int op = 0;
    std::array<int, 13> v{};
    bool operator==(const PrimKey&) const = default;
};

struct PrimKeyHash {
    size_t operator()(const PrimKey& k) const {
        uint64_t h = static_cast<uint64_t>(k.op);
        for (int x : k.v) h = mix64(h ^ static_cast<uint32_t>(x));
        return static_cast<size_t>(h);
    }
};

// While it lives, OpenMP regions this thread starts get one thread (when on).
// oneDNN takes its thread count from omp_get_max_threads() when a primitive
// is made, and runs a one-thread primitive without a parallel region.
struct OneThread {
    explicit OneThread(bool on) : saved(on ? omp_get_max_threads() : 0) {
        if (on) omp_set_num_threads(1);
    }
    ~OneThread() {
        if (saved) omp_set_num_threads(saved);
    }
    OneThread(const OneThread&) = delete;
    OneThread& operator=(const OneThread&) = delete;
    int saved;
};

// A primitive ready to run. Callers bind plain (row-major, NCHW) buffers;
// where the primitive prefers another layout (blocked formats for
// convolution and pooling), the entry owns a buffer in that layout and
// reorders into it before the call or out of it after. Everything is made
// once; a call rebinds data pointers and runs.
struct Prim {
    struct Reorder {
        dnnl::primitive prim;
        std::array<dnnl_exec_arg_t, 2> args;
    };
    dnnl::primitive prim;
    std::vector<memory> user;   // bound per call, in add() order
    std::vector<memory> inner;  // the primitive's own layouts
    std::vector<std::unique_ptr<uint8_t[]>> buffers;
    std::vector<dnnl_exec_arg_t> args;
    std::vector<Reorder> before, after;
    size_t workspace_bytes = 0;
    bool one_thread = false;  // made and run with OpenMP limited to one thread

    // An argument the caller binds in layout user_md; impl_md is what the
    // primitive wants. Returns the bind index.
    size_t add(int arg, const memory::desc& impl_md, const memory::desc& user_md, bool output,
               const dnnl::engine& eng) {
        user.emplace_back(user_md, eng, static_cast<void*>(nullptr));
        dnnl_memory_t u = user.back().get();
        if (impl_md == user_md) {
            args.push_back({arg, u});
            return user.size() - 1;
        }
        buffers.emplace_back(new uint8_t[impl_md.get_size()]);
        inner.emplace_back(impl_md, eng, buffers.back().get());
        dnnl_memory_t in = inner.back().get();
        Reorder r;
        r.prim = output ? dnnl::reorder(inner.back(), user.back())
                        : dnnl::reorder(user.back(), inner.back());
        r.args = {{{DNNL_ARG_FROM, output ? in : u}, {DNNL_ARG_TO, output ? u : in}}};
        (output ? after : before).push_back(std::move(r));
        args.push_back({arg, in});
        return user.size() - 1;
    }
    size_t add(int arg, const memory::desc& md, const dnnl::engine& eng) {
        return add(arg, md, md, false, eng);
    }
    void add_scratchpad(const memory::desc& md, const dnnl::engine& eng) {
        const size_t bytes = md.get_size();
        if (bytes == 0) return;
        buffers.emplace_back(new uint8_t[bytes]);
        inner.emplace_back(md, eng, buffers.back().get());
        args.push_back({DNNL_ARG_SCRATCHPAD, inner.back().get()});
    }
    void bind(size_t i, const float* p) { user[i].set_data_handle(const_cast<float*>(p)); }
    void run(const dnnl::stream& s) {
        const OneThread guard(one_thread);
        for (auto& r : before) exec(r.prim, s, r.args.data(), 2);
        exec(prim, s, args.data(), static_cast<int>(args.size()));
        for (auto& r : after) exec(r.prim, s, r.args.data(), 2);
    }
    static void exec(const dnnl::primitive& p, const dnnl::stream& s, const dnnl_exec_arg_t* a,
                     int n) {
        dnnl_status_t st = dnnl_primitive_execute(p.get(), s.get(), n, a);
        if (st != dnnl_success)
            throw Error("oneDNN failed to run a primitive (status " +
                        std::to_string(static_cast<int>(st)) + ")");
    }
};

memory::desc plain(const memory::dims& dims) {
    switch (dims.size()) {
        case 1: return memory::desc(dims, dt::f32, tag::a);
        case 2: return memory::desc(dims, dt::f32, tag::ab);
        default: return memory::desc(dims, dt::f32, tag::abcd);
    }
}

dnnl::primitive_attr user_scratchpad() {
    dnnl::primitive_attr attr;
    attr.set_scratchpad_mode(dnnl::scratchpad_mode::user);
    return attr;
}

int out_size(int in, int k, int s, int p) { return (in + 2 * p - k) / s + 1; }

// db(M) = the column sums of dy (N, M), each over n in order (the result does
// not depend on the vector width). Vectorized across columns: without the
// restrict and simd, GCC at -O2 left this loop scalar (it may not prove that
// db and dy do not overlap), 2% of an mlp-fashion step on one thread.
void bias_gradient(const float* __restrict dy, int N, int M, float* __restrict db) {
    for (int m = 0; m < M; ++m) db[m] = 0.0f;
    for (int n = 0; n < N; ++n) {
        const float* __restrict row = dy + static_cast<size_t>(n) * M;
#pragma omp simd
        for (int m = 0; m < M; ++m) db[m] += row[m];
    }
}

}  // namespace

class DnnlOps {
public:
    DnnlOps() : m_eng(dnnl::engine::kind::cpu, 0), m_stream(m_eng) {}

    // one_thread: the primitive is made (and later run) on one thread.
    template <typename Build>
    Prim& get(const PrimKey& key, Build&& build, bool one_thread = false) {
        auto it = m_cache.find(key);
        if (it != m_cache.end()) return *it->second;
        auto p = std::make_unique<Prim>();
        p->one_thread = one_thread;
        try {
            const OneThread guard(one_thread);
            build(*p);
        } catch (const dnnl::error& e) {
            throw Error(std::string("oneDNN could not create a primitive: ") + e.what());
        }
        return *m_cache.emplace(key, std::move(p)).first->second;
    }

    const dnnl::engine& eng() const { return m_eng; }
    const dnnl::stream& stream() const { return m_stream; }

private:
    dnnl::engine m_eng;
    dnnl::stream m_stream;
    std::unordered_map<PrimKey, std::unique_ptr<Prim>, PrimKeyHash> m_cache;
};

CpuBackend::CpuBackend() : m_dnnl(std::make_unique<DnnlOps>()) {}
CpuBackend::~CpuBackend() = default;

// ---------------------------------------------------------------- dense ----

void CpuBackend::dense_forward(const Tensor& x, const Tensor& w, const Tensor* b, Tensor& y) {
    // x: (N, K), w: (M, K), b: (M), y: (N, M)
    const int N = x.dim(0), K = static_cast<int>(x.shape().per_item()), M = w.dim(0);
    const float* xp = x.data();
    const float* wp = w.data();
    float* yp = y.data();
    if (static_cast<size_t>(N) * M * K <= kSmallGemmMacs) {
        const float* bp = b ? b->data() : nullptr;
        for (int n = 0; n < N; ++n) {
            const float* xr = xp + static_cast<size_t>(n) * K;
            for (int m = 0; m < M; ++m) {
                const float* wr = wp + static_cast<size_t>(m) * K;
                float acc = bp ? bp[m] : 0.0f;
                for (int k = 0; k < K; ++k) acc += xr[k] * wr[k];
                yp[static_cast<size_t>(n) * M + m] = acc;
            }
        }
        return;
    }
    const bool one_thread = static_cast<size_t>(N) * M * K <= kOneThreadGemmMacs;
    PrimKey key{kDenseFwd, {N, K, M, b != nullptr}};
    auto& eng = m_dnnl->eng();
    Prim& p = m_dnnl->get(key, [&](Prim& p) {
        memory::desc src = plain({N, K});
        memory::desc wei({K, M}, dt::f32, memory::dims{1, K});  // w^T without a copy
        memory::desc bias = plain({1, M});
        memory::desc dst = plain({N, M});
        auto d = b ? dnnl::matmul::desc(src, wei, bias, dst) : dnnl::matmul::desc(src, wei, dst);
        dnnl::matmul::primitive_desc pd(d, user_scratchpad(), eng);
        p.prim = dnnl::matmul(pd);
        p.add(DNNL_ARG_SRC, src, eng);
        p.add(DNNL_ARG_WEIGHTS, wei, eng);
        p.add(DNNL_ARG_DST, dst, eng);
        if (b) {
            p.add(DNNL_ARG_BIAS, bias, eng);
        }
        p.add_scratchpad(pd.scratchpad_desc(), eng);
    }, one_thread);
    p.bind(0, xp);
    p.bind(1, wp);
    p.bind(2, yp);
    if (b) p.bind(3, b->data());
    p.run(m_dnnl->stream());
}

void CpuBackend::dense_backward(const Tensor& x, const Tensor& w, const Tensor& dy, Tensor* dx,
                                Tensor& dw, Tensor* db) {
    // x: (N, K), w: (M, K), dy: (N, M) -> dx: (N, K), dw: (M, K), db: (M)
    const int N = x.dim(0), K = static_cast<int>(x.shape().per_item()), M = w.dim(0);
    const float* xp = x.data();
    const float* wp = w.data();
    const float* gp = dy.data();
    float* dwp = dw.data();
    if (db) bias_gradient(gp, N, M, db->data());
    if (static_cast<size_t>(N) * M * K <= kSmallGemmMacs) {
        std::memset(dwp, 0, sizeof(float) * static_cast<size_t>(M) * K);
        for (int n = 0; n < N; ++n) {
            const float* xr = xp + static_cast<size_t>(n) * K;
            for (int m = 0; m < M; ++m) {
                const float a = gp[static_cast<size_t>(n) * M + m];
                float* dr = dwp + static_cast<size_t>(m) * K;
                for (int k = 0; k < K; ++k) dr[k] += a * xr[k];
            }
        }
        if (dx) {
            float* dxp = dx->data();
            for (int n = 0; n < N; ++n) {
                float* dr = dxp + static_cast<size_t>(n) * K;
                std::memset(dr, 0, sizeof(float) * static_cast<size_t>(K));
                for (int m = 0; m < M; ++m) {
                    const float a = gp[static_cast<size_t>(n) * M + m];
                    const float* wr = wp + static_cast<size_t>(m) * K;
                    for (int k = 0; k < K; ++k) dr[k] += a * wr[k];
                }
            }
        }
        return;
    }
    auto& eng = m_dnnl->eng();
    const bool one_thread = static_cast<size_t>(N) * M * K <= kOneThreadGemmMacs;
    // dw(M, K) = dy^T(M, N) x(N, K)
    Prim& pw = m_dnnl->get(PrimKey{kDenseBwdWeights, {N, K, M}}, [&](Prim& p) {
        memory::desc src({M, N}, dt::f32, memory::dims{1, M});
        memory::desc wei = plain({N, K});
        memory::desc dst = plain({M, K});
        dnnl::matmul::primitive_desc pd(dnnl::matmul::desc(src, wei, dst), user_scratchpad(), eng);
        p.prim = dnnl::matmul(pd);
        p.add(DNNL_ARG_SRC, src, eng);
        p.add(DNNL_ARG_WEIGHTS, wei, eng);
        p.add(DNNL_ARG_DST, dst, eng);
        p.add_scratchpad(pd.scratchpad_desc(), eng);
    }, one_thread);
    pw.bind(0, gp);
    pw.bind(1, xp);
    pw.bind(2, dwp);
    pw.run(m_dnnl->stream());
    if (!dx) return;
    // dx(N, K) = dy(N, M) w(M, K)
    Prim& pd_ = m_dnnl->get(PrimKey{kDenseBwdData, {N, K, M}}, [&](Prim& p) {
        memory::desc src = plain({N, M});
        memory::desc wei = plain({M, K});
        memory::desc dst = plain({N, K});
        dnnl::matmul::primitive_desc pd(dnnl::matmul::desc(src, wei, dst), user_scratchpad(), eng);
        p.prim = dnnl::matmul(pd);
        p.add(DNNL_ARG_SRC, src, eng);
        p.add(DNNL_ARG_WEIGHTS, wei, eng);
        p.add(DNNL_ARG_DST, dst, eng);
        p.add_scratchpad(pd.scratchpad_desc(), eng);
    }, one_thread);
    pd_.bind(0, gp);
    pd_.bind(1, wp);
    pd_.bind(2, dx->data());
    pd_.run(m_dnnl->stream());
}

// ---------------------------------------------------------- convolution ----
// Forward and backward-data let oneDNN choose blocked layouts (format any:
// direct JIT kernels, 2-4x faster than im2col on plain NCHW for cnn-fashion,
// reorders included); the entries reorder from and to the callers' NCHW /
// OIHW buffers. Backward-weights does the same for inputs of few channels
// but stays on plain layouts otherwise: measured with ONEDNN_VERBOSE=1 on
// cnn-fashion b64 (one run; this machine drifts), blocked was faster for
// the 1->32 layer (2.4 vs 3.4 ms)
// and slower for the 32->64 layer (4.8 vs 2.6 ms).

namespace {

struct ConvDescs {
    memory::desc src, wei, bias, dst;           // plain, as the caller holds them
    memory::desc any_src, any_wei, any_dst;     // for the primitive to choose
    memory::dims strides, pad;
};

memory::desc any(const memory::dims& dims) { return memory::desc(dims, dt::f32, tag::any); }

ConvDescs conv_descs(const ConvParams& p, int N, int C, int H, int W, int O) {
    const int Ho = out_size(H, p.kh, p.sh, p.ph), Wo = out_size(W, p.kw, p.sw, p.pw);
    return {plain({N, C, H, W}),   plain({O, C, p.kh, p.kw}), plain({O}),
            plain({N, O, Ho, Wo}), any({N, C, H, W}),         any({O, C, p.kh, p.kw}),
            any({N, O, Ho, Wo}),   {p.sh, p.sw},              {p.ph, p.pw}};
}

dnnl::convolution_forward::primitive_desc conv_fwd_pd(const ConvDescs& d, bool bias,
                                                      const dnnl::engine& eng) {
    const auto prop = dnnl::prop_kind::forward_training;
    const auto alg = dnnl::algorithm::convolution_direct;
    auto desc = bias ? dnnl::convolution_forward::desc(prop, alg, d.any_src, d.any_wei, d.bias,
                                                       d.any_dst, d.strides, d.pad, d.pad)
                     : dnnl::convolution_forward::desc(prop, alg, d.any_src, d.any_wei, d.any_dst,
                                                       d.strides, d.pad, d.pad);
    return dnnl::convolution_forward::primitive_desc(desc, user_scratchpad(), eng);
}

}  // namespace

void CpuBackend::conv2d_forward(const ConvParams& cp, const Tensor& x, const Tensor& w,
                                const Tensor* b, Tensor& y) {
    // x: (N, C, H, W), w: (O, C, KH, KW), b: (O), y: (N, O, Ho, Wo)
    const int N = x.dim(0), C = x.dim(1), H = x.dim(2), W = x.dim(3), O = w.dim(0);
    auto& eng = m_dnnl->eng();
    PrimKey key{kConvFwd, {N, C, H, W, O, cp.kh, cp.kw, cp.sh, cp.sw, cp.ph, cp.pw, b != nullptr}};
    Prim& p = m_dnnl->get(key, [&](Prim& p) {
        ConvDescs d = conv_descs(cp, N, C, H, W, O);
        auto pd = conv_fwd_pd(d, b != nullptr, eng);
        p.prim = dnnl::convolution_forward(pd);
        p.add(DNNL_ARG_SRC, pd.src_desc(), d.src, false, eng);
        p.add(DNNL_ARG_WEIGHTS, pd.weights_desc(), d.wei, false, eng);
        p.add(DNNL_ARG_DST, pd.dst_desc(), d.dst, true, eng);
        if (b) p.add(DNNL_ARG_BIAS, d.bias, eng);
        p.add_scratchpad(pd.scratchpad_desc(), eng);
    });
    p.bind(0, x.data());
    p.bind(1, w.data());
    p.bind(2, y.data());
    if (b) p.bind(3, b->data());
    p.run(m_dnnl->stream());
}

void CpuBackend::conv2d_backward(const ConvParams& cp, const Tensor& x, const Tensor& w,
                                 const Tensor& dy, Tensor* dx, Tensor& dw, Tensor* db) {
    const int N = x.dim(0), C = x.dim(1), H = x.dim(2), W = x.dim(3), O = w.dim(0);
    auto& eng = m_dnnl->eng();
    const auto alg = dnnl::algorithm::convolution_direct;
    PrimKey kw{kConvBwdWeights,
               {N, C, H, W, O, cp.kh, cp.kw, cp.sh, cp.sw, cp.ph, cp.pw, db != nullptr}};
    Prim& pw = m_dnnl->get(kw, [&](Prim& p) {
        ConvDescs d = conv_descs(cp, N, C, H, W, O);
        auto hint = conv_fwd_pd(d, db != nullptr, eng);
        const bool blocked = C < 16;
        const auto& src = blocked ? d.any_src : d.src;
        const auto& wei = blocked ? d.any_wei : d.wei;
        const auto& dst = blocked ? d.any_dst : d.dst;
        auto desc = db ? dnnl::convolution_backward_weights::desc(alg, src, wei, d.bias, dst,
                                                                  d.strides, d.pad, d.pad)
                       : dnnl::convolution_backward_weights::desc(alg, src, wei, dst, d.strides,
                                                                  d.pad, d.pad);
        dnnl::convolution_backward_weights::primitive_desc pd(desc, user_scratchpad(), eng, hint);
        p.prim = dnnl::convolution_backward_weights(pd);
        p.add(DNNL_ARG_SRC, pd.src_desc(), d.src, false, eng);
        p.add(DNNL_ARG_DIFF_DST, pd.diff_dst_desc(), d.dst, false, eng);
        p.add(DNNL_ARG_DIFF_WEIGHTS, pd.diff_weights_desc(), d.wei, true, eng);
        if (db) p.add(DNNL_ARG_DIFF_BIAS, d.bias, eng);
        p.add_scratchpad(pd.scratchpad_desc(), eng);
    });
    pw.bind(0, x.data());
    pw.bind(1, dy.data());
    pw.bind(2, dw.data());
    if (db) pw.bind(3, db->data());
    pw.run(m_dnnl->stream());
    if (!dx) return;
    PrimKey kd{kConvBwdData, {N, C, H, W, O, cp.kh, cp.kw, cp.sh, cp.sw, cp.ph, cp.pw}};
    Prim& pdata = m_dnnl->get(kd, [&](Prim& p) {
        ConvDescs d = conv_descs(cp, N, C, H, W, O);
        auto hint = conv_fwd_pd(d, false, eng);
        dnnl::convolution_backward_data::desc desc(alg, d.any_src, d.any_wei, d.any_dst, d.strides,
                                                   d.pad, d.pad);
        dnnl::convolution_backward_data::primitive_desc pd(desc, user_scratchpad(), eng, hint);
        p.prim = dnnl::convolution_backward_data(pd);
        p.add(DNNL_ARG_DIFF_DST, pd.diff_dst_desc(), d.dst, false, eng);
        p.add(DNNL_ARG_WEIGHTS, pd.weights_desc(), d.wei, false, eng);
        p.add(DNNL_ARG_DIFF_SRC, pd.diff_src_desc(), d.src, true, eng);
        p.add_scratchpad(pd.scratchpad_desc(), eng);
    });
    pdata.bind(0, dy.data());
    pdata.bind(1, w.data());
    pdata.bind(2, dx->data());
    pdata.run(m_dnnl->stream());
}

// -------------------------------------------------------------- pooling ----

namespace {

struct PoolDescs {
    memory::desc src, dst;
    memory::dims strides, kernel, pad_l, pad_r;
    dnnl::algorithm alg;
};

PoolDescs pool_descs(const PoolParams& p, int N, int C, int H, int W) {
    const int Ho = out_size(H, p.kh, p.sh, p.ph), Wo = out_size(W, p.kw, p.sw, p.pw);
    // Right padding that makes oneDNN's size rule give exactly (Ho, Wo).
    const int prh = (Ho - 1) * p.sh + p.kh - H - p.ph;
    const int prw = (Wo - 1) * p.sw + p.kw - W - p.pw;
    return {plain({N, C, H, W}), plain({N, C, Ho, Wo}), {p.sh, p.sw}, {p.kh, p.kw},
            {p.ph, p.pw}, {prh, prw},
            p.kind == PoolKind::Max ? dnnl::algorithm::pooling_max
                                    : dnnl::algorithm::pooling_avg_exclude_padding};
}

dnnl::pooling_forward::primitive_desc pool_fwd_pd(const PoolDescs& d, const dnnl::engine& eng) {
    dnnl::pooling_forward::desc desc(dnnl::prop_kind::forward_training, d.alg, d.src, d.dst,
                                     d.strides, d.kernel, d.pad_l, d.pad_r);
    return dnnl::pooling_forward::primitive_desc(desc, user_scratchpad(), eng);
}

PrimKey pool_key(int op, const PoolParams& p, const Shape& x) {
    return PrimKey{op, {static_cast<int>(p.kind), x[0], x[1], x[2], x[3], p.kh, p.kw, p.sh, p.sw,
                        p.ph, p.pw}};
}

}  // namespace

namespace {

Prim& pool_forward_prim(DnnlOps& ops, const PoolParams& pp, const Shape& x) {
    auto& eng = ops.eng();
    return ops.get(pool_key(kPoolFwd, pp, x), [&](Prim& p) {
        PoolDescs d = pool_descs(pp, x[0], x[1], x[2], x[3]);
        auto pd = pool_fwd_pd(d, eng);
        p.prim = dnnl::pooling_forward(pd);
        p.add(DNNL_ARG_SRC, d.src, eng);
        p.add(DNNL_ARG_DST, d.dst, eng);
        p.workspace_bytes = pd.workspace_desc().get_size();
        if (p.workspace_bytes) {
            p.add(DNNL_ARG_WORKSPACE, pd.workspace_desc(), eng);
        }
        p.add_scratchpad(pd.scratchpad_desc(), eng);
    });
}

}  // namespace

size_t CpuBackend::pool2d_workspace(const PoolParams& pp, const Shape& x) {
    Prim& p = pool_forward_prim(*m_dnnl, pp, x);
    return (p.workspace_bytes + sizeof(float) - 1) / sizeof(float);
}

void CpuBackend::pool2d_forward(const PoolParams& pp, const Tensor& x, Tensor& y, Tensor* ws) {
    Prim& p = pool_forward_prim(*m_dnnl, pp, x.shape());
    p.bind(0, x.data());
    p.bind(1, y.data());
    if (p.workspace_bytes) {
        if (!ws || ws->numel() * sizeof(float) < p.workspace_bytes)
            throw Error("max pooling needs a workspace of " + std::to_string(p.workspace_bytes) +
                        " bytes");
        p.bind(2, ws->data());
    }
    p.run(m_dnnl->stream());
}

void CpuBackend::pool2d_backward(const PoolParams& pp, const Tensor& x, const Tensor& dy,
                                 const Tensor* ws, Tensor& dx) {
    auto& eng = m_dnnl->eng();
    Prim& p = m_dnnl->get(pool_key(kPoolBwd, pp, x.shape()), [&](Prim& p) {
        PoolDescs d = pool_descs(pp, x.dim(0), x.dim(1), x.dim(2), x.dim(3));
        auto hint = pool_fwd_pd(d, eng);
        dnnl::pooling_backward::desc desc(d.alg, d.src, d.dst, d.strides, d.kernel, d.pad_l,
                                          d.pad_r);
        dnnl::pooling_backward::primitive_desc pd(desc, user_scratchpad(), eng, hint);
        p.prim = dnnl::pooling_backward(pd);
        p.add(DNNL_ARG_DIFF_DST, d.dst, eng);
        p.add(DNNL_ARG_DIFF_SRC, d.src, eng);
        p.workspace_bytes = hint.workspace_desc().get_size();
        if (p.workspace_bytes) {
            p.add(DNNL_ARG_WORKSPACE, hint.workspace_desc(), eng);
        }
        p.add_scratchpad(pd.scratchpad_desc(), eng);
    });
    p.bind(0, dy.data());
    p.bind(1, dx.data());
    if (p.workspace_bytes) {
        if (!ws) throw Error("max pooling backward needs the forward's workspace");
        p.bind(2, ws->data());
    }
    p.run(m_dnnl->stream());
}

}  // namespace gs
