// The library's extern "C" entry points, as the engine's plugin contract
// (gradscope/backend_plugin.h) declares them: the version handshake, the
// device probe in words, and the factory.
#include <cuda_runtime.h>

#include <exception>
#include <type_traits>

#include "cuda_backend.h"
#include "gradscope/backend_plugin.h"

// The definitions below have the contract's signatures.
static_assert(std::is_same_v<decltype(&gs_cuda_abi_version), gs::plugin::AbiVersionFn>);
static_assert(std::is_same_v<decltype(&gs_cuda_probe), gs::plugin::ProbeFn>);
static_assert(std::is_same_v<decltype(&gs_cuda_create_backend), gs::plugin::CreateFn>);

namespace {

// The oldest GPU generation the kernels are built for (Turing, sm_75).
constexpr int kMinComputeMajor = 7;
constexpr int kMinComputeMinor = 5;

// A CUDA runtime failure at probe time, in words a person understands.
std::string probe_failure(cudaError_t e, int driver) {
    switch (e) {
        case cudaErrorInsufficientDriver:
            if (driver == 0) return "no CUDA driver found";
            return "the NVIDIA driver supports CUDA " + gs::plugin::version_string(driver) +
                   ", older than the CUDA runtime this build uses; update the driver";
        case cudaErrorNoDevice: return "no device";
        case cudaErrorDevicesUnavailable: return "every CUDA device is busy or unavailable";
        default: return std::string("CUDA could not start: ") + cudaGetErrorString(e);
    }
}

}  // namespace

extern "C" int gs_cuda_abi_version() { return gs::plugin::kAbiVersion; }

extern "C" void gs_cuda_probe(gs::plugin::ProbeResult* out) {
    using namespace gs::plugin;
    ProbeResult r;
    try {
        cudaDriverGetVersion(&r.driver_version);
        cudaRuntimeGetVersion(&r.runtime_version);
        int n = 0;
        const cudaError_t e = cudaGetDeviceCount(&n);
        if (e != cudaSuccess) {
            cudaGetLastError();
            r.reason = probe_failure(e, r.driver_version);
        } else if (n == 0) {
            r.reason = "no device";
        }
        for (int i = 0; e == cudaSuccess && i < n; ++i) {
            DeviceInfo d;
            d.index = i;
            cudaDeviceProp prop{};
            const cudaError_t pe = cudaGetDeviceProperties(&prop, i);
            if (pe != cudaSuccess) {
                cudaGetLastError();
                d.name = "device " + std::to_string(i);
                d.reason = std::string("device ") + std::to_string(i) +
                           " could not be queried: " + cudaGetErrorString(pe);
                r.devices.push_back(d);
                continue;
            }
            d.name = prop.name;
            d.total_memory = prop.totalGlobalMem;
            d.compute_major = prop.major;
            d.compute_minor = prop.minor;
            const bool new_enough = prop.major > kMinComputeMajor ||
                                    (prop.major == kMinComputeMajor && prop.minor >= kMinComputeMinor);
            d.usable = new_enough;
            if (!new_enough)
                d.reason = "device " + std::to_string(i) + " has compute capability " +
                           std::to_string(prop.major) + "." + std::to_string(prop.minor) + "; " +
                           std::to_string(kMinComputeMajor) + "." + std::to_string(kMinComputeMinor) +
                           " or newer is required";
            r.devices.push_back(d);
        }
        bool any = false;
        for (const auto& d : r.devices) any = any || d.usable;
        if (!any && r.reason.empty() && !r.devices.empty()) r.reason = r.devices.front().reason;
    } catch (const std::exception& ex) {
        r.reason = ex.what();
    }
    *out = std::move(r);
}

extern "C" gs::Backend* gs_cuda_create_backend(int device, std::string* error) {
    try {
        return new gs::cuda::CudaBackend(device);
    } catch (const std::exception& e) {
        if (error) *error = e.what();
        return nullptr;
    }
}
