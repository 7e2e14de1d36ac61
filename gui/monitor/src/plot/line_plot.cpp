// The line plot (see line_plot.h). Coordinates: data -> plot area pixels by
// a linear map of x and of y (or log10 y). Each line is decimated to the
// plot's pixel columns before drawing.
#include "plot/line_plot.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace gs::plot {

namespace {

constexpr float kLeftMargin = 58, kBottomMargin = 20;

}  // namespace

double nice_step(double range, int ticks) {
    const double raw = range / std::max(ticks, 1);
    const double mag = std::pow(10.0, std::floor(std::log10(raw)));
    const double f = raw / mag;
    return mag * (f < 1.5 ? 1 : f < 3.5 ? 2 : f < 7.5 ? 5 : 10);
}

namespace {

void fit_x(AxisRange& x, const std::vector<PlotLine>& lines) {
    double lo = INFINITY, hi = -INFINITY;
    for (const PlotLine& l : lines)
        if (l.n) {
            lo = std::min(lo, l.x[0]);
            hi = std::max(hi, l.x[l.n - 1]);
        }
    fit_axis(x, lo, hi);
}

}  // namespace

void fit_axis(AxisRange& axis, double lo, double hi) {
    if (!(lo <= hi)) lo = 0, hi = 1;
    if (hi - lo < 1e-9) hi = lo + 1;
    axis.lo = lo;
    axis.hi = hi + (hi - lo) * 1e-6;
}

std::string format_value(double v) {
    char buf[32];
    const double a = std::fabs(v);
    if (v == 0) return "0";
    if (!std::isfinite(v)) return std::isnan(v) ? "nan" : (v > 0 ? "inf" : "-inf");
    if (a >= 1e6 || a < 1e-3) std::snprintf(buf, sizeof buf, "%.3g", v);
    else if (a >= 1e4) std::snprintf(buf, sizeof buf, "%.1fk", v / 1e3);
    else std::snprintf(buf, sizeof buf, "%.4g", v);
    return buf;
}

ImVec2 plot_size(ImVec2 size) {
    if (size.x <= 0) size.x = ImGui::GetContentRegionAvail().x;
    size.x = std::max(size.x, 120.0f);
    size.y = std::max(size.y, 80.0f);
    return size;
}

