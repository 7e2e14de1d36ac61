// The plugin ABI: what a backend built as a shared library (today the CUDA
// backend, libgradscope_cuda.so) exports and what the engine's loader
// (engine/src/backend/cuda_loader.cpp) finds with dlsym. The engine owns this
// contract; a plugin includes this header and defines the entry points, the
// engine never includes anything of a plugin. No device types cross it.
//
// Both sides are built by the same compiler in the same build, so C++ types
// (std::string, std::vector, gs::Backend) may cross; kAbiVersion guards
// against a library left over from another build.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "gradscope/backend.h"

namespace gs::plugin {

// Bumped whenever an entry point or a struct below changes; the loader
// refuses a library whose abi_version() differs.
inline constexpr int kAbiVersion = 2;  // 2: the losses write per-item outcomes

// One device as the plugin sees it.
struct DeviceInfo {
    int index = 0;
    std::string name;           // "NVIDIA H100 80GB HBM3"
    size_t total_memory = 0;    // bytes
    int compute_major = 0, compute_minor = 0;
    bool usable = false;
    std::string reason;         // why not, when not usable
};

// What the plugin found. reason is empty when at least one device is usable.
struct ProbeResult {
    int driver_version = 0;   // the version the driver supports, 1000 * major + 10 * minor; 0: none
    int runtime_version = 0;  // the runtime the plugin was built with
    std::vector<DeviceInfo> devices;
    std::string reason;
};

// "CUDA 0: NVIDIA H100 80GB HBM3 (79 GB, sm_90)" for family "CUDA".
inline std::string device_label(const std::string& family, const DeviceInfo& d) {
    const double gb = static_cast<double>(d.total_memory) / (1024.0 * 1024.0 * 1024.0);
    return family + " " + std::to_string(d.index) + ": " + d.name + " (" +
           std::to_string(static_cast<long>(gb + 0.5)) + " GB, sm_" +
           std::to_string(d.compute_major) + std::to_string(d.compute_minor) + ")";
}

// "13.0" from 13000.
inline std::string version_string(int v) {
    return std::to_string(v / 1000) + "." + std::to_string((v % 1000) / 10);
}

// The three entry points every plugin exports (extern "C", never throwing):
//   abi_version()              its kAbiVersion;
//   probe(out)                 fills *out with the driver, runtime and devices;
//   create(device, error)      a new backend on `device`, living until the
//                              process ends, or null with *error set.
using AbiVersionFn = int (*)();
using ProbeFn = void (*)(ProbeResult* out);
using CreateFn = Backend* (*)(int device, std::string* error);

// Their exported names in one plugin.
struct EntryPoints {
    const char* abi_version;
    const char* probe;
    const char* create;
};

// The CUDA backend's (libgradscope_cuda.so), declared below.
inline constexpr EntryPoints kCudaEntryPoints{"gs_cuda_abi_version", "gs_cuda_probe",
                                              "gs_cuda_create_backend"};

}  // namespace gs::plugin

// The CUDA plugin defines these; the engine only looks them up by name
// (kCudaEntryPoints), so declaring them here checks the plugin's definitions
// against the signatures above.
extern "C" {
int gs_cuda_abi_version();
void gs_cuda_probe(gs::plugin::ProbeResult* out);
gs::Backend* gs_cuda_create_backend(int device, std::string* error);
}
