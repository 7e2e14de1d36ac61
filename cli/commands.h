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
    std::string data_path;  // overrides the spec's data.path
    bool quiet = false;
    bool every_epoch = false;  // print every epoch, not at most four lines a second
};

int run_train(const TrainOptions& o);

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

// The data spec for a dataset name or a path (its format recognized), on top
// of base (whose splits and preprocessing are kept).
DataSpec data_spec_for(const std::string& what, DataSpec base = {});

}  // namespace gs::cli
