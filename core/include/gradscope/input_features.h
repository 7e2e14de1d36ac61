// Input features of 2-D data, as in TensorFlow Playground: the network's
// inputs computed from each point (x1, x2) of a 2-D set — x1, x2, x1², x2²,
// x1·x2, sin x1, sin x2 — in the order DataSpec::features lists them. The
// engine's data pipeline computes them for training; the snapshot's decision
// grid computes them over the raw plane; a view can draw an input neuron's
// heatmap with feature_value. Names and labels are gradscope/names.h's
// input feature table.
#pragma once

#include <string>
#include <vector>

#include "gradscope/names.h"
#include "gradscope/spec.h"

namespace gs {

// The value of one feature at the point (x1, x2).
float feature_value(InputFeature f, float x1, float x2);

// The features a data spec asks for, in input order; empty when it asks for
// none (the inputs are the point itself). Unknown ids are skipped (reading
// and validation report them).
std::vector<InputFeature> input_features_of(const DataSpec& data);

// Writes the features of n points xy (n x 2) into out (n x features.size()).
void expand_features(const std::vector<InputFeature>& features, const float* xy, int n,
                     float* out);

// Whether a data name is a set of 2-D points (spiral, circle, xor, gaussian,
// moons, plane, multi-gaussian, points): the sets input features apply to.
bool is_plane_dataset(const std::string& data_name);
// Those names, for messages.
const std::vector<std::string>& plane_dataset_names();

}  // namespace gs
