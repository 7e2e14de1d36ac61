// Run logs: a run directory with run.jsonl (one self-describing JSON object
// per line: the run's start, steps, epochs, events, per-layer statistics and
// their histograms, confusion matrices, data map summaries), epochs.csv (one
// row per epoch) and datamap.csv (the data map's per-item table). Lines are written whole and flushed
// at least once a second, so a crash loses at most the last second, and a
// reader following the file while it grows sees only a partial last line,
// which it leaves for later. The format is documented in docs/run-log.md; its
// one reader is gradscope/run_log_reader.h (included here).
#pragma once

#include <chrono>
#include <cstdio>
#include <functional>
#include <string>
#include <vector>

#include "gradscope/run_info.h"
#include "gradscope/confusion.h"
#include "gradscope/data_map.h"
#include "gradscope/run_log_reader.h"
#include "gradscope/spec.h"
#include "gradscope/telemetry.h"

namespace gs {

class RunLog {
public:
    // Creates dir (and its parents) and starts run.jsonl with a "run" record
    // holding the spec. Throws gs::Error naming the path.
    RunLog(const std::string& dir, const ModelSpec& spec, const std::string& backend);
    // The same, with the run's identity in the "run" record: its uid and
    // name, and for a fork its parent, the step it was forked at and what it
    // changed (docs/run-log.md). Fields that are empty are left out.
    RunLog(const std::string& dir, const ModelSpec& spec, const std::string& backend,
           const RunInfo& run);
    ~RunLog();
    RunLog(const RunLog&) = delete;
    RunLog& operator=(const RunLog&) = delete;

    // Step lines are written at most every min_step_interval; the steps in
    // between are merged into the next line (mean loss and accuracy, the
    // count in "merged"), so a 400,000-steps-a-second classroom run does not
    // write 40 MB a second.
    void write(const StepRecord& r);
    // Epoch lines (and epochs.csv rows) are rate-limited too, so that tiny
    // epochs (25 steps, thousands a second) cannot make the log grow faster
    // than normal ones: up to epoch_burst of them at once, then one per
    // min_epoch_interval. An epoch over that rate is held back: written
    // before the next other line (a step line: at most one a
    // min_step_interval) unless a later epoch replaces it first. The next one
    // written says how many were left out before it ("left_out"), and the
    // last one always is (on flush, pause, stop or close).
    void write(const EpochRecord& r);
    void write(const EventRecord& r);
    // Per-layer statistics: the layers of one step are gathered and written
    // as one "layers" line when statistics of another step, or any other
    // record, arrive (and on flush). At most one sample is logged per
    // min_layers_interval; the samples in between are left out (not
    // merged). Their histograms (weights, gradients, activations) go with
    // a logged sample at most once per min_histogram_interval.
    void write(const LayerStats& r);
    // The gauges (gradscope/gauges.h): one line per estimate ("sharpness",
    // "noise_scale") and one per learning-rate range test ("lr_range", with
    // its whole curve), written at once.
    void write(const SharpnessRecord& r);
    void write(const NoiseScaleRecord& r);
    void write(const LrRangeResult& r);
    // A validation pass's confusion matrix and most confident mistakes: one
    // "confusion" line (run_log_views.cpp).
    void write(const ConfusionRecord& r);
    // A data map's summary: one "datamap" line (counts per region, the top
    // of each list, the CSV written with it).
    void write(const DataMapSummary& s);
    // The data map's per-item table as datamap.csv in the run directory,
    // replaced atomically; returns the file's name ("datamap.csv"). Throws
    // gs::Error naming the path.
    std::string write_data_map_csv(const DataMap& map);
    // Writes any merged steps and flushes; called on pause, stop and close.
    void flush();
    const std::string& dir() const { return m_dir; }

    std::chrono::milliseconds min_step_interval{10};
    std::chrono::milliseconds min_layers_interval{100};
    std::chrono::milliseconds min_epoch_interval{10};
    int epoch_burst = 100;
    std::chrono::milliseconds min_histogram_interval{1000};
    // Where the intervals above (and the flush once a second) read the time:
    // the steady clock; a test sets a clock of its own to drive them.
    std::function<std::chrono::steady_clock::time_point()> clock = [] {
        return std::chrono::steady_clock::now();
    };

private:
    void line(const std::string& json);
    void flush_merged();
    void maybe_flush();
    void flush_layers();
    void write_epoch_line(const EpochRecord& r);
    void flush_pending_epoch();

    std::string m_dir;
    std::FILE* m_jsonl = nullptr;
    std::FILE* m_csv = nullptr;
    std::chrono::steady_clock::time_point m_last_step_line, m_last_flush;
    // Steps not yet written.
    StepRecord m_pending;
    double m_loss_sum = 0, m_acc_sum = 0;
    long m_merged = 0;
    // Layer statistics of the step m_layers[0].step, not yet written.
    std::vector<LayerStats> m_layers;
    long m_layers_step = -1;  // the step of the sample arriving
    bool m_skip_layers = false;
    // Epoch lines: the tokens of the rate limit, and an epoch not written yet.
    double m_epoch_tokens = -1;  // -1: full (no epoch yet)
    std::chrono::steady_clock::time_point m_last_epoch_refill;
    EpochRecord m_pending_epoch;
    bool m_has_pending_epoch = false;
    long m_epochs_left_out = 0;  // since the last epoch line, not counting the pending one
    bool m_layers_histograms = false;  // the sample arriving carries histograms
    std::chrono::steady_clock::time_point m_last_layers_line, m_last_histograms;
};

}  // namespace gs
