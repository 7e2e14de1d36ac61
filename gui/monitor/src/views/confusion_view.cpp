// The confusion view (see confusion_view.h): a heat map drawn cell by cell
// (the diagonal in the sequential colours, mistakes in the warm ones, each
// scaled to the largest of its kind so the mistakes are not washed out by
// the right answers), class names down the left and class numbers along the
// top, a tooltip per cell; beside it the explanation, the most confused
// pairs and the most confident mistakes.
#include "views/confusion_view.h"

#include <algorithm>
#include <cstdio>
#include <string>

#include "gradscope/confusion.h"
#include "gradscope/explanations.h"
#include "views/view_common.h"

namespace gs::monitor {

namespace {

std::string percent(float f) {
    char b[16];
    std::snprintf(b, sizeof b, f >= 0.995f || f == 0 ? "%.0f%%" : "%.1f%%", 100.0 * f);
    return b;
}

void draw_matrix(const ConfusionRecord& r, bool normalized, ImVec2 size) {
    const int K = r.classes;
    const ImVec2 p0 = ImGui::GetCursorScreenPos();
    ImGui::InvisibleButton("##matrix", size);
    const bool hovered = ImGui::IsItemHovered();
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const float line_h = ImGui::GetTextLineHeight();
    // Row labels: "3 Dress"; the widest sets the left margin (at most a third).
    float label_w = 0;
    for (int c = 0; c < K; ++c)
        label_w = std::max(label_w, ImGui::CalcTextSize((std::to_string(c) + " " + class_label(r, c)).c_str()).x);
    label_w = std::min(label_w + 10, size.x / 3);
    const float top = line_h * 2 + 6, bottom = line_h + 6;
    const float cell = std::max(4.0f, std::min((size.x - label_w - 4) / K, (size.y - top - bottom) / K));
    const ImVec2 a(p0.x + label_w, p0.y + top);
    const ImU32 dim = ImGui::GetColorU32(ImGuiCol_TextDisabled), text = ImGui::GetColorU32(ImGuiCol_Text);
    dl->AddText(ImVec2(p0.x, p0.y), dim, "rows: the true class    columns: the class predicted");
    // Scales: the largest diagonal and off-diagonal values.
    float diag_max = 0, off_max = 0;
    for (int t = 0; t < K; ++t)
        for (int p = 0; p < K; ++p) {
            const float v = normalized ? confusion_rate(r, t, p) : static_cast<float>(confusion_count(r, t, p));
            (t == p ? diag_max : off_max) = std::max(t == p ? diag_max : off_max, v);
        }
    const bool numbers = cell >= ImGui::CalcTextSize("100%").x + 4 && cell >= line_h + 2;
    int hover_t = -1, hover_p = -1;
    const ImVec2 m = ImGui::GetIO().MousePos;
    for (int t = 0; t < K; ++t) {
        const float y = a.y + cell * static_cast<float>(t);
        std::string row = std::to_string(t) + " " + class_label(r, t);
        while (row.size() > 3 && ImGui::CalcTextSize(row.c_str()).x > label_w - 8) row.pop_back();
        dl->AddText(ImVec2(p0.x, y + (cell - line_h) / 2), text, row.c_str());
        for (int p = 0; p < K; ++p) {
            const float x = a.x + cell * static_cast<float>(p);
            const uint32_t n = confusion_count(r, t, p);
            const float v = normalized ? confusion_rate(r, t, p) : static_cast<float>(n);
            const float scale = t == p ? diag_max : off_max;
            const ImU32 bg = n == 0 ? IM_COL32(26, 28, 36, 255)
                             : t == p ? sequential_color(0.15f + 0.85f * (scale > 0 ? v / scale : 0))
                                      : mistake_color(0.2f + 0.8f * (scale > 0 ? v / scale : 0));
            dl->AddRectFilled(ImVec2(x + 1, y + 1), ImVec2(x + cell - 1, y + cell - 1), bg);
            if (numbers && n) {
                const std::string s = normalized ? percent(v) : std::to_string(n);
                const ImVec2 ts = ImGui::CalcTextSize(s.c_str());
                if (ts.x < cell - 2)
                    dl->AddText(ImVec2(x + (cell - ts.x) / 2, y + (cell - ts.y) / 2), text_color_on(bg), s.c_str());
            }
            if (hovered && m.x >= x && m.x < x + cell && m.y >= y && m.y < y + cell) hover_t = t, hover_p = p;
        }
    }
    for (int p = 0; p < K; ++p) {
        const std::string s = std::to_string(p);
        const float tw = ImGui::CalcTextSize(s.c_str()).x;
        dl->AddText(ImVec2(a.x + cell * (static_cast<float>(p) + 0.5f) - tw / 2, a.y - line_h - 2), dim, s.c_str());
    }
    if (hover_t >= 0) {
        dl->AddRect(ImVec2(a.x + cell * static_cast<float>(hover_p), a.y + cell * static_cast<float>(hover_t)),
                    ImVec2(a.x + cell * static_cast<float>(hover_p + 1), a.y + cell * static_cast<float>(hover_t + 1)),
                    IM_COL32(255, 255, 255, 200), 0, 0, 2);
        ImGui::BeginTooltip();
        ImGui::Text("true %s, predicted %s", class_label(r, hover_t).c_str(), class_label(r, hover_p).c_str());
        ImGui::Text("%u items: %s of the %s items", confusion_count(r, hover_t, hover_p),
                    percent(confusion_rate(r, hover_t, hover_p)).c_str(), class_label(r, hover_t).c_str());
        ImGui::EndTooltip();
    }
    const std::string legend = std::string("diagonal: right answers (blue to yellow); off the diagonal: mistakes "
                                           "(purple to orange), each scaled to its largest ") +
                               (normalized ? "rate" : "count");
    dl->AddText(nullptr, 0, ImVec2(p0.x, a.y + cell * static_cast<float>(K) + 4), dim, legend.c_str(), nullptr,
                size.x);
}

void draw_pairs_and_mistakes(const ConfusionRecord& r, ImVec2 size) {
    ImGui::BeginChild("##mistakes", size, true);
    ImGui::TextColored(ImVec4(0.55f, 0.78f, 1.0f, 1.0f), "Most often confused");
    for (const ConfusedPair& p : most_confused_pairs(r, 3))
        ImGui::BulletText("%s taken for %s: %u items (%s of that class)", class_label(r, p.truth).c_str(),
                          class_label(r, p.predicted).c_str(), p.count, percent(p.rate).c_str());
    ImGui::Spacing();
    const ViewExplanation& e = explanation_of(ExplainedView::Mistakes);
    ImGui::TextColored(ImVec4(0.55f, 0.78f, 1.0f, 1.0f), "%s", e.title);
    ImGui::SameLine();
    ImGui::TextDisabled("(?)");
    if (ImGui::IsItemHovered()) {
        ImGui::BeginTooltip();
        ImGui::PushTextWrapPos(420);
        ImGui::TextWrapped("%s\n\n%s", e.read, e.act);
        ImGui::PopTextWrapPos();
        ImGui::EndTooltip();
    }
    ImGui::PushTextWrapPos(0);
    ImGui::TextDisabled("%s Item: its place in the %s split.", e.what, r.split.empty() ? "validation" : r.split.c_str());
    ImGui::PopTextWrapPos();
    if (ImGui::BeginTable("##mistake_table", 4,
                          ImGuiTableFlags_ScrollY | ImGuiTableFlags_RowBg | ImGuiTableFlags_SizingStretchProp,
                          ImVec2(0, std::max(60.0f, ImGui::GetContentRegionAvail().y)))) {
        ImGui::TableSetupScrollFreeze(0, 1);
        ImGui::TableSetupColumn("item", 0, 0.6f);
        ImGui::TableSetupColumn("label", 0, 1.2f);
        ImGui::TableSetupColumn("predicted", 0, 1.2f);
        ImGui::TableSetupColumn("probability", 0, 0.8f);
        ImGui::TableHeadersRow();
        for (const Snapshot::Mistake& m : r.mistakes) {
            ImGui::TableNextRow();
            ImGui::TableNextColumn();
            ImGui::Text("%d", m.item);
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(class_label(r, m.label).c_str());
            ImGui::TableNextColumn();
            ImGui::TextColored(ImVec4(1.0f, 0.55f, 0.35f, 1.0f), "%s", class_label(r, m.predicted).c_str());
            ImGui::TableNextColumn();
            ImGui::Text("%.2f%%", 100.0 * m.confidence);
        }
        ImGui::EndTable();
    }
    ImGui::EndChild();
}

}  // namespace

void draw_confusion_view(const std::vector<RunView>& runs, ConfusionViewState& st) {
    const RunData* d = pick_run("##confusion_run", runs, st.run);
    const ImVec2 avail = ImGui::GetContentRegionAvail();
    if (!d || d->confusions().empty()) {
        ImGui::NewLine();
        empty_note(ImVec2(avail.x, avail.y - ImGui::GetFrameHeightWithSpacing()),
                   "No confusion matrix yet. A classification run writes one at the end of every epoch that "
                   "has a validation (or test) split: its \"confusion\" records.");
        return;
    }
    const auto& all = d->confusions();
    const int n = static_cast<int>(all.size());
    int shown = st.record < 0 || st.record >= n ? n - 1 : st.record;
    ImGui::Checkbox("row-normalized", &st.normalized);
    ImGui::SameLine();
    if (n > 1) {
        ImGui::SetNextItemWidth(260);
        const ConfusionRecord& cur = all[static_cast<size_t>(shown)];
        char fmt[64];
        std::snprintf(fmt, sizeof fmt, "epoch %d (step %ld)", cur.epoch, cur.step);
        int pos = shown + 1;
        if (ImGui::SliderInt("##epoch", &pos, 1, n, fmt)) st.record = pos == n ? -1 : pos - 1;
        shown = st.record < 0 ? n - 1 : st.record;
        ImGui::SameLine();
    }
    const ConfusionRecord& r = all[static_cast<size_t>(shown)];
    ImGui::TextDisabled("%s split, %d classes, epoch %d, step %ld", r.split.c_str(), r.classes, r.epoch, r.step);
    const ImVec2 left = ImGui::GetContentRegionAvail();
    const float right_w = std::max(300.0f, left.x * 0.38f);
    ImGui::BeginGroup();
    draw_matrix(r, st.normalized, ImVec2(left.x - right_w - 8, left.y));
    ImGui::EndGroup();
    ImGui::SameLine();
    ImGui::BeginGroup();
    const float explain_h = std::min(left.y * 0.5f, 330.0f);
    explanation_box("##confusion_explain", ExplainedView::Confusion, describe_confusion(r), ImVec2(right_w, explain_h));
    draw_pairs_and_mistakes(r, ImVec2(right_w, left.y - explain_h - ImGui::GetStyle().ItemSpacing.y));
    ImGui::EndGroup();
}

}  // namespace gs::monitor
