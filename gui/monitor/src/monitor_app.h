// The gradscope-monitor program: a GLFW window following run directories.
// The render loop sleeps while nothing changes: it waits for input for at
// most 50 ms, polls the logs, and draws only when a log or the input
// changed something.
#pragma once

#include <string>
#include <vector>

namespace gs::monitor {

struct MonitorOptions {
    std::vector<std::string> runs;  // run directories (or run.jsonl files)
    std::string screenshot;         // save the last frame here and exit
    int frames = 5;                 // frames drawn before the screenshot
    int width = 1280, height = 800;
    bool report_latency = false;    // print record-to-screen latencies to stderr
    std::string tab = "training";   // the tab shown first: one of monitor_tabs()
};

// The tabs' ids, in order: "training", "confusion", "distributions", "data-map".
const std::vector<std::string>& monitor_tabs();

// Runs the window until it is closed (or the screenshot is saved). Returns
// the process exit status; problems are printed as sentences.
int run_monitor(const MonitorOptions& options);

}  // namespace gs::monitor
