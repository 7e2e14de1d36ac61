// TensorBoard-style debiased exponential smoothing; see smoothing.h.
#include "plots/smoothing.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace gs::studio {

std::vector<double> smooth_ema(const std::vector<SeriesPoint>& points, double w) {
    w = std::clamp(std::isfinite(w) ? w : 0.0, 0.0, 0.999);
    std::vector<double> out(points.size(), std::numeric_limits<double>::quiet_NaN());
    double acc = 0, weight = 0;  // biased average and 1 - w^t
    for (size_t i = 0; i < points.size(); ++i) {
        const double y = points[i].mean;
        if (std::isfinite(y)) {
            const double wn = points[i].count > 1 ? std::pow(w, points[i].count) : w;
            acc = acc * wn + (1 - wn) * y;
            weight = weight * wn + (1 - wn);
        }
        if (weight > 0) out[i] = acc / weight;
    }
    return out;
}

}  // namespace gs::studio
