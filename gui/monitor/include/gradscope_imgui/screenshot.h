// Saving what OpenGL drew: reads the current framebuffer back (glReadPixels)
// and writes it as a PNG. Works on Xvfb with Mesa's software OpenGL.
#pragma once

#include <string>

namespace gs::imgui {

// Reads width x height pixels of the current GL framebuffer (call after
// rendering a frame, before swapping) and writes them to path as an RGB PNG.
// False, with a reason in *error, when the file cannot be written.
bool save_framebuffer_png(const std::string& path, int width, int height, std::string* error = nullptr);

}  // namespace gs::imgui
