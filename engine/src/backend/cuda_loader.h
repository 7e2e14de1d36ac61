// Finds and loads the CUDA backend library (libgradscope_cuda.so) at run
// time, once per process, and says in words why it cannot when it cannot.
#pragma once

#include <string>
#include <vector>

#include "gradscope/backend.h"

namespace gs {

struct CudaDeviceEntry {
    std::string name;   // "cuda:0"
    std::string label;  // "CUDA 0: NVIDIA H100 80GB HBM3 (79 GB, sm_90)"
    bool usable = false;
    std::string reason;
};

struct CudaStatus {
    bool loaded = false;      // the library was found and has the right version
    std::string library;      // the file loaded (or the last one tried)
    std::string reason;       // empty when some device is usable
    std::vector<CudaDeviceEntry> devices;
};

// Loads the library and probes the devices on the first call; later calls
// return the same result. Thread-safe. Without an NVIDIA driver (no
// libcuda.so.1) the library is not loaded at all and the reason is "no CUDA
// driver found", unless GRADSCOPE_CUDA_LIBRARY names a library to load.
const CudaStatus& cuda_status();

// The backend on CUDA device `index`, created on first use and kept for the
// life of the process. Throws gs::Error with the reason when it is unusable.
Backend& cuda_backend(int index);

// The candidates tried, in order, when GRADSCOPE_CUDA_LIBRARY is not set:
// next to the running program, in ../cuda/ and ../lib/ from it, then the
// default dynamic-linker search. Exposed for tests.
std::vector<std::string> cuda_library_candidates();

}  // namespace gs
