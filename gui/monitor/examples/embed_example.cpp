// The embeddable inspector in a program of one's own: a plain GLFW + Dear
// ImGui application trains a preset in-process and adds one call per frame,
// gs::imgui::draw_session_inspector, to watch it live and steer it.
//
//   gradscope-embed-example [PRESET] [--screenshot FILE.png [--frames N]]
//
// PRESET defaults to spiral-tanh. With --screenshot it trains while drawing
// N frames (default 90, about 30 ms apart), saves the last and exits.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>

#include <GLFW/glfw3.h>
#include <backends/imgui_impl_glfw.h>
#include <backends/imgui_impl_opengl3.h>
#include <imgui.h>

#include "gradscope/backend.h"
#include "gradscope/data_pipeline.h"
#include "gradscope/error.h"
#include "gradscope/presets.h"
#include "gradscope/session.h"
#include "gradscope_imgui/inspector.h"
#include "gradscope_imgui/screenshot.h"
#include "gradscope_imgui/style.h"

int main(int argc, char** argv) {
    std::string preset = "spiral-tanh", screenshot;
    int frames = 90;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--screenshot" && i + 1 < argc) {
            screenshot = argv[++i];
        } else if (a == "--frames" && i + 1 < argc) {
            frames = std::max(1, std::atoi(argv[++i]));
        } else if (a == "-h" || a == "--help") {
            std::puts("usage: gradscope-embed-example [PRESET] [--screenshot FILE.png [--frames N]]");
            return 0;
        } else {
            preset = a;
        }
    }

    // The user's training: a Session on a worker thread, and a store for its telemetry.
    std::unique_ptr<gs::Session> session;
    gs::ModelSpec spec;
    try {
        spec = gs::load_preset(preset);
        session = std::make_unique<gs::Session>(spec, gs::prepare_data(spec), gs::cpu_backend());
    } catch (const gs::Error& e) {
        std::fprintf(stderr, "gradscope-embed-example: %s\n", e.what());
        return 1;
    }
    gs::TelemetryStore store;
    session->start();

    // The user's window: the usual GLFW + ImGui setup.
    if (!glfwInit()) {
        std::fprintf(stderr, "gradscope-embed-example: cannot open a window (no display? try xvfb-run)\n");
        return 1;
    }
    glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
    glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 3);
    glfwWindowHint(GLFW_OPENGL_PROFILE, GLFW_OPENGL_CORE_PROFILE);
    GLFWwindow* win = glfwCreateWindow(1280, 800, "my training program", nullptr, nullptr);
    if (!win) {
        std::fprintf(stderr, "gradscope-embed-example: cannot create an OpenGL 3.3 window\n");
        glfwTerminate();
        return 1;
    }
    glfwMakeContextCurrent(win);
    glfwSwapInterval(1);
    ImGui::CreateContext();
    ImGui::GetIO().IniFilename = nullptr;
    gs::imgui::apply_style();
    ImGui_ImplGlfw_InitForOpenGL(win, true);
    ImGui_ImplOpenGL3_Init("#version 330");

    gs::imgui::InspectorState inspector;
    inspector.set_spec(spec);
    inspector.fill_viewport = true;
    int status = 0;
    for (int frame = 1; !glfwWindowShouldClose(win); ++frame) {
        glfwPollEvents();
        ImGui_ImplOpenGL3_NewFrame();
        ImGui_ImplGlfw_NewFrame();
        ImGui::NewFrame();

        gs::imgui::draw_session_inspector(*session, store, inspector);  // the one call

        ImGui::Render();
        int w = 0, h = 0;
        glfwGetFramebufferSize(win, &w, &h);
        glViewport(0, 0, w, h);
        glClearColor(0.08f, 0.09f, 0.11f, 1);
        glClear(GL_COLOR_BUFFER_BIT);
        ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
        if (!screenshot.empty()) {
            if (frame >= frames) {
                std::string err;
                if (!gs::imgui::save_framebuffer_png(screenshot, w, h, &err)) {
                    std::fprintf(stderr, "gradscope-embed-example: %s\n", err.c_str());
                    status = 1;
                }
                break;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(30));
        }
        glfwSwapBuffers(win);
    }
    session.reset();  // stops the worker
    ImGui_ImplOpenGL3_Shutdown();
    ImGui_ImplGlfw_Shutdown();
    ImGui::DestroyContext();
    glfwDestroyWindow(win);
    glfwTerminate();
    return status;
}
