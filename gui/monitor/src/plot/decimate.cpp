// Min/max pyramid and pixel-column decimation (see decimate.h).
#include "plot/decimate.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace gs::plot {

namespace {

constexpr float kInf = std::numeric_limits<float>::infinity();

// min/max that ignore NaN (an all-NaN block is +inf/-inf: empty).
inline void widen(float& lo, float& hi, float v) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
}

}  // namespace

void MinMaxPyramid::clear() {
    m_levels.clear();
    m_n = 0;
}

void MinMaxPyramid::add(float y) {
    // Level 0 pairs two values: the previous one (m_last) and this one.
    const size_t i = m_n++;
    if (i % 2 == 0) {
        m_last = y;
        return;
    }
    MinMax b{kInf, -kInf};
    widen(b.lo, b.hi, m_last);
    widen(b.lo, b.hi, y);
    size_t k = 0;
    for (;;) {
        if (m_levels.size() <= k) m_levels.emplace_back();
        std::vector<MinMax>& lv = m_levels[k];
        lv.push_back(b);
        // Completed a pair at this level: merge it into the next.
        if (lv.size() % 2 != 0) break;
        const MinMax& a = lv[lv.size() - 2];
        b = MinMax{std::min(a.lo, b.lo), std::max(a.hi, b.hi)};
        ++k;
    }
}

bool MinMaxPyramid::range(const float* ys, size_t i, size_t j, float& lo, float& hi) const {
    lo = kInf;
    hi = -kInf;
    j = std::min(j, m_n);
    size_t p = i;
    while (p < j) {
        // The largest aligned block starting at p that fits in [p, j).
        int k = -1;  // -1: a single value
        while (true) {
            const size_t size = size_t{2} << (k + 1);  // block size at level k+1
            const int next = k + 1;
            if (static_cast<size_t>(next) >= m_levels.size()) break;
            if (p % size != 0 || p + size > j) break;
            if (p / size >= m_levels[static_cast<size_t>(next)].size()) break;
            k = next;
        }
        if (k < 0) {
            widen(lo, hi, ys[p]);
            ++p;
        } else {
            const MinMax& b = m_levels[static_cast<size_t>(k)][p >> (k + 1)];
            lo = std::min(lo, b.lo);
            hi = std::max(hi, b.hi);
            p += size_t{2} << k;
        }
    }
    return lo <= hi;
}

void decimate(const double* xs, const float* ys, size_t n, const MinMaxPyramid* pyr, double x0,
              double x1, int buckets, std::vector<Bucket>& out) {
    out.clear();
    if (n == 0 || buckets <= 0 || !(x1 > x0)) return;
    if (pyr && pyr->size() < n) pyr = nullptr;
    auto single = [&](size_t i) {
        Bucket b;
        b.x_first = b.x_last = xs[i];
        b.first = b.last = b.lo = b.hi = ys[i];
        b.count = 1;
        out.push_back(b);
    };
    const size_t begin = static_cast<size_t>(std::lower_bound(xs, xs + n, x0) - xs);
    const size_t end = static_cast<size_t>(std::lower_bound(xs, xs + n, x1) - xs);
    if (begin > 0) single(begin - 1);
    const double w = (x1 - x0) / buckets;
    size_t i = begin;
    while (i < end) {
        // The column of point i, and the points that fall in it.
        const long col = std::clamp(static_cast<long>((xs[i] - x0) / w), 0L, buckets - 1L);
        const double col_end = x0 + static_cast<double>(col + 1) * w;
        size_t j = col == buckets - 1
                       ? end
                       : static_cast<size_t>(std::lower_bound(xs + i, xs + end, col_end) - xs);
        if (j <= i) j = i + 1;
        Bucket b;
        b.x_first = xs[i];
        b.x_last = xs[j - 1];
        b.first = ys[i];
        b.last = ys[j - 1];
        b.count = static_cast<uint32_t>(j - i);
        if (pyr) {
            if (!pyr->range(ys, i, j, b.lo, b.hi)) b.lo = b.hi = NAN;
        } else {
            float lo = kInf, hi = -kInf;
            for (size_t k = i; k < j; ++k) widen(lo, hi, ys[k]);
            b.lo = lo <= hi ? lo : NAN;
            b.hi = lo <= hi ? hi : NAN;
        }
        out.push_back(b);
        i = j;
    }
    if (end < n) single(end);
}

}  // namespace gs::plot
