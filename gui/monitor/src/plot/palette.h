// Colours for plots: distinct, readable on the dark theme, stable by index
// (run i and layer i always get the same colour).
#pragma once

#include <cstddef>

#include <imgui.h>

namespace gs::plot {

// The i-th of a set of distinct colours (cycles after ten), with alpha.
ImU32 palette_color(size_t i, float alpha = 1.0f);
// Marker colours for events.
ImU32 hyperparameter_marker_color();
ImU32 breakpoint_marker_color();

}  // namespace gs::plot
