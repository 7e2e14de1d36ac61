// The shared panels (see panels.h): a toolbar, then a two-column grid of
// plots, then the event list.
#include "panels.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "plot/palette.h"

namespace gs::monitor {

namespace {

using plot::PlotLine;
using plot::PlotMarker;

const char* kFlowMetrics[] = {"gradient norm", "mean |gradient|", "max |gradient|", "update / weight ratio",
                              "weight norm"};
const char* kActMetrics[] = {"activation mean", "activation std", "dead fraction (ReLU)",
                             "saturated fraction (sigmoid/tanh)"};

ImU32 with_alpha(ImU32 c, float alpha) {
    return (c & ~IM_COL32_A_MASK) | (static_cast<ImU32>(alpha * 255) << IM_COL32_A_SHIFT);
}

// A track as plot lines: the smoothed curve, and the raw one faded behind it.
void add_track(std::vector<PlotLine>& out, const Track& t, const std::string& label, ImU32 color,
               float smoothing) {
    if (t.empty()) return;
    if (smoothing > 0) {
        const TrackView raw = t.view(0);
        out.push_back(PlotLine{"", raw.x, raw.y, raw.n, raw.pyramid, with_alpha(color, 0.22f), 1.0f});
    }
    const TrackView v = t.view(smoothing);
    out.push_back(PlotLine{label, v.x, v.y, v.n, v.pyramid, color, 1.6f});
}

void add_points(std::vector<PlotLine>& out, const Track& t, const std::string& label, ImU32 color) {
    if (t.empty()) return;
    const TrackView v = t.view(0);
    PlotLine l{label, v.x, v.y, v.n, v.pyramid, color, 1.2f};
    l.points = true;
    out.push_back(l);
}

std::string label_for(const std::vector<RunView>& runs, const RunView& r, const char* what) {
    if (runs.size() == 1) return what;
    return r.data->name + (what[0] ? std::string(" ") + what : std::string());
}

float flow_value(const LayerStats& s, int metric) {
    if (s.layer < 0 || !s.has_weights) return NAN;
    switch (metric) {
        case 0: return s.grad_norm;
        case 1: return s.grad_mean_abs;
        case 2: return s.grad_max_abs;
        case 3: return s.update_ratio;
        default: return s.weight_norm;
    }
}

float act_value(const LayerStats& s, int metric) {
    if (s.layer < 0) return NAN;
    switch (metric) {
        case 0: return s.act_mean;
        case 1: return s.act_std;
        case 2: return s.dead_fraction < 0 ? NAN : s.dead_fraction;
        default: return s.saturated_fraction < 0 ? NAN : s.saturated_fraction;
    }
}

// Per-layer tracks over time: every layer with weights of a single run
// (coloured by layer), or one layer of every run (coloured by run).
void layer_lines(const std::vector<RunView>& runs, const PanelState& st, bool ratio,
                 std::vector<PlotLine>& out) {
    if (runs.size() == 1) {
        const RunData& d = *runs[0].data;
        for (size_t i = 0; i < d.layers().size(); ++i) {
            const LayerTracks& t = d.layers()[i];
            if (t.has_weights)
                add_track(out, ratio ? t.update_ratio : t.grad_norm, d.layer_name(i), plot::palette_color(i + 2),
                          0);
        }
        return;
    }
    for (const RunView& r : runs) {
        const auto& ls = r.data->layers();
        int layer = st.layer;
        if (layer < 0)
            for (size_t i = 0; i < ls.size() && layer < 0; ++i)
                if (ls[i].has_weights) layer = static_cast<int>(i);
        if (layer < 0 || static_cast<size_t>(layer) >= ls.size()) continue;
        const LayerTracks& t = ls[static_cast<size_t>(layer)];
        add_track(out, ratio ? t.update_ratio : t.grad_norm,
                  r.data->name + " " + r.data->layer_name(static_cast<size_t>(layer)), r.color, 0);
    }
}

}  // namespace

PanelState::PanelState() {
    for (plot::LinePlotState* p : {&loss, &accuracy, &lr, &sps, &grad_norm, &update_ratio}) p->x_link = &steps;
    grad_norm.log_y = update_ratio.log_y = true;
    flow.log_y = true;
}

void draw_panels(const std::vector<RunView>& runs, PanelState& st) {
    // Toolbar.
    ImGui::SetNextItemWidth(140);
    ImGui::SliderFloat("smoothing", &st.smoothing, 0.0f, 0.99f, "%.2f");
    ImGui::SameLine();
    if (ImGui::Checkbox("link step axes", &st.link_x)) {
        for (plot::LinePlotState* p : {&st.loss, &st.accuracy, &st.lr, &st.sps, &st.grad_norm, &st.update_ratio})
            p->x_link = st.link_x ? &st.steps : nullptr;
    }
    ImGui::SameLine();
    if (ImGui::Button("fit all")) {
        st.steps.fit = true;
        for (plot::LinePlotState* p : {&st.loss, &st.accuracy, &st.lr, &st.sps, &st.grad_norm, &st.update_ratio})
            p->x.fit = p->y.fit = true;
    }
    if (runs.size() > 1) {
        ImGui::SameLine();
        size_t most = 0;
        const RunData* widest = runs[0].data;
        for (const RunView& r : runs)
            if (r.data->layers().size() > most) most = r.data->layers().size(), widest = r.data;
        ImGui::SetNextItemWidth(150);
        const std::string cur = st.layer < 0 ? "first with weights" : widest->layer_name(static_cast<size_t>(st.layer));
        if (ImGui::BeginCombo("layer over time", cur.c_str())) {
            if (ImGui::Selectable("first with weights", st.layer < 0)) st.layer = -1;
            for (size_t i = 0; i < most; ++i)
                if (ImGui::Selectable(widest->layer_name(i).c_str(), st.layer == static_cast<int>(i)))
                    st.layer = static_cast<int>(i);
            ImGui::EndCombo();
        }
    }
    ImGui::SameLine();
    ImGui::TextDisabled("(drag: pan, wheel: zoom, shift+wheel: zoom y, double-click: fit, right-click: log)");

    // The shared step axis follows every run's data while it is fitted.
    if (st.steps.fit) {
        double lo = INFINITY, hi = -INFINITY;
        auto span = [&](const Track& t) {
            if (!t.empty()) lo = std::min(lo, t.x().front()), hi = std::max(hi, t.x().back());
        };
        for (const RunView& r : runs) {
            for (const Track* t : {&r.data->loss(), &r.data->val_loss(), &r.data->accuracy()}) span(*t);
            for (const LayerTracks& l : r.data->layers()) span(l.grad_norm), span(l.act_mean);
        }
        plot::fit_axis(st.steps, lo, hi);
    }

    // Event markers for every step plot.
    std::vector<PlotMarker> markers;
    for (const RunView& r : runs)
        for (const EventRecord& e : r.data->events()) {
            const bool bp = e.kind == "breakpoint" || e.kind == "error";
            if (!bp && e.kind != "hyperparameter") continue;
            const std::string who = runs.size() > 1 ? r.data->name + ": " : "";
            markers.push_back(PlotMarker{static_cast<double>(e.step),
                                         bp ? plot::breakpoint_marker_color() : plot::hyperparameter_marker_color(),
                                         who + e.text});
        }

    const float events_h = st.show_events ? 110.0f : 24.0f;
    const float avail = ImGui::GetContentRegionAvail().y - events_h;
    const float row_h = std::max(150.0f, avail / 4 - ImGui::GetStyle().CellPadding.y * 2 - 2);
    if (!ImGui::BeginTable("##grid", 2, ImGuiTableFlags_SizingStretchSame)) return;
    std::vector<PlotLine> lines;

    ImGui::TableNextColumn();
    lines.clear();
    for (const RunView& r : runs) {
        add_track(lines, r.data->loss(), label_for(runs, r, "train"), r.color, st.smoothing);
        add_points(lines, r.data->val_loss(), label_for(runs, r, "val"), with_alpha(r.color, 0.75f));
    }
    plot::line_plot("loss", "Loss", st.loss, lines, markers, ImVec2(0, row_h));

    ImGui::TableNextColumn();
    lines.clear();
    for (const RunView& r : runs) {
        add_track(lines, r.data->accuracy(), label_for(runs, r, "train"), r.color, st.smoothing);
        add_points(lines, r.data->val_accuracy(), label_for(runs, r, "val"), with_alpha(r.color, 0.75f));
    }
    plot::line_plot("accuracy", "Accuracy", st.accuracy, lines, markers, ImVec2(0, row_h));

    ImGui::TableNextColumn();
    lines.clear();
    for (const RunView& r : runs) add_track(lines, r.data->lr(), label_for(runs, r, ""), r.color, 0);
    plot::line_plot("lr", "Learning rate", st.lr, lines, markers, ImVec2(0, row_h));

    ImGui::TableNextColumn();
    lines.clear();
    for (const RunView& r : runs)
        add_track(lines, r.data->samples_per_s(), label_for(runs, r, ""), r.color, st.smoothing);
    plot::line_plot("sps", "Samples / s", st.sps, lines, markers, ImVec2(0, row_h));

    ImGui::TableNextColumn();
    lines.clear();
    layer_lines(runs, st, false, lines);
    plot::line_plot("gradnorm", "Gradient norm per layer", st.grad_norm, lines, markers, ImVec2(0, row_h));

    ImGui::TableNextColumn();
    lines.clear();
    layer_lines(runs, st, true, lines);
    plot::line_plot("ratio", "Update / weight ratio per layer", st.update_ratio, lines, markers,
                    ImVec2(0, row_h));

    // Bars: the newest statistics sample of each run, per layer.
    size_t most = 0;
    const RunData* widest = runs.empty() ? nullptr : runs[0].data;
    for (const RunView& r : runs)
        if (r.data->latest_layers().size() > most) most = r.data->latest_layers().size(), widest = r.data;
    std::vector<std::string> cats;
    for (size_t i = 0; i < most; ++i) cats.push_back(widest->layer_name(i));
    auto bars = [&](int metric, bool flow) {
        std::vector<plot::BarSeries> series;
        for (const RunView& r : runs) {
            plot::BarSeries s{r.data->name, r.color, {}};
            for (const LayerStats& l : r.data->latest_layers())
                s.values.push_back(flow ? flow_value(l, metric) : act_value(l, metric));
            series.push_back(std::move(s));
        }
        return series;
    };
    ImGui::TableNextColumn();
    ImGui::SetNextItemWidth(180);
    ImGui::Combo("##flow", &st.flow_metric, kFlowMetrics, IM_ARRAYSIZE(kFlowMetrics));
    ImGui::SameLine();
    ImGui::TextUnformatted("gradient flow (latest)");
    plot::bar_chart("flow", "", st.flow, cats, bars(st.flow_metric, true),
                    ImVec2(0, row_h - ImGui::GetFrameHeightWithSpacing()));
    ImGui::TableNextColumn();
    ImGui::SetNextItemWidth(180);
    ImGui::Combo("##acts", &st.act_metric, kActMetrics, IM_ARRAYSIZE(kActMetrics));
    ImGui::SameLine();
    ImGui::TextUnformatted("activations (latest)");
    plot::bar_chart("acts", "", st.acts, cats, bars(st.act_metric, false),
                    ImVec2(0, row_h - ImGui::GetFrameHeightWithSpacing()));
    ImGui::EndTable();

    // Events, newest first.
    size_t n_events = 0;
    for (const RunView& r : runs) n_events += r.data->events().size();
    const std::string head = "Events (" + std::to_string(n_events) + ")###events";
    st.show_events = ImGui::CollapsingHeader(head.c_str(), ImGuiTreeNodeFlags_DefaultOpen);
    if (st.show_events && ImGui::BeginTable("##events", 4,
                                            ImGuiTableFlags_ScrollY | ImGuiTableFlags_RowBg |
                                                ImGuiTableFlags_SizingFixedFit,
                                            ImVec2(0, std::max(60.0f, ImGui::GetContentRegionAvail().y)))) {
        ImGui::TableSetupScrollFreeze(0, 1);
        ImGui::TableSetupColumn("run");
        ImGui::TableSetupColumn("step");
        ImGui::TableSetupColumn("kind");
        ImGui::TableSetupColumn("what", ImGuiTableColumnFlags_WidthStretch);
        ImGui::TableHeadersRow();
        for (const RunView& r : runs) {
            const auto& ev = r.data->events();
            for (size_t k = ev.size(); k-- > 0 && ev.size() - k <= 500;) {
                const EventRecord& e = ev[k];
                ImGui::TableNextRow();
                ImGui::TableNextColumn();
                ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(r.color), "%s", r.data->name.c_str());
                ImGui::TableNextColumn();
                ImGui::Text("%ld", e.step);
                ImGui::TableNextColumn();
                ImGui::TextUnformatted(e.kind.c_str());
                ImGui::TableNextColumn();
                ImGui::TextUnformatted(e.text.c_str());
            }
        }
        ImGui::EndTable();
    }
}

}  // namespace gs::monitor
