// The embeddable inspector (see gradscope_imgui/inspector.h): the session's
// telemetry, drained into the caller's TelemetryStore, is turned into a
// RunData whenever new records came, and drawn by the same panels as the
// monitor's.
#include "gradscope_imgui/inspector.h"

#include <cmath>

#include <imgui.h>

#include "panels.h"
#include "plot/palette.h"
#include "run_data.h"
#include "gradscope/names.h"

namespace gs::imgui {

InspectorState::InspectorState()
    : data(std::make_unique<monitor::RunData>()), panels(std::make_unique<monitor::PanelState>()) {
    data->name = "session";
}

InspectorState::~InspectorState() = default;

void InspectorState::set_spec(const ModelSpec& spec) {
    std::vector<std::string> names;
    for (const LayerSpec& l : spec.layers) names.push_back(l.type);
    data->set_layer_names(std::move(names));
    if (!spec.name.empty()) data->name = spec.name;
}

namespace {

void command(InspectorState& st, const CommandResult& r) { st.message = r ? "" : r.reason; }

void controls(Session& s, InspectorState& st) {
    const SessionState state = s.state();
    ImGui::Text("%s  step %ld", state_name(state), s.steps_done());
    ImGui::SameLine();
    if (state == SessionState::Idle) {
        if (ImGui::Button("Start")) command(st, s.start());
    } else if (state == SessionState::Running) {
        if (ImGui::Button("Pause")) command(st, s.pause());
    } else if (state == SessionState::Paused) {
        if (ImGui::Button("Resume")) command(st, s.resume());
    } else {
        ImGui::BeginDisabled();
        ImGui::Button("Start");
        ImGui::EndDisabled();
    }
    ImGui::SameLine();
    const bool can_step = state == SessionState::Idle || state == SessionState::Paused;
    ImGui::BeginDisabled(!can_step);
    if (ImGui::Button("Step")) command(st, s.step(st.step_count));
    ImGui::SameLine();
    ImGui::SetNextItemWidth(70);
    ImGui::InputInt("steps", &st.step_count, 1, 10);
    st.step_count = std::max(1, st.step_count);
    ImGui::EndDisabled();
    ImGui::SameLine();
    if (ImGui::Button("Stop")) command(st, s.stop());
    ImGui::SameLine();
    if (ImGui::Button("Reset")) command(st, s.reset());
    ImGui::SameLine();
    if (st.lr <= 0 && !st.data->lr().empty()) st.lr = st.data->lr().last_y();
    float lr = st.lr > 0 ? st.lr : 0.01f;
    ImGui::SetNextItemWidth(200);
    if (ImGui::SliderFloat("learning rate", &lr, 1e-5f, 10.0f, "%.5g", ImGuiSliderFlags_Logarithmic))
        st.lr = lr;
    if (ImGui::IsItemDeactivatedAfterEdit()) command(st, s.set_hyperparameter(gs::id_of(gs::Hyperparameter::Lr), st.lr));
    const BreakInfo b = s.last_break();
    if (!b.message.empty() && (state == SessionState::Paused || state == SessionState::Stopped)) {
        ImGui::TextColored(ImVec4(1, 0.5f, 0.4f, 1), "%s", b.message.c_str());
    }
    if (!st.message.empty()) ImGui::TextColored(ImVec4(1, 0.4f, 0.4f, 1), "%s", st.message.c_str());
}

}  // namespace

size_t draw_session_inspector(Session& session, TelemetryStore& store, InspectorState& st) {
    const size_t n = session.drain(store);
    if (n || st.data->records() == 0) {
        const std::string name = st.data->name;
        st.data->load_from_store(store);
        st.data->name = name;
    }
    bool open = true;
    if (st.own_window) {
        if (st.fill_viewport) {
            const ImGuiViewport* vp = ImGui::GetMainViewport();
            ImGui::SetNextWindowPos(vp->WorkPos);
            ImGui::SetNextWindowSize(vp->WorkSize);
        } else {
            ImGui::SetNextWindowSize(ImVec2(1000, 760), ImGuiCond_FirstUseEver);
        }
        const ImGuiWindowFlags flags =
            st.fill_viewport ? ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings : 0;
        open = ImGui::Begin(st.title.c_str(), nullptr, flags);
    }
    if (open) {
        controls(session, st);
        monitor::draw_panels({monitor::RunView{st.data.get(), plot::palette_color(0)}}, *st.panels);
    }
    if (st.own_window) ImGui::End();
    return n;
}

}  // namespace gs::imgui
