// gradscope-monitor RUN_DIR|ROOT [...] [--tab NAME] [--screenshot FILE.png [--frames N]]
// Follows run logs (docs/run-log.md) and shows them live; see docs/monitor.md.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "monitor_app.h"

namespace {

const char* kUsage =
    "usage: gradscope-monitor RUN_DIR|ROOT [RUN_DIR|ROOT...] [options]\n"
    "\n"
    "Follows the run logs (RUN_DIR/run.jsonl) of one or more training runs while\n"
    "they are written, and overlays them for comparison. A ROOT that holds no\n"
    "run.jsonl itself opens every run below it (up to three levels down), such\n"
    "as the rank-0/, rank-1/ ... of a torchrun job, including runs that appear\n"
    "while the monitor is open.\n"
    "\n"
    "options:\n"
    "  --screenshot FILE.png  render, save the last frame as a PNG, and exit\n"
    "  --frames N             frames to render before the screenshot (default 5)\n"
    "  --size WxH             window size (default 1280x800)\n"
    "  --tab NAME             the tab shown first: training, confusion, distributions,\n"
    "                         data-map or gauges (default training)\n"
    "  --report-latency       print how long each new record took to reach the screen\n"
    "  -h, --help             this text\n";

bool parse_int(const char* s, int& out) {
    char* end = nullptr;
    const long v = std::strtol(s, &end, 10);
    if (end == s || *end || v <= 0 || v > 100000) return false;
    out = static_cast<int>(v);
    return true;
}

}  // namespace

int main(int argc, char** argv) {
    gs::monitor::MonitorOptions o;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        auto value = [&](const char* what) -> const char* {
            if (i + 1 >= argc) {
                std::fprintf(stderr, "gradscope-monitor: %s needs %s\n", a.c_str(), what);
                std::exit(2);
            }
            return argv[++i];
        };
        if (a == "-h" || a == "--help") {
            std::fputs(kUsage, stdout);
            return 0;
        } else if (a == "--screenshot") {
            o.screenshot = value("a file name");
        } else if (a == "--frames") {
            if (!parse_int(value("a number"), o.frames)) {
                std::fprintf(stderr, "gradscope-monitor: --frames needs a whole number from 1 to 100000\n");
                return 2;
            }
        } else if (a == "--size") {
            const char* v = value("WIDTHxHEIGHT");
            if (std::sscanf(v, "%dx%d", &o.width, &o.height) != 2 || o.width < 200 || o.height < 150 ||
                o.width > 16384 || o.height > 16384) {
                std::fprintf(stderr, "gradscope-monitor: --size wants WIDTHxHEIGHT, e.g. 1280x800 (at least 200x150)\n");
                return 2;
            }
        } else if (a == "--tab") {
            o.tab = value("a tab name");
            const auto& tabs = gs::monitor::monitor_tabs();
            if (std::find(tabs.begin(), tabs.end(), o.tab) == tabs.end()) {
                std::fprintf(stderr, "gradscope-monitor: --tab wants training, confusion, distributions, data-map or gauges\n");
                return 2;
            }
        } else if (a == "--report-latency") {
            o.report_latency = true;
        } else if (!a.empty() && a[0] == '-') {
            std::fprintf(stderr, "gradscope-monitor: unknown option %s\n\n%s", a.c_str(), kUsage);
            return 2;
        } else {
            o.runs.push_back(a);
        }
    }
    if (o.runs.empty()) {
        std::fprintf(stderr, "gradscope-monitor: name at least one run directory\n\n%s", kUsage);
        return 2;
    }
    return gs::monitor::run_monitor(o);
}
