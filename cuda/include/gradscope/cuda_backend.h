// The CUDA backend's public face: device queries and a factory, no CUDA
// types. The library (libgradscope_cuda.so) is loaded at run time by the
// engine's registry (engine/src/backend/cuda_loader.cpp) through the
// extern "C" entry points below; programs never link it. Both sides are
// built by the same compiler in the same build, so C++ types may cross.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "gradscope/backend.h"

namespace gs::cuda {

// Bumped whenever an entry point or a struct below changes; the loader
// refuses a library whose gs_cuda_abi_version() differs.
inline constexpr int kAbiVersion = 1;

// The oldest GPU generation the kernels are built for (Turing, sm_75).
inline constexpr int kMinComputeMajor = 7;
inline constexpr int kMinComputeMinor = 5;

struct DeviceInfo {
    int index = 0;
    std::string name;           // "NVIDIA H100 80GB HBM3"
    size_t total_memory = 0;    // bytes
    int compute_major = 0, compute_minor = 0;
    bool usable = false;
    std::string reason;         // why not, when not usable
};

// What the library found. reason is empty when at least one device is usable.
struct ProbeResult {
    int driver_version = 0;   // CUDA version the driver supports, 1000 * major + 10 * minor; 0: none
    int runtime_version = 0;  // the CUDA runtime the library was built with
    std::vector<DeviceInfo> devices;
    std::string reason;
};

// "CUDA 0: NVIDIA H100 80GB HBM3 (79 GB, sm_90)"
inline std::string device_label(const DeviceInfo& d) {
    const double gb = static_cast<double>(d.total_memory) / (1024.0 * 1024.0 * 1024.0);
    return "CUDA " + std::to_string(d.index) + ": " + d.name + " (" +
           std::to_string(static_cast<long>(gb + 0.5)) + " GB, sm_" +
           std::to_string(d.compute_major) + std::to_string(d.compute_minor) + ")";
}

// "13.0" from 13000.
inline std::string version_string(int v) {
    return std::to_string(v / 1000) + "." + std::to_string((v % 1000) / 10);
}

}  // namespace gs::cuda

extern "C" {
// kAbiVersion of the library.
int gs_cuda_abi_version();
// Fills *out with the driver, runtime and devices. Never throws.
void gs_cuda_probe(gs::cuda::ProbeResult* out);
// A new backend on device `device`, or null with *error set (never throws).
// The backend lives until the process ends.
gs::Backend* gs_cuda_create_backend(int device, std::string* error);
}
