// The session: every command in every state, exact stepping, live
// hyperparameter changes, pacing, resuming from a checkpoint, and
// telemetry that arrives in order. Breakpoints are in
// test_session_breakpoints.cpp, statistics and snapshots in
// test_session_inspection.cpp.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <cmath>
#include <cstdio>
#include <functional>
#include <set>
#include <thread>

#include "gradscope/presets.h"
#include "gradscope/session.h"

namespace gs {
namespace {

std::unique_ptr<Session> make_session(const std::string& preset = "spiral-tanh",
                                      SessionOptions o = {}) {
    ModelSpec s = load_preset(preset);
    return std::make_unique<Session>(s, prepare_data(s), cpu_backend(), o);
}

void settle(Session& s) { ASSERT_TRUE(s.wait_until_settled(30)) << state_name(s.state()); }

// Polls until done() holds or `seconds` pass; true when it held. For
// conditions that take however long the machine needs: the deadline is only
// there to end a test that would otherwise hang.
bool wait_until(const std::function<bool()>& done, double seconds = 30) {
    const auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
    while (!done()) {
        if (std::chrono::steady_clock::now() > end) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    return true;
}

TEST(Session, StartsIdleAndRefusesWhatMakesNoSense) {
    auto s = make_session();
    EXPECT_EQ(s->state(), SessionState::Idle);
    EXPECT_EQ(s->pause().reason, "cannot pause: the session is idle");
    EXPECT_EQ(s->resume().reason, "cannot resume: the session is idle — start it instead");
    EXPECT_EQ(s->stop().reason, "cannot stop: the session is idle");
    EXPECT_EQ(s->step(0).reason, "cannot step 0 batches: give at least 1");
    EXPECT_FALSE(s->set_hyperparameter("learning_rate", 0.1));
    EXPECT_FALSE(s->set_hyperparameter("lr", -1));
    EXPECT_FALSE(s->set_hyperparameter("batch_size", 2.5));
    EXPECT_EQ(s->steps_done(), 0);
}

TEST(Session, StepRunsExactlyNThenPauses) {
    auto s = make_session();
    ASSERT_TRUE(s->step(7));
    settle(*s);
    EXPECT_EQ(s->state(), SessionState::Paused);
    EXPECT_EQ(s->steps_done(), 7);
    ASSERT_TRUE(s->step(13));
    settle(*s);
    EXPECT_EQ(s->steps_done(), 20);
    TelemetryStore t;
    s->drain(t);
    EXPECT_EQ(t.loss().total_added(), 20u);
    EXPECT_EQ(t.last_step().step, 20);
}

TEST(Session, StepEpochStopsAtTheEpochsEnd) {
    auto s = make_session();  // 250 items, batch 10: 25 steps an epoch
    ASSERT_TRUE(s->step(3));
    settle(*s);
    ASSERT_TRUE(s->step_epoch());
    settle(*s);
    EXPECT_EQ(s->state(), SessionState::Paused);
    EXPECT_EQ(s->steps_done(), 25);
    TelemetryStore t;
    s->drain(t);
    ASSERT_EQ(t.epochs().size(), 1u);
    EXPECT_EQ(t.epochs()[0].epoch, 1);
    EXPECT_TRUE(t.epochs()[0].has_validation);  // the test split stands in
}

TEST(Session, RunPauseResumeStopReset) {
    auto s = make_session();
    ASSERT_TRUE(s->start());
    EXPECT_EQ(s->start().reason, "cannot start: the session is running");
    EXPECT_EQ(s->step(1).reason, "cannot step: the session is running — pause it first");
    ASSERT_TRUE(wait_until([&] { return s->steps_done() > 0; }));  // running means running
    ASSERT_TRUE(s->pause());
    settle(*s);
    const long at = s->steps_done();
    EXPECT_GT(at, 0);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));  // time for many steps, were it running
    EXPECT_EQ(s->steps_done(), at);  // paused means paused
    EXPECT_EQ(s->start().reason, "cannot start: the session is paused — resume it instead");
    ASSERT_TRUE(s->resume());
    ASSERT_TRUE(s->stop());
    settle(*s);
    EXPECT_EQ(s->state(), SessionState::Stopped);
    EXPECT_EQ(s->resume().reason, "cannot resume: the session is stopped");
    EXPECT_EQ(s->start().reason, "cannot start: the session is stopped — reset it to start again");
    ASSERT_TRUE(s->reset());
    settle(*s);
    EXPECT_EQ(s->state(), SessionState::Idle);
    EXPECT_EQ(s->steps_done(), 0);
    ASSERT_TRUE(s->step(2));
    settle(*s);
    EXPECT_EQ(s->steps_done(), 2);
}

TEST(Session, ResetReplaysTheSameRun) {
    auto s = make_session();
    ASSERT_TRUE(s->step(30));
    settle(*s);
    TelemetryStore a;
    s->drain(a);
    ASSERT_TRUE(s->reset());
    ASSERT_TRUE(s->step(30));
    settle(*s);
    TelemetryStore b;
    s->drain(b);
    auto pa = a.loss().points(), pb = b.loss().points();
    ASSERT_EQ(pa.size(), 30u);
    ASSERT_EQ(pb.size(), 30u);
    for (size_t i = 0; i < 30; ++i) EXPECT_EQ(pa[i].mean, pb[i].mean) << i;
}

TEST(Session, LearningRateChangeTakesEffectAtTheNextStep) {
    auto s = make_session();
    ASSERT_TRUE(s->step(5));
    settle(*s);
    ASSERT_TRUE(s->set_hyperparameter("lr", 0.5));
    ASSERT_TRUE(s->step(1));
    settle(*s);
    TelemetryStore t;
    s->drain(t);
    auto lr = t.lr().points();
    ASSERT_EQ(lr.size(), 6u);
    EXPECT_FLOAT_EQ(lr[4].mean, 0.03f);
    EXPECT_FLOAT_EQ(lr[5].mean, 0.5f);
    bool recorded = false;
    for (const auto& e : t.events())
        recorded = recorded || (e.kind == "hyperparameter" && e.name == "lr" && e.value == 0.5);
    EXPECT_TRUE(recorded);
}

TEST(Session, OptimizerChangeTakesEffectAtTheNextStep) {
    auto s = make_session();
    ASSERT_TRUE(s->step(5));
    settle(*s);
    gs::OptimizerSpec adam;
    adam.type = "adam";
    adam.lr = 0.01f;
    ASSERT_TRUE(s->set_optimizer(adam));
    ASSERT_TRUE(s->step(20));
    settle(*s);
    TelemetryStore t;
    s->drain(t);
    EXPECT_EQ(s->state(), gs::SessionState::Paused);
    auto lr = t.lr().points();
    ASSERT_EQ(lr.size(), 25u);
    EXPECT_FLOAT_EQ(lr[4].mean, 0.03f);
    EXPECT_FLOAT_EQ(lr[5].mean, 0.01f);
    for (const auto& p : t.loss().points()) EXPECT_TRUE(std::isfinite(p.mean));
    bool recorded = false;
    for (const auto& e : t.events())
        recorded = recorded || (e.kind == "hyperparameter" && e.name == "optimizer" &&
                                e.text == "optimizer set to adam");
    EXPECT_TRUE(recorded);
    gs::OptimizerSpec bad;
    bad.type = "lbfgs";
    const auto r = s->set_optimizer(bad);
    EXPECT_FALSE(r.ok);
    EXPECT_EQ(r.reason, "unknown optimizer 'lbfgs'; use sgd, adam, adamw or rmsprop");
}

// The nice value of every thread of this process, from /proc.
std::vector<int> thread_nice_values() {
    std::vector<int> out;
    std::vector<long> tids;
    for (const auto& e : std::filesystem::directory_iterator("/proc/self/task"))
        tids.push_back(std::stol(e.path().filename().string()));
    std::sort(tids.begin(), tids.end());  // the main thread (tid = pid) first
    for (long tid : tids) {
        char path[64];
        std::snprintf(path, sizeof path, "/proc/self/task/%ld/stat", tid);
        FILE* f = std::fopen(path, "r");
        if (!f) continue;
        char buf[1024] = {};
        const size_t n = std::fread(buf, 1, sizeof buf - 1, f);
        std::fclose(f);
        std::string line(buf, n);
        // Field 19 (nice) counts from after the command's closing parenthesis.
        std::string rest = line.substr(line.rfind(')') + 2);
        int field = 3, nice = 0;
        size_t pos = 0;
        while (field < 19 && pos != std::string::npos) {
            pos = rest.find(' ', pos) + 1;
            ++field;
        }
        nice = std::atoi(rest.c_str() + pos);
        out.push_back(nice);
    }
    return out;
}

TEST(Session, BackgroundPriorityLowersTheWorkerOnly) {
    SessionOptions o;
    o.background_priority = true;
    auto s = make_session("spiral-tanh", o);
    ASSERT_TRUE(s->step(5));
    settle(*s);
    const int own = thread_nice_values().front();  // the main thread comes first
    int lowered = 0;
    for (int n : thread_nice_values()) lowered += n == std::min(own + 5, 19);
    EXPECT_GE(lowered, 1);
    EXPECT_EQ(thread_nice_values().front(), own);
}

TEST(Session, StepsPerSecondPacesARunForWatching) {
    auto s = make_session();
    ASSERT_TRUE(s->set_hyperparameter("steps_per_second", 50));
    const auto t0 = std::chrono::steady_clock::now();
    ASSERT_TRUE(s->start());
    ASSERT_TRUE(wait_until([&] { return s->steps_done() >= 1; }));
    std::this_thread::sleep_for(std::chrono::milliseconds(400));
    ASSERT_TRUE(s->pause());
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    settle(*s);
    const long paced = s->steps_done();
    // 50 a second for however long it really ran (0.4 s or more on a busy
    // machine), plus the first step and the 0.1 s of catch-up the pacing
    // allows. Unpaced, spiral-tanh does thousands.
    EXPECT_LE(paced, static_cast<long>(50 * (seconds + 0.1)) + 1) << seconds << " s";
    // One step every 1000 s: after the first step (its turn came long ago),
    // the worker waits for the next one's turn. A pause there holds it.
    ASSERT_TRUE(s->set_hyperparameter("steps_per_second", 1e-3));
    ASSERT_TRUE(s->resume());
    ASSERT_TRUE(wait_until([&] { return s->steps_done() == paced + 1; }));
    ASSERT_TRUE(s->pause());
    settle(*s);
    EXPECT_EQ(s->steps_done(), paced + 1);
    // Explicit steps are not paced, also when asked for during that wait:
    // five at this pace would take 4000 s.
    ASSERT_TRUE(s->step(5));
    ASSERT_TRUE(s->wait_until_settled(30)) << "explicit steps waited for the pace";
    EXPECT_EQ(s->steps_done(), paced + 6);
    // 0 lifts the pace: 100 more steps (100,000 s at the old pace).
    ASSERT_TRUE(s->set_hyperparameter("steps_per_second", 0));
    ASSERT_TRUE(s->resume());
    EXPECT_TRUE(wait_until([&] { return s->steps_done() > paced + 6 + 100; })) << "still paced";
    ASSERT_TRUE(s->pause());
    settle(*s);
    EXPECT_FALSE(s->set_hyperparameter("steps_per_second", -1));
    EXPECT_FALSE(s->set_hyperparameter("steps_per_second", 1e-12));  // one step in 30,000 years
}

TEST(Session, ACheckpointThatCannotBeWrittenIsReportedAndTheRunGoesOn) {
    auto s = make_session();
    ASSERT_TRUE(s->step(3));
    settle(*s);
    ASSERT_TRUE(s->save_checkpoint("/nonexistent/dir/run.safetensors"));
    settle(*s);
    EXPECT_EQ(s->state(), SessionState::Paused);
    TelemetryStore t;
    s->drain(t);
    bool reported = false;
    for (const auto& e : t.events())
        reported = reported || (e.kind == "error" &&
                                e.text.rfind("could not save the checkpoint: ", 0) == 0 &&
                                e.text.find("/nonexistent/dir") != std::string::npos);
    EXPECT_TRUE(reported);
    ASSERT_TRUE(s->step(2));
    settle(*s);
    EXPECT_EQ(s->steps_done(), 5);
}

TEST(Session, DrainAfterAResetGivesOnlyTheNewRun) {
    auto s = make_session();
    ASSERT_TRUE(s->step(5));
    settle(*s);
    EXPECT_EQ(s->run_count(), 0u);
    ASSERT_TRUE(s->reset());  // the old run's five records are still in the rings
    ASSERT_TRUE(s->step(3));
    settle(*s);
    EXPECT_EQ(s->run_count(), 1u);
    TelemetryStore t;
    s->drain(t);
    EXPECT_EQ(t.loss().total_added(), 3u);
    EXPECT_EQ(t.last_step().step, 3);
    EXPECT_EQ(t.last_step().run, 1u);
    for (const auto& st : t.layers()) EXPECT_TRUE(st.step == 0 || st.run == 1u);
}

TEST(Session, FinishesAfterItsEpochs) {
    SessionOptions o;
    o.epochs = 2;
    auto s = make_session("spiral-tanh", o);
    ASSERT_TRUE(s->start());
    settle(*s);
    EXPECT_EQ(s->state(), SessionState::Stopped);
    EXPECT_EQ(s->steps_done(), 50);
    EXPECT_EQ(s->last_break().kind, "finished");
}

TEST(Session, GoesOnPastItsEpochsWhenToldTo) {
    SessionOptions o;
    o.stop_at_end = false;  // as the studio runs: until paused
    ModelSpec spec = load_preset("spiral-tanh");
    spec.epochs = 1;
    Session s(spec, prepare_data(spec), cpu_backend(), o);
    ASSERT_TRUE(s.step_epoch());
    settle(s);
    ASSERT_TRUE(s.step_epoch());
    settle(s);
    EXPECT_EQ(s.state(), SessionState::Paused);
    EXPECT_EQ(s.epoch(), 2);
    EXPECT_EQ(s.steps_done(), 50);
    ASSERT_TRUE(s.resume());
    ASSERT_TRUE(wait_until([&] { return s.steps_done() > 100; }));
    ASSERT_TRUE(s.pause());
    settle(s);
    EXPECT_TRUE(s.last_break().kind.empty());
    TelemetryStore t;
    s.drain(t);
    EXPECT_GE(t.epochs().size(), 4u);
    int reached = 0, stopped = 0;
    for (const EventRecord& e : t.events()) {
        reached += e.kind == "reached-end";
        stopped += e.kind == "state" && e.name == "stopped";
    }
    EXPECT_EQ(reached, 1);  // said once, at the spec's last epoch
    EXPECT_EQ(stopped, 0);
}

TEST(Session, LayerStatisticsKeepComingAfterOneCostlySample) {
    // A budget this small makes the schedule what one preempted sample (a
    // 10 ms stall on a 3 us step) made it: the next statistics ~1e5 steps
    // later, past the end of a preset's run. They must keep coming anyway.
    SessionOptions o;
    o.stats_budget = 1e-6;
    o.stats_max_interval_ms = 50;
    ModelSpec spec = load_preset("spiral-tanh");
    // Still training when paused: on a quiet machine the preset's own run
    // (about 60,000 steps at over 300,000 a second) ends within the 750 ms.
    spec.epochs = 100000;
    Session s(spec, prepare_data(spec), cpu_backend(), o);
    TelemetryStore t;
    std::set<long> seen;
    ASSERT_TRUE(s.start());
    for (int i = 0; i < 25; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(30));
        s.drain(t);
        if (!t.layers().empty()) seen.insert(t.layers()[0].step);
    }
    ASSERT_TRUE(s.pause());
    settle(s);
    s.drain(t);
    ASSERT_FALSE(t.layers().empty());
    seen.insert(t.layers()[0].step);
    EXPECT_GE(seen.size(), 5u);
    // The newest is recent, not the first step's.
    EXPECT_GE(static_cast<double>(t.layers()[0].step), 0.6 * static_cast<double>(s.steps_done()))
        << t.layers()[0].step << " of " << s.steps_done();
}

