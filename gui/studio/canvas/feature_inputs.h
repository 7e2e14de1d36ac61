// The network's input neurons for 2-D data, as TensorFlow Playground draws
// them: one per input feature (x₁, x₂, x₁², x₂², x₁x₂, sin x₁, sin x₂, as
// DataSpec::features lists them; the point itself when it lists none),
// each with its label and its value over the plane of the data (core's
// feature_value), for the canvas's input column and the hover card.
#pragma once

#include <QImage>
#include <QStringList>
#include <vector>

#include "gradscope/spec.h"
#include "theme.h"

namespace gs::studio {

// Labels of the network's inputs: the features' labels for 2-D data
// ("x₁", "x₁²", "sin x₁"), else "x1", "x2", ... for `units` inputs.
QStringList input_labels(const gs::DataSpec& data, int units);
// Input `unit`'s value over a g x g grid of the plane lo..hi (row 0 the
// lowest x2, x1 left to right); empty where the data is not 2-D or unit is
// not one of its features.
std::vector<float> input_grid(const gs::DataSpec& data, int unit, int g, const float lo[2], const float hi[2]);
// The heatmaps of every input (empty where there is none), each scaled by
// its largest absolute value and drawn with the theme's diverging ramp.
std::vector<QImage> input_heatmaps(const gs::DataSpec& data, int units, int g, const float lo[2],
                                   const float hi[2], const Theme& theme);

}  // namespace gs::studio
