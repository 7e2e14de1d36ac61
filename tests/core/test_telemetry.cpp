// Telemetry: Series keeps recent points exactly and decimates older ones
// without losing any min or max and with exactly count-weighted means
// (checked point by point against the raw data, with integer values so that
// every sum is exact); the store stays bounded over a million steps, by its
// own count and by the process's resident memory; SpscRing hands records from
// one thread to another in order, counting what it drops; a store rewound
// to a step forgets what came after it.
#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "gradscope/telemetry.h"

namespace {

using gs::EpochRecord;
using gs::EventRecord;
using gs::Series;
using gs::SeriesPoint;
using gs::SpscRing;
using gs::StepRecord;
using gs::TelemetryStore;

// Integers in [-50, 50] from a fixed LCG: varied, and sums stay exact.
float noise(uint32_t& state) {
    state = state * 1664525u + 1013904223u;
    return static_cast<float>(static_cast<int>((state >> 8) % 101) - 50);
}

// Checks every point of s against the raw points (xs[i], ys[i]) added so far:
// the points are in increasing x; the newest `recent` are the raw points
// themselves; each older point is a bucket covering the raw points from its x
// up to the next point's x, with their exact min, max, count and mean; every
// bucket but the last holds the same power-of-two count.
void expect_faithful(const Series& s, const std::vector<double>& xs, const std::vector<float>& ys,
                     size_t recent, size_t buckets) {
    const std::vector<SeriesPoint> pts = s.points();
    const size_t n = xs.size();
    ASSERT_EQ(s.total_added(), n);
    const size_t n_recent = std::min(n, recent);
    ASSERT_GE(pts.size(), n_recent);
    const size_t n_buckets = pts.size() - n_recent;
    ASSERT_LE(n_buckets, buckets);
    size_t covered = 0;
    for (const SeriesPoint& p : pts) covered += p.count;
    // With no bucket budget the history is dropped; otherwise all is covered.
    ASSERT_EQ(covered, buckets == 0 ? n_recent : n);
    size_t j = n - covered;  // the first raw point covered
    for (size_t k = 0; k < pts.size(); ++k) {
        const SeriesPoint& p = pts[k];
        ASSERT_LT(j, n);
        ASSERT_EQ(p.x, xs[j]) << "point " << k;
        if (k + 1 < pts.size()) { ASSERT_LT(p.x, pts[k + 1].x); }
        float lo = ys[j], hi = ys[j];
        double sum = 0;
        for (size_t i = j; i < j + p.count; ++i) {
            lo = std::min(lo, ys[i]);
            hi = std::max(hi, ys[i]);
            sum += ys[i];
        }
        EXPECT_EQ(p.min, lo) << "point " << k;
        EXPECT_EQ(p.max, hi) << "point " << k;
        EXPECT_EQ(p.mean, static_cast<float>(sum / p.count)) << "point " << k;
        if (k >= n_buckets) { EXPECT_EQ(p.count, 1u) << "recent point " << k; }
        if (k + 1 < n_buckets) {
            EXPECT_EQ(p.count, pts[0].count) << "bucket " << k;
            EXPECT_EQ(p.count & (p.count - 1), 0u) << "bucket " << k;  // a power of two
        }
        if (k + 1 == n_buckets) { EXPECT_LE(p.count, pts[0].count); }
        j += p.count;
    }
    EXPECT_EQ(j, n);
}

TEST(Series, ExactWhileFewerThanRecent) {
    Series s(8, 4);
    EXPECT_TRUE(s.points().empty());
    for (int i = 1; i <= 8; ++i) {
        s.add(10.0 * i, 0.5f * i);
        const std::vector<SeriesPoint> pts = s.points();
        ASSERT_EQ(pts.size(), static_cast<size_t>(i));
        for (int k = 0; k < i; ++k) {
            EXPECT_EQ(pts[k].x, 10.0 * (k + 1));
            EXPECT_EQ(pts[k].min, 0.5f * (k + 1));
            EXPECT_EQ(pts[k].max, 0.5f * (k + 1));
            EXPECT_EQ(pts[k].mean, 0.5f * (k + 1));
            EXPECT_EQ(pts[k].count, 1u);
        }
    }
    EXPECT_EQ(s.total_added(), 8u);
}

TEST(Series, BucketsMergeInPairsByHand) {
    // No recent ring, two buckets: every point goes straight to the history.
    Series s(0, 2);
    for (int i = 1; i <= 8; ++i) s.add(i, static_cast<float>(i));
    // 1..8 in two buckets of four: [1,2,3,4] and [5,6,7,8].
    std::vector<SeriesPoint> pts = s.points();
    ASSERT_EQ(pts.size(), 2u);
    EXPECT_EQ(pts[0].x, 1.0);
    EXPECT_EQ(pts[0].min, 1.0f);
    EXPECT_EQ(pts[0].max, 4.0f);
    EXPECT_EQ(pts[0].mean, 2.5f);  // (1+2+3+4)/4
    EXPECT_EQ(pts[0].count, 4u);
    EXPECT_EQ(pts[1].x, 5.0);
    EXPECT_EQ(pts[1].mean, 6.5f);  // (5+6+7+8)/4
    EXPECT_EQ(pts[1].count, 4u);
    // A ninth point: the pair merges into one bucket of 8, the 9th starts one.
    s.add(9, 9.0f);
    s.add(10, 100.0f);
    pts = s.points();
    ASSERT_EQ(pts.size(), 2u);
    EXPECT_EQ(pts[0].count, 8u);
    EXPECT_EQ(pts[0].mean, 4.5f);  // 36/8
    EXPECT_EQ(pts[0].max, 8.0f);
    EXPECT_EQ(pts[1].x, 9.0);
    EXPECT_EQ(pts[1].count, 2u);
    EXPECT_EQ(pts[1].min, 9.0f);
    EXPECT_EQ(pts[1].max, 100.0f);
    EXPECT_EQ(pts[1].mean, 54.5f);  // (9+100)/2
}

TEST(Series, EveryPointFaithfulAfterEachAdd) {
    struct Shape {
        size_t recent, buckets;
    };
    // Even, odd and single-bucket budgets; no ring; no history.
    for (const Shape shape : {Shape{16, 8}, Shape{7, 5}, Shape{4, 1}, Shape{0, 6}, Shape{3, 0}}) {
        SCOPED_TRACE("recent " + std::to_string(shape.recent) + ", buckets " +
                     std::to_string(shape.buckets));
        Series s(shape.recent, shape.buckets);
        std::vector<double> xs;
        std::vector<float> ys;
        uint32_t state = 7;
        for (int i = 0; i < 400; ++i) {
            xs.push_back(3.0 * i + 1);  // uneven steps: x is not the index
            ys.push_back(noise(state));
            s.add(xs.back(), ys.back());
            expect_faithful(s, xs, ys, shape.recent, shape.buckets);
            if (HasFatalFailure()) { return; }
        }
    }
}

TEST(Series, ManyPointsKeepSpikeAndDip) {
    constexpr int kN = 200000, kSpike = 31337, kDip = 177777;
    Series s(64, 32);
    std::vector<double> xs;
    std::vector<float> ys;
    for (int step = 1; step <= kN; ++step) {
        const float y = step == kSpike ? 1000.0f : step == kDip ? -1000.0f : 1.0f;
        xs.push_back(step);
        ys.push_back(y);
        s.add(step, y);
    }
    expect_faithful(s, xs, ys, 64, 32);
    const std::vector<SeriesPoint> pts = s.points();
    EXPECT_LE(pts.size(), 96u);
    int spikes = 0, dips = 0;
    for (size_t k = 0; k < pts.size(); ++k) {
        const SeriesPoint& p = pts[k];
        const double end = k + 1 < pts.size() ? pts[k + 1].x : kN + 1.0;
        if (p.max == 1000.0f) {
            ++spikes;
            EXPECT_LE(p.x, kSpike);
            EXPECT_GT(end, kSpike);
            EXPECT_GT(p.count, 1u);  // decimated, and still visible
            EXPECT_EQ(p.min, 1.0f);
            EXPECT_EQ(p.mean, static_cast<float>((p.count - 1 + 1000.0) / p.count));
        } else if (p.min == -1000.0f) {
            ++dips;
            EXPECT_LE(p.x, kDip);
            EXPECT_GT(end, kDip);
            EXPECT_EQ(p.max, 1.0f);
            EXPECT_EQ(p.mean, static_cast<float>((p.count - 1 - 1000.0) / p.count));
        } else {
            EXPECT_EQ(p.min, 1.0f);
            EXPECT_EQ(p.max, 1.0f);
            EXPECT_EQ(p.mean, 1.0f);
        }
    }
    EXPECT_EQ(spikes, 1);
    EXPECT_EQ(dips, 1);
    EXPECT_EQ(s.total_added(), static_cast<size_t>(kN));
}

TEST(Series, MemoryFixedUpFrontAndClear) {
    Series s(100, 50);
    const size_t before = s.memory_bytes();
    EXPECT_GE(before, 150 * sizeof(SeriesPoint));
    for (int i = 0; i < 100000; ++i) s.add(i, static_cast<float>(i % 17));
    EXPECT_EQ(s.memory_bytes(), before);  // reserved once: add() never grows it
    s.clear();
    EXPECT_EQ(s.total_added(), 0u);
    EXPECT_TRUE(s.points().empty());
    EXPECT_EQ(s.memory_bytes(), before);
    // After a clear the width starts again at one raw point per bucket.
    std::vector<double> xs;
    std::vector<float> ys;
    for (int i = 0; i < 300; ++i) {
        xs.push_back(i);
        ys.push_back(static_cast<float>(i % 5));
        s.add(i, ys.back());
    }
    expect_faithful(s, xs, ys, 100, 50);
}

TEST(TelemetryStore, StepsFeedTheSeries) {
    TelemetryStore store;
    StepRecord r;
    r.step = 1;
    r.loss = 2.5f;
    r.accuracy = 0.25f;
    r.lr = 0.1f;
    r.samples_per_s = 1000;
    store.add(r);
    r.step = 2;
    r.loss = 2.0f;
    r.accuracy = -1;  // a regression step: no accuracy
    r.samples_per_s = 1200;
    store.add(r);
    ASSERT_EQ(store.loss().points().size(), 2u);
    EXPECT_EQ(store.loss().points()[1].x, 2.0);
    EXPECT_EQ(store.loss().points()[1].mean, 2.0f);
    ASSERT_EQ(store.accuracy().points().size(), 1u);
    EXPECT_EQ(store.accuracy().points()[0].x, 1.0);
    EXPECT_EQ(store.accuracy().points()[0].mean, 0.25f);
    EXPECT_EQ(store.lr().total_added(), 2u);
    EXPECT_EQ(store.samples_per_s().points()[1].mean, 1200.0f);
    EXPECT_EQ(store.last_step().step, 2);
    EXPECT_EQ(store.last_step().loss, 2.0f);
    store.clear();
    EXPECT_EQ(store.loss().total_added(), 0u);
    EXPECT_EQ(store.last_step().step, 0);
}

TEST(Series, TruncateAfterForgetsTheLaterPointsAndGoesOn) {
    // Small enough that most points are in buckets: the ring and the
    // buckets are both cut.
    Series s(8, 16);
    for (int i = 1; i <= 100; ++i) s.add(i, static_cast<float>(i));
    s.truncate_after(95.5);  // in the ring
    std::vector<SeriesPoint> p = s.points();
    EXPECT_EQ(p.back().x, 95.0);
    EXPECT_EQ(s.total_added(), 95u);
    s.truncate_after(40);  // in the buckets: those that start after it go
    p = s.points();
    EXPECT_LE(p.back().x, 40.0);
    for (size_t i = 1; i < p.size(); ++i) EXPECT_LT(p[i - 1].x, p[i].x);
    const size_t kept = s.total_added();
    EXPECT_LE(kept, 40u);
    for (int i = 41; i <= 60; ++i) s.add(i, static_cast<float>(-i));
    p = s.points();
    EXPECT_EQ(p.back().x, 60.0);
    EXPECT_EQ(p.back().mean, -60.0f);
    EXPECT_EQ(s.total_added(), kept + 20);
    for (size_t i = 1; i < p.size(); ++i) EXPECT_LT(p[i - 1].x, p[i].x);
}

TEST(TelemetryStore, TruncateAfterTakesTheStoreBackToAStep) {
    TelemetryStore store;
    for (int i = 1; i <= 50; ++i) {
        StepRecord r;
        r.step = i;
        r.epoch = (i - 1) / 10;
        r.loss = static_cast<float>(i);
        r.accuracy = 0.5f;
        r.lr = 0.1f;
        store.add(r);
        if (i % 10 == 0) {
            EpochRecord e;
            e.epoch = i / 10;
            e.step = i;
            store.add(e);
        }
        gs::LayerStats l;
        l.step = i;
        l.layer = 0;
        l.has_weights = true;
        l.grad_norm = static_cast<float>(i);
        store.add(l);
    }
    store.add(EventRecord{33, "rewind", "", 33, "back to step 33"});
    store.truncate_after(33);
    EXPECT_EQ(store.loss().total_added(), 33u);
    EXPECT_EQ(store.last_step().step, 33);
    EXPECT_EQ(store.last_step().loss, 33.0f);
    EXPECT_EQ(store.last_step().accuracy, 0.5f);
    EXPECT_EQ(store.last_step().epoch, 3);
    ASSERT_EQ(store.epochs().size(), 3u);
    EXPECT_EQ(store.epochs().back().step, 30);
    EXPECT_EQ(store.layer_grad_norm(0).total_added(), 33u);
    EXPECT_EQ(store.layers()[0].step, 0);  // the newest statistics were of a step now gone
    EXPECT_EQ(store.events().size(), 1u);  // events are history: they stay
}

TEST(TelemetryStore, EpochsAndEventsBounded) {
    TelemetryStore store;
    for (size_t i = 1; i <= TelemetryStore::kMaxEpochs; ++i) {
        EpochRecord e;
        e.epoch = static_cast<int>(i);
        store.add(e);
    }
    EXPECT_EQ(store.epochs().size(), TelemetryStore::kMaxEpochs);
    EpochRecord last;
    last.epoch = static_cast<int>(TelemetryStore::kMaxEpochs + 1);
    store.add(last);  // full: the oldest half goes
    EXPECT_EQ(store.epochs().size(), TelemetryStore::kMaxEpochs / 2 + 1);
    EXPECT_EQ(store.epochs().front().epoch, static_cast<int>(TelemetryStore::kMaxEpochs / 2 + 1));
    EXPECT_EQ(store.epochs().back().epoch, last.epoch);

    const size_t n_events = 3 * TelemetryStore::kMaxEvents + 7;
    for (size_t i = 1; i <= n_events; ++i) {
        EventRecord e;
        e.step = static_cast<long>(i);
        e.kind = "state";
        store.add(e);
        ASSERT_LE(store.events().size(), TelemetryStore::kMaxEvents);
    }
    const std::vector<EventRecord>& ev = store.events();
    EXPECT_GE(ev.size(), TelemetryStore::kMaxEvents * 9 / 10);
    EXPECT_EQ(ev.back().step, static_cast<long>(n_events));  // the newest kept, in order
    for (size_t i = 1; i < ev.size(); ++i) ASSERT_EQ(ev[i].step, ev[i - 1].step + 1);
}

TEST(TelemetryStore, MemoryCountsEventText) {
    TelemetryStore store;
    const size_t before = store.memory_bytes();
    EventRecord e;
    e.kind = "error";
    e.text = std::string(10000, 'x');
    store.add(e);
    EXPECT_GE(store.memory_bytes(), before + 10000);
}

size_t resident_bytes() {
    std::ifstream statm("/proc/self/statm");
    size_t size = 0, resident = 0;
    statm >> size >> resident;
    return resident * static_cast<size_t>(sysconf(_SC_PAGESIZE));
}

TEST(TelemetryStore, MillionStepsStayBounded) {
    constexpr long kSteps = 1000000, kSpikeStep = 654321;
    constexpr size_t kLimit = 64u << 20;
    const size_t rss_before = resident_bytes();
    ASSERT_GT(rss_before, 0u) << "could not read /proc/self/statm";
    auto store = std::make_unique<TelemetryStore>();
    const size_t series_bytes = store->loss().memory_bytes();
    uint32_t state = 11;
    for (long step = 1; step <= kSteps; ++step) {
        StepRecord r;
        r.step = step;
        r.epoch = static_cast<int>(step / 1000);
        r.loss = 2.0f * std::exp(-step / 200000.0f) + 0.01f * noise(state);
        if (step == kSpikeStep) r.loss = 50.0f;
        r.accuracy = step % 10 == 0 ? -1.0f : 0.5f + 0.005f * noise(state);
        r.lr = step < 500000 ? 0.1f : 0.01f;
        r.step_ms = 2.0f;
        r.samples_per_s = 32000.0f + noise(state);
        store->add(r);
        if (step % 1000 == 0) {
            EpochRecord e;
            e.epoch = static_cast<int>(step / 1000);
            e.step = step;
            e.train_loss = r.loss;
            store->add(e);
        }
        if (step % 10000 == 0) {
            EventRecord e;
            e.step = step;
            e.kind = "hyperparameter";
            e.name = "learning_rate";
            e.value = r.lr;
            e.text = "learning rate set to " + std::to_string(r.lr) + " at step " +
                     std::to_string(step);
            store->add(e);
        }
    }
    const size_t rss_after = resident_bytes();
    EXPECT_LT(store->memory_bytes(), kLimit);
    EXPECT_LT(rss_after - std::min(rss_after, rss_before), kLimit);
    EXPECT_EQ(store->loss().memory_bytes(), series_bytes);  // no growth past the reservation
    EXPECT_EQ(store->loss().total_added(), static_cast<size_t>(kSteps));
    EXPECT_EQ(store->accuracy().total_added(), static_cast<size_t>(kSteps - kSteps / 10));
    EXPECT_EQ(store->epochs().size(), 1000u);
    EXPECT_EQ(store->events().size(), 100u);
    EXPECT_EQ(store->last_step().step, kSteps);
    // The spike survives decimation as the series' maximum.
    float top = 0;
    for (const SeriesPoint& p : store->loss().points()) top = std::max(top, p.max);
    EXPECT_EQ(top, 50.0f);
}

TEST(SpscRing, PushPopFullDropped) {
    SpscRing<int> ring(3);
    int v = 0;
    EXPECT_FALSE(ring.pop(v));
    EXPECT_TRUE(ring.push(1));
    EXPECT_TRUE(ring.push(2));
    EXPECT_TRUE(ring.push(3));
    EXPECT_FALSE(ring.push(4));  // full: refused and counted
    EXPECT_EQ(ring.dropped(), 1u);
    ASSERT_TRUE(ring.pop(v));
    EXPECT_EQ(v, 1);
    EXPECT_TRUE(ring.push(5));
    EXPECT_FALSE(ring.push(6));
    EXPECT_EQ(ring.dropped(), 2u);
    for (int want : {2, 3, 5}) {
        ASSERT_TRUE(ring.pop(v));
        EXPECT_EQ(v, want);
    }
    EXPECT_FALSE(ring.pop(v));
    // Round and round the wrap: order holds, nothing more dropped.
    for (int i = 0; i < 100; ++i) {
        ASSERT_TRUE(ring.push(2 * i));
        ASSERT_TRUE(ring.push(2 * i + 1));
        ASSERT_TRUE(ring.pop(v));
        EXPECT_EQ(v, 2 * i);
        ASSERT_TRUE(ring.pop(v));
        EXPECT_EQ(v, 2 * i + 1);
    }
    EXPECT_EQ(ring.dropped(), 2u);
}

TEST(SpscRing, ProducerThreadToStore) {
    constexpr long kPushes = 200000;
    SpscRing<StepRecord> ring(4096);
    std::atomic<bool> done{false};
    long refused = 0;
    std::thread producer([&] {
        for (long i = 1; i <= kPushes; ++i) {
            StepRecord r;
            r.step = i;
            r.loss = static_cast<float>(i % 1000);
            if (!ring.push(r)) ++refused;  // never waits
        }
        done.store(true, std::memory_order_release);
    });
    TelemetryStore store;
    long received = 0, last = 0, out_of_order = 0, corrupt = 0;
    StepRecord r;
    for (;;) {
        // Read the flag before draining: once it is set, one more drain gets all.
        const bool finished = done.load(std::memory_order_acquire);
        bool got = false;
        while (ring.pop(r)) {
            got = true;
            if (r.step <= last) ++out_of_order;
            if (r.loss != static_cast<float>(r.step % 1000)) ++corrupt;
            last = r.step;
            ++received;
            store.add(r);
        }
        if (finished) break;
        if (!got) std::this_thread::yield();
    }
    producer.join();
    EXPECT_EQ(out_of_order, 0);  // in order, so no duplicates
    EXPECT_EQ(corrupt, 0);
    EXPECT_EQ(static_cast<size_t>(refused), ring.dropped());
    EXPECT_EQ(static_cast<size_t>(received), static_cast<size_t>(kPushes) - ring.dropped());
    EXPECT_GT(received, 0);
    EXPECT_EQ(store.loss().total_added(), static_cast<size_t>(received));
    EXPECT_EQ(store.last_step().step, last);
}

}  // namespace