TEST(Session, ResumeEqualsTheUninterruptedRunBitForBit) {
    const std::string ckpt = testing::TempDir() + "gs_session_resume.safetensors";
    SessionOptions o;
    o.epochs = 3;
    auto whole = make_session("spiral-tanh", o);
    ASSERT_TRUE(whole->start());
    settle(*whole);
    TelemetryStore all;
    whole->drain(all);
    ASSERT_EQ(all.loss().total_added(), 75u);

    auto first = make_session("spiral-tanh", o);
    ASSERT_TRUE(first->step(37));  // mid-epoch
    settle(*first);
    ASSERT_TRUE(first->save_checkpoint(ckpt));
    settle(*first);
    o.resume_from = ckpt;
    auto second = make_session("spiral-tanh", o);
    EXPECT_EQ(second->steps_done(), 37);
    ASSERT_TRUE(second->start());
    settle(*second);
    TelemetryStore rest;
    second->drain(rest);
    auto a = all.loss().points(), b = rest.loss().points();
    ASSERT_EQ(b.size(), 75u - 37u);
    for (size_t i = 0; i < b.size(); ++i) {
        EXPECT_EQ(b[i].x, a[37 + i].x);
        EXPECT_EQ(b[i].mean, a[37 + i].mean) << "step " << b[i].x;
    }
    std::remove(ckpt.c_str());
}

