// The programs as a user runs them: gradscope-monitor on a run log written
// by a real Session (with a learning-rate change, so there is an event
// marker), and the embed example training in-process, each saving a
// screenshot under Xvfb; the picture must show the window's plots, not a
// blank frame. Skipped where xvfb-run is not installed.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <set>
#include <string>

#include "gradscope/backend.h"
#include "gradscope/data_pipeline.h"
#include "gradscope/presets.h"
#include "gradscope/session.h"

#define STB_IMAGE_IMPLEMENTATION
#define STB_IMAGE_STATIC
#include <stb_image.h>

namespace gs {
namespace {

namespace fs = std::filesystem;

fs::path fresh_dir(const std::string& name) {
    fs::path d = fs::temp_directory_path() / ("gs_shot_" + std::to_string(::getpid()) + "_" + name);
    fs::remove_all(d);
    fs::create_directories(d);
    return d;
}

bool have_xvfb() { return std::system("command -v xvfb-run >/dev/null 2>&1") == 0; }

int run_under_xvfb(const std::string& cmd, const fs::path& log) {
    const std::string full = "xvfb-run -a -s '-screen 0 1280x800x24' " + cmd + " >" + log.string() + " 2>&1";
    const int rc = std::system(full.c_str());
    return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

struct Picture {
    int w = 0, h = 0;
    size_t colors = 0;        // distinct colours
    size_t blue = 0;          // pixels near the first run's colour (78, 154, 246)
    size_t orange = 0;        // near the second run's (255, 150, 50)
    size_t dots = 0;          // near the data map's colours for never, half, always right
};

Picture look_at(const fs::path& png) {
    Picture p;
    int n = 0;
    unsigned char* px = stbi_load(png.string().c_str(), &p.w, &p.h, &n, 3);
    if (!px) return p;
    std::set<uint32_t> colors;
    auto near = [](const unsigned char* c, int r, int g, int b) {
        return std::abs(c[0] - r) < 30 && std::abs(c[1] - g) < 30 && std::abs(c[2] - b) < 30;
    };
    for (int i = 0; i < p.w * p.h; ++i) {
        const unsigned char* c = px + 3 * i;
        colors.insert(static_cast<uint32_t>(c[0]) << 16 | static_cast<uint32_t>(c[1]) << 8 | c[2]);
        p.blue += near(c, 78, 154, 246);
        p.orange += near(c, 255, 150, 50);
        // Dots at 55% over the plot's background (20, 22, 28).
        auto dot = [&](int r, int g, int b) {
            return near(c, 20 + (r - 20) * 55 / 100, 22 + (g - 22) * 55 / 100, 28 + (b - 28) * 55 / 100);
        };
        p.dots += dot(225, 70, 70) || dot(235, 200, 70) || dot(70, 200, 190);
    }
    p.colors = colors.size();
    stbi_image_free(px);
    return p;
}

std::string read_text(const fs::path& p) {
    std::FILE* f = std::fopen(p.string().c_str(), "r");
    std::string s;
    if (!f) return s;
    char buf[4096];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) s.append(buf, n);
    std::fclose(f);
    return s;
}

// A short real run with a learning-rate change in the middle.
void write_run(const fs::path& dir, double lr) {
    ModelSpec spec = load_preset("spiral-tanh");
    spec.optimizer.lr = static_cast<float>(lr);
    SessionOptions o;
    o.log_dir = dir.string();
    Session s(spec, prepare_data(spec), cpu_backend(), o);
    ASSERT_TRUE(s.step(300));
    ASSERT_TRUE(s.wait_until_settled(60));
    ASSERT_TRUE(s.set_hyperparameter("lr", lr * 3));
    ASSERT_TRUE(s.step(300));
    ASSERT_TRUE(s.wait_until_settled(60));
}

TEST(MonitorScreenshot, TwoRealRunsAreDrawnInTheirColours) {
    if (!have_xvfb()) GTEST_SKIP() << "xvfb-run is not installed (Debian: xvfb xauth), so no window can be opened";
    const fs::path dir = fresh_dir("monitor");
    write_run(dir / "a", 0.03);
    write_run(dir / "b", 0.3);
    const fs::path png = dir / "shot.png", log = dir / "out.txt";
    const int rc = run_under_xvfb(std::string(GS_MONITOR_EXE) + " " + (dir / "a").string() + " " +
                                      (dir / "b").string() + " --screenshot " + png.string() + " --frames 3",
                                  log);
    ASSERT_EQ(rc, 0) << read_text(log);
    const Picture p = look_at(png);
    EXPECT_EQ(p.w, 1280);
    EXPECT_EQ(p.h, 800);
    EXPECT_GT(p.colors, 50u) << "the frame looks blank";
    EXPECT_GT(p.blue, 500u) << "the first run's curves are missing";
    EXPECT_GT(p.orange, 500u) << "the second run's curves are missing";
    EXPECT_NE(read_text(log).find("saved"), std::string::npos) << read_text(log);
    fs::remove_all(dir);
}

// The Gauges tab (--tab gauges) on a real run with sharpness and the noise
// scale on and a learning-rate range test: the plots are drawn in the run's
// colour (GS_SCREENSHOT_DIR keeps the picture for the README).
TEST(MonitorScreenshot, GaugesTabDrawsTheRunsGauges) {
    if (!have_xvfb()) GTEST_SKIP() << "xvfb-run is not installed (Debian: xvfb xauth), so no window can be opened";
    const fs::path dir = fresh_dir("gauges");
    {
        ModelSpec spec = load_preset("spiral-tanh");
        spec.optimizer.lr = 0.1f;
        SessionOptions o;
        o.log_dir = (dir / "a").string();
        o.sharpness_every = 50;
        o.noise_every = 10;
        o.gauge_budget = 1.0;
        Session s(spec, prepare_data(spec), cpu_backend(), o);
        ASSERT_TRUE(s.find_lr());
        ASSERT_TRUE(s.wait_until_settled(60));
        ASSERT_TRUE(s.step(3000));
        ASSERT_TRUE(s.wait_until_settled(120));
    }
    const char* keep = std::getenv("GS_SCREENSHOT_DIR");
    const fs::path png = keep ? fs::path(keep) / "monitor-gauges.png" : dir / "shot.png", log = dir / "out.txt";
    const int rc = run_under_xvfb(std::string(GS_MONITOR_EXE) + " " + (dir / "a").string() + " --tab gauges" +
                                      " --screenshot " + png.string() + " --frames 4",
                                  log);
    ASSERT_EQ(rc, 0) << read_text(log);
    const Picture p = look_at(png);
    EXPECT_GT(p.colors, 50u) << "the frame looks blank";
    EXPECT_GT(p.blue, 300u) << "the gauges' curves are missing";
    fs::remove_all(dir);
}

// The views of a classifier, each tab on a real run's log: drawn, not blank,
// and the data map's dots in their colours.
TEST(MonitorScreenshot, ConfusionDistributionsAndDataMapTabsAreDrawn) {
    if (!have_xvfb()) GTEST_SKIP() << "xvfb-run is not installed (Debian: xvfb xauth), so no window can be opened";
    const fs::path dir = fresh_dir("views");
    write_run(dir / "a", 0.3);  // 600 steps: 24 epochs of spiral-tanh
    for (const char* tab : {"confusion", "distributions", "data-map"}) {
        const fs::path png = dir / (std::string(tab) + ".png"), log = dir / "out.txt";
        const int rc = run_under_xvfb(std::string(GS_MONITOR_EXE) + " " + (dir / "a").string() + " --tab " + tab +
                                          " --screenshot " + png.string() + " --frames 3",
                                      log);
        ASSERT_EQ(rc, 0) << tab << ": " << read_text(log);
        const Picture p = look_at(png);
        EXPECT_EQ(p.w, 1280) << tab;
        EXPECT_GT(p.colors, 50u) << tab << ": the frame looks blank";
        if (std::string(tab) == "data-map") {
            EXPECT_GT(p.dots, 500u) << "the data map's dots are missing";
        }
    }
    const int rc = run_under_xvfb(std::string(GS_MONITOR_EXE) + " " + (dir / "a").string() + " --tab nowhere", dir / "o");
    EXPECT_EQ(rc, 2);
    EXPECT_NE(read_text(dir / "o").find("--tab wants training, confusion, distributions, data-map or gauges"), std::string::npos);
    fs::remove_all(dir);
}

TEST(MonitorScreenshot, MissingRunDirectoryIsWaitedForNotACrash) {
    if (!have_xvfb()) GTEST_SKIP() << "xvfb-run is not installed (Debian: xvfb xauth), so no window can be opened";
    const fs::path dir = fresh_dir("missing");
    const fs::path png = dir / "shot.png", log = dir / "out.txt";
    const int rc = run_under_xvfb(std::string(GS_MONITOR_EXE) + " " + (dir / "nothing-here").string() +
                                      " --screenshot " + png.string() + " --frames 2",
                                  log);
    EXPECT_EQ(rc, 0) << read_text(log);
    EXPECT_NE(read_text(log).find("waiting for"), std::string::npos) << read_text(log);
    EXPECT_GT(look_at(png).colors, 5u);
    fs::remove_all(dir);
}

TEST(MonitorScreenshot, BadArgumentsGetASentenceAndStatus2) {
    const fs::path dir = fresh_dir("args");
    const fs::path log = dir / "out.txt";
    int rc = std::system((std::string(GS_MONITOR_EXE) + " >" + log.string() + " 2>&1").c_str());
    EXPECT_EQ(WEXITSTATUS(rc), 2);
    EXPECT_NE(read_text(log).find("name at least one run directory"), std::string::npos);
    rc = std::system((std::string(GS_MONITOR_EXE) + " x --frames many >" + log.string() + " 2>&1").c_str());
    EXPECT_EQ(WEXITSTATUS(rc), 2);
    EXPECT_NE(read_text(log).find("--frames needs a whole number"), std::string::npos);
    fs::remove_all(dir);
}

TEST(MonitorScreenshot, EmbedExampleShowsTheSessionTraining) {
    if (!have_xvfb()) GTEST_SKIP() << "xvfb-run is not installed (Debian: xvfb xauth), so no window can be opened";
    const fs::path dir = fresh_dir("embed");
    const fs::path png = dir / "shot.png", log = dir / "out.txt";
    const int rc = run_under_xvfb(std::string(GS_EMBED_EXE) + " spiral-tanh --screenshot " + png.string() +
                                      " --frames 20",
                                  log);
    ASSERT_EQ(rc, 0) << read_text(log);
    const Picture p = look_at(png);
    EXPECT_EQ(p.w, 1280);
    EXPECT_GT(p.colors, 50u) << "the frame looks blank";
    EXPECT_GT(p.blue, 300u) << "the session's curves are missing";
    fs::remove_all(dir);
}

}  // namespace
}  // namespace gs
