// Finds, loads and probes the CUDA backend library at run time (see
// cuda_loader.h). The engine never links CUDA: everything CUDA lives behind
// the plugin entry points of the engine's own contract
// (gradscope/backend_plugin.h), looked up by name.
#include "backend/cuda_loader.h"

#include <dlfcn.h>
#include <unistd.h>

#include <climits>
#include <cstdlib>
#include <map>
#include <mutex>

#include "gradscope/backend_plugin.h"
#include "gradscope/error.h"

namespace gs {

namespace {

constexpr const char* kLibraryName = "libgradscope_cuda.so";

constexpr plugin::EntryPoints kEntry = plugin::kCudaEntryPoints;

struct Library {
    void* handle = nullptr;
    plugin::CreateFn create = nullptr;
};

Library& library() {
    static Library lib;
    return lib;
}

std::mutex& loader_mutex() {
    static std::mutex m;
    return m;
}

std::string program_dir() {
    char buf[PATH_MAX];
    const ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
    if (n <= 0) return {};
    std::string path(buf, static_cast<size_t>(n));
    const size_t slash = path.rfind('/');
    return slash == std::string::npos ? std::string() : path.substr(0, slash);
}

std::string dl_error() {
    const char* e = dlerror();
    return e ? e : "unknown error";
}

// Opens `path` and checks its entry points; on failure returns false and says why.
bool open_library(const std::string& path, Library& lib, std::string& why) {
    dlerror();
    void* h = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!h) {
        why = dl_error();
        return false;
    }
    auto abi = reinterpret_cast<plugin::AbiVersionFn>(dlsym(h, kEntry.abi_version));
    auto create = reinterpret_cast<plugin::CreateFn>(dlsym(h, kEntry.create));
    if (!abi || !create || !dlsym(h, kEntry.probe)) {
        why = path + " is not a Gradscope CUDA backend (an entry point is missing)";
        dlclose(h);
        return false;
    }
    if (abi() != plugin::kAbiVersion) {
        why = path + " is from another Gradscope version (interface " + std::to_string(abi()) +
              ", this program needs " + std::to_string(plugin::kAbiVersion) + ")";
        dlclose(h);
        return false;
    }
    lib.handle = h;
    lib.create = create;
    return true;
}

// True when the NVIDIA driver's library can be loaded. It is small and
// present on every machine with a driver; the backend library is not loaded
// without it, since loading that pulls the CUDA runtime, cuBLAS, cuBLASLt
// and cuDNN (about 220 MB, a second or more from disk) only to learn that
// there is no driver.
bool driver_present() {
    void* h = dlopen("libcuda.so.1", RTLD_LAZY | RTLD_LOCAL);
    if (!h) return false;
    dlclose(h);
    return true;
}

CudaStatus load_and_probe() {
    CudaStatus st;
    Library& lib = library();
    const char* env = std::getenv("GRADSCOPE_CUDA_LIBRARY");
    // A library named by GRADSCOPE_CUDA_LIBRARY is always loaded, so that
    // a problem with that file is reported whatever the machine has.
    if ((!env || !*env) && !driver_present()) {
        st.reason = "no CUDA driver found";
        return st;
    }
    if (env && *env) {
        st.library = env;
        std::string why;
        if (!open_library(env, lib, why)) {
            st.reason = "the CUDA backend library given by GRADSCOPE_CUDA_LIBRARY could not be "
                        "loaded: " + why;
            return st;
        }
    } else {
        std::string tried;
        for (const auto& path : cuda_library_candidates()) {
            std::string why;
            st.library = path;
            if (open_library(path, lib, why)) break;
            // A file that exists but does not load is worth naming (missing
            // CUDA libraries); absent files in the search list are not.
            if (path.find('/') == std::string::npos || access(path.c_str(), F_OK) == 0)
                tried += (tried.empty() ? "" : "; ") + why;
        }
        if (!lib.handle) {
            st.reason = std::string("the CUDA backend library (") + kLibraryName +
                        ") was not found or could not be loaded: " + tried;
            return st;
        }
    }
    st.loaded = true;
    auto probe = reinterpret_cast<plugin::ProbeFn>(dlsym(lib.handle, kEntry.probe));
    plugin::ProbeResult r;
    probe(&r);
    st.reason = r.reason;
    for (const auto& d : r.devices)
        st.devices.push_back({"cuda:" + std::to_string(d.index), plugin::device_label("CUDA", d), d.usable,
                              d.reason});
    return st;
}

}  // namespace

std::vector<std::string> cuda_library_candidates() {
    std::vector<std::string> c;
    const std::string dir = program_dir();
    if (!dir.empty()) {
        c.push_back(dir + "/" + kLibraryName);
        c.push_back(dir + "/../cuda/" + kLibraryName);
        c.push_back(dir + "/../../cuda/" + kLibraryName);  // build/gui/studio, build/gui/monitor
        c.push_back(dir + "/../lib/" + kLibraryName);
    }
    c.push_back(kLibraryName);
    return c;
}

const CudaStatus& cuda_status() {
    static const CudaStatus status = load_and_probe();
    return status;
}

Backend& cuda_backend(int index) {
    const CudaStatus& st = cuda_status();
    if (!st.reason.empty() && st.devices.empty()) throw Error("CUDA is unavailable: " + st.reason);
    if (index < 0 || index >= static_cast<int>(st.devices.size()))
        throw Error("there is no CUDA device " + std::to_string(index) + "; this machine has " +
                    std::to_string(st.devices.size()));
    const CudaDeviceEntry& d = st.devices[static_cast<size_t>(index)];
    if (!d.usable) throw Error("CUDA device " + std::to_string(index) + " is unusable: " + d.reason);
    std::lock_guard<std::mutex> lock(loader_mutex());
    // Kept for the life of the process: tensors may outlive any owner we
    // could give it, and CUDA must not be torn down before they go.
    static std::map<int, Backend*> made;
    if (auto it = made.find(index); it != made.end()) return *it->second;
    std::string error;
    Backend* b = library().create(index, &error);
    if (!b) throw Error("could not start CUDA device " + std::to_string(index) + ": " + error);
    made[index] = b;
    return *b;
}

}  // namespace gs
