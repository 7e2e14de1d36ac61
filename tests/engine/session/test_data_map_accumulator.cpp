// The data map's accumulator on scripted sequences of predictions (mean
// confidence, variability, right answers, forgetting events, history), the
// trainer's outcome rows against its loss, and a session's data map: kept
// across epochs, published on request, cleared by reset, off by its switch.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <numeric>

#include "gradscope/data_map_accumulator.h"
#include "gradscope/error.h"
#include "gradscope/label_noise.h"
#include "gradscope/presets.h"
#include "gradscope/session.h"
#include "gradscope/trainer.h"

namespace gs {
namespace {

// One presentation of item i: p(label), label, predicted, p(predicted).
void present(DataMapAccumulator& a, uint32_t item, float p, int label, int predicted, float pp) {
    const float row[kLossItemColumns] = {p, static_cast<float>(label), static_cast<float>(predicted), pp};
    a.observe(&item, row, 1);
}

TEST(DataMapAccumulator, StatisticsAndForgettingOfAScriptedSequence) {
    DataMapAccumulator a(4, 5);
    // Item 0: right, right, wrong, right, wrong: two forgetting events.
    const float p0[] = {0.9f, 0.8f, 0.3f, 0.9f, 0.2f};
    const bool r0[] = {true, true, false, true, false};
    // Item 1: wrong every time, the network sure it is class 3.
    // Item 2: wrong, then right twice: learned, never forgotten.
    const float p2[] = {0.1f, 0.6f, 0.7f};
    for (int e = 0; e < 5; ++e) {
        present(a, 0, p0[e], 2, r0[e] ? 2 : 4, r0[e] ? p0[e] : 0.6f);
        present(a, 1, 0.05f, 1, 3, 0.9f);
        if (e < 3) present(a, 2, p2[e], 0, e == 0 ? 1 : 0, e == 0 ? 0.8f : p2[e]);
    }
    EXPECT_EQ(a.observed(), 13u);
    const auto m = a.publish(123, 5, DataMapThresholds{});
    ASSERT_EQ(m->items(), 4u);
    EXPECT_EQ(m->step, 123);
    EXPECT_EQ(m->epoch, 5);
    EXPECT_EQ(m->classes, 5);

    // Item 0: mean 0.62; population std of {.9 .8 .3 .9 .2} = sqrt(0.468 / 5).
    EXPECT_EQ(m->presentations[0], 5u);
    EXPECT_NEAR(m->confidence[0], 0.62f, 1e-6f);
    EXPECT_NEAR(m->variability[0], std::sqrt(0.468f / 5), 1e-6f);
    EXPECT_NEAR(m->correctness[0], 0.6f, 1e-6f);
    EXPECT_EQ(m->forgetting[0], 2u);
    EXPECT_EQ(m->label[0], 2);
    EXPECT_EQ(m->predicted[0], 4);  // wrong at its last presentation
    EXPECT_EQ(m->region(0), DataRegion::Ambiguous);  // std 0.306 >= 0.2

    EXPECT_NEAR(m->confidence[1], 0.05f, 1e-6f);
    EXPECT_NEAR(m->variability[1], 0.0f, 1e-6f);
    EXPECT_EQ(m->correctness[1], 0.0f);
    EXPECT_EQ(m->forgetting[1], 0u);  // never right, so never forgotten
    EXPECT_EQ(m->region(1), DataRegion::Hard);
    EXPECT_TRUE(m->likely_mislabeled(1));
    EXPECT_EQ(m->predicted[1], 3);
    EXPECT_NEAR(m->predicted_p[1], 0.9f, 1e-6f);

    EXPECT_EQ(m->presentations[2], 3u);
    EXPECT_NEAR(m->confidence[2], 1.4f / 3, 1e-6f);
    EXPECT_NEAR(m->correctness[2], 2.0f / 3, 1e-6f);
    EXPECT_EQ(m->forgetting[2], 0u);  // wrong first is not forgetting
    EXPECT_FALSE(m->likely_mislabeled(2));

    EXPECT_EQ(m->presentations[3], 0u);
    EXPECT_EQ(m->region(3), DataRegion::Unseen);
    EXPECT_EQ(m->label[3], -1);

    // History: p(label) of each presentation, oldest first, in 1/255 steps.
    ASSERT_EQ(m->history_length(0), 5u);
    for (size_t j = 0; j < 5; ++j) EXPECT_NEAR(m->history_p(0, j), p0[j], 0.5f / 255 + 1e-6f) << j;
    EXPECT_EQ(m->history_length(3), 0u);
}

TEST(DataMapAccumulator, ForgettingCountsEveryRightToWrongTransition) {
    DataMapAccumulator a(1, 2);
    // W W R W R R W R W: right-then-wrong three times.
    const bool seq[] = {false, false, true, false, true, true, false, true, false};
    for (bool r : seq) present(a, 0, r ? 0.7f : 0.3f, 1, r ? 1 : 0, 0.7f);
    const auto m = a.publish(0, 0, {});
    EXPECT_EQ(m->forgetting[0], 3u);
    EXPECT_NEAR(m->correctness[0], 4.0f / 9, 1e-6f);
}

TEST(DataMapAccumulator, HistoryKeepsTheLastPresentationsInOrder) {
    DataMapAccumulator a(2, 2);
    const int n = DataMap::kHistory + 8;
    for (int e = 0; e < n; ++e) present(a, 1, static_cast<float>(e) / 100.0f, 0, 0, 0.9f);
    const auto m = a.publish(0, n, {});
    ASSERT_EQ(m->history_length(1), static_cast<size_t>(DataMap::kHistory));
    for (int j = 0; j < DataMap::kHistory; ++j)  // presentations 8 .. 39
        EXPECT_NEAR(m->history_p(1, static_cast<size_t>(j)), (j + 8) / 100.0f, 0.5f / 255 + 1e-6f) << j;
    // Welford over 0.00 .. 0.39: mean 0.195, population variance (n^2 - 1) / 12 / 100^2.
    EXPECT_NEAR(m->confidence[1], 0.195f, 1e-5f);
    EXPECT_NEAR(m->variability[1], std::sqrt((n * n - 1) / 12.0f) / 100.0f, 1e-5f);
}

TEST(DataMapAccumulator, ClearForgetsAndItemsOutOfRangeAreIgnored) {
    DataMapAccumulator a(2, 2);
    present(a, 0, 0.9f, 1, 1, 0.9f);
    present(a, 7, 0.9f, 1, 1, 0.9f);  // no such item
    EXPECT_EQ(a.publish(0, 0, {})->presentations[0], 1u);
    a.clear();
    const auto m = a.publish(0, 0, {});
    EXPECT_EQ(m->presentations[0], 0u);
    EXPECT_EQ(m->confidence[0], 0.0f);
    EXPECT_EQ(a.observed(), 0u);
    EXPECT_LT(a.memory_bytes(), 2u * 80);  // about 70 bytes an item
}

// A map handed out never changes while held; one let go is filled again.
TEST(DataMapAccumulator, APublishedMapStaysAsItWasWhileHeld) {
    DataMapAccumulator a(1, 2);
    present(a, 0, 0.25f, 1, 1, 0.25f);
    const auto held = a.publish(1, 0, {});
    for (int i = 0; i < 4; ++i) {
        present(a, 0, 0.75f, 1, 1, 0.75f);
        const auto later = a.publish(2 + i, 0, {});
        EXPECT_NE(later.get(), held.get());
        EXPECT_EQ(later->presentations[0], 2u + static_cast<uint32_t>(i));
    }
    EXPECT_EQ(held->step, 1);
    EXPECT_EQ(held->presentations[0], 1u);
    EXPECT_FLOAT_EQ(held->confidence[0], 0.25f);
    // Let go of, a copy is reused (no fresh memory) with every field rewritten.
    const DataMap* first = a.publish(10, 0, {}).get();
    a.publish(11, 0, {});
    const auto again = a.publish(12, 0, {});
    EXPECT_EQ(again.get(), first);
    EXPECT_EQ(again->step, 12);
    EXPECT_EQ(again->presentations[0], 5u);
}

// The trainer's outcome rows agree with the loss it reports for the same step.
TEST(TrainerOutcomes, RowsAgreeWithTheStepsLoss) {
    ModelSpec s = load_preset("spiral-tanh");  // sigmoid binary cross-entropy
    Trainer t(s, prepare_data(s), cpu_backend());
    EXPECT_EQ(t.last_item_outcomes(), nullptr);  // off by default
    t.set_item_outcomes(true);
    for (int i = 0; i < 3; ++i) {
        const StepResult r = t.step();
        const float* rows = t.last_item_outcomes();
        ASSERT_NE(rows, nullptr);
        ASSERT_EQ(t.last_batch().size(), static_cast<size_t>(r.batch));
        double nll = 0;
        int right = 0;
        for (int n = 0; n < r.batch; ++n) {
            const float* row = rows + n * kLossItemColumns;
            nll -= std::log(static_cast<double>(row[kItemPTrue]));
            right += row[kItemPredicted] == row[kItemLabel];
        }
        EXPECT_NEAR(nll / r.batch, r.loss, 1e-4);
        EXPECT_NEAR(static_cast<double>(right) / r.batch, r.accuracy, 1e-9);
    }
    ModelSpec mse = load_preset("xor-sigmoid");  // mse: no outcome rows
    Trainer u(mse, prepare_data(mse), cpu_backend());
    u.set_item_outcomes(true);
    EXPECT_FALSE(u.item_outcomes());
}

void settle(Session& s) { ASSERT_TRUE(s.wait_until_settled(60)) << state_name(s.state()); }

std::shared_ptr<const DataMap> fetch_map(Session& s) {
    EXPECT_TRUE(s.request_data_map());
    EXPECT_TRUE(s.wait_until_settled(60));
    return s.latest_data_map();
}

// A rewind takes back steps whose outcomes are in the map's running sums:
// the map starts again from the step rewound to, and the event says so.
TEST(SessionDataMap, ARewindStartsTheMapAgain) {
    ModelSpec spec = load_preset("spiral-tanh");  // 250 training items, batch 10
    Session s(spec, prepare_data(spec), cpu_backend());
    ASSERT_TRUE(s.step(25 * 3));
    settle(s);
    ASSERT_TRUE(s.rewind(25));
    settle(s);
    ASSERT_TRUE(s.step(25));  // the second epoch again
    settle(s);
    auto m = fetch_map(s);
    ASSERT_NE(m, nullptr);
    for (size_t i = 0; i < m->items(); ++i) ASSERT_EQ(m->presentations[i], 1u) << i;
    TelemetryStore store;
    s.drain(store);
    bool said = false;
    for (const EventRecord& e : store.events())
        if (e.kind == "rewind") said = e.text.find("data map starts again") != std::string::npos;
    EXPECT_TRUE(said);
}

TEST(SessionDataMap, KeptAcrossEpochsPublishedOnRequestClearedByReset) {
    ModelSpec spec = load_preset("spiral-tanh");  // 250 training items, batch 10
    Session s(spec, prepare_data(spec), cpu_backend());
    ASSERT_TRUE(s.data_map_on());
    EXPECT_EQ(s.latest_data_map(), nullptr);
    ASSERT_TRUE(s.step(25 * 3));  // three epochs
    settle(s);
    auto m = fetch_map(s);
    ASSERT_NE(m, nullptr);
    ASSERT_EQ(m->items(), 250u);
    EXPECT_EQ(m->epoch, 3);
    EXPECT_EQ(m->step, 75);
    EXPECT_EQ(m->classes, 2);
    for (size_t i = 0; i < m->items(); ++i) {
        ASSERT_EQ(m->presentations[i], 3u) << i;  // once an epoch
        ASSERT_TRUE(m->label[i] == 0 || m->label[i] == 1);
        ASSERT_GE(m->confidence[i], 0.0f);
        ASSERT_LE(m->confidence[i], 1.0f);
    }
    const DataMapSummary sum = summarize_data_map(*m);
    EXPECT_EQ(sum.seen, 250u);
    EXPECT_EQ(sum.easy + sum.ambiguous + sum.hard, 250u);

    ASSERT_TRUE(s.step(25));  // one more epoch: the map goes on
    settle(s);
    m = fetch_map(s);
    EXPECT_EQ(m->presentations[0], 4u);

    ASSERT_TRUE(s.reset());
    settle(s);
    EXPECT_EQ(s.latest_data_map(), nullptr);
    m = fetch_map(s);
    ASSERT_NE(m, nullptr);
    EXPECT_EQ(std::accumulate(m->presentations.begin(), m->presentations.end(), 0u), 0u);
}

TEST(SessionDataMap, OffBySwitchOrForRegression) {
    ModelSpec spec = load_preset("spiral-tanh");
    SessionOptions o;
    o.data_map = false;
    Session off(spec, prepare_data(spec), cpu_backend(), o);
    EXPECT_FALSE(off.data_map_on());
    const CommandResult r = off.request_data_map();
    EXPECT_FALSE(r);
    EXPECT_NE(r.reason.find("no data map"), std::string::npos) << r.reason;

    o = {};
    o.data_map_max_items = 100;  // the spiral's 250 are too many
    Session big(spec, prepare_data(spec), cpu_backend(), o);
    EXPECT_FALSE(big.data_map_on());

    ModelSpec line = load_preset("linear-regression");
    Session regression(line, prepare_data(line), cpu_backend());
    EXPECT_FALSE(regression.data_map_on());
}

// Labels flipped on purpose: flip_labels changes exactly those, to another class.
TEST(LabelNoise, FlipsExactlyTheNamedItemsToAnotherClass) {
    ModelSpec spec = load_preset("spiral-tanh");
    std::shared_ptr<Dataset> train = prepare_data(spec).train;
    const NoisyLabels noisy = flip_labels(train, 20, 3);
    ASSERT_EQ(noisy.flipped.size(), 20u);
    EXPECT_TRUE(std::is_sorted(noisy.flipped.begin(), noisy.flipped.end()));
    ASSERT_EQ(noisy.data->size(), train->size());
    std::vector<float> x(2), y0(1), y1(1);
    size_t changed = 0;
    for (uint32_t i = 0; i < train->size(); ++i) {
        train->gather(&i, 1, x.data(), y0.data());
        noisy.data->gather(&i, 1, x.data(), y1.data());
        const bool listed = std::binary_search(noisy.flipped.begin(), noisy.flipped.end(), i);
        EXPECT_EQ(y0[0] != y1[0], listed) << i;
        changed += y0[0] != y1[0];
    }
    EXPECT_EQ(changed, 20u);
    EXPECT_THROW(flip_labels(train, train->size() + 1, 1), Error);
}

// The CI-sized version of the README's figure (gradscope-bench --cases
// mlp-fashion/mislabeled): on 3,000 Fashion-MNIST items with 90 labels
// flipped, after 4 epochs of mlp-fashion the likely-mislabeled list holds
// most of them, and its first 90 items are mostly flipped ones.
TEST(RealData, LikelyMislabeledListFindsFlippedLabels) {
    if (!std::filesystem::is_directory("/usr/share/datasets/fashion-mnist"))
        GTEST_SKIP() << "Fashion-MNIST is not installed (apt-get install dataset-fashion-mnist)";
    ModelSpec spec = load_preset("mlp-fashion");
    spec.data.limit = 3000;
    PreparedData data = prepare_data(spec);
    data.test.reset();  // no validation passes: only the training items matter here
    NoisyLabels noisy = flip_labels(data.train, 90, 7);
    data.train = noisy.data;
    Session s(spec, std::move(data), cpu_backend());
    ASSERT_TRUE(s.step(4 * 47));  // 4 epochs of 47 batches of 64
    settle(s);
    const auto map = fetch_map(s);
    ASSERT_NE(map, nullptr);
    EXPECT_EQ(map->epoch, 4);
    const std::vector<uint32_t> list = likely_mislabeled_items(*map, map->items());
    size_t hits = 0, top = 0;
    for (size_t i = 0; i < list.size(); ++i) {
        const bool hit = std::binary_search(noisy.flipped.begin(), noisy.flipped.end(), list[i]);
        hits += hit;
        top += hit && i < 90;
    }
    const double recall = hits / 90.0, precision = list.empty() ? 0 : static_cast<double>(hits) / list.size();
    std::printf("likely mislabeled: %zu listed, precision %.2f, recall %.2f, top-90 %.2f\n", list.size(),
                precision, recall, top / 90.0);
    EXPECT_GE(recall, 0.7);
    EXPECT_GE(top / 90.0, 0.55);
    EXPECT_GE(precision, 0.25);
    EXPECT_EQ(summarize_data_map(*map).mislabeled, list.size());
}

}  // namespace
}  // namespace gs
