// Shared style (see style.h).
#include "gradscope_imgui/style.h"

#include <filesystem>

#include <imgui.h>

namespace gs::imgui {

void apply_style(float font_size) {
    ImGui::StyleColorsDark();
    ImGuiStyle& s = ImGui::GetStyle();
    s.WindowRounding = 0;
    s.FrameRounding = 3;
    s.ItemSpacing = ImVec2(8, 5);
    ImGuiIO& io = ImGui::GetIO();
    const char* font = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
    std::error_code ec;
    if (std::filesystem::exists(font, ec)) io.Fonts->AddFontFromFileTTF(font, font_size);
}

}  // namespace gs::imgui
