// Track: one series of a run as the monitor keeps it: every point at full
// resolution (x = step, y = value), a min/max pyramid for fast decimated
// drawing, and an exponentially smoothed copy made on demand and extended as
// points arrive. Part of the monitor's data model (RunData), which knows
// nothing of drawing.
#pragma once

#include <cstddef>
#include <vector>

#include "plot/decimate.h"

namespace gs::monitor {

// What a plot draws: arrays that stay valid until the track changes.
struct TrackView {
    const double* x = nullptr;
    const float* y = nullptr;
    size_t n = 0;
    const plot::MinMaxPyramid* pyramid = nullptr;
};

class Track {
public:
    // x must not decrease; a point with a smaller x than the last is dropped.
    void add(double x, float y);
    void clear();
    // Forgets the points with x > x_max (a run rewound to x_max); later
    // points may then go on from there.
    void truncate_after(double x_max);
    size_t size() const { return m_x.size(); }
    bool empty() const { return m_x.empty(); }
    const std::vector<double>& x() const { return m_x; }
    const std::vector<float>& y() const { return m_y; }
    double last_x() const { return m_x.empty() ? 0.0 : m_x.back(); }
    float last_y() const { return m_y.empty() ? 0.0f : m_y.back(); }

    // The raw points (smoothing <= 0) or the smoothed ones: a debiased
    // exponential moving average with this weight in [0, 1) (TensorBoard's
    // smoothing), skipping non-finite values. Computed once per weight and
    // extended as points arrive.
    TrackView view(float smoothing = 0) const;

private:
    std::vector<double> m_x;
    std::vector<float> m_y;
    plot::MinMaxPyramid m_pyramid;
    // The smoothed copy (logically const: a cache).
    mutable float m_smooth_weight = -1;
    mutable std::vector<float> m_smooth;
    mutable plot::MinMaxPyramid m_smooth_pyramid;
    mutable double m_ema = 0, m_ema_weight = 0;
};

}  // namespace gs::monitor
