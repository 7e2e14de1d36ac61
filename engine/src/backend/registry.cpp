// Where backends are found and registered: one table of entries (name,
// probe, create), the one place that knows them all. The CPU backend is built
// in; the CUDA backend is a shared library loaded on first use
// (backend/cuda_loader.cpp). Adding a backend is adding an entry.
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

namespace {

// ------------------------------------------------------------------ cpu ---

std::vector<BackendInfo> probe_cpu() { return {BackendInfo{"cpu", "CPU (oneDNN)", true, ""}}; }

Backend& create_cpu(const std::string&) { return cpu_backend(); }

// ----------------------------------------------------------------- cuda ---

// Each device ("cuda:0", ...), or a single "cuda" entry that says why none is usable.
std::vector<BackendInfo> probe_cuda() {
    const CudaStatus& cuda = cuda_status();
    if (cuda.devices.empty()) return {BackendInfo{"cuda", "CUDA", false, cuda.reason}};
    std::vector<BackendInfo> out;
    for (const auto& d : cuda.devices) out.push_back(BackendInfo{d.name, d.label, d.usable, d.reason});
    return out;
}

// "cuda": the first usable device, or the reason none is; "cuda:N": device N.
Backend& create_cuda(const std::string& name) {
    if (name != "cuda") return cuda_backend(std::stoi(name.substr(5)));
    const CudaStatus& cuda = cuda_status();
    for (size_t i = 0; i < cuda.devices.size(); ++i)
        if (cuda.devices[i].usable) return cuda_backend(static_cast<int>(i));
    if (!cuda.devices.empty()) throw Error("CUDA is unavailable: " + cuda.devices[0].reason);
    throw Error("CUDA is unavailable: " + cuda.reason);
}

// ---------------------------------------------------------------- table ---

struct BackendEntry {
    const char* name;    // "cuda": the name, and with `indexed` the prefix of "cuda:N"
    const char* family;  // for messages: "CUDA is unavailable: ..."
    bool indexed;        // takes "name:N" (device N) as well as "name"
    std::vector<BackendInfo> (*probe)();  // what a chooser lists, usable or with the reason
    bool probe_is_slow;  // the probe may load a driver and libraries (seconds with a GPU)
    Backend& (*create)(const std::string& name);  // created once; throws gs::Error with the reason
};

// The CPU first: it is always there and is what the others fall back to.
constexpr BackendEntry kBackends[] = {
    {"cpu", "CPU", false, probe_cpu, false, create_cpu},
    {"cuda", "CUDA", true, probe_cuda, true, create_cuda},
};

bool matches(const BackendEntry& e, const std::string& name) {
    if (name == e.name) return true;
    const std::string prefix = std::string(e.name) + ":";
    if (!e.indexed || name.rfind(prefix, 0) != 0) return false;
    const std::string idx = name.substr(prefix.size());
    return !idx.empty() && idx.size() < 6 && idx.find_first_not_of("0123456789") == std::string::npos;
}

const BackendEntry& entry_for(const std::string& name) {
    for (const auto& e : kBackends)
        if (matches(e, name)) return e;
    std::string list;
    for (const auto& n : available_backends()) list += (list.empty() ? "" : ", ") + n;
    throw Error("unknown backend '" + name + "'; available here: " + list);
}

}  // namespace

std::vector<BackendInfo> probe_backends() {
    std::vector<BackendInfo> out;
    for (const auto& e : kBackends)
        for (auto& info : e.probe()) out.push_back(std::move(info));
    return out;
}

std::vector<BackendInfo> probe_backends_quickly() {
    std::vector<BackendInfo> out;
    for (const auto& e : kBackends) {
        if (e.probe_is_slow) {
            out.push_back(BackendInfo{e.name, e.family, false, "still looking for a driver"});
            continue;
        }
        for (auto& info : e.probe()) out.push_back(std::move(info));
    }
    return out;
}

std::vector<std::string> available_backends() {
    std::vector<std::string> names;
    for (const auto& b : probe_backends())
        if (b.usable) names.push_back(b.name);
    return names;
}

Backend& backend_by_name(const std::string& name) {
    return entry_for(name).create(name);
}

OpenedBackend open_backend(const std::string& requested) {
    const BackendEntry& e = entry_for(requested);  // an unknown name is a mistake: it throws
    OpenedBackend r;
    r.family = e.family;
    try {
        r.backend = &e.create(requested);
        r.name = requested;
        return r;
    } catch (const Error& err) {
        if (&e == &kBackends[0]) throw;  // the CPU has nothing to fall back to
        r.error = err.what();
    }
    // "CUDA is unavailable: no CUDA driver found" -> "no CUDA driver found".
    const std::string prefix = r.family + " is unavailable: ";
    r.reason = r.error.rfind(prefix, 0) == 0 ? r.error.substr(prefix.size()) : r.error;
    if (r.reason.empty()) r.reason = r.error = r.family + " is unavailable";
    r.backend = &cpu_backend();
    r.name = "cpu";
    return r;
}

}  // namespace gs
