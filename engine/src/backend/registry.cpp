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

std::vector<std::string> available_backends() { return {"cpu"}; }

Backend& backend_by_name(const std::string& name) {
    if (name == "cpu") return cpu_backend();
    std::string list;
    for (const auto& n : available_backends()) list += (list.empty() ? "" : ", ") + n;
    throw Error("unknown backend '" + name + "'; available here: " + list);
}

}  // namespace gs
