// A run's identity in a family of runs: the changes between two specs, as a
// fork lists them; names made directory names; uids; the run log's "run"
// record naming a fork's parent, read back; and a "rewind" event, after
// which the reader drops what the run undid.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <regex>

#include "gradscope/run_info.h"
#include "gradscope/run_log.h"

namespace gs {
namespace {

namespace fs = std::filesystem;

TEST(RunInfo, SpecChangesListWhatAForkChanged) {
    ModelSpec a;
    a.optimizer.lr = 0.03f;
    ModelSpec b = a;
    EXPECT_TRUE(spec_changes(a, b).empty());
    b.optimizer.type = "adam";
    b.optimizer.lr = 0.001f;
    b.batch_size = 64;
    b.data.noise = 0.25f;
    b.schedule.type = "cosine";
    b.schedule.total_steps = 4690;
    const std::vector<RunChange> c = spec_changes(a, b);
    ASSERT_EQ(c.size(), 5u);
    EXPECT_EQ(c[0], (RunChange{"optimizer", "sgd", "adam"}));
    EXPECT_EQ(c[1], (RunChange{"lr", "0.03", "0.001"}));
    EXPECT_EQ(c[2], (RunChange{"schedule", "constant", "cosine(total_steps=4690)"}));
    EXPECT_EQ(c[3], (RunChange{"batch_size", "32", "64"}));
    EXPECT_EQ(c[4], (RunChange{"noise", "0", "0.25"}));
    EXPECT_EQ(describe_changes({c[1]}), "lr 0.03 -> 0.001");
    EXPECT_EQ(describe_changes({}), "no changes");
}

TEST(RunInfo, NamesAndUids) {
    EXPECT_EQ(run_dir_name("spiral-tanh lr=0.06"), "spiral-tanh-lr-0.06");
    EXPECT_EQ(run_dir_name("../../etc"), "etc");
    EXPECT_EQ(run_dir_name("  "), "run");
    EXPECT_EQ(run_dir_name("Adam, β=0.9"), "Adam-0.9");
    const std::string u = new_run_uid();
    EXPECT_TRUE(std::regex_match(u, std::regex("[0-9]{8}T[0-9]{6}Z-[0-9a-f]{8}"))) << u;
    EXPECT_NE(new_run_uid(), new_run_uid());
    ForkSpec f;
    EXPECT_EQ(f.summary(), "");
    f.lr = 0.06f;
    f.batch_size = 32;
    EXPECT_EQ(f.summary(), "lr=0.06 batch=32");
}

TEST(RunInfo, AForksRunRecordReadsBack) {
    const fs::path dir = fs::temp_directory_path() / ("gs_run_info_" + std::to_string(::getpid()));
    fs::remove_all(dir);
    ModelSpec spec;
    spec.name = "spiral-tanh";
    spec.input = Shape{2};
    RunInfo info;
    info.uid = "20261122T024011Z-0badf00d";
    info.name = "spiral-tanh lr=0.06";
    info.parent_uid = "20261122T023000Z-12345678";
    info.parent_name = "spiral-tanh";
    info.fork_step = 2000;
    info.changes = {{"lr", "0.03", "0.06"}, {"optimizer", "sgd", "adam"}};
    {
        RunLog log(dir.string(), spec, "cpu", info);
        StepRecord r;
        for (long s = 2001; s <= 2010; ++s) {
            r.step = s;
            log.write(r);
        }
    }
    RunLogContents c = read_run_log((dir / "run.jsonl").string());
    EXPECT_EQ(c.run.uid, info.uid);
    EXPECT_EQ(c.run.name, info.name);
    EXPECT_EQ(c.run.parent_uid, info.parent_uid);
    EXPECT_EQ(c.run.parent_name, info.parent_name);
    EXPECT_EQ(c.run.fork_step, 2000);
    EXPECT_EQ(c.run.changes, info.changes);
    // A root run's record has no parent fields.
    {
        RunInfo root;
        root.uid = "x";
        RunLog log(dir.string(), spec, "cpu", root);
    }
    c = read_run_log((dir / "run.jsonl").string());
    EXPECT_EQ(c.run.uid, "x");
    EXPECT_EQ(c.run.fork_step, -1);
    EXPECT_TRUE(c.run.parent_uid.empty());
    fs::remove_all(dir);
}

TEST(RunInfo, ARewindEventDropsWhatTheRunUndid) {
    const fs::path dir = fs::temp_directory_path() / ("gs_run_rewind_" + std::to_string(::getpid()));
    fs::remove_all(dir);
    ModelSpec spec;
    spec.input = Shape{2};
    {
        RunLog log(dir.string(), spec, "cpu");
        log.min_step_interval = std::chrono::milliseconds(0);
        log.min_layers_interval = std::chrono::milliseconds(0);
        StepRecord r;
        LayerStats l;
        for (long s = 1; s <= 30; ++s) {
            r.step = s;
            r.loss = 1.0f;
            log.write(r);
            l.step = s;
            log.write(l);
            if (s % 10 == 0) {
                EpochRecord e;
                e.epoch = static_cast<int>(s / 10);
                e.step = s;
                log.write(e);
            }
        }
        log.write(EventRecord{12, "rewind", "", 12, "back to step 12"});
        for (long s = 13; s <= 20; ++s) {
            r.step = s;
            r.loss = 2.0f;
            log.write(r);
        }
    }
    const RunLogContents c = read_run_log((dir / "run.jsonl").string());
    ASSERT_EQ(c.steps.size(), 20u);
    for (size_t i = 0; i < c.steps.size(); ++i) {
        EXPECT_EQ(c.steps[i].step, static_cast<long>(i) + 1);
        EXPECT_EQ(c.steps[i].loss, i < 12 ? 1.0f : 2.0f);
    }
    ASSERT_EQ(c.epochs.size(), 1u);
    EXPECT_EQ(c.epochs[0].step, 10);
    EXPECT_EQ(c.layers.back().step, 12);
    fs::remove_all(dir);
}

}  // namespace
}  // namespace gs
