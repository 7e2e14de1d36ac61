// BackendInfo: what a front end shows in its backend chooser, as plain data.
// The engine fills it (probe_backends() in gradscope/backend.h); views hold
// it without linking the engine.
#pragma once

#include <string>

namespace gs {

struct BackendInfo {
    std::string name;    // what backend_by_name() takes: "cpu", "cuda:0", ...
    std::string label;   // for people: "CPU (oneDNN)", "CUDA 0: NVIDIA H100 (80 GB, sm_90)"
    bool usable = false;
    std::string reason;  // why it cannot be used, in words, when it cannot
};

}  // namespace gs
