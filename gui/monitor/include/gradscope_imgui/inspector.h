// The embeddable inspector: one call per frame in a user's own Dear ImGui
// program shows an in-process Session live: loss and accuracy curves,
// learning rate, samples/s, per-layer gradient flow and activation
// statistics, events, and controls (start, pause, resume, step, stop,
// reset, a learning-rate slider). It drains the session's telemetry into the
// store once per call and never waits for the training thread.
//
//     gs::imgui::InspectorState inspector;
//     ...every frame, between ImGui::NewFrame() and ImGui::Render():
//     gs::imgui::draw_session_inspector(session, store, inspector);
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "gradscope/session.h"
#include "gradscope/telemetry.h"

namespace gs::monitor {
class RunData;
struct PanelState;
}  // namespace gs::monitor

namespace gs::imgui {

struct InspectorState {
    InspectorState();
    ~InspectorState();
    std::string title = "Gradscope inspector";  // the ImGui window's title
    bool own_window = true;      // false: draw into the current window
    bool fill_viewport = false;  // with own_window: cover the whole viewport
    // Names for the legend and layers (optional): call set_spec once.
    void set_spec(const ModelSpec& spec);

    // Internals, kept between frames.
    std::unique_ptr<monitor::RunData> data;
    std::unique_ptr<monitor::PanelState> panels;
    float lr = 0;  // the slider's value (0: not yet read from the session)
    int step_count = 10;
    std::string message;  // the last refusal, shown until the next command
};

// Draws the inspector and applies what the user clicked. Returns how many
// telemetry records this call drained.
size_t draw_session_inspector(Session& session, TelemetryStore& store, InspectorState& state);

}  // namespace gs::imgui
