// The views' shared parts (see view_common.h).
#include "views/view_common.h"

#include <algorithm>
#include <cmath>

namespace gs::monitor {

const RunData* pick_run(const char* id, const std::vector<RunView>& runs, int& selected) {
    if (runs.empty()) return nullptr;
    selected = std::clamp(selected, 0, static_cast<int>(runs.size()) - 1);
    if (runs.size() > 1) {
        ImGui::SetNextItemWidth(220);
        if (ImGui::BeginCombo(id, runs[static_cast<size_t>(selected)].data->name.c_str())) {
            for (size_t i = 0; i < runs.size(); ++i)
                if (ImGui::Selectable(runs[i].data->name.c_str(), selected == static_cast<int>(i)))
                    selected = static_cast<int>(i);
            ImGui::EndCombo();
        }
        ImGui::SameLine();
    }
    return runs[static_cast<size_t>(selected)].data;
}

void explanation_box(const char* id, ExplainedView view, const std::string& sentence, ImVec2 size) {
    const ViewExplanation& e = explanation_of(view);
    ImGui::BeginChild(id, size, true);
    ImGui::TextColored(ImVec4(0.55f, 0.78f, 1.0f, 1.0f), "%s", e.title);
    ImGui::PushTextWrapPos(0);
    if (!sentence.empty()) {
        ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(1.0f, 0.86f, 0.45f, 1.0f));
        ImGui::TextWrapped("%s", sentence.c_str());
        ImGui::PopStyleColor();
    }
    ImGui::Spacing();
    ImGui::TextWrapped("%s", e.what);
    ImGui::Spacing();
    ImGui::TextDisabled("How to read it");
    ImGui::TextWrapped("%s", e.read);
    ImGui::Spacing();
    ImGui::TextDisabled("What to do");
    ImGui::TextWrapped("%s", e.act);
    ImGui::PopTextWrapPos();
    ImGui::EndChild();
}

namespace {

ImU32 ramp(const float (*stops)[3], int n, float t, float alpha) {
    t = std::clamp(std::isfinite(t) ? t : 0.0f, 0.0f, 1.0f) * static_cast<float>(n - 1);
    const int i = std::min(static_cast<int>(t), n - 2);
    const float f = t - static_cast<float>(i);
    float c[3];
    for (int k = 0; k < 3; ++k) c[k] = stops[i][k] + (stops[i + 1][k] - stops[i][k]) * f;
    return IM_COL32(static_cast<int>(c[0]), static_cast<int>(c[1]), static_cast<int>(c[2]),
                    static_cast<int>(alpha * 255));
}

}  // namespace

ImU32 sequential_color(float t, float alpha) {
    static const float stops[][3] = {{32, 36, 52}, {38, 84, 124}, {31, 150, 139}, {109, 205, 89}, {253, 231, 37}};
    return ramp(stops, 5, t, alpha);
}

ImU32 mistake_color(float t, float alpha) {
    static const float stops[][3] = {{32, 36, 52}, {94, 40, 110}, {190, 45, 70}, {245, 120, 40}, {255, 200, 60}};
    return ramp(stops, 5, t, alpha);
}

ImU32 text_color_on(ImU32 bg) {
    const float r = static_cast<float>((bg >> IM_COL32_R_SHIFT) & 0xFF);
    const float g = static_cast<float>((bg >> IM_COL32_G_SHIFT) & 0xFF);
    const float b = static_cast<float>((bg >> IM_COL32_B_SHIFT) & 0xFF);
    return 0.299f * r + 0.587f * g + 0.114f * b > 150 ? IM_COL32(10, 10, 10, 255) : IM_COL32(240, 240, 240, 255);
}

void empty_note(ImVec2 size, const char* text) {
    const ImVec2 p = ImGui::GetCursorScreenPos();
    ImGui::Dummy(size);
    ImDrawList* dl = ImGui::GetWindowDrawList();
    dl->AddRectFilled(p, ImVec2(p.x + size.x, p.y + size.y), IM_COL32(20, 22, 28, 255));
    const float wrap = std::max(100.0f, size.x - 40);
    const ImVec2 ts = ImGui::CalcTextSize(text, nullptr, false, wrap);
    dl->AddText(nullptr, 0, ImVec2(p.x + (size.x - ts.x) / 2, p.y + (size.y - ts.y) / 2),
                ImGui::GetColorU32(ImGuiCol_TextDisabled), text, nullptr, wrap);
}

}  // namespace gs::monitor
