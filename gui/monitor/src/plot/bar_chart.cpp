// The grouped bar chart (see bar_chart.h).
#include "plot/bar_chart.h"

#include <algorithm>
#include <cmath>

#include "plot/line_plot.h"

namespace gs::plot {

void bar_chart(const char* id, const char* title, BarChartState& st,
               const std::vector<std::string>& categories, const std::vector<BarSeries>& series,
               ImVec2 size) {
    ImGui::PushID(id);
    size = plot_size(size);
    const ImVec2 p0 = ImGui::GetCursorScreenPos();
    ImGui::InvisibleButton("##bars", size);
    const bool hovered = ImGui::IsItemHovered();
    if (ImGui::BeginPopupContextItem("##ctx")) {
        ImGui::Checkbox("Log scale", &st.log_y);
        ImGui::EndPopup();
    }
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const float line_h = ImGui::GetTextLineHeight();
    const ImVec2 a(p0.x + 58, p0.y + line_h + 4), b(p0.x + size.x - 6, p0.y + size.y - line_h - 4);
    const float w = std::max(b.x - a.x, 10.0f), h = std::max(b.y - a.y, 10.0f);
    const ImU32 text = ImGui::GetColorU32(ImGuiCol_Text), dim = ImGui::GetColorU32(ImGuiCol_TextDisabled);
    dl->AddRectFilled(a, b, IM_COL32(20, 22, 28, 255));
    dl->AddText(ImVec2(p0.x + 4, p0.y), text, title);
    if (st.log_y) dl->AddText(ImVec2(p0.x + 8 + ImGui::CalcTextSize(title).x, p0.y), dim, "(log)");

    auto tv = [&](float v) -> double {
        if (!std::isfinite(v)) return NAN;
        if (!st.log_y) return v;
        return v > 0 ? std::log10(static_cast<double>(v)) : NAN;
    };
    double lo = INFINITY, hi = -INFINITY;
    for (const BarSeries& s : series)
        for (float v : s.values)
            if (const double t = tv(v); std::isfinite(t)) lo = std::min(lo, t), hi = std::max(hi, t);
    if (!(lo <= hi)) lo = 0, hi = 1;
    // Linear bars start at zero; log bars at a decade below the smallest.
    if (!st.log_y) lo = std::min(lo, 0.0), hi = std::max(hi, 0.0);
    else lo = std::floor(lo) - (std::floor(lo) == lo ? 1 : 0), hi = std::ceil(hi);
    if (hi - lo < 1e-12) hi = lo + 1;
    auto py = [&](double t) { return static_cast<float>(b.y - (t - lo) / (hi - lo) * h); };
    // Reference lines with labels: decades on a log scale, round steps otherwise.
    const double step = st.log_y ? std::max(1.0, std::ceil((hi - lo) / 5)) : nice_step(hi - lo, 4);
    for (double t = std::ceil(lo / step - 1e-9) * step; t <= hi + 1e-9 * step; t += step) {
        const float y = py(t);
        dl->AddLine(ImVec2(a.x, y), ImVec2(b.x, y), IM_COL32(255, 255, 255, 28));
        const std::string l = format_value(st.log_y ? std::pow(10.0, t) : t);
        dl->AddText(ImVec2(a.x - ImGui::CalcTextSize(l.c_str()).x - 4, y - line_h / 2), dim, l.c_str());
    }
    const size_t nc = categories.size(), ns = std::max<size_t>(series.size(), 1);
    const float group = nc ? w / static_cast<float>(nc) : w;
    const float bar = std::max(1.0f, (group * 0.8f) / static_cast<float>(ns));
    std::string tip;
    for (size_t c = 0; c < nc; ++c) {
        const float gx = a.x + group * static_cast<float>(c) + group * 0.1f;
        // Category label, shortened to fit its group.
        std::string label = categories[c];
        while (label.size() > 2 && ImGui::CalcTextSize(label.c_str()).x > group - 2) label.pop_back();
        const float tw = ImGui::CalcTextSize(label.c_str()).x;
        dl->AddText(ImVec2(a.x + group * (static_cast<float>(c) + 0.5f) - tw / 2, b.y + 2), dim, label.c_str());
        for (size_t s = 0; s < series.size(); ++s) {
            const float v = c < series[s].values.size() ? series[s].values[c] : NAN;
            const double t = tv(v);
            if (!std::isfinite(t)) continue;
            const float x0 = gx + bar * static_cast<float>(s);
            const float y0 = py(st.log_y ? lo : 0.0), y1 = py(t);
            dl->AddRectFilled(ImVec2(x0, std::min(y0, y1)), ImVec2(x0 + bar - 1, std::max(y0, y1)),
                              series[s].color);
        }
        const ImVec2 m = ImGui::GetIO().MousePos;
        if (hovered && m.x >= a.x + group * static_cast<float>(c) && m.x < a.x + group * static_cast<float>(c + 1)) {
            dl->AddRectFilled(ImVec2(a.x + group * static_cast<float>(c), a.y),
                              ImVec2(a.x + group * static_cast<float>(c + 1), b.y), IM_COL32(255, 255, 255, 18));
            tip = categories[c];
            for (const BarSeries& s : series)
                tip += "\n" + s.label + ": " + (c < s.values.size() ? format_value(s.values[c]) : std::string("-"));
        }
    }
    dl->AddRect(a, b, IM_COL32(255, 255, 255, 50));
    if (!tip.empty()) ImGui::SetTooltip("%s", tip.c_str());
    ImGui::PopID();
}

}  // namespace gs::plot
