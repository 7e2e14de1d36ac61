// Where backends are found and registered: the one place that knows them all.
// The CPU backend is built in; the CUDA backend is a shared library loaded on
// first use (backend/cuda_loader.cpp).
#include <omp.h>

#include "backend/cpu_backend.h"
#include "backend/cuda_loader.h"
#include "gradscope/backend.h"
#include "gradscope/error.h"

namespace gs {

Backend& cpu_backend() {
    // Never destroyed: at exit, oneDNN's own statics may already be gone
    // when a static backend's cached primitives and memories would be
    // released (a crash seen about every other exit of a Qt process that
    // trained a CNN). The process is ending; the OS takes the memory back.
    static CpuBackend* backend = new CpuBackend;
    return *backend;
}

std::vector<BackendInfo> probe_backends() {
    std::vector<BackendInfo> out{BackendInfo{"cpu", "CPU (oneDNN)", true, ""}};
    const CudaStatus& cuda = cuda_status();
    if (cuda.devices.empty()) {
        out.push_back(BackendInfo{"cuda", "CUDA", false, cuda.reason});
        return out;
    }
    for (const auto& d : cuda.devices) out.push_back(BackendInfo{d.name, d.label, d.usable, d.reason});
    return out;
}

std::vector<std::string> available_backends() {
    std::vector<std::string> names;
    for (const auto& b : probe_backends())
        if (b.usable) names.push_back(b.name);
    return names;
}

Backend& backend_by_name(const std::string& name) {
    if (name == "cpu") return cpu_backend();
    if (name == "cuda") {
        // The first usable device, or the reason none is.
        const CudaStatus& cuda = cuda_status();
        for (size_t i = 0; i < cuda.devices.size(); ++i)
            if (cuda.devices[i].usable) return cuda_backend(static_cast<int>(i));
        if (!cuda.devices.empty()) throw Error("CUDA is unavailable: " + cuda.devices[0].reason);
        throw Error("CUDA is unavailable: " + cuda.reason);
    }
    if (name.rfind("cuda:", 0) == 0) {
        const std::string idx = name.substr(5);
        if (!idx.empty() && idx.find_first_not_of("0123456789") == std::string::npos &&
            idx.size() < 6)
            return cuda_backend(std::stoi(idx));
    }
    std::string list;
    for (const auto& n : available_backends()) list += (list.empty() ? "" : ", ") + n;
    throw Error("unknown backend '" + name + "'; available here: " + list);
}

}  // namespace gs
