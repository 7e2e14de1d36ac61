// Track: full-resolution points, their min/max pyramid, a smoothed copy.
#include "track.h"

#include <cmath>

namespace gs::monitor {

void Track::add(double x, float y) {
    if (!m_x.empty() && x < m_x.back()) return;
    m_x.push_back(x);
    m_y.push_back(y);
    m_pyramid.add(y);
}

void Track::clear() {
    m_x.clear();
    m_y.clear();
    m_pyramid.clear();
    m_smooth_weight = -1;
    m_smooth.clear();
    m_smooth_pyramid.clear();
}

void Track::truncate_after(double x_max) {
    if (m_x.empty() || m_x.back() <= x_max) return;
    while (!m_x.empty() && m_x.back() > x_max) {
        m_x.pop_back();
        m_y.pop_back();
    }
    // Rare (a rewind): the pyramid and the smoothed copy are made again.
    m_pyramid.clear();
    for (float y : m_y) m_pyramid.add(y);
    m_smooth_weight = -1;
    m_smooth.clear();
    m_smooth_pyramid.clear();
}

TrackView Track::view(float smoothing) const {
    if (!(smoothing > 0) || m_y.empty())
        return TrackView{m_x.data(), m_y.data(), m_x.size(), &m_pyramid};
    if (smoothing > 0.999f) smoothing = 0.999f;
    if (smoothing != m_smooth_weight) {
        m_smooth_weight = smoothing;
        m_smooth.clear();
        m_smooth_pyramid.clear();
        m_ema = 0;
        m_ema_weight = 0;
    }
    const double a = smoothing;
    for (size_t i = m_smooth.size(); i < m_y.size(); ++i) {
        const float v = m_y[i];
        if (std::isfinite(v)) {
            m_ema = a * m_ema + (1 - a) * v;
            m_ema_weight = a * m_ema_weight + (1 - a);
        }
        const float s = m_ema_weight > 0 ? static_cast<float>(m_ema / m_ema_weight) : v;
        m_smooth.push_back(s);
        m_smooth_pyramid.add(s);
    }
    return TrackView{m_x.data(), m_smooth.data(), m_smooth.size(), &m_smooth_pyramid};
}

}  // namespace gs::monitor
