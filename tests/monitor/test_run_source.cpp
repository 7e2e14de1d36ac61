// Finding runs below a root (find_runs, RunSet): the rank-N/ directories of a
// torchrun job in natural order, nested runs up to the search depth, legend
// names, and a root that waits as a run until runs appear below it.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "run_source.h"

namespace gs::monitor {
namespace {

namespace fs = std::filesystem;

fs::path fresh_dir(const std::string& name) {
    fs::path d = fs::temp_directory_path() / ("gs_runsource_" + std::to_string(::getpid()) + "_" + name);
    fs::remove_all(d);
    fs::create_directories(d);
    return d;
}

// A run directory with a one-line log whose step is `step`.
void make_run(const fs::path& dir, long step) {
    fs::create_directories(dir);
    std::ofstream(dir / "run.jsonl")
        << R"({"type":"run","format":"gradscope-run-1","time":"2026-12-06T00:00:00.000Z","backend":"cpu","spec":{}})"
        << "\n"
        << R"({"type":"step","step":)" << step
        << R"(,"epoch":0,"loss":0.5,"accuracy":0.5,"lr":0.1,"step_ms":1,"samples_per_s":10,"merged":1})" << "\n";
}

TEST(FindRuns, RanksBelowARootInNaturalOrder) {
    const fs::path root = fresh_dir("ranks");
    for (int r : {10, 2, 0, 1}) make_run(root / ("rank-" + std::to_string(r)), r);
    fs::create_directories(root / "empty");  // no run.jsonl: not a run
    const std::vector<std::string> runs = find_runs(root.string());
    ASSERT_EQ(runs.size(), 4u);
    EXPECT_EQ(fs::path(runs[0]).filename(), "rank-0");
    EXPECT_EQ(fs::path(runs[1]).filename(), "rank-1");
    EXPECT_EQ(fs::path(runs[2]).filename(), "rank-2");
    EXPECT_EQ(fs::path(runs[3]).filename(), "rank-10");
    EXPECT_EQ(run_display_name(root.string(), runs[3]), root.filename().string() + "/rank-10");
}

TEST(FindRuns, ARunDirectoryIsItselfAndNestedRunsStopAtTheDepth) {
    const fs::path root = fresh_dir("nested");
    make_run(root / "a", 1);
    make_run(root / "a" / "inner", 2);  // below a run: not searched
    make_run(root / "x" / "y" / "z", 3);                // three levels down: found
    make_run(root / "p" / "q" / "r" / "s", 4);          // four levels down: not found
    const std::vector<std::string> runs = find_runs(root.string());
    ASSERT_EQ(runs.size(), 2u);
    EXPECT_EQ(runs[0], (root / "a").string());
    EXPECT_EQ(runs[1], (root / "x" / "y" / "z").string());
    EXPECT_EQ(run_display_name(root.string(), runs[1]), root.filename().string() + "/x/y/z");
    // A run directory, or its run.jsonl, is the run itself.
    EXPECT_EQ(find_runs((root / "a").string()), std::vector<std::string>{(root / "a").string()});
    const std::string file = (root / "a" / "run.jsonl").string();
    EXPECT_EQ(find_runs(file), std::vector<std::string>{file});
    EXPECT_TRUE(find_runs((root / "missing").string()).empty());
}

TEST(RunSet, ARootWaitsAsARunUntilRanksAppearBelowIt) {
    const fs::path root = fresh_dir("live");
    RunSet set({root.string()});
    ASSERT_EQ(set.sources().size(), 1u);
    EXPECT_EQ(set.sources()[0]->path(), root.string());
    EXPECT_FALSE(set.rescan());

    make_run(root / "rank-1", 7);
    make_run(root / "rank-0", 5);
    EXPECT_TRUE(set.rescan());
    ASSERT_EQ(set.sources().size(), 2u);
    EXPECT_EQ(set.sources()[0]->data().name, root.filename().string() + "/rank-0");
    EXPECT_EQ(set.sources()[1]->data().name, root.filename().string() + "/rank-1");
    for (const auto& s : set.sources()) s->poll();
    EXPECT_EQ(set.sources()[0]->data().last_step(), 5);
    EXPECT_EQ(set.sources()[1]->data().last_step(), 7);
    EXPECT_FALSE(set.rescan());

    make_run(root / "rank-2", 9);  // a late rank joins
    EXPECT_TRUE(set.rescan());
    ASSERT_EQ(set.sources().size(), 3u);
    EXPECT_EQ(fs::path(set.sources()[2]->path()).filename(), "rank-2");
}

TEST(RunSet, ARootThatIsARunStaysOneRun) {
    const fs::path root = fresh_dir("single");
    make_run(root, 3);
    RunSet set({root.string()});
    ASSERT_EQ(set.sources().size(), 1u);
    set.sources()[0]->poll();
    EXPECT_EQ(set.sources()[0]->data().last_step(), 3);
    EXPECT_EQ(set.sources()[0]->data().name, root.filename().string());
}

// The gauges' records (docs/run-log.md) reach the data model the Gauges tab
// draws: sharpness and 2/lr, the noise scale and the batch size, range tests.
TEST(RunSource, GaugeRecordsReachTheGaugesTracks) {
    const fs::path root = fresh_dir("gauges");
    make_run(root, 3);
    std::ofstream(root / "run.jsonl", std::ios::app)
        << R"({"type":"sharpness","step":10,"sharpness":50,"lr":0.03,"edge":66.7,"iterations":6,"cost_share":0.04})" "\n"
        << R"({"type":"sharpness","step":20,"sharpness":60,"lr":0.03,"edge":66.7,"iterations":5,"cost_share":0.05})" "\n"
        << R"({"type":"noise_scale","step":20,"b_simple":37.5,"grad_sq":0.01,"trace":0.375,"batch":10,"cost_share":0.02})" "\n"
        << R"({"type":"lr_range","step":0,"lr":[0.01,0.1,1],"loss":[0.7,0.5,null],"suggested_lr":0.1,"exploded":true,"stopped":"x"})" "\n";
    RunSource src(root.string());
    src.poll();
    EXPECT_EQ(src.garbage_lines(), 0u);
    EXPECT_EQ(src.unknown_lines(), 0u);
    const RunData& d = src.data();
    ASSERT_EQ(d.sharpness().size(), 2u);
    EXPECT_EQ(d.sharpness_edge().size(), 2u);
    EXPECT_EQ(d.last_sharpness().sharpness, 60.0f);
    EXPECT_EQ(d.last_sharpness().cost_share, 0.05f);
    ASSERT_EQ(d.noise_scale().size(), 1u);
    EXPECT_EQ(d.last_noise_scale().batch, 10);
    ASSERT_EQ(d.lr_ranges().size(), 1u);
    EXPECT_EQ(d.lr_ranges()[0].suggested_lr, 0.1);
    EXPECT_EQ(d.lr_ranges()[0].loss.size(), 3u);
}

}  // namespace
}  // namespace gs::monitor
