// The distributions view (see distributions_view.h). Bands: for each logged
// sample, the percentiles of TensorBoard's distributions (the core's
// kDistributionQuantiles), read from the 32-bin histogram; neighbouring
// samples are joined by quads. Stacked:
// up to kRidges samples spread over the run, each histogram redrawn on one
// common value axis and scaled to its own peak, oldest at the top.
#include "views/distributions_view.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

#include "gradscope/distributions.h"
#include "plot/line_plot.h"
#include "views/view_common.h"

namespace gs::monitor {

namespace {

constexpr int kBands = 4;  // pairs (0, 8), (1, 7), (2, 6), (3, 5); 4 is the median
constexpr size_t kRidges = 36;
const char* kKinds[] = {"weights", "gradients", "outputs"};

const std::vector<HistogramSample>& samples_of(const LayerHistograms& h, int kind) {
    return kind == 0 ? h.weights : kind == 1 ? h.grads : h.acts;
}

struct Frame {
    ImVec2 a, b;  // plot area corners
    double x0, x1, y0, y1;
    float px(double x) const { return a.x + static_cast<float>((x - x0) / (x1 - x0)) * (b.x - a.x); }
    float py(double y) const { return b.y - static_cast<float>((y - y0) / (y1 - y0)) * (b.y - a.y); }
};

// Grid lines and labels of a value axis (left) and, when steps, a step axis (bottom).
void axes(ImDrawList* dl, const Frame& f, bool steps) {
    const ImU32 dim = ImGui::GetColorU32(ImGuiCol_TextDisabled);
    const float line_h = ImGui::GetTextLineHeight();
    const double ys = plot::nice_step(f.y1 - f.y0, 5);
    for (double y = std::ceil(f.y0 / ys) * ys; y <= f.y1 + ys * 1e-9; y += ys) {
        const float py = f.py(y);
        dl->AddLine(ImVec2(f.a.x, py), ImVec2(f.b.x, py), IM_COL32(255, 255, 255, 24));
        const std::string l = plot::format_value(std::fabs(y) < ys * 1e-6 ? 0.0 : y);
        dl->AddText(ImVec2(f.a.x - ImGui::CalcTextSize(l.c_str()).x - 4, py - line_h / 2), dim, l.c_str());
    }
    if (!steps) return;
    const double xs = plot::nice_step(f.x1 - f.x0, 6);
    for (double x = std::ceil(f.x0 / xs) * xs; x <= f.x1 + xs * 1e-9; x += xs) {
        const float px = f.px(x);
        dl->AddLine(ImVec2(px, f.a.y), ImVec2(px, f.b.y), IM_COL32(255, 255, 255, 16));
        const std::string l = plot::format_value(x);
        dl->AddText(ImVec2(px - ImGui::CalcTextSize(l.c_str()).x / 2, f.b.y + 2), dim, l.c_str());
    }
}

void draw_bands(const std::vector<HistogramSample>& v, ImU32 color, bool inner, ImVec2 size) {
    const ImVec2 p0 = ImGui::GetCursorScreenPos();
    ImGui::InvisibleButton("##bands", size);
    const bool hovered = ImGui::IsItemHovered();
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const float line_h = ImGui::GetTextLineHeight();
    Frame f{ImVec2(p0.x + 58, p0.y + 4), ImVec2(p0.x + size.x - 8, p0.y + size.y - line_h - 6), 0, 1, 0, 1};
    dl->AddRectFilled(f.a, f.b, IM_COL32(20, 22, 28, 255));
    std::vector<float> q(v.size() * 9);
    double lo = INFINITY, hi = -INFINITY;
    for (size_t i = 0; i < v.size(); ++i)
        for (int k = 0; k < 9; ++k) {
            const float x = histogram_percentile(v[i].h, kDistributionQuantiles[static_cast<size_t>(k)]);
            q[i * 9 + static_cast<size_t>(k)] = x;
            // The range: every value, or (inner) the 7-93% band's.
            if (std::isfinite(x) && (!inner || (k >= 1 && k <= 7)))
                lo = std::min(lo, static_cast<double>(x)), hi = std::max(hi, static_cast<double>(x));
        }
    if (!(hi > lo)) hi = lo + 1;
    const double pad = (hi - lo) * 0.05;
    f.x0 = static_cast<double>(v.front().step);
    f.x1 = std::max(static_cast<double>(v.back().step), f.x0 + 1);
    f.y0 = lo - pad;
    f.y1 = hi + pad;
    axes(dl, f, true);
    dl->PushClipRect(f.a, f.b, true);
    // Neighbouring quads share edges: without anti-aliased fills no seam shows.
    const ImDrawListFlags flags = dl->Flags;
    dl->Flags &= ~ImDrawListFlags_AntiAliasedFill;
    const float alphas[kBands] = {0.18f, 0.30f, 0.45f, 0.65f};
    for (int band = 0; band < kBands; ++band) {
        const ImU32 c = (color & ~IM_COL32_A_MASK) | (static_cast<ImU32>(alphas[band] * 255) << IM_COL32_A_SHIFT);
        for (size_t i = 0; i + 1 < v.size(); ++i) {
            const float* a = &q[i * 9];
            const float* b = &q[(i + 1) * 9];
            const float xa = f.px(static_cast<double>(v[i].step)), xb = f.px(static_cast<double>(v[i + 1].step));
            dl->AddQuadFilled(ImVec2(xa, f.py(a[band])), ImVec2(xb, f.py(b[band])), ImVec2(xb, f.py(b[8 - band])),
                              ImVec2(xa, f.py(a[8 - band])), c);
        }
    }
    dl->Flags = flags;
    for (size_t i = 0; i + 1 < v.size(); ++i)
        dl->AddLine(ImVec2(f.px(static_cast<double>(v[i].step)), f.py(q[i * 9 + 4])),
                    ImVec2(f.px(static_cast<double>(v[i + 1].step)), f.py(q[(i + 1) * 9 + 4])), color, 1.6f);
    if (v.size() == 1) dl->AddCircleFilled(ImVec2(f.px(f.x0), f.py(q[4])), 3, color);
    dl->PopClipRect();
    const ImVec2 m = ImGui::GetIO().MousePos;
    if (hovered && m.x >= f.a.x && m.x <= f.b.x) {
        const double step = f.x0 + (m.x - f.a.x) / (f.b.x - f.a.x) * (f.x1 - f.x0);
        size_t best = 0;
        for (size_t i = 1; i < v.size(); ++i)
            if (std::fabs(static_cast<double>(v[i].step) - step) < std::fabs(static_cast<double>(v[best].step) - step))
                best = i;
        const float x = f.px(static_cast<double>(v[best].step));
        dl->AddLine(ImVec2(x, f.a.y), ImVec2(x, f.b.y), IM_COL32(255, 255, 255, 90));
        const float* p = &q[best * 9];
        ImGui::BeginTooltip();
        ImGui::Text("step %ld", v[best].step);
        ImGui::Text("max %s   93%% %s   84%% %s", plot::format_value(p[8]).c_str(), plot::format_value(p[7]).c_str(),
                    plot::format_value(p[6]).c_str());
        ImGui::Text("median %s", plot::format_value(p[4]).c_str());
        ImGui::Text("min %s   7%% %s   16%% %s", plot::format_value(p[0]).c_str(), plot::format_value(p[1]).c_str(),
                    plot::format_value(p[2]).c_str());
        ImGui::EndTooltip();
    }
    dl->AddText(ImVec2(f.b.x - ImGui::CalcTextSize("step").x, f.b.y + 2), ImGui::GetColorU32(ImGuiCol_TextDisabled),
                "step");
}

void draw_ridges(const std::vector<HistogramSample>& all, ImU32 color, ImVec2 size) {
    // Up to kRidges samples, evenly spread, the newest always among them.
    std::vector<const HistogramSample*> v;
    const size_t n = all.size(), k = std::min(n, kRidges);
    for (size_t j = 0; j < k; ++j) v.push_back(&all[k == 1 ? n - 1 : j * (n - 1) / (k - 1)]);
    const ImVec2 p0 = ImGui::GetCursorScreenPos();
    ImGui::InvisibleButton("##ridges", size);
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const float line_h = ImGui::GetTextLineHeight();
    Frame f{ImVec2(p0.x + 58, p0.y + 4), ImVec2(p0.x + size.x - 8, p0.y + size.y - line_h - 6), 0, 1, 0, 1};
    dl->AddRectFilled(f.a, f.b, IM_COL32(20, 22, 28, 255));
    double lo = INFINITY, hi = -INFINITY;
    for (const HistogramSample* s : v) lo = std::min(lo, static_cast<double>(s->h.lo)), hi = std::max(hi, static_cast<double>(s->h.hi));
    if (!(hi > lo)) hi = lo + 1;
    f.x0 = lo;
    f.x1 = hi;
    const ImU32 dim = ImGui::GetColorU32(ImGuiCol_TextDisabled);
    const double xs = plot::nice_step(hi - lo, 6);
    for (double x = std::ceil(lo / xs) * xs; x <= hi + xs * 1e-9; x += xs) {
        const float px = f.px(x);
        dl->AddLine(ImVec2(px, f.a.y), ImVec2(px, f.b.y), IM_COL32(255, 255, 255, 16));
        const std::string l = plot::format_value(std::fabs(x) < xs * 1e-6 ? 0.0 : x);
        dl->AddText(ImVec2(px - ImGui::CalcTextSize(l.c_str()).x / 2, f.b.y + 2), dim, l.c_str());
    }
    // Baselines from the top (oldest) to the bottom (newest); each peak
    // reaches three baselines up, so the curves overlap like a ridge plot.
    const float gap = (f.b.y - f.a.y - 4) / static_cast<float>(v.size() + 2);
    const float peak = gap * 3.0f;
    dl->PushClipRect(ImVec2(p0.x, f.a.y), f.b, true);
    const ImDrawListFlags flags = dl->Flags;
    const int label_every = std::max(1, static_cast<int>(std::ceil(line_h * 1.2f / gap)));
    for (size_t r = 0; r < v.size(); ++r) {
        const LayerStats::Histogram& h = v[r]->h;
        const float base = f.a.y + peak + gap * static_cast<float>(r);
        uint32_t most = 1;
        for (uint32_t c : h.counts) most = std::max(most, c);
        const float t = v.size() > 1 ? static_cast<float>(r) / static_cast<float>(v.size() - 1) : 1.0f;
        const ImU32 line = (color & ~IM_COL32_A_MASK) | (static_cast<ImU32>((0.35f + 0.65f * t) * 255) << IM_COL32_A_SHIFT);
        const double w = (static_cast<double>(h.hi) - h.lo) / LayerStats::kBins;
        ImVec2 prev;
        for (int b = 0; b < LayerStats::kBins; ++b) {
            const ImVec2 pt(f.px(h.lo + (b + 0.5) * w), base - peak * static_cast<float>(h.counts[b]) / static_cast<float>(most));
            if (b) {
                // Fill under the segment with the background, hiding older curves behind it
                // (without anti-aliased edges, which would show as seams between the quads).
                dl->Flags &= ~ImDrawListFlags_AntiAliasedFill;
                dl->AddQuadFilled(ImVec2(prev.x, base), ImVec2(pt.x, base), pt, prev, IM_COL32(20, 22, 28, 255));
                dl->AddQuadFilled(ImVec2(prev.x, base), ImVec2(pt.x, base), pt, prev,
                                  (color & ~IM_COL32_A_MASK) | (static_cast<ImU32>(40 + 60 * t) << IM_COL32_A_SHIFT));
                dl->Flags = flags;
                dl->AddLine(prev, pt, line, 1.3f);
            }
            prev = pt;
        }
        if (r % static_cast<size_t>(label_every) == 0 || r + 1 == v.size()) {
            const std::string l = std::to_string(v[r]->step);
            dl->AddText(ImVec2(f.a.x - ImGui::CalcTextSize(l.c_str()).x - 4, base - line_h + 2), dim, l.c_str());
        }
    }
    dl->PopClipRect();
    dl->AddText(ImVec2(p0.x, p0.y - 2), dim, "step");
}

}  // namespace

void draw_distributions_view(const std::vector<RunView>& runs, DistributionsViewState& st) {
    const RunData* d = pick_run("##dist_run", runs, st.run);
    const auto& hs = d ? d->histograms() : std::vector<LayerHistograms>{};
    std::vector<int> layers;
    for (size_t i = 0; i < hs.size(); ++i)
        if (!hs[i].weights.empty() || !hs[i].grads.empty() || !hs[i].acts.empty()) layers.push_back(static_cast<int>(i));
    const ImVec2 avail = ImGui::GetContentRegionAvail();
    if (layers.empty()) {
        ImGui::NewLine();
        empty_note(ImVec2(avail.x, avail.y - ImGui::GetFrameHeightWithSpacing()),
                   "No histograms yet. The run log's \"layers\" lines carry them once a second at most "
                   "(weights, gradients and outputs of every layer); logs of older versions have none.");
        return;
    }
    if (std::find(layers.begin(), layers.end(), st.layer) == layers.end()) st.layer = layers.front();
    ImGui::SetNextItemWidth(170);
    if (ImGui::BeginCombo("##layer", d->layer_name(static_cast<size_t>(st.layer)).c_str())) {
        for (int l : layers)
            if (ImGui::Selectable(d->layer_name(static_cast<size_t>(l)).c_str(), st.layer == l)) st.layer = l;
        ImGui::EndCombo();
    }
    const LayerHistograms& h = hs[static_cast<size_t>(st.layer)];
    for (int k = 0; k < 3; ++k) {
        ImGui::SameLine();
        if (samples_of(h, k).empty()) ImGui::BeginDisabled();
        ImGui::RadioButton(kKinds[k], &st.kind, k);
        if (samples_of(h, k).empty()) ImGui::EndDisabled();
    }
    if (samples_of(h, st.kind).empty()) st.kind = h.acts.empty() ? 0 : 2;
    ImGui::SameLine(0, 24);
    int mode = st.stacked ? 1 : 0;
    ImGui::RadioButton("percentile bands", &mode, 0);
    ImGui::SameLine();
    ImGui::RadioButton("stacked histograms", &mode, 1);
    st.stacked = mode == 1;
    if (!st.stacked) {
        ImGui::SameLine();
        ImGui::Checkbox("fit the 7-93% band", &st.inner);
        if (ImGui::IsItemHovered()) ImGui::SetTooltip("Scale the value axis to the middle 86%%, leaving the extremes off the plot");
    }
    const auto& v = samples_of(h, st.kind);
    ImGui::SameLine(0, 24);
    ImGui::TextDisabled("%zu samples, steps %ld to %ld", v.size(), v.empty() ? 0L : v.front().step,
                        v.empty() ? 0L : v.back().step);
    const ImVec2 left = ImGui::GetContentRegionAvail();
    const float right_w = std::max(300.0f, left.x * 0.3f);
    const ImU32 colors[] = {IM_COL32(78, 154, 246, 255), IM_COL32(255, 150, 50, 255), IM_COL32(110, 200, 120, 255)};
    ImGui::BeginGroup();
    if (v.empty()) empty_note(ImVec2(left.x - right_w - 8, left.y), "No histograms of this kind for this layer.");
    else if (st.stacked) draw_ridges(v, colors[st.kind], ImVec2(left.x - right_w - 8, left.y));
    else draw_bands(v, colors[st.kind], st.inner, ImVec2(left.x - right_w - 8, left.y));
    ImGui::EndGroup();
    ImGui::SameLine();
    std::string sentence;
    if (!v.empty()) {
        const auto& last = v.back().h;
        sentence = std::string("Newest (step ") + std::to_string(v.back().step) + "): " + kKinds[st.kind] + " of " +
                   d->layer_name(static_cast<size_t>(st.layer)) + " from " + plot::format_value(last.lo) + " to " +
                   plot::format_value(last.hi) + ", median " + plot::format_value(histogram_percentile(last, 0.5)) + ".";
    }
    explanation_box("##dist_explain", st.stacked ? ExplainedView::Histograms : ExplainedView::Distributions, sentence,
                    ImVec2(right_w, left.y));
}

}  // namespace gs::monitor
