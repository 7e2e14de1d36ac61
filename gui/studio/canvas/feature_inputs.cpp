// Input neurons of 2-D data: labels and heatmaps from core's input features.
#include "canvas/feature_inputs.h"

#include <algorithm>
#include <cmath>

#include "canvas/color_scale.h"
#include "gradscope/input_features.h"
#include "gradscope/names.h"

namespace gs::studio {

namespace {
std::vector<InputFeature> features_of(const DataSpec& data) {
    if (!is_plane_dataset(data.name)) return {};
    std::vector<InputFeature> f = input_features_of(data);
    if (f.empty()) f = {InputFeature::X1, InputFeature::X2};
    return f;
}
}  // namespace

QStringList input_labels(const DataSpec& data, int units) {
    QStringList out;
    const std::vector<InputFeature> f = features_of(data);
    if (static_cast<int>(f.size()) == units) {
        for (InputFeature k : f) out << QString::fromUtf8(label_of(k));
        return out;
    }
    for (int i = 0; i < units; ++i) out << QStringLiteral("x%1").arg(i + 1);
    return out;
}

std::vector<float> input_grid(const DataSpec& data, int unit, int g, const float lo[2], const float hi[2]) {
    const std::vector<InputFeature> f = features_of(data);
    if (unit < 0 || unit >= static_cast<int>(f.size()) || g <= 0) return {};
    std::vector<float> v(static_cast<size_t>(g) * static_cast<size_t>(g));
    for (int r = 0; r < g; ++r)
        for (int c = 0; c < g; ++c) {
            const float x1 = lo[0] + (hi[0] - lo[0]) * (c + 0.5f) / g;
            const float x2 = lo[1] + (hi[1] - lo[1]) * (r + 0.5f) / g;
            v[static_cast<size_t>(r) * g + c] = feature_value(f[static_cast<size_t>(unit)], x1, x2);
        }
    return v;
}

std::vector<QImage> input_heatmaps(const DataSpec& data, int units, int g, const float lo[2], const float hi[2],
                                   const Theme& theme) {
    std::vector<QImage> out;
    const ColorRamp ramp = ColorRamp::diverging(theme);
    for (int u = 0; u < units; ++u) {
        const std::vector<float> v = input_grid(data, u, g, lo, hi);
        if (v.empty()) return {};
        float m = 1e-6f;
        for (float x : v) m = std::max(m, std::fabs(x));
        out.push_back(ramp.image(v.data(), g, g, 1.0f / m, 0.0f, true));
    }
    return out;
}

}  // namespace gs::studio
