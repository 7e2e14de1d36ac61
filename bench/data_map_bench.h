// The mislabeled-detection case of gradscope-bench (data_map_bench.cpp): a
// training run on a subset with labels flipped on purpose, and how well the
// data map's likely-mislabeled list finds them, epoch by epoch.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace gs::bench {

struct MislabelOptions {
    std::string preset = "mlp-fashion";
    std::string backend = "cpu";
    size_t subset = 10000;  // training items (a seeded subset of Fashion-MNIST)
    size_t flip = 300;      // labels moved to another class
    int epochs = 5;
    uint64_t seed = 7;      // which labels, and to which class
    int threads = 0;
    bool verbose = false;   // a line per epoch on stderr
};

struct MislabelEpoch {
    int epoch = 0;
    size_t listed = 0;           // items on the likely-mislabeled list
    double precision = 0;        // of the list: flipped / listed
    double recall = 0;           // flipped items listed / flipped
    double top_n_precision = 0;  // of the list's first N (N = flipped); also its recall
};

struct MislabelResult {
    std::vector<MislabelEpoch> epochs;
};

// Throws gs::Error when the data is missing.
MislabelResult run_mislabel_detection(const MislabelOptions& o);

// Milliseconds (the median of `repeats`) to observe one epoch, publish the
// map, summarize it and write its CSV, for a training split of `items` items
// of `classes` classes with random outcomes, and the accumulator's bytes.
struct DataMapCosts {
    double observe_epoch_ms = 0, publish_ms = 0, summarize_ms = 0, csv_ms = 0;
    size_t bytes = 0;
};
DataMapCosts measure_data_map_costs(size_t items, int classes, int repeats);

// The data map's cost per training step. Measured: two Trainers of the
// preset at `batch` on synthetic data, one writing the loss's per-item
// outcomes and observing them into a DataMapAccumulator as the session
// does, one not, stepped in alternating blocks of 4 steps; the median over
// `windows` windows of `seconds` (noisy on a loaded machine: the cost is far
// below the noise). Estimated: what the data map adds to a step, timed on
// its own in tight loops (the loss with and without the outcome rows, one
// batch observed), over the median step time.
struct StepCost {
    double measured_percent = 0, estimated_percent = 0;
    double step_us = 0, loss_extra_us = 0, observe_us = 0;
};
StepCost data_map_step_cost(const std::string& preset, int batch, const std::string& backend, double seconds,
                            int windows);

}  // namespace gs::bench
