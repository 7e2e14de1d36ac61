// The Gauges tab (see gauges_panel.h).
#include "gauges_panel.h"

#include <cmath>
#include <string>

#include "gradscope/gauges.h"
#include "plot/palette.h"

namespace gs::monitor {

namespace {

using plot::PlotLine;
using plot::PlotMarker;

ImU32 faded(ImU32 c, float alpha) {
    return (c & ~IM_COL32_A_MASK) | (static_cast<ImU32>(alpha * 255) << IM_COL32_A_SHIFT);
}

std::string who(const std::vector<RunView>& runs, const RunView& r, const char* what) {
    return runs.size() == 1 ? std::string(what) : r.data->name + " " + what;
}

void line(std::vector<PlotLine>& out, const Track& t, const std::string& label, ImU32 color, float width) {
    if (t.empty()) return;
    const TrackView v = t.view(0);
    out.push_back(PlotLine{label, v.x, v.y, v.n, v.pyramid, color, width});
}

// The monitor's font has no em dash or capital sigma: plain stand-ins.
std::string plain(std::string s) {
    for (const auto& [from, to] : {std::pair<const char*, const char*>{"\u2014", "-"}, {"\u03a3", "Sigma"}}) {
        for (size_t at = s.find(from); at != std::string::npos; at = s.find(from, at))
            s.replace(at, std::string(from).size(), to);
    }
    return s;
}

void heading(const char* title) {
    ImGui::Spacing();
    ImGui::Separator();
    ImGui::TextUnformatted(title);
}

void words(const char* about) {
    ImGui::PushTextWrapPos(0);
    ImGui::TextDisabled("%s", plain(about).c_str());
    ImGui::PopTextWrapPos();
}

void verdict(const std::vector<RunView>& runs, const RunView& r, const std::string& text, float cost) {
    ImGui::PushTextWrapPos(0);
    const std::string head = runs.size() > 1 ? r.data->name + ": " : "";
    ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(r.color), "%s%s", head.c_str(), plain(text).c_str());
    if (cost > 0) {
        ImGui::SameLine();
        ImGui::TextDisabled("(cost: %.1f%% of the training time)", 100.0 * cost);
    }
    ImGui::PopTextWrapPos();
}

}  // namespace

GaugePanelState::GaugePanelState() {
    sharpness.log_y = true;
    noise.log_y = true;
}

bool has_gauges(const std::vector<RunView>& runs) {
    for (const RunView& r : runs)
        if (!r.data->sharpness().empty() || !r.data->noise_scale().empty() || !r.data->lr_ranges().empty())
            return true;
    return false;
}

void draw_gauges(const std::vector<RunView>& runs, GaugePanelState& st) {
    if (!has_gauges(runs)) {
        ImGui::PushTextWrapPos(0);
        ImGui::TextUnformatted(
            "No gauges in this run. Turn them on with gradscope-train train --sharpness-every N "
            "--noise-every N, or run gradscope-train lr-find SPEC --log DIR (or the studio's "
            "Training > Find learning rate... and its Gauges view).");
        ImGui::PopTextWrapPos();
    }
    const float h = std::max(160.0f, ImGui::GetContentRegionAvail().y / 3 - 70);
    std::vector<PlotLine> lines;

    // Sharpness against 2/lr.
    heading("Sharpness against 2/lr (edge of stability)");
    words(sharpness_about());
    for (const RunView& r : runs) {
        line(lines, r.data->sharpness(), who(runs, r, "sharpness"), r.color, 1.8f);
        line(lines, r.data->sharpness_edge(), who(runs, r, "2/lr"), faded(r.color, 0.5f), 1.0f);
    }
    plot::line_plot("sharpness", "Sharpness (top Hessian eigenvalue) and 2/lr", st.sharpness, lines, {},
                    ImVec2(0, h));
    for (const RunView& r : runs)
        if (r.data->last_sharpness().iterations > 0)
            verdict(runs, r, sharpness_verdict(r.data->last_sharpness().sharpness, r.data->last_sharpness().lr),
                    r.data->last_sharpness().cost_share);

    // The gradient noise scale against the batch size.
    heading("Gradient noise scale (critical batch size)");
    words(noise_scale_about());
    lines.clear();
    for (const RunView& r : runs) {
        line(lines, r.data->noise_scale(), who(runs, r, "B_simple"), r.color, 1.8f);
        line(lines, r.data->noise_batch(), who(runs, r, "batch size"), faded(r.color, 0.5f), 1.0f);
    }
    plot::line_plot("noise", "Noise scale B_simple and the batch size", st.noise, lines, {}, ImVec2(0, h));
    for (const RunView& r : runs)
        if (r.data->last_noise_scale().batch > 0)
            verdict(runs, r, noise_scale_verdict(r.data->last_noise_scale().b_simple, r.data->last_noise_scale().batch),
                    r.data->last_noise_scale().cost_share);

    // The newest range test of each run: loss against log10(lr).
    heading("Learning-rate range test");
    words(lr_range_about());
    lines.clear();
    std::vector<std::vector<double>> xs;
    std::vector<PlotMarker> markers;
    xs.reserve(runs.size());
    for (const RunView& r : runs) {
        if (r.data->lr_ranges().empty()) continue;
        const LrRangeResult& t = r.data->lr_ranges().back();
        std::vector<double>& x = xs.emplace_back();
        for (float v : t.lr) x.push_back(std::log10(static_cast<double>(v)));
        lines.push_back(PlotLine{who(runs, r, "loss"), x.data(), t.loss.data(), x.size(), nullptr, r.color, 1.6f});
        if (t.suggested_lr > 0)
            markers.push_back(PlotMarker{std::log10(t.suggested_lr), plot::hyperparameter_marker_color(),
                                         "suggested lr " + std::to_string(t.suggested_lr)});
    }
    plot::line_plot("lrrange", "Loss against log10(learning rate)", st.lr_range, lines, markers, ImVec2(0, h));
    for (const RunView& r : runs)
        if (!r.data->lr_ranges().empty())
            verdict(runs, r, lr_range_verdict(r.data->lr_ranges().back(), 0), 0);
}

}  // namespace gs::monitor
