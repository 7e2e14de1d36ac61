// Plot colours (Tableau 10, which stays distinct on dark backgrounds).
#include "plot/palette.h"

namespace gs::plot {

ImU32 palette_color(size_t i, float alpha) {
    static const unsigned char k[10][3] = {
        {78, 154, 246}, {255, 150, 50}, {80, 200, 90}, {240, 80, 80}, {180, 130, 230},
        {200, 150, 110}, {240, 130, 200}, {170, 170, 170}, {200, 210, 60}, {60, 210, 220}};
    const unsigned char* c = k[i % 10];
    return IM_COL32(c[0], c[1], c[2], static_cast<int>(alpha * 255));
}

ImU32 hyperparameter_marker_color() { return IM_COL32(255, 200, 60, 200); }
ImU32 breakpoint_marker_color() { return IM_COL32(255, 70, 70, 230); }

}  // namespace gs::plot
