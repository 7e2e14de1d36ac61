// Framebuffer to PNG (see screenshot.h). The rows come from GL bottom-up.
#include "gradscope_imgui/screenshot.h"

#include <cerrno>
#include <cstring>
#include <vector>

#include <GL/gl.h>

#define STB_IMAGE_WRITE_IMPLEMENTATION
#define STB_IMAGE_WRITE_STATIC
#include <stb_image_write.h>

namespace gs::imgui {

bool save_framebuffer_png(const std::string& path, int width, int height, std::string* error) {
    if (width <= 0 || height <= 0) {
        if (error) *error = "the window has no size to save";
        return false;
    }
    const size_t row = static_cast<size_t>(width) * 3;
    std::vector<unsigned char> px(row * static_cast<size_t>(height)), flipped(px.size());
    glPixelStorei(GL_PACK_ALIGNMENT, 1);
    glReadBuffer(GL_BACK);
    glReadPixels(0, 0, width, height, GL_RGB, GL_UNSIGNED_BYTE, px.data());
    for (int y = 0; y < height; ++y)
        std::memcpy(flipped.data() + static_cast<size_t>(y) * row,
                    px.data() + static_cast<size_t>(height - 1 - y) * row, row);
    errno = 0;
    if (!stbi_write_png(path.c_str(), width, height, 3, flipped.data(), static_cast<int>(row))) {
        if (error)
            *error = "cannot write the screenshot '" + path + "'" +
                     (errno ? std::string(": ") + std::strerror(errno) : std::string());
        return false;
    }
    return true;
}

}  // namespace gs::imgui