TEST(Session, ValidatesEveryNStepsWhenAsked) {
    SessionOptions o;
    o.validate_every = 10;
    auto s = make_session("spiral-tanh", o);
    ASSERT_TRUE(s->step(35));
    settle(*s);
    TelemetryStore t;
    s->drain(t);
    std::vector<long> at;
    for (const auto& e : t.events())
        if (e.kind == "validation") at.push_back(e.step);
    EXPECT_EQ(at, (std::vector<long>{10, 20, 30}));
    ASSERT_EQ(t.epochs().size(), 1u);  // and at the end of epoch 1 (step 25)
    EXPECT_TRUE(t.epochs()[0].has_validation);
}

TEST(Session, DestroyingARunningSessionStopsIt) {
    // 200,000 epochs of spiral-tanh: five million steps, a minute or more.
    SessionOptions o;
    o.epochs = 200000;
    auto s = make_session("spiral-tanh", o);
    ASSERT_TRUE(s->start());
    ASSERT_TRUE(wait_until([&] { return s->steps_done() > 0; }));
    const auto t0 = std::chrono::steady_clock::now();
    s.reset();
    // The worker stops after the step it is in (microseconds); the bound is only
    // there to tell that from running the whole run.
    EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(20));
}

// A command never waits for the step in progress: bursts of commands while
// cnn-fashion trains on batches of 512 (a step takes 150 ms or more) each
// see at most one step end, where commands that waited for the step would
// see one per command. Counted in steps, not in milliseconds, so a busy
// machine slows both sides alike.
TEST(Session, CommandsReturnAtOnceWhileTraining) {
    ModelSpec spec = load_preset("cnn-fashion");
    spec.data.name = "synthetic";
    spec.data.samples = 1024;
    spec.data.test_fraction = 0;
    spec.batch_size = 512;
    SessionOptions o;
    o.epochs = 1000;  // runs until stopped
    Session s(spec, prepare_data(spec), cpu_backend(), o);
    ASSERT_TRUE(s.start());
    ASSERT_TRUE(wait_until([&] { return s.steps_done() >= 1; }, 60));
    TelemetryStore t;
    const long first = s.steps_done();
    long worst = 0;
    for (int i = 0; i < 10; ++i) {
        const long before = s.steps_done();
        for (int k = 0; k < 4; ++k) {
            EXPECT_EQ(s.state(), SessionState::Running);
            s.drain(t);
            EXPECT_TRUE(s.set_hyperparameter("lr", 1e-3));
        }
        const long after = s.steps_done();
        worst = std::max(worst, after - before);
        // The next burst in another step.
        ASSERT_TRUE(wait_until([&] { return s.steps_done() > after; }, 60));
    }
    s.stop();
    settle(s);
    EXPECT_LE(worst, 1) << "a burst of 12 commands saw " << worst << " steps end";
    EXPECT_GE(s.steps_done() - first, 10);
}

}  // namespace
}  // namespace gs
