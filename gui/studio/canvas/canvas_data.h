// What the network canvas and the dataset preview draw from, worked out once
// (when a model, data or snapshot arrives) so that painting only reads plain
// values: the layer groups shown as columns and the colour of a class. The
// data itself comes as the bridge's DataView (2-D points, classes, the split
// that probes come from).
#pragma once

#include <QColor>
#include <QString>
#include <vector>

#include "bridge/data_view.h"
#include "gradscope/spec.h"
#include "theme.h"

namespace gs::studio {

// Consecutive layers drawn as one column: a Dense or Conv2D layer (or a
// pool) with the activations, normalizations, dropouts and flattens after it.
struct LayerGroup {
    int first = 0, last = 0;  // spec indices, inclusive
    int main = 0;             // the layer that names the group
    // The layer whose output the column shows: the last one of the group
    // with the main layer's rank (a Flatten at the end does not count).
    int shown = 0;
    QString title;            // "Dense 8", "Conv 32 3×3", "MaxPool 2×2"
    QString subtitle;         // "+ Tanh", "" when nothing is folded in
    gs::Shape out;            // the output of `shown`, per item
    QString shown_type;       // the type of `shown` (decides the value range)
};

// Groups a validated spec's layers; info from analyze_spec (bridge/spec_service.h).
std::vector<LayerGroup> group_layers(const gs::ModelSpec& spec, const std::vector<gs::LayerInfo>& info);
// True when some layer keeps a spatial (C, H, W) output: the canvas then
// draws feature maps instead of neurons.
bool is_convolutional(const std::vector<gs::LayerInfo>& info);

// A class's colour: for two classes TensorFlow Playground's orange (0) and
// blue (1) of the diverging scale, else the theme's categorical palette.
QColor class_color(const Theme& theme, int classes, int label);

// A compact number for labels: "0.83", "1.2e-03", "-4.1".
QString short_number(double v);
// A probability as a whole percentage ("71%"), or "—" when it is not finite.
QString percent_or_dash(double probability);

}  // namespace gs::studio
