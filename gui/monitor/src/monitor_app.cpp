// The monitor's window and render loop (see monitor_app.h).
#include "monitor_app.h"

#include <chrono>
#include <cstdio>
#include <ctime>
#include <memory>

#include <GLFW/glfw3.h>
#include <backends/imgui_impl_glfw.h>
#include <backends/imgui_impl_opengl3.h>
#include <imgui.h>

#include "gauges_panel.h"
#include "gradscope_imgui/screenshot.h"
#include "gradscope_imgui/style.h"
#include "panels.h"
#include "plot/palette.h"
#include "run_source.h"
#include "views/confusion_view.h"
#include "views/data_map_view.h"
#include "views/distributions_view.h"

namespace gs::monitor {

namespace {

// Input arrived since the last frame: draw a few frames so that ImGui settles.
int g_input_frames = 0;

void on_glfw_error(int code, const char* what) { std::fprintf(stderr, "gradscope-monitor: GLFW error %d: %s\n", code, what); }
void mark_input() { g_input_frames = 3; }
// Installed before ImGui's own callbacks, which chain to these.
void on_cursor(GLFWwindow*, double, double) { mark_input(); }
void on_button(GLFWwindow*, int, int, int) { mark_input(); }
void on_scroll(GLFWwindow*, double, double) { mark_input(); }
void on_key(GLFWwindow*, int, int, int, int) { mark_input(); }
void on_char(GLFWwindow*, unsigned) { mark_input(); }
void on_focus(GLFWwindow*, int) { mark_input(); }
void on_enter(GLFWwindow*, int) { mark_input(); }
void on_size(GLFWwindow*, int, int) { mark_input(); }
void on_refresh(GLFWwindow*) { mark_input(); }

int64_t realtime_ns() {
    timespec ts{};
    clock_gettime(CLOCK_REALTIME, &ts);
    return static_cast<int64_t>(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

void draw_header(const std::vector<std::unique_ptr<RunSource>>& sources, const std::vector<RunView>& views) {
    for (size_t i = 0; i < sources.size(); ++i) {
        const RunData& d = sources[i]->data();
        if (i) ImGui::SameLine(0, 24);
        const ImVec2 p = ImGui::GetCursorScreenPos();
        const float s = ImGui::GetTextLineHeight();
        ImGui::GetWindowDrawList()->AddRectFilled(ImVec2(p.x, p.y + 3), ImVec2(p.x + s - 6, p.y + s - 3), views[i].color);
        ImGui::Dummy(ImVec2(s - 4, s));
        ImGui::SameLine();
        ImGui::Text("%s", d.name.c_str());
        ImGui::SameLine();
        ImGui::TextDisabled("%s%s%s  step %ld  epoch %zu", d.spec_name().c_str(), d.backend().empty() ? "" : " on ",
                            d.backend().c_str(), d.last_step(), d.epochs_done());
    }
}

using Sources = std::vector<std::unique_ptr<RunSource>>;

// The tabs: the training panels, then the views of what a classifier learned,
// then the gauges of the optimization.
struct Tabs {
    ConfusionViewState confusion;
    DistributionsViewState distributions;
    DataMapViewState data_map;
    GaugePanelState gauges;
    std::string select;  // the tab to bring to the front at the next frame ("": none)
};

void draw_tabs(const std::vector<RunView>& views, PanelState& panels, Tabs& tabs) {
    if (!ImGui::BeginTabBar("##tabs")) return;
    const char* labels[] = {"Training", "Confusion & mistakes", "Distributions", "Data map", "Gauges"};
    for (size_t i = 0; i < monitor_tabs().size(); ++i) {
        const bool select = tabs.select == monitor_tabs()[i];
        if (!ImGui::BeginTabItem(labels[i], nullptr, select ? ImGuiTabItemFlags_SetSelected : 0)) continue;
        ImGui::BeginChild("##tab", ImVec2(0, 0));
        switch (i) {
            case 0: draw_panels(views, panels); break;
            case 1: draw_confusion_view(views, tabs.confusion); break;
            case 2: draw_distributions_view(views, tabs.distributions); break;
            case 3: draw_data_map_view(views, tabs.data_map); break;
            default: draw_gauges(views, tabs.gauges); break;  // gauges_panel.cpp
        }
        ImGui::EndChild();
        ImGui::EndTabItem();
    }
    tabs.select.clear();
    ImGui::EndTabBar();
}

std::vector<RunView> make_views(const Sources& sources) {
    std::vector<RunView> views;
    for (size_t i = 0; i < sources.size(); ++i) views.push_back(RunView{&sources[i]->data(), plot::palette_color(i)});
    return views;
}

}  // namespace

const std::vector<std::string>& monitor_tabs() {
    static const std::vector<std::string> t = {"training", "confusion", "distributions", "data-map", "gauges"};
    return t;
}

int run_monitor(const MonitorOptions& o) {
    RunSet runs(o.runs);
    const Sources& sources = runs.sources();
    const auto t0 = std::chrono::steady_clock::now();
    size_t records = 0;
    for (auto& s : sources) {
        s->poll();
        records += s->data().records();
    }
    const double load_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::fprintf(stderr, "gradscope-monitor: read %zu records from %zu run%s in %.3f s\n", records, sources.size(),
                 sources.size() == 1 ? "" : "s", load_s);
    for (auto& s : sources)
        if (!s->follower().is_open()) std::fprintf(stderr, "gradscope-monitor: %s\n", s->follower().problem().c_str());

    glfwSetErrorCallback(on_glfw_error);
    if (!glfwInit()) {
        std::fprintf(stderr, "gradscope-monitor: cannot open a window (no display? under a headless machine, run it with xvfb-run)\n");
        return 1;
    }
    glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
    glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 3);
    glfwWindowHint(GLFW_OPENGL_PROFILE, GLFW_OPENGL_CORE_PROFILE);
    std::string title = "gradscope-monitor:";
    for (auto& s : sources) title += " " + s->data().name;
    GLFWwindow* win = glfwCreateWindow(o.width, o.height, title.c_str(), nullptr, nullptr);
    if (!win) {
        std::fprintf(stderr, "gradscope-monitor: cannot create an OpenGL 3.3 window\n");
        glfwTerminate();
        return 1;
    }
    glfwMakeContextCurrent(win);
    glfwSwapInterval(o.screenshot.empty() ? 1 : 0);
    // A screenshot shows the views, not a tooltip of wherever the pointer is.
    if (!o.screenshot.empty()) glfwSetCursorPos(win, 1, 1);
    glfwSetCursorPosCallback(win, on_cursor);
    glfwSetMouseButtonCallback(win, on_button);
    glfwSetScrollCallback(win, on_scroll);
    glfwSetKeyCallback(win, on_key);
    glfwSetCharCallback(win, on_char);
    glfwSetWindowFocusCallback(win, on_focus);
    glfwSetCursorEnterCallback(win, on_enter);
    glfwSetFramebufferSizeCallback(win, on_size);
    glfwSetWindowRefreshCallback(win, on_refresh);

    IMGUI_CHECKVERSION();
    ImGui::CreateContext();
    ImGui::GetIO().IniFilename = nullptr;  // nothing written into the working directory
    gs::imgui::apply_style();
    ImGui_ImplGlfw_InitForOpenGL(win, true);
    ImGui_ImplOpenGL3_Init("#version 330");

    PanelState panels;
    Tabs tabs;
    tabs.select = o.tab;
    std::vector<RunView> views = make_views(sources);
    auto last_scan = std::chrono::steady_clock::now();
    int status = 0;
    int frames_left = 3;  // frames still to draw
    int frame = 0;
    int64_t shown_mtime = 0;  // newest data's file time not yet reported on screen
    while (!glfwWindowShouldClose(win)) {
        if (!o.screenshot.empty() || frames_left > 0 || g_input_frames > 0) glfwPollEvents();
        else glfwWaitEventsTimeout(0.05);
        bool changed = false;
        if (const auto now = std::chrono::steady_clock::now(); now - last_scan >= std::chrono::seconds(1)) {
            last_scan = now;
            if (runs.rescan()) {
                views = make_views(sources);
                changed = true;
            }
        }
        for (auto& s : sources)
            if (s->poll(size_t{256} << 20)) {
                changed = true;
                shown_mtime = std::max(shown_mtime, s->last_mtime_ns());
            }
        if (changed) frames_left = std::max(frames_left, 2);
        if (g_input_frames > 0) {
            frames_left = std::max(frames_left, g_input_frames);
            g_input_frames = 0;
        }
        for (auto& s : sources)
            if (s->follower().behind()) frames_left = std::max(frames_left, 1);
        if (o.screenshot.empty() && frames_left <= 0) continue;
        --frames_left;

        ImGui_ImplOpenGL3_NewFrame();
        ImGui_ImplGlfw_NewFrame();
        ImGui::NewFrame();
        const ImGuiViewport* vp = ImGui::GetMainViewport();
        ImGui::SetNextWindowPos(vp->WorkPos);
        ImGui::SetNextWindowSize(vp->WorkSize);
        ImGui::Begin("##monitor", nullptr,
                     ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings |
                         ImGuiWindowFlags_NoBringToFrontOnFocus);
        draw_header(sources, views);
        ImGui::BeginChild("##panels", ImVec2(0, -ImGui::GetFrameHeightWithSpacing()));
        draw_tabs(views, panels, tabs);
        ImGui::EndChild();
        ImGui::Separator();
        std::string line;
        for (auto& s : sources) line += (line.empty() ? "" : "   |   ") + s->status();
        ImGui::TextDisabled("%s", line.c_str());
        ImGui::End();
        ImGui::Render();
        int fw = 0, fh = 0;
        glfwGetFramebufferSize(win, &fw, &fh);
        glViewport(0, 0, fw, fh);
        glClearColor(0.08f, 0.09f, 0.11f, 1);
        glClear(GL_COLOR_BUFFER_BIT);
        ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
        ++frame;
        if (!o.screenshot.empty() && frame >= o.frames) {
            std::string err;
            if (!gs::imgui::save_framebuffer_png(o.screenshot, fw, fh, &err)) {
                std::fprintf(stderr, "gradscope-monitor: %s\n", err.c_str());
                status = 1;
            } else {
                std::fprintf(stderr, "gradscope-monitor: saved %s (%dx%d)\n", o.screenshot.c_str(), fw, fh);
            }
            break;
        }
        glfwSwapBuffers(win);
        if (o.report_latency && shown_mtime) {
            glFinish();
            std::fprintf(stderr, "latency %.1f ms\n", static_cast<double>(realtime_ns() - shown_mtime) / 1e6);
            shown_mtime = 0;
        }
    }
    ImGui_ImplOpenGL3_Shutdown();
    ImGui_ImplGlfw_Shutdown();
    ImGui::DestroyContext();
    glfwDestroyWindow(win);
    glfwTerminate();
    return status;
}

}  // namespace gs::monitor
