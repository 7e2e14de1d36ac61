// The look both windows share: the dark ImGui style, a readable font
// (DejaVu Sans where installed, else ImGui's built-in one).
#pragma once

namespace gs::imgui {

// Call once after ImGui::CreateContext(), before the first frame.
void apply_style(float font_size = 15.0f);

}  // namespace gs::imgui
