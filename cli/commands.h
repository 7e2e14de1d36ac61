// The subcommands of gradscope-train. main.cpp parses the command line (the
// only file that includes CLI11, whose header is slow to compile).
#pragma once

#include <cstdint>
#include <string>

namespace gs::cli {

struct TrainOptions {
    std::string model = "spiral-tanh";  // preset name or spec path
    std::string backend = "cpu";
    int epochs = 0;       // 0: the spec's
    long seed = -1;       // -1: the spec's
    std::string save;     // checkpoint to write at the end
    std::string load;     // checkpoint to start from
    std::string data_path;  // overrides the spec's data.path
    bool quiet = false;
    bool every_epoch = false;  // print every epoch, not at most four lines a second
};

int run_train(const TrainOptions& o);
int run_presets();
int run_validate(const std::string& path);
int run_data_info(const std::string& what);

}  // namespace gs::cli
