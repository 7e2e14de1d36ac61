// Conformance cases of pooling: max and average, forward and backward, with
// stride, padding, non-square windows and inputs, dropped last rows, and
// overlapping windows. Max pooling inputs are spaced apart (no near-ties).
#include "suite.h"

namespace gs::conformance {

namespace {

constexpr Tolerance kPool{1e-6, 1e-7};  // averages and overlapping gradients, summed in float

PoolParams pool(PoolKind kind, int kh, int kw, int sh, int sw, int ph, int pw) {
    PoolParams p;
    p.kind = kind;
    p.kh = kh, p.kw = kw, p.sh = sh, p.sw = sw, p.ph = ph, p.pw = pw;
    return p;
}

void add_pool(Cases& out, const ref::PoolShape& s, uint64_t seed, double lo, double hi,
              const std::string& what) {
    const bool is_max = s.p.kind == PoolKind::Max;
    const Shape xs{s.N, s.C, s.H, s.W}, ys{s.N, s.C, s.out_h(), s.out_w()};
    const std::string shapes = std::string(is_max ? "max" : "avg") + " x " + xs.str() + ", k " +
                               pair_str(s.p.kh, s.p.kw) + ", s " + pair_str(s.p.sh, s.p.sw) + ", p " +
                               pair_str(s.p.ph, s.p.pw) + what;
    out.push_back({shapes,
                   {{"pool2d forward", "y", is_max ? kExact : kPool},
                    {"pool2d backward", "dx", kPool}},
                   [=](Backend& be) {
                       const auto xv = distinct_values(xs.numel(), seed, lo, hi);
                       const auto dyv = random_values(ys.numel(), seed + 1);
                       Tensor x = make(be, xs, xv), y = garbage(be, ys), dx = garbage(be, xs);
                       const size_t ws_n = be.pool2d_workspace(s.p, xs);
                       Tensor ws = ws_n ? garbage(be, {static_cast<int>(ws_n)}) : Tensor();
                       be.pool2d_forward(s.p, x, y, ws_n ? &ws : nullptr);
                       be.pool2d_backward(s.p, x, make(be, ys, dyv), ws_n ? &ws : nullptr, dx);
                       return std::vector<Compared>{compare(y, ref::pool2d_forward(s, xv)),
                                                    compare(dx, ref::pool2d_backward(s, xv, dyv))};
                   }});
}

}  // namespace

void add_pool_cases(Cases& out, uint64_t seed) {
    for (PoolKind k : {PoolKind::Max, PoolKind::Avg}) {
        const ref::PoolShape shapes[] = {
            {2, 3, 12, 12, pool(k, 2, 2, 2, 2, 0, 0)},  // exact tiling
            {2, 3, 11, 11, pool(k, 2, 2, 2, 2, 0, 0)},  // 11x11 -> 5x5, last row and column dropped
            {1, 2, 7, 7, pool(k, 3, 3, 2, 2, 1, 1)},    // batch 1, padding
            {2, 2, 10, 9, pool(k, 3, 3, 2, 2, 1, 1)},   // non-square input
            {1, 4, 9, 13, pool(k, 3, 3, 3, 3, 0, 0)},   // 9x13 -> 3x4, last column dropped
            {3, 1, 6, 5, pool(k, 3, 3, 1, 1, 1, 1)},    // overlapping windows, stride 1
            {2, 3, 7, 9, pool(k, 2, 3, 1, 2, 1, 0)},    // non-square window, stride and padding
        };
        for (const auto& s : shapes) add_pool(out, s, seed += 10, -1, 1, "");
        // Every input negative: padding must not act as a zero that wins the max.
        add_pool(out, {1, 2, 7, 7, pool(k, 3, 3, 2, 2, 1, 1)}, seed += 10, -3, -1, ", x < 0");
    }
}

}  // namespace gs::conformance
