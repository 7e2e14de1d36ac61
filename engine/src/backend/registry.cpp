// Where backends are found and registered: the one place that knows them all.
#include <omp.h>

#include "backend/cpu_backend.h"
#include "gradscope/backend.h"
#include "gradscope/error.h"

namespace gs {

Backend& cpu_backend() {
    static CpuBackend backend;
    return backend;
}

std::vector<BackendInfo> probe_backends() {
    return {BackendInfo{"cpu", "CPU (oneDNN)", true, ""},
            BackendInfo{"cuda", "CUDA", false, "this build has no CUDA backend"}};
}

std::vector<std::string> available_backends() {
    std::vector<std::string> names;
    for (const auto& b : probe_backends())
        if (b.usable) names.push_back(b.name);
    return names;
}

Backend& backend_by_name(const std::string& name) {
    if (name == "cpu") return cpu_backend();
    std::string list;
    for (const auto& n : available_backends()) list += (list.empty() ? "" : ", ") + n;
    throw Error("unknown backend '" + name + "'; available here: " + list);
}

}  // namespace gs
