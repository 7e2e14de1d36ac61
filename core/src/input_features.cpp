// Input features of 2-D data (gradscope/input_features.h): one value per
// feature from a point (x1, x2), the same arithmetic for training, the
// decision grid and the studio's input-neuron heatmaps.
#include "gradscope/input_features.h"

#include <algorithm>
#include <cmath>

namespace gs {

float feature_value(InputFeature f, float x1, float x2) {
    switch (f) {
        case InputFeature::X1: return x1;
        case InputFeature::X2: return x2;
        case InputFeature::X1Squared: return x1 * x1;
        case InputFeature::X2Squared: return x2 * x2;
        case InputFeature::X1TimesX2: return x1 * x2;
        case InputFeature::SinX1: return std::sin(x1);
        case InputFeature::SinX2: return std::sin(x2);
    }
    return 0.0f;
}

std::vector<InputFeature> input_features_of(const DataSpec& data) {
    std::vector<InputFeature> out;
    for (const std::string& id : data.features)
        if (const InputFeatureName* f = find_input_feature(id)) out.push_back(f->kind);
    return out;
}

void expand_features(const std::vector<InputFeature>& features, const float* xy, int n,
                     float* out) {
    const size_t width = features.size();
    for (int i = 0; i < n; ++i) {
        const float x1 = xy[2 * static_cast<size_t>(i)], x2 = xy[2 * static_cast<size_t>(i) + 1];
        float* row = out + static_cast<size_t>(i) * width;
        for (size_t k = 0; k < width; ++k) row[k] = feature_value(features[k], x1, x2);
    }
}

const std::vector<std::string>& plane_dataset_names() {
    static const std::vector<std::string> names = {"spiral", "circle", "xor",
                                                   "gaussian", "moons", "plane",
                                                   "multi-gaussian", "points"};
    return names;
}

bool is_plane_dataset(const std::string& data_name) {
    const auto& names = plane_dataset_names();
    return std::find(names.begin(), names.end(), data_name) != names.end();
}

}  // namespace gs
