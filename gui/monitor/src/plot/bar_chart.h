// A grouped bar chart for Dear ImGui: one group of bars per category (a
// layer), one bar per series (a run) in its colour, an optional log scale
// (for gradient norms that span decades) and a hover read-out.
#pragma once

#include <string>
#include <vector>

#include <imgui.h>

namespace gs::plot {

struct BarSeries {
    std::string label;
    ImU32 color = IM_COL32_WHITE;
    std::vector<float> values;  // one per category; NaN: no bar
};

struct BarChartState {
    bool log_y = false;
};

// Draws the chart into `size` (width <= 0: all available).
void bar_chart(const char* id, const char* title, BarChartState& state,
               const std::vector<std::string>& categories, const std::vector<BarSeries>& series,
               ImVec2 size = ImVec2(0, 200));

}  // namespace gs::plot
