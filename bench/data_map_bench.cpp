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

}  // namespace gs::bench
