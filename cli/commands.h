// The subcommands of gradscope-train. main.cpp parses the command line (the
// only file that includes CLI11, whose header is slow to compile).
#pragma once

#include <cstdint>
#include <string>

#include "gradscope/spec.h"

namespace gs::cli {

struct TrainOptions {
    std::string model = "spiral-tanh";  // preset name or spec path
    std::string backend = "cpu";
    int epochs = 0;       // 0: the spec's
    long seed = -1;       // -1: the spec's
    std::string checkpoint;  // write a checkpoint here at the end (and on Ctrl-C)
    std::string resume;      // start from this checkpoint
    std::string log_dir;     // write a run log (run.jsonl, epochs.csv) here
    std::string data;        // a dataset name or path, replacing the spec's
    int batch = 0;           // 0: the spec's
    double lr = 0;           // 0: the spec's
    double momentum = -1;    // <0: the spec's
    double weight_decay = -1;  // <0: the spec's
    std::string data_path;  // overrides the spec's data.path
    bool quiet = false;
    bool every_epoch = false;  // print every epoch, not at most four lines a second
    long steps = 0;            // stop after this many steps (0: at the end of the epochs)
    std::string init_checkpoint;  // write a checkpoint of the weights before the first step
    bool no_shuffle = false;      // every epoch in the stored order of the items
    bool log_every_step = false;  // one run-log line per step (no merging within 10 ms)
    int threads = 0;              // OpenMP threads (0: the default)
    // The gauges (gradscope/gauges.h): intervals in steps (0: off), budget.
    long sharpness_every = 0;
    long noise_every = 0;
    double gauge_budget = 0.10;
    bool no_data_map = false;     // keep no data map (classification runs keep one by default)
    std::string data_map_csv;     // write the data map's per-item table here at the end
};

int run_train(const TrainOptions& o);

// `evaluate` (evaluate_command.cpp): a checkpoint's loss and accuracy on a split.
struct EvaluateOptions {
    std::string checkpoint;
    std::string model;  // preset or spec (default: the spec stored in the checkpoint)
    std::string split = "test";  // test, validation or train
    std::string data_path;
    std::string backend = "cpu";
    int threads = 0;
};
int run_evaluate(const EvaluateOptions& o);

// `export` (export_command.cpp): a PyTorch project or an ONNX file.
struct ExportOptions {
    std::string model;       // preset or spec
    std::string to;          // "pytorch" or "onnx"
    std::string out;         // the project directory or the .onnx file
    std::string checkpoint;  // weights to export (default: the initial weights)
    std::string data_path;
};
int run_export(const ExportOptions& o);

// `lr-find` (lr_find_command.cpp): the learning-rate range test.
struct LrFindOptions {
    std::string model;
    std::string backend = "cpu";
    std::string resume;     // from this checkpoint's state (default: the initial weights)
    double lr_min = 1e-5, lr_max = 10;
    int steps = 200;
    double explode = 4;
    int batch = 0;          // 0: the spec's
    std::string csv;        // write lr,loss,smoothed here
    std::string log_dir;    // write a run log with the "lr_range" record
    std::string data_path;
    bool quiet = false;
    int threads = 0;
};
// Exit status: 0 a suggestion; 5 the loss did not fall (no suggestion).
int run_lr_find(const LrFindOptions& o);

// Sets the OpenMP threads of the calling thread (n > 0).
void set_threads(int n);

// `selftest` (selftest_command.cpp): the conformance suite on a backend and,
// for a backend other than the CPU, training runs compared with the CPU.
struct SelftestOptions {
    std::string backend = "cuda";
    int steps = 300;     // training steps per preset; 0: operations only
    uint64_t seed = 1;
};
inline constexpr int kSelftestSkipped = 4;  // exit status: the backend is unavailable here
int run_selftest(const SelftestOptions& o);
int run_presets();
int run_validate(const std::string& path);
int run_data_info(const std::string& what);

// `lesson` (lesson_command.cpp): check and play a lesson headless.
struct LessonOptions {
    std::string file;  // a lesson file or a shipped lesson's name
    bool check = false;  // read and check only; do not train
    bool list = false;   // list the shipped lessons
    bool quiet = false;  // no step texts, only failures and the summary
    std::string backend = "cpu";
    int threads = 0;
};
int run_lesson_command(const LessonOptions& o);

// The data spec for a dataset name or a path (its format recognized), on top
// of base (whose splits and preprocessing are kept).
DataSpec data_spec_for(const std::string& what, DataSpec base = {});

}  // namespace gs::cli
