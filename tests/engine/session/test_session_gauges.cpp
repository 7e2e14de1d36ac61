// The gauges in a Session: the learning-rate range test as a command (the
// run goes on bit for bit as if it had not happened; the result, an event
// and a run-log record come out), sharpness and the noise scale when on
// (records with their cost share, in the store and the run log; the run
// trains exactly as without them) and nothing at all when off.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>

#include "gradscope/presets.h"
#include "gradscope/run_log_reader.h"
#include "gradscope/session.h"
#include "session_checks.h"

namespace gs {
namespace {

struct Training {
    ModelSpec spec = load_preset("spiral-tanh");
    std::unique_ptr<Session> session;
    TelemetryStore store;
    explicit Training(SessionOptions o = {}) {
        o.log_every_step = true;
        session = std::make_unique<Session>(spec, prepare_data(spec), cpu_backend(), o);
    }
    void steps(long n) {
        ASSERT_TRUE(session->step(n).ok);
        test::settle(*session);
        session->drain(store);
    }
};

std::string temp_dir(const std::string& name) {
    const auto d = std::filesystem::temp_directory_path() / ("gs_gauges_" + name + "_" + std::to_string(::getpid()));
    std::filesystem::remove_all(d);
    return d.string();
}

std::vector<float> losses(const TelemetryStore& s) {
    std::vector<float> out;
    for (const SeriesPoint& p : s.loss().points()) out.push_back(p.mean);
    return out;
}

TEST(SessionGauges, FindLrLeavesTheRunAsItWasAndPublishesTheResult) {
    SessionOptions o;
    o.log_dir = temp_dir("lrfind");
    Training a(o), b;
    a.steps(25);
    b.steps(25);
    const auto before = test::live_state(*a.session, "before");
    LrRangeOptions lr;
    lr.steps = 120;
    ASSERT_TRUE(a.session->find_lr(lr).ok);
    test::settle(*a.session);
    auto r = a.session->latest_lr_range();
    ASSERT_TRUE(r);
    EXPECT_TRUE(r->error.empty()) << r->error;
    EXPECT_EQ(r->step, 25);
    EXPECT_GT(r->suggested_lr, 0);
    std::string why;
    EXPECT_TRUE(test::same_state(before, test::live_state(*a.session, "after"), &why)) << why;
    EXPECT_EQ(a.session->steps_done(), 25);
    a.steps(40);
    b.steps(40);
    EXPECT_EQ(losses(a.store), losses(b.store));
    bool event = false;
    for (const EventRecord& e : a.store.events()) event = event || (e.kind == "lr-find" && e.value == r->suggested_lr);
    EXPECT_TRUE(event);
    a.session.reset();  // closes the run log
    const RunLogContents c = read_run_log(o.log_dir + "/run.jsonl");
    ASSERT_EQ(c.lr_ranges.size(), 1u);
    EXPECT_EQ(c.lr_ranges[0].lr.size(), r->lr.size());
    EXPECT_FLOAT_EQ(static_cast<float>(c.lr_ranges[0].suggested_lr), static_cast<float>(r->suggested_lr));
    EXPECT_EQ(c.garbage_lines, 0u);
}

TEST(SessionGauges, FindLrIsRefusedWhileRunningAndForNonsenseInWords) {
    Training a;
    LrRangeOptions lr;
    lr.lr_min = -1;
    const CommandResult bad = a.session->find_lr(lr);
    EXPECT_FALSE(bad.ok);
    EXPECT_NE(bad.reason.find("positive"), std::string::npos) << bad.reason;
    ASSERT_TRUE(a.session->start().ok);
    const CommandResult running = a.session->find_lr();
    EXPECT_FALSE(running.ok);
    EXPECT_NE(running.reason.find("pause first"), std::string::npos) << running.reason;
    a.session->stop();
}

TEST(SessionGauges, SharpnessAndNoiseScaleComeWithTheirCostAndChangeNothing) {
    SessionOptions o;
    o.log_dir = temp_dir("on");
    o.sharpness_every = 20;
    o.noise_every = 10;
    o.gauge_budget = 1.0;  // every interval, whatever it costs, for the test
    Training a(o), b;
    a.steps(300);
    b.steps(300);
    EXPECT_EQ(losses(a.store), losses(b.store)) << "the gauges disturbed the run";
    EXPECT_GE(a.store.sharpness().total_added(), 5u);
    EXPECT_GE(a.store.noise_scale().total_added(), 10u);
    const SharpnessRecord& s = a.store.last_sharpness();
    EXPECT_GT(s.sharpness, 0);
    EXPECT_FLOAT_EQ(s.edge, 2.0f / s.lr);
    EXPECT_GT(s.cost_share, 0);
    EXPECT_GT(s.iterations, 0);
    const NoiseScaleRecord& n = a.store.last_noise_scale();
    EXPECT_GT(n.b_simple, 0);
    EXPECT_EQ(n.batch, a.spec.batch_size);
    EXPECT_GT(n.cost_share, 0);
    EXPECT_EQ(b.store.sharpness().total_added(), 0u);  // off by default
    EXPECT_EQ(b.store.noise_scale().total_added(), 0u);
    a.session.reset();
    const RunLogContents c = read_run_log(o.log_dir + "/run.jsonl");
    EXPECT_EQ(c.sharpness.size(), a.store.sharpness().total_added());
    EXPECT_EQ(c.noise_scale.size(), a.store.noise_scale().total_added());
    ASSERT_FALSE(c.sharpness.empty());
    EXPECT_FLOAT_EQ(c.sharpness.back().sharpness, s.sharpness);
    EXPECT_FLOAT_EQ(c.noise_scale.back().b_simple, n.b_simple);
    EXPECT_EQ(c.garbage_lines, 0u);
}

TEST(SessionGauges, TheBudgetSpacesExpensiveGaugesOut) {
    SessionOptions o;
    o.sharpness_every = 1;
    o.gauge_budget = 0.05;  // an estimate costs many steps' time: far fewer than one a step
    Training a(o);
    a.steps(400);
    EXPECT_GE(a.store.sharpness().total_added(), 1u);
    EXPECT_LT(a.store.sharpness().total_added(), 100u);
}

TEST(SessionGauges, SetGaugesTurnsThemOnAndOff) {
    SessionOptions o;
    o.gauge_budget = 10;  // the interval decides, not the cost
    Training a(o);
    a.steps(10);
    EXPECT_EQ(a.store.noise_scale().total_added(), 0u);
    ASSERT_TRUE(a.session->set_gauges(0, 5).ok);
    a.steps(50);
    const size_t on = a.store.noise_scale().total_added();
    EXPECT_GE(on, 5u);
    ASSERT_TRUE(a.session->set_gauges(0, 0).ok);
    a.steps(50);
    EXPECT_EQ(a.store.noise_scale().total_added(), on);
    EXPECT_FALSE(a.session->set_gauges(-1, 0).ok);
}

}  // namespace
}  // namespace gs
