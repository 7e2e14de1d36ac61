// A small line plot for Dear ImGui (ImPlot is not packaged here): several
// lines over a shared x axis, drawn min/max-decimated (one stroke per pixel
// column, so long series stay fast and spikes stay visible), with pan (drag),
// zoom (wheel; Shift+wheel zooms y), a hover read-out of every line at the
// cursor, an optional log y scale, vertical event markers and a legend.
// Double-click fits the view to the data again.
#pragma once

#include <string>
#include <vector>

#include <imgui.h>

#include "plot/decimate.h"

namespace gs::plot {

struct AxisRange {
    double lo = 0, hi = 1;
    bool fit = true;  // follow the data (reset by double-click)
};

// What a plot remembers between frames.
struct LinePlotState {
    AxisRange x, y;
    // Share the x axis with other plots; whoever owns it fits it to the data
    // (fit_axis) while its `fit` is set.
    AxisRange* x_link = nullptr;
    bool log_y = false;
};

struct PlotLine {
    std::string label;  // empty: not in the legend nor the read-out
    const double* x = nullptr;
    const float* y = nullptr;
    size_t n = 0;
    const MinMaxPyramid* pyramid = nullptr;  // may be null
    ImU32 color = IM_COL32_WHITE;
    float thickness = 1.5f;
    bool points = false;  // draw each point as a dot (sparse series: epochs)
};

struct PlotMarker {
    double x = 0;
    ImU32 color = IM_COL32_WHITE;
    std::string text;  // shown when hovered
};

// Draws the plot into a child region of `size` (width <= 0: all available).
// Returns true while the user interacts with it.
bool line_plot(const char* id, const char* title, LinePlotState& state,
               const std::vector<PlotLine>& lines, const std::vector<PlotMarker>& markers = {},
               ImVec2 size = ImVec2(0, 200));

// Fits the axis to [lo, hi] (a view is [lo, hi): the end is widened a hair).
void fit_axis(AxisRange& axis, double lo, double hi);

// A round tick spacing (1, 2 or 5 times a power of ten) for about `ticks`
// ticks over range.
double nice_step(double range, int ticks);

// "1.5k", "0.0023", "2e-05": short tick and read-out labels.
std::string format_value(double v);

// The size a plot widget takes: the region's width where size.x <= 0, and
// at least 120 x 80. Shared by line_plot and bar_chart.
ImVec2 plot_size(ImVec2 size);

}  // namespace gs::plot
