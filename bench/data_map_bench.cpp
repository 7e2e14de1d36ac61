// The data map's benchmark cases (data_map_bench.h).
//
// "<preset>/mislabeled": how well the data map's likely-mislabeled list finds
// labels flipped on purpose. A subset of Fashion-MNIST has some labels moved
// to another class (gradscope/label_noise.h); a Session trains on it with its
// data map on; after each epoch the list is compared with the flipped set:
// precision and recall of the whole list, and of its top N (N = the number
// flipped, where precision and recall are the same number).
//
//   gradscope-bench --cases mlp-fashion/mislabeled [--subset 10000 --flip 300 --epochs 5]
//
// "<case>/data-map-step-cost": what the data map adds to a training step.
//
// "data-map/60k": the costs outside the steps for Fashion-MNIST's 60,000
// items (observing a whole epoch's outcome rows, publishing, summarizing,
// writing the CSV).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <set>
#include <unistd.h>

#include "gradscope/data_map_accumulator.h"
#include "gradscope/rng.h"

#include "gradscope/data_pipeline.h"
#include "gradscope/label_noise.h"
#include "gradscope/presets.h"
#include "gradscope/session.h"
#include "gradscope/trainer.h"
#include "data_map_bench.h"

namespace gs::bench {

MislabelResult run_mislabel_detection(const MislabelOptions& o) {
    ModelSpec spec = load_preset(o.preset);
    spec.data.limit = o.subset;
    spec.epochs = o.epochs;
    PreparedData data = prepare_data(spec);
    NoisyLabels noisy = flip_labels(data.train, o.flip, o.seed);
    data.train = noisy.data;
    const std::set<uint32_t> flipped(noisy.flipped.begin(), noisy.flipped.end());
    SessionOptions so;
    so.threads = o.threads;
    Session session(spec, std::move(data), backend_by_name(o.backend), so);
    MislabelResult out;
    for (int e = 1; e <= o.epochs; ++e) {
        session.step_epoch();
        session.wait_until_settled(3600);
        session.request_data_map();
        session.wait_until_settled(60);
        const auto map = session.latest_data_map();
        if (!map) break;
        const std::vector<uint32_t> list = likely_mislabeled_items(*map, map->items());
        size_t hits = 0, top_hits = 0;
        for (size_t i = 0; i < list.size(); ++i) {
            const bool hit = flipped.count(list[i]) > 0;
            hits += hit;
            if (i < flipped.size()) top_hits += hit;
        }
        MislabelEpoch r;
        r.epoch = e;
        r.listed = list.size();
        r.precision = list.empty() ? 0 : static_cast<double>(hits) / static_cast<double>(list.size());
        r.recall = static_cast<double>(hits) / static_cast<double>(flipped.size());
        r.top_n_precision = static_cast<double>(top_hits) / static_cast<double>(flipped.size());
        out.epochs.push_back(r);
        if (o.verbose)
            std::fprintf(stderr, "  epoch %d: %zu listed, precision %.3f, recall %.3f, top-%zu precision %.3f\n", e,
                         r.listed, r.precision, r.recall, flipped.size(), r.top_n_precision);
    }
    return out;
}

namespace {

template <typename F>
double median_ms(int repeats, F f) {
    std::vector<double> t;
    for (int r = 0; r < repeats; ++r) {
        const auto t0 = std::chrono::steady_clock::now();
        f();
        t.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
    }
    std::sort(t.begin(), t.end());
    return t[t.size() / 2];
}

}  // namespace

DataMapCosts measure_data_map_costs(size_t items, int classes, int repeats) {
    DataMapAccumulator acc(items, classes);
    // One epoch of outcome rows in batches of 64, as the loss writes them.
    std::vector<uint32_t> order(items);
    std::vector<float> rows(items * kLossItemColumns);
    Rng rng(5);
    for (size_t i = 0; i < items; ++i) {
        order[i] = static_cast<uint32_t>(i);
        float* r = rows.data() + i * kLossItemColumns;
        r[kItemPTrue] = static_cast<float>(rng.below(1000)) / 1000.0f;
        r[kItemLabel] = static_cast<float>(rng.below(static_cast<uint64_t>(classes)));
        r[kItemPredicted] = static_cast<float>(rng.below(static_cast<uint64_t>(classes)));
        r[kItemPPredicted] = 0.5f;
    }
    DataMapCosts c;
    c.observe_epoch_ms = median_ms(repeats, [&] {
        for (size_t first = 0; first < items; first += 64) {
            const int n = static_cast<int>(std::min<size_t>(64, items - first));
            acc.observe(order.data() + first, rows.data() + first * kLossItemColumns, n);
        }
    });
    std::shared_ptr<DataMap> map;
    c.publish_ms = median_ms(repeats, [&] { map = acc.publish(0, 1, {}); });
    c.summarize_ms = median_ms(repeats, [&] { summarize_data_map(*map); });
    const std::string path =
        (std::filesystem::temp_directory_path() / ("gs_bench_datamap_" + std::to_string(::getpid()) + ".csv")).string();
    c.csv_ms = median_ms(repeats, [&] { write_data_map_csv(*map, path); });
    std::filesystem::remove(path);
    c.bytes = acc.memory_bytes();
    return c;
}

StepCost data_map_step_cost(const std::string& preset, int batch, const std::string& backend, double seconds,
                            int windows) {
    ModelSpec spec = load_preset(preset);
    spec.batch_size = batch;
    DataSpec d;
    d.name = "synthetic";
    d.samples = batch * 16;
    d.test_fraction = 0;
    d.seed = 7;
    PreparedData data;
    data.train = make_builtin_dataset(d, spec.input, 10).train;
    Trainer with(spec, data, backend_by_name(backend)), without(spec, data, backend_by_name(backend));
    with.set_item_outcomes(true);
    DataMapAccumulator map(data.train->size(), 10);
    auto step_with = [&] {
        with.step();
        map.observe(with.last_batch().data(), with.last_item_outcomes(), static_cast<int>(with.last_batch().size()));
    };
    for (int i = 0; i < 32; ++i) step_with(), without.step();  // warm-up
    using Clock = std::chrono::steady_clock;
    std::vector<double> costs, steps;
    for (int w = 0; w < windows; ++w) {
        double t_with = 0, t_without = 0;
        long n = 0;
        const auto end = Clock::now() + std::chrono::duration<double>(seconds);
        while (Clock::now() < end) {
            auto t0 = Clock::now();
            for (int i = 0; i < 4; ++i) step_with();
            auto t1 = Clock::now();
            for (int i = 0; i < 4; ++i) without.step();
            auto t2 = Clock::now();
            t_with += std::chrono::duration<double>(t1 - t0).count();
            t_without += std::chrono::duration<double>(t2 - t1).count();
            n += 4;
        }
        costs.push_back(100.0 * (t_with - t_without) / t_without);
        steps.push_back(1e6 * t_without / static_cast<double>(n));
    }
    const auto median = [](std::vector<double> v) {
        std::sort(v.begin(), v.end());
        return v[v.size() / 2];
    };
    StepCost r;
    r.measured_percent = median(costs);
    r.step_us = median(steps);
    // The parts on their own: the loss of a batch (N, 10) with and without
    // its outcome rows, and observing one batch; tight loops, interleaved.
    Backend& be = backend_by_name(backend);
    std::vector<float> zv(static_cast<size_t>(batch) * 10), lv(static_cast<size_t>(batch));
    Rng rng(3);
    for (float& z : zv) z = static_cast<float>(rng.below(2000)) / 250.0f - 4.0f;
    for (float& l : lv) l = static_cast<float>(rng.below(10));
    Tensor z(be, {batch, 10}), l(be, {batch}), dz(be, {batch, 10}), out(be, {batch, kLossItemColumns});
    be.upload(z.data(), zv.data(), zv.size());
    be.upload(l.data(), lv.data(), lv.size());
    const std::vector<float> rows = out.to_host();
    const int reps = 2000;
    std::vector<double> extra, observe;
    for (int w = 0; w < 9; ++w) {
        const double plain = median_ms(1, [&] { for (int i = 0; i < reps; ++i) be.softmax_cross_entropy(z, l, &dz); });
        const double with_rows =
            median_ms(1, [&] { for (int i = 0; i < reps; ++i) be.softmax_cross_entropy(z, l, &dz, &out); });
        extra.push_back(1e3 * (with_rows - plain) / reps);
        observe.push_back(1e3 * median_ms(1, [&] {
                              for (int i = 0; i < reps; ++i)
                                  map.observe(with.last_batch().data(), rows.data(), static_cast<int>(with.last_batch().size()));
                          }) / reps);
    }
    r.loss_extra_us = std::max(0.0, median(extra));
    r.observe_us = median(observe);
    r.estimated_percent = 100.0 * (r.loss_extra_us + r.observe_us) / r.step_us;
    return r;
}

}  // namespace gs::bench