bool line_plot(const char* id, const char* title, LinePlotState& st,
               const std::vector<PlotLine>& lines, const std::vector<PlotMarker>& markers,
               ImVec2 size) {
    ImGui::PushID(id);
    size = plot_size(size);
    const ImVec2 p0 = ImGui::GetCursorScreenPos();
    ImGui::InvisibleButton("##plot", size);
    const bool hovered = ImGui::IsItemHovered();
    const bool active = ImGui::IsItemActive();
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const float line_h = ImGui::GetTextLineHeight();
    const ImVec2 a(p0.x + kLeftMargin, p0.y + line_h + 4);  // plot area corners
    const ImVec2 b(p0.x + size.x - 6, p0.y + size.y - kBottomMargin);
    const float w = std::max(b.x - a.x, 10.0f), h = std::max(b.y - a.y, 10.0f);
    AxisRange& X = st.x_link ? *st.x_link : st.x;
    AxisRange& Y = st.y;
    ImGuiIO& io = ImGui::GetIO();

    // Interaction first, so this frame draws the new view.
    if (hovered && ImGui::IsMouseDoubleClicked(0)) X.fit = Y.fit = true;
    if (hovered && io.MouseWheel != 0) {
        const double f = std::pow(1.25, -io.MouseWheel);
        if (io.KeyShift) {
            const double my = Y.hi - (io.MousePos.y - a.y) / h * (Y.hi - Y.lo);
            Y.lo = my + (Y.lo - my) * f;
            Y.hi = my + (Y.hi - my) * f;
            Y.fit = false;
        } else {
            const double mx = X.lo + (io.MousePos.x - a.x) / w * (X.hi - X.lo);
            X.lo = mx + (X.lo - mx) * f;
            X.hi = mx + (X.hi - mx) * f;
            X.fit = false;
        }
    }
    if (active && ImGui::IsMouseDragging(0, 1.0f)) {
        const ImVec2 d = io.MouseDelta;
        const double dx = d.x / w * (X.hi - X.lo), dy = d.y / h * (Y.hi - Y.lo);
        if (d.x != 0) X.lo -= dx, X.hi -= dx, X.fit = false;
        if (d.y != 0) Y.lo += dy, Y.hi += dy, Y.fit = false;
    }
    if (ImGui::BeginPopupContextItem("##ctx")) {
        if (ImGui::Checkbox("Log scale", &st.log_y)) Y.fit = true;
        if (ImGui::MenuItem("Fit view")) X.fit = Y.fit = true;
        ImGui::EndPopup();
    }
    // A linked axis is fitted by its owner, to the data of every plot.
    if (X.fit && !st.x_link) fit_x(X, lines);

    // Decimate every line to the pixel columns of the view.
    thread_local std::vector<std::vector<Bucket>> buckets;
    buckets.resize(lines.size());
    const int cols = std::max(1, static_cast<int>(w));
    auto ty = [&](float v) -> double {
        if (!st.log_y) return v;
        return v > 0 ? std::log10(static_cast<double>(v)) : NAN;
    };
    double ylo = INFINITY, yhi = -INFINITY;
    for (size_t i = 0; i < lines.size(); ++i) {
        const PlotLine& l = lines[i];
        decimate(l.x, l.y, l.n, l.pyramid, X.lo, X.hi, cols, buckets[i]);
        if (Y.fit)
            for (const Bucket& k : buckets[i]) {
                if (k.x_first < X.lo || k.x_first >= X.hi) continue;
                for (double v : {ty(k.lo), ty(k.hi)})
                    if (std::isfinite(v)) ylo = std::min(ylo, v), yhi = std::max(yhi, v);
            }
    }
    if (Y.fit) {
        if (!(ylo <= yhi)) ylo = 0, yhi = 1;
        // A flat line gets a band around it, not a hair-thin range.
        const double pad = yhi - ylo > std::fabs(yhi) * 1e-4 ? (yhi - ylo) * 0.06
                                                            : std::max(std::fabs(yhi) * 0.1, 1e-9);
        Y.lo = ylo - pad;
        Y.hi = yhi + pad;
    }
    if (!(X.hi > X.lo)) X.hi = X.lo + 1;
    if (!(Y.hi > Y.lo)) Y.hi = Y.lo + 1;
    auto px = [&](double x) { return static_cast<float>(a.x + (x - X.lo) / (X.hi - X.lo) * w); };
    auto py = [&](double y) { return static_cast<float>(b.y - (y - Y.lo) / (Y.hi - Y.lo) * h); };

    // Frame, title, grid and tick labels.
    const ImU32 grid = IM_COL32(255, 255, 255, 28), text = ImGui::GetColorU32(ImGuiCol_Text);
    const ImU32 dim = ImGui::GetColorU32(ImGuiCol_TextDisabled);
    dl->AddRectFilled(a, b, IM_COL32(20, 22, 28, 255));
    dl->AddText(ImVec2(p0.x + 4, p0.y), text, title);
    if (st.log_y) dl->AddText(ImVec2(p0.x + 8 + ImGui::CalcTextSize(title).x, p0.y), dim, "(log)");
    char buf[48];
    {
        const double s = nice_step(X.hi - X.lo, std::max(2, static_cast<int>(w / 90)));
        for (double t = std::ceil(X.lo / s) * s; t <= X.hi; t += s) {
            const float x = px(t);
            dl->AddLine(ImVec2(x, a.y), ImVec2(x, b.y), grid);
            const std::string l = format_value(std::fabs(t) < s * 1e-6 ? 0 : t);
            const float tw = ImGui::CalcTextSize(l.c_str()).x;
            dl->AddText(ImVec2(std::clamp(x - tw / 2, a.x, b.x - tw), b.y + 2), dim, l.c_str());
        }
        const double sy = nice_step(Y.hi - Y.lo, std::max(3, static_cast<int>(h / 30)));
        for (double t = std::ceil(Y.lo / sy) * sy; t <= Y.hi; t += sy) {
            const float y = py(t);
            dl->AddLine(ImVec2(a.x, y), ImVec2(b.x, y), grid);
            const double v = st.log_y ? std::pow(10.0, t) : (std::fabs(t) < sy * 1e-6 ? 0 : t);
            const std::string l = format_value(v);
            const float tw = ImGui::CalcTextSize(l.c_str()).x;
            dl->AddText(ImVec2(a.x - tw - 4, std::clamp(y - line_h / 2, a.y - line_h / 2, b.y - line_h / 2)),
                        dim, l.c_str());
        }
    }
    dl->AddRect(a, b, IM_COL32(255, 255, 255, 50));

    dl->PushClipRect(a, b, true);
    for (const PlotMarker& m : markers) {
        if (m.x < X.lo || m.x > X.hi) continue;
        dl->AddLine(ImVec2(px(m.x), a.y), ImVec2(px(m.x), b.y), m.color, 1.5f);
    }
    thread_local std::vector<ImVec2> pts;
    for (size_t i = 0; i < lines.size(); ++i) {
        const PlotLine& l = lines[i];
        pts.clear();
        auto flush = [&] {
            if (pts.size() >= 2) dl->AddPolyline(pts.data(), static_cast<int>(pts.size()), l.color, 0, l.thickness);
            pts.clear();
        };
        for (const Bucket& k : buckets[i]) {
            const double y0 = ty(k.first), y1 = ty(k.last);
            if (!std::isfinite(y0) || !std::isfinite(y1)) {
                flush();
                continue;
            }
            const float x0 = px(k.x_first), x1 = px(k.x_last);
            pts.emplace_back(x0, py(y0));
            if (k.count > 1) {
                const double lo = ty(k.lo), hi = ty(k.hi);
                if (std::isfinite(lo) && std::isfinite(hi))
                    dl->AddLine(ImVec2((x0 + x1) / 2, py(lo)), ImVec2((x0 + x1) / 2, py(hi)), l.color, 1.0f);
                pts.emplace_back(x1, py(y1));
            }
            if (l.points && buckets[i].size() < static_cast<size_t>(cols) / 6) dl->AddCircleFilled(ImVec2(x0, py(y0)), 2.5f, l.color);
        }
        flush();
    }
    dl->PopClipRect();

    // Legend, top right.
    {
        std::vector<const std::string*> seen;
        float widest = 0;
        for (const PlotLine& l : lines) {
            if (l.label.empty()) continue;
            if (std::any_of(seen.begin(), seen.end(), [&](const std::string* s) { return *s == l.label; })) continue;
            seen.push_back(&l.label);
            widest = std::max(widest, ImGui::CalcTextSize(l.label.c_str()).x);
        }
        if (!seen.empty()) {
            const float rows = std::min(static_cast<float>(seen.size()), std::floor((h - 8) / line_h));
            dl->AddRectFilled(ImVec2(b.x - widest - 26, a.y + 2), ImVec2(b.x - 2, a.y + 6 + rows * line_h),
                              IM_COL32(20, 22, 28, 200), 3.0f);
        }
        float y = a.y + 4;
        for (const std::string* label : seen) {
            const PlotLine& l = *std::find_if(lines.begin(), lines.end(), [&](const PlotLine& p) { return p.label == *label; });
            const float tw = ImGui::CalcTextSize(l.label.c_str()).x;
            const ImVec2 t(b.x - tw - 8, y);
            dl->AddRectFilled(ImVec2(t.x - 14, y + 4), ImVec2(t.x - 4, y + line_h - 4), l.color);
            dl->AddText(t, text, l.label.c_str());
            y += line_h;
            if (y > b.y - line_h) break;
        }
    }

    // Hover read-out: every line's value at the cursor's x, and markers nearby.
    if (hovered && io.MousePos.x >= a.x && io.MousePos.x <= b.x && !ImGui::IsMouseDragging(0)) {
        const double mx = X.lo + (io.MousePos.x - a.x) / w * (X.hi - X.lo);
        dl->AddLine(ImVec2(io.MousePos.x, a.y), ImVec2(io.MousePos.x, b.y), IM_COL32(255, 255, 255, 70));
        std::string tip;
        std::snprintf(buf, sizeof buf, "step %.0f", mx);
        tip = buf;
        for (const PlotLine& l : lines) {
            if (l.label.empty() || !l.n) continue;
            size_t i = static_cast<size_t>(std::lower_bound(l.x, l.x + l.n, mx) - l.x);
            if (i == l.n || (i > 0 && mx - l.x[i - 1] < l.x[i] - mx)) i = i ? i - 1 : 0;
            std::snprintf(buf, sizeof buf, "%.0f", l.x[i]);
            tip += "\n" + l.label + ": " + format_value(l.y[i]) + "  (step " + buf + ")";
        }
        for (const PlotMarker& m : markers)
            if (std::fabs(px(m.x) - io.MousePos.x) < 4) tip += "\n" + m.text;
        ImGui::SetTooltip("%s", tip.c_str());
    }
    ImGui::PopID();
    return active || (hovered && io.MouseWheel != 0);
}

}  // namespace gs::plot
