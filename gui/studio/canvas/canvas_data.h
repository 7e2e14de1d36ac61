// What the network canvas and the dataset preview draw from, taken out of
// the engine's structs once (when a model, data or snapshot arrives) so
// that painting only reads plain values: the layer groups shown as columns,
// the 2-D points, the split that probes come from, and the colour of a class.
#pragma once

#include <QColor>
#include <QString>
#include <QStringList>
#include <memory>
#include <vector>

#include "gradscope/data_pipeline.h"
#include "gradscope/dataset.h"
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

// Groups a validated spec's layers; info from gs::validate_spec.
std::vector<LayerGroup> group_layers(const gs::ModelSpec& spec, const std::vector<gs::LayerInfo>& info);
// True when some layer keeps a spatial (C, H, W) output: the canvas then
// draws feature maps instead of neurons.
bool is_convolutional(const std::vector<gs::LayerInfo>& info);

// One point of 2-D data as the dataset gives it (before normalization,
// like Snapshot's grid lo/hi).
struct DataPoint {
    float x = 0, y = 0;
    float target = 0;  // class index, or the value for regression
    bool test = false; // from the test (or validation) split
};

struct DataSummary {
    bool two_d = false;           // items of 2 features
    std::vector<DataPoint> points;  // training, then held-out points (2-D only)
    int classes = 0;              // 0: regression
    QStringList class_names;      // "0", "1", ... when the data names none
    float target_lo = 0, target_hi = 0;  // regression targets' range
    // The split snapshot probes come from: validation, else test, else
    // training (as the session chooses).
    std::shared_ptr<const gs::Dataset> probe_split;
    QString probe_split_name;     // "validation", "test", "training"
};

// Reads what the views need from prepared data (at most max_points points
// per split for 2-D data).
DataSummary summarize_data(const gs::PreparedData& data, size_t max_points = 5000);

// The split a probe index refers to, and its name.
std::shared_ptr<const gs::Dataset> probe_split(const gs::PreparedData& data, QString* name = nullptr);

// A class's colour: for two classes TensorFlow Playground's orange (0) and
// blue (1) of the diverging scale, else the theme's categorical palette.
QColor class_color(const Theme& theme, int classes, int label);

// A compact number for labels: "0.83", "1.2e-03", "-4.1".
QString short_number(double v);
// A probability as a whole percentage ("71%"), or "—" when it is not finite.
QString percent_or_dash(double probability);

}  // namespace gs::studio
