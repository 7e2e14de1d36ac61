// Min/max decimation for drawing long series: a series of a million points
// is drawn as one vertical stroke (min to max) per pixel column, so every
// spike survives however far the view is zoomed out. MinMaxPyramid keeps the
// min and max of every aligned block of 2^k points, built as points are
// appended (amortized O(1) each), which makes the exact min and max of any
// index range an O(log n) query; decimating a view costs O(columns x log n),
// not O(points).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace gs::plot {

class MinMaxPyramid {
public:
    // Appends one value (NaN values are ignored by min and max).
    void add(float y);
    void clear();
    size_t size() const { return m_n; }
    // The min and max of values [i, j) of ys (the same values that were
    // added); false when the range holds no finite value.
    bool range(const float* ys, size_t i, size_t j, float& lo, float& hi) const;

private:
    struct MinMax {
        float lo, hi;
    };
    // m_levels[k] holds blocks of 2^(k+1) values.
    std::vector<std::vector<MinMax>> m_levels;
    size_t m_n = 0;
    float m_last = 0;
};

// One pixel column of a decimated series.
struct Bucket {
    double x_first = 0, x_last = 0;  // x of the first and last point in it
    float first = 0, last = 0;        // y of those points
    float lo = 0, hi = 0;             // min and max y in it
    uint32_t count = 0;               // points it covers
};

// Splits [x0, x1) into `buckets` equal columns and gives each non-empty one
// its first, last, min and max point. xs must be sorted ascending; pyr (may
// be null: then a linear scan) must hold ys. Points just outside the range
// (one each side) are added as their own buckets so that lines reach the
// plot's edges. Empty columns are left out.
void decimate(const double* xs, const float* ys, size_t n, const MinMaxPyramid* pyr, double x0,
              double x1, int buckets, std::vector<Bucket>& out);

}  // namespace gs::plot
