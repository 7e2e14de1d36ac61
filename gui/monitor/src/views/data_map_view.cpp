// The data map view (see data_map_view.h). The scatter draws every item as
// a small square (60,000 of them cost a few milliseconds), the likely
// mislabeled ones ringed; the nearest dot within a few pixels of the mouse
// is the one described. The region lines and names follow the thresholds of
// the newest "datamap" record.
#include "views/data_map_view.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

#include "gradscope/confusion.h"
#include "gradscope/explanations.h"
#include "plot/line_plot.h"
#include "views/view_common.h"

namespace gs::monitor {

namespace {

const ImU32 kRing = IM_COL32(255, 110, 230, 90);  // the likely mislabeled

// Right 0% red, 50% yellow, 100% blue-green.
ImU32 correctness_color(float c, float alpha) {
    static const float stops[][3] = {{225, 70, 70}, {235, 200, 70}, {70, 200, 190}};
    c = std::clamp(std::isfinite(c) ? c : 0.0f, 0.0f, 1.0f) * 2;
    const int i = std::min(static_cast<int>(c), 1);
    const float f = c - static_cast<float>(i);
    int rgb[3];
    for (int k = 0; k < 3; ++k) rgb[k] = static_cast<int>(stops[i][k] + (stops[i + 1][k] - stops[i][k]) * f);
    return IM_COL32(rgb[0], rgb[1], rgb[2], static_cast<int>(alpha * 255));
}

std::string class_name(const RunData& d, int c) {
    if (c < 0) return "-";
    if (!d.confusions().empty()) return class_label(d.confusions().back(), c);
    return std::to_string(c);
}

// The item's history as a sparkline of `size`, p(label) from 0 to 1.
void sparkline(const DataMap& m, size_t i, ImVec2 size) {
    const ImVec2 p = ImGui::GetCursorScreenPos();
    ImGui::Dummy(size);
    ImDrawList* dl = ImGui::GetWindowDrawList();
    dl->AddRectFilled(p, ImVec2(p.x + size.x, p.y + size.y), IM_COL32(20, 22, 28, 255));
    dl->AddLine(ImVec2(p.x, p.y + size.y / 2), ImVec2(p.x + size.x, p.y + size.y / 2), IM_COL32(255, 255, 255, 30));
    const size_t n = m.history_length(i);
    for (size_t j = 0; j < n; ++j) {
        const float x = p.x + 4 + (size.x - 8) * (n > 1 ? static_cast<float>(j) / static_cast<float>(n - 1) : 0.5f);
        const float y = p.y + 3 + (size.y - 6) * (1 - m.history_p(i, j));
        if (j) {
            const size_t k = j - 1;
            const float x0 = p.x + 4 + (size.x - 8) * static_cast<float>(k) / static_cast<float>(n - 1);
            const float y0 = p.y + 3 + (size.y - 6) * (1 - m.history_p(i, k));
            dl->AddLine(ImVec2(x0, y0), ImVec2(x, y), IM_COL32(220, 220, 220, 255), 1.5f);
        }
        dl->AddCircleFilled(ImVec2(x, y), 2.5f, correctness_color(m.history_p(i, j) >= 0.5f ? 1.0f : 0.0f, 1));
    }
}

void describe_item(const RunData& d, const DataMap& m, size_t i) {
    const DataMapItem r = m.row(i);
    ImGui::Text("item %u: label %s, prefers %s (%.0f%%)", r.item, class_name(d, r.label).c_str(),
                class_name(d, r.predicted).c_str(), 100.0 * r.predicted_p);
    ImGui::Text("confidence %.2f, variability %.2f, right in %.0f%% of %u presentations", r.confidence,
                r.variability, 100.0 * r.correctness, r.presentations);
    ImGui::Text("forgotten %s", r.forgetting == 0 ? "never" : r.forgetting == 1 ? "once"
                                                       : (std::to_string(r.forgetting) + " times").c_str());
    ImGui::Text("%s%s", entry_of(data_region_table(), r.region).label, m.likely_mislabeled(i) ? ", likely mislabeled" : "");
    ImGui::TextDisabled("p(label) at its last %zu presentations (dots: right / wrong)", m.history_length(i));
    sparkline(m, i, ImVec2(300, 60));
}

void draw_scatter(const RunData& d, const DataMap& m, DataMapViewState& st, ImVec2 size) {
    const ImVec2 p0 = ImGui::GetCursorScreenPos();
    ImGui::InvisibleButton("##scatter", size);
    const bool hovered = ImGui::IsItemHovered(), clicked = ImGui::IsItemClicked();
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const float line_h = ImGui::GetTextLineHeight();
    const ImVec2 a(p0.x + 46, p0.y + line_h + 6), b(p0.x + size.x - 8, p0.y + size.y - line_h * 3 - 12);
    dl->AddRectFilled(a, b, IM_COL32(20, 22, 28, 255));
    float vmax = 0.25f;
    for (size_t i = 0; i < m.items(); ++i)
        if (m.presentations[i]) vmax = std::max(vmax, m.variability[i] * 1.1f);
    vmax = std::min(vmax, 0.5f);
    auto px = [&](float v) { return a.x + (b.x - a.x) * v / vmax; };
    auto py = [&](float c) { return b.y - (b.y - a.y) * c; };
    const ImU32 dim = ImGui::GetColorU32(ImGuiCol_TextDisabled);
    for (float c = 0; c <= 1.001f; c += 0.25f) {
        char l[16];
        std::snprintf(l, sizeof l, "%.2f", c);
        dl->AddLine(ImVec2(a.x, py(c)), ImVec2(b.x, py(c)), IM_COL32(255, 255, 255, 18));
        dl->AddText(ImVec2(a.x - ImGui::CalcTextSize(l).x - 4, py(c) - line_h / 2), dim, l);
    }
    for (float v = 0; v <= vmax + 1e-4f; v += 0.05f) {
        char l[16];
        std::snprintf(l, sizeof l, "%.2f", v);
        dl->AddLine(ImVec2(px(v), a.y), ImVec2(px(v), b.y), IM_COL32(255, 255, 255, 14));
        dl->AddText(ImVec2(px(v) - ImGui::CalcTextSize(l).x / 2, b.y + 2), dim, l);
    }
    const char* x_title = "variability (std of p(label) across epochs)";
    dl->AddText(ImVec2(b.x - ImGui::CalcTextSize(x_title).x, b.y + line_h + 2), dim, x_title);
    dl->AddText(ImVec2(p0.x, p0.y), dim, "confidence (mean p(label))");
    // Dots, then the rings of the likely mislabeled on top.
    dl->PushClipRect(a, b, true);
    for (size_t i = 0; i < m.items(); ++i) {
        if (!m.presentations[i]) continue;
        const ImVec2 c(px(m.variability[i]), py(m.confidence[i]));
        dl->AddRectFilled(ImVec2(c.x - 1.5f, c.y - 1.5f), ImVec2(c.x + 1.5f, c.y + 1.5f),
                          correctness_color(m.correctness[i], 0.55f));
    }
    for (size_t i = 0; i < m.items(); ++i)
        if (m.presentations[i] && m.likely_mislabeled(i))
            dl->AddCircle(ImVec2(px(m.variability[i]), py(m.confidence[i])), 2.5f, kRing, 6, 1.0f);
    // Regions: the lines of the thresholds, and their names.
    const DataMapThresholds& t = m.thresholds;
    const ImU32 region = IM_COL32(255, 255, 255, 150);
    dl->AddLine(ImVec2(px(t.ambiguous_variability), a.y), ImVec2(px(t.ambiguous_variability), b.y), region, 1.5f);
    dl->AddLine(ImVec2(a.x, py(t.easy_confidence)), ImVec2(px(t.ambiguous_variability), py(t.easy_confidence)), region, 1.5f);
    auto name = [&](ImVec2 at, const char* s) {
        const ImVec2 ts = ImGui::CalcTextSize(s);
        dl->AddRectFilled(ImVec2(at.x - 3, at.y - 1), ImVec2(at.x + ts.x + 3, at.y + ts.y + 1), IM_COL32(0, 0, 0, 150), 3);
        dl->AddText(at, IM_COL32(255, 255, 255, 235), s);
    };
    name(ImVec2(a.x + 6, a.y + 4), "easy to learn");
    name(ImVec2(a.x + 6, b.y - line_h - 6), "hard to learn");
    name(ImVec2(px(t.ambiguous_variability) + 8, a.y + (b.y - a.y) * 0.45f), "ambiguous");
    // The dot under the mouse.
    long near = -1;
    const ImVec2 mouse = ImGui::GetIO().MousePos;
    if (hovered) {
        float best = 36;
        for (size_t i = 0; i < m.items(); ++i) {
            if (!m.presentations[i]) continue;
            const float dx = px(m.variability[i]) - mouse.x, dy = py(m.confidence[i]) - mouse.y;
            if (dx * dx + dy * dy < best) best = dx * dx + dy * dy, near = static_cast<long>(i);
        }
    }
    if (clicked) st.selected = near;
    for (long i : {st.selected, near})
        if (i >= 0 && static_cast<size_t>(i) < m.items())
            dl->AddCircle(ImVec2(px(m.variability[static_cast<size_t>(i)]), py(m.confidence[static_cast<size_t>(i)])),
                          6, IM_COL32(255, 255, 255, 255), 12, 2);
    dl->PopClipRect();
    // The legend under the axis.
    float x = a.x;
    const float ly = b.y + 2 * line_h + 6;
    const char* legend[] = {"never right", "right half the epochs", "always right"};
    for (int k = 0; k < 3; ++k) {
        dl->AddRectFilled(ImVec2(x, ly + 4), ImVec2(x + 9, ly + 13), correctness_color(0.5f * static_cast<float>(k), 1));
        dl->AddText(ImVec2(x + 13, ly), dim, legend[k]);
        x += ImGui::CalcTextSize(legend[k]).x + 26;
    }
    dl->AddCircle(ImVec2(x + 4, ly + 8), 4.5f, IM_COL32(255, 110, 230, 255), 10, 1.2f);
    dl->AddText(ImVec2(x + 13, ly), dim, "likely mislabeled");
    if (near >= 0) {
        ImGui::BeginTooltip();
        describe_item(d, m, static_cast<size_t>(near));
        ImGui::EndTooltip();
    }
}

void draw_regions_over_epochs(const RunData& d, plot::LinePlotState& plot, ImVec2 size) {
    std::vector<double> x;
    std::vector<float> easy, amb, hard;
    for (const DataMapSummary& s : d.data_maps()) {
        x.push_back(s.epoch);
        easy.push_back(static_cast<float>(s.easy));
        amb.push_back(static_cast<float>(s.ambiguous));
        hard.push_back(static_cast<float>(s.hard));
    }
    std::vector<plot::PlotLine> lines;
    auto add = [&](const char* label, const std::vector<float>& y, ImU32 c) {
        plot::PlotLine l{label, x.data(), y.data(), x.size(), nullptr, c, 1.8f};
        l.points = x.size() < 30;
        lines.push_back(l);
    };
    add("easy to learn", easy, correctness_color(1, 1));
    add("ambiguous", amb, correctness_color(0.5f, 1));
    add("hard to learn", hard, correctness_color(0, 1));
    plot::line_plot("regions", "Items per region, by epoch", plot, lines, {}, size);
}

void draw_lists(const RunData& d, const DataMapSummary& s, DataMapViewState& st, ImVec2 size) {
    ImGui::BeginChild("##lists", size, true);
    const char* names[] = {"likely mislabeled", "never learned", "most forgotten"};
    const size_t counts[] = {s.mislabeled, s.never_learned, s.forgotten};
    ImGui::TextDisabled("(?)");
    const ViewExplanation& e = explanation_of(ExplainedView::DataMapLists);
    if (ImGui::IsItemHovered()) {
        ImGui::BeginTooltip();
        ImGui::PushTextWrapPos(440);
        ImGui::TextWrapped("%s\n\n%s\n\n%s", e.what, e.read, e.act);
        ImGui::PopTextWrapPos();
        ImGui::EndTooltip();
    }
    ImGui::SameLine();
    if (ImGui::BeginTabBar("##which", ImGuiTabBarFlags_FittingPolicyResizeDown)) {
        for (int k = 0; k < 3; ++k) {
            char l[64];
            std::snprintf(l, sizeof l, "%s (%zu)###list%d", names[k], counts[k], k);
            if (ImGui::BeginTabItem(l)) {
                st.list = k;
                ImGui::EndTabItem();
            }
        }
        ImGui::EndTabBar();
    }
    const std::vector<DataMapItem>& items =
        st.list == 0 ? s.likely_mislabeled : st.list == 1 ? s.never_learned_items : s.most_forgotten;
    if (ImGui::BeginTable("##list", 6, ImGuiTableFlags_ScrollY | ImGuiTableFlags_RowBg | ImGuiTableFlags_SizingStretchProp,
                          ImVec2(0, std::max(50.0f, ImGui::GetContentRegionAvail().y)))) {
        ImGui::TableSetupScrollFreeze(0, 1);
        for (const char* h : {"item", "label", "prefers", "confidence", "right", "forgotten"}) ImGui::TableSetupColumn(h);
        ImGui::TableHeadersRow();
        for (const DataMapItem& r : items) {
            ImGui::TableNextRow();
            ImGui::TableNextColumn();
            char id[24];
            std::snprintf(id, sizeof id, "%u", r.item);
            if (ImGui::Selectable(id, st.selected == static_cast<long>(r.item), ImGuiSelectableFlags_SpanAllColumns))
                st.selected = static_cast<long>(r.item);
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(class_name(d, r.label).c_str());
            ImGui::TableNextColumn();
            ImGui::Text("%s %.0f%%", class_name(d, r.predicted).c_str(), 100.0 * r.predicted_p);
            ImGui::TableNextColumn();
            ImGui::Text("%.3f", r.confidence);
            ImGui::TableNextColumn();
            ImGui::Text("%.0f%%", 100.0 * r.correctness);
            ImGui::TableNextColumn();
            ImGui::Text("%u", r.forgetting);
        }
        ImGui::EndTable();
    }
    ImGui::EndChild();
}

}  // namespace

void draw_data_map_view(const std::vector<RunView>& runs, DataMapViewState& st) {
    static plot::LinePlotState regions_plot;
    const RunData* d = pick_run("##map_run", runs, st.run);
    const ImVec2 avail = ImGui::GetContentRegionAvail();
    if (!d || d->data_maps().empty()) {
        ImGui::NewLine();
        empty_note(ImVec2(avail.x, avail.y - ImGui::GetFrameHeightWithSpacing()),
                   "No data map yet. A classification run (softmax or binary cross-entropy) writes a \"datamap\" "
                   "record at the end of every epoch, and the per-item table datamap.csv beside run.jsonl.");
        return;
    }
    const DataMapSummary& s = d->data_maps().back();
    ImGui::Text("epoch %d, step %ld: %zu of %zu items seen", s.epoch, s.step, s.seen, s.items);
    const ImVec2 left = ImGui::GetContentRegionAvail();
    const float right_w = std::max(340.0f, left.x * 0.42f);
    const float gap = ImGui::GetStyle().ItemSpacing.y;
    ImGui::BeginGroup();
    std::shared_ptr<const DataMap> table = d->data_map_table();
    const float detail_h = st.selected >= 0 && table && static_cast<size_t>(st.selected) < table->items() ? 150.0f : 0.0f;
    const ImVec2 scatter(left.x - right_w - 8, left.y - detail_h);
    if (table && table->items()) {
        const DataMap& m = *table;  // its thresholds are the newest record's (RunData)
        draw_scatter(*d, m, st, scatter);
        if (detail_h > 0) {
            ImGui::BeginChild("##selected", ImVec2(scatter.x, detail_h - gap), true);
            describe_item(*d, m, static_cast<size_t>(st.selected));
            ImGui::EndChild();
        }
    } else {
        empty_note(scatter, "The per-item table (datamap.csv beside run.jsonl) is not there yet: the run writes it "
                            "at an epoch's end, at most every 10 seconds. The counts and lists on the right come from "
                            "the run log itself.");
    }
    ImGui::EndGroup();
    ImGui::SameLine();
    ImGui::BeginGroup();
    const float explain_h = std::min(left.y * 0.47f, 340.0f), plot_h = std::min(left.y * 0.22f, 160.0f);
    explanation_box("##map_explain", ExplainedView::DataMap, describe_data_map(s), ImVec2(right_w, explain_h));
    draw_regions_over_epochs(*d, regions_plot, ImVec2(right_w, plot_h));
    draw_lists(*d, s, st, ImVec2(right_w, left.y - explain_h - plot_h - 2 * gap));
    ImGui::EndGroup();
}

}  // namespace gs::monitor
