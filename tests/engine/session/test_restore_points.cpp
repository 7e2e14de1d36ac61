// Restore points: dense for recent steps and sparser as they age (spacings
// that double), never more than the budget holds however long a run goes —
// by the store's own accounting and by the process's resident memory over a
// 1,000,000-step run of spiral-tanh — and the training loop allocates
// nothing on the backend while taking them.
#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <vector>

#include "gradscope/presets.h"
#include "gradscope/session.h"
#include "gradscope/trainer.h"
#include "session/restore_points.h"
#include "session_checks.h"

namespace gs {
namespace {

// Resident memory of this process, in bytes (Linux).
size_t resident_bytes() {
    std::ifstream f("/proc/self/statm");
    size_t pages = 0, resident = 0;
    f >> pages >> resident;
    return resident * static_cast<size_t>(sysconf(_SC_PAGESIZE));
}

struct Spiral {
    ModelSpec spec = load_preset("spiral-tanh");
    DataSplit data = make_builtin_dataset(spec.data, spec.input);
    Trainer trainer{spec, data.train, data.test, cpu_backend()};
    StateLayout layout;
};

// Points taken as if the run had reached each step (the state is the same
// each time; the store's bookkeeping is what is tested).
void take_up_to(RestorePoints& p, Spiral& s, long from, long to) {
    for (long step = from; step <= to; ++step) {
        if (!p.due(step)) continue;
        s.trainer.set_progress(step, 0, 0);
        ASSERT_TRUE(p.take(s.trainer, s.layout, RunCounters{}, true, false, 0));
    }
}

std::vector<long> kept_steps(const RestorePoints& p, long now) {
    std::vector<long> out;
    for (long step = now; step >= 0;) {
        const RestorePoints::Point* q = p.at_or_before(step);
        if (!q) break;
        out.push_back(q->step);
        step = q->step - 1;
    }
    std::reverse(out.begin(), out.end());
    return out;
}

TEST(RestorePoints, DenseForRecentStepsSparserAsTheyAge) {
    Spiral s;
    RestorePoints p;
    p.configure(size_t{1} << 20, max_state_floats(s.trainer), 0, 1, 0);  // K0 = 1, no cost rule
    const long W = p.window();
    ASSERT_GT(W, 16);
    s.trainer.set_progress(0, 0, 0);
    ASSERT_TRUE(p.take(s.trainer, s.layout, RunCounters{}, true, true, 0));  // the base point
    const long now = 2 * W;  // a doubling back, without filling the pool
    take_up_to(p, s, 1, now);
    ASSERT_EQ(p.spacing(), 1);
    const std::vector<long> steps = kept_steps(p, now);
    ASSERT_EQ(steps.front(), 0);  // the base point is never thinned
    ASSERT_EQ(steps.back(), now);
    // The newest W steps: every step.
    for (long k = 0; k < W; ++k) EXPECT_EQ(steps[steps.size() - 1 - static_cast<size_t>(k)], now - k);
    // Further back: gaps that are powers of two, never shrinking with age,
    // at most twice the age over W (so they double as the age does).
    long newer_gap = 1;
    for (size_t i = steps.size() - 1; i-- > 1;) {
        const long gap = steps[i + 1] - steps[i], age = now - steps[i];
        EXPECT_EQ(gap & (gap - 1), 0) << "gap " << gap << " at step " << steps[i];
        EXPECT_GE(gap, newer_gap) << "at step " << steps[i];
        EXPECT_LE(gap, std::max(1L, 2 * age / W + 1)) << "at step " << steps[i];
        newer_gap = gap;
    }
    EXPECT_GE(newer_gap, 2);  // the oldest are 2 or more apart
    EXPECT_LT(p.size(), static_cast<size_t>(W + W / 2 + 2));
}

TEST(RestorePoints, APoolThatFillsWidensTheSpacingAndStaysWithinItsBudget) {
    Spiral s;
    RestorePoints p;
    const size_t budget = size_t{256} << 10;
    p.configure(budget, max_state_floats(s.trainer), 0, 1, 0);
    s.trainer.set_progress(0, 0, 0);
    ASSERT_TRUE(p.take(s.trainer, s.layout, RunCounters{}, true, true, 0));
    std::vector<size_t> bytes;
    for (long chunk = 0; chunk < 10; ++chunk) {
        take_up_to(p, s, chunk * 100000 + 1, (chunk + 1) * 100000);
        EXPECT_LE(p.size(), p.capacity());
        EXPECT_LE(p.memory_bytes(), budget);
        bytes.push_back(p.memory_bytes());
    }
    EXPECT_GT(p.spacing(), 1);  // it had to widen
    EXPECT_EQ(bytes.back(), bytes[bytes.size() / 2]);  // full long before the end, and no more
    // Gaps that double as they age, never shrinking, however far it went.
    const std::vector<long> steps = kept_steps(p, 1000000);
    long newer_gap = 1;
    for (size_t i = steps.size() - 1; i-- > 1;) {
        const long gap = steps[i + 1] - steps[i];
        EXPECT_EQ(gap & (gap - 1), 0) << "gap " << gap << " at step " << steps[i];
        EXPECT_GE(gap, newer_gap) << "at step " << steps[i];
        newer_gap = gap;
    }
    EXPECT_GE(newer_gap, 4 * p.spacing());  // the oldest: at least two doublings of the newest
    // Every step is still reachable from a point not far before it.
    for (long step : {1L, 4321L, 500000L, 999999L, 1000000L}) {
        const RestorePoints::Point* q = p.at_or_before(step);
        ASSERT_TRUE(q);
        // Gaps are at least K and at most twice the age over W (in steps).
        EXPECT_LE(step - q->step, std::max(p.spacing(), 2 * (1000000 - step) / p.window() + 1));
    }
}

TEST(RestorePoints, MemoryStaysWithinTheBudgetOverAMillionStepRun) {
    // The default budget; spiral-tanh runs 1,000,000 steps (5 s on two idle
    // cores, 25 s on two busy ones; CTest label "long").
    ModelSpec spec = load_preset("spiral-tanh");
    spec.epochs = 40000;  // 25 steps an epoch
    SessionOptions o;
    o.layer_stats = false;
    o.ring_capacity = 1024;  // nothing drains it: records beyond are dropped, as they may be
    Session session(spec, prepare_data(spec), cpu_backend(), o);
    ASSERT_TRUE(session.step(1000));
    test::settle(session);
    const size_t rss_before = resident_bytes();
    const MemoryStats backend_before = cpu_backend().memory_stats();
    long done = 1000;
    size_t most = 0;
    for (long target : {250000L, 500000L, 750000L, 1000000L}) {
        ASSERT_TRUE(session.step(target - done));
        test::settle(session);
        done = target;
        const RestorePointInfo i = session.restore_points();
        EXPECT_LE(i.bytes, i.budget);
        EXPECT_LE(i.points, i.capacity);
        most = std::max(most, i.bytes);
    }
    ASSERT_EQ(session.steps_done(), 1000000);
    const RestorePointInfo i = session.restore_points();
    EXPECT_EQ(i.budget, size_t{256} << 20);
    EXPECT_EQ(i.oldest_step, 0);
    EXPECT_GT(i.points, 1000u);
    // The process grew by the points and little else.
    const size_t grown = resident_bytes() - std::min(resident_bytes(), rss_before);
    EXPECT_LE(grown, most + (size_t{32} << 20)) << "points hold " << most;
    // Training itself allocated nothing on the backend.
    EXPECT_EQ(cpu_backend().memory_stats().allocations, backend_before.allocations);
    std::printf("1,000,000 steps: %zu points, %.1f MB of a %.0f MB budget, spacing %ld; resident +%.1f MB\n",
                i.points, i.bytes / 1048576.0, i.budget / 1048576.0, i.spacing, grown / 1048576.0);
    // The oldest steps are still there, exactly.
    ASSERT_TRUE(session.show_step(12345));
    test::settle(session);
    ASSERT_TRUE(session.latest_past_step());
    EXPECT_EQ(session.latest_past_step()->step, 12345);
}

TEST(RestorePoints, ASmallBudgetHoldsALongRunInPlace) {
    ModelSpec spec = load_preset("spiral-tanh");
    spec.epochs = 40000;
    SessionOptions o;
    o.layer_stats = false;
    o.ring_capacity = 1024;
    o.restore_budget = size_t{2} << 20;
    o.restore_spacing = 1;  // from every step: the pool fills early and must widen
    Session session(spec, prepare_data(spec), cpu_backend(), o);
    ASSERT_TRUE(session.step(100000));
    test::settle(session);
    const size_t rss_full = resident_bytes();
    const RestorePointInfo full = session.restore_points();
    ASSERT_TRUE(session.step(400000));
    test::settle(session);
    const RestorePointInfo end = session.restore_points();
    EXPECT_LE(end.bytes, end.budget);
    EXPECT_EQ(end.bytes, full.bytes);  // the pool was full: slots are reused
    EXPECT_LE(resident_bytes(), rss_full + (size_t{8} << 20));
    EXPECT_GT(end.spacing, full.spacing);  // the spacing widened instead
}

}  // namespace
}  // namespace gs
