// The CUDA backend's loader and probe, on the host: run three times by
// CTest with GRADSCOPE_CUDA_LIBRARY pointing at the built library (Found),
// at a missing file (Hidden) and at a library that is not a backend
// (NotABackend). Nothing here needs a GPU; where the machine has no CUDA
// driver the probe must say exactly that.
#include <dlfcn.h>
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <string>

#include "gradscope/backend.h"
#include "gradscope/error.h"
#include "gradscope/presets.h"
#include "gradscope/trainer.h"
#include "gradscope/data_pipeline.h"

namespace gs {
namespace {

bool has_driver() {
    void* h = dlopen("libcuda.so.1", RTLD_NOW | RTLD_LOCAL);
    if (h) dlclose(h);
    return h != nullptr;
}

std::string cuda_error(const std::string& name) {
    try {
        backend_by_name(name);
    } catch (const Error& e) {
        return e.what();
    }
    return "";
}

// Two steps of spiral-tanh on the CPU: what a front end falls back to.
void cpu_still_trains() {
    ModelSpec spec = load_preset("spiral-tanh");
    Trainer t(spec, prepare_data(spec), backend_by_name("cpu"));
    const double first = t.step().loss;
    EXPECT_TRUE(std::isfinite(first));
    EXPECT_GT(first, 0.0);
}

TEST(Found, CpuComesFirstThenCuda) {
    const auto all = probe_backends();
    ASSERT_GE(all.size(), 2u);
    EXPECT_EQ(all[0].name, "cpu");
    EXPECT_TRUE(all[0].usable);
    EXPECT_EQ(all[1].name.rfind("cuda", 0), 0u) << all[1].name;
    EXPECT_EQ(available_backends().front(), "cpu");
}

TEST(Found, WithoutADriverTheReasonSaysSo) {
    const auto all = probe_backends();
    if (has_driver()) {
        // A driver: one entry per device, each usable or saying why not.
        for (size_t i = 1; i < all.size(); ++i) {
            EXPECT_EQ(all[i].name, "cuda:" + std::to_string(i - 1));
            EXPECT_NE(all[i].label.find("sm_"), std::string::npos) << all[i].label;
            EXPECT_TRUE(all[i].usable || !all[i].reason.empty());
        }
        return;
    }
    ASSERT_EQ(all.size(), 2u);
    EXPECT_EQ(all[1].name, "cuda");
    EXPECT_FALSE(all[1].usable);
    EXPECT_EQ(all[1].reason, "no CUDA driver found");
    EXPECT_EQ(cuda_error("cuda"), "CUDA is unavailable: no CUDA driver found");
    EXPECT_EQ(cuda_error("cuda:0"), "CUDA is unavailable: no CUDA driver found");
    EXPECT_EQ(available_backends(), std::vector<std::string>{"cpu"});
}

TEST(Found, ProbingIsCachedAndBadNamesAreErrors) {
    const auto a = probe_backends(), b = probe_backends();
    ASSERT_EQ(a.size(), b.size());
    for (size_t i = 0; i < a.size(); ++i) EXPECT_EQ(a[i].reason, b[i].reason);
    EXPECT_NE(cuda_error("cuda:x").find("unknown backend 'cuda:x'"), std::string::npos);
    EXPECT_NE(cuda_error("cuda:99"), "");
    cpu_still_trains();
}

// Whether a library whose file name contains `part` is mapped into this process.
bool mapped(const std::string& part) {
    std::ifstream maps("/proc/self/maps");
    std::string line;
    while (std::getline(maps, line))
        if (line.find(part) != std::string::npos) return true;
    return false;
}

// Run without GRADSCOPE_CUDA_LIBRARY, the library next to the programs: on a
// machine without a driver nothing of CUDA is loaded (a second or more of
// disk reads for cuBLAS and cuDNN at every start, for nothing).
TEST(NoDriver, NothingOfCudaIsLoaded) {
    if (has_driver()) GTEST_SKIP() << "this machine has a CUDA driver";
    const auto all = probe_backends();
    ASSERT_EQ(all.size(), 2u);
    EXPECT_EQ(all[1].reason, "no CUDA driver found");
    EXPECT_FALSE(mapped("libgradscope_cuda"));
    EXPECT_FALSE(mapped("libcublas"));
    EXPECT_FALSE(mapped("libcudnn"));
    EXPECT_FALSE(mapped("libcudart"));
    cpu_still_trains();
}

TEST(Hidden, TheReasonNamesTheMissingFile) {
    const auto all = probe_backends();
    ASSERT_EQ(all.size(), 2u);
    EXPECT_TRUE(all[0].usable);
    EXPECT_EQ(all[1].name, "cuda");
    EXPECT_FALSE(all[1].usable);
    EXPECT_NE(all[1].reason.find("GRADSCOPE_CUDA_LIBRARY"), std::string::npos) << all[1].reason;
    EXPECT_NE(all[1].reason.find("/nonexistent/libgradscope_cuda.so"), std::string::npos)
        << all[1].reason;
    EXPECT_NE(cuda_error("cuda").find("/nonexistent/libgradscope_cuda.so"), std::string::npos);
    cpu_still_trains();
}

TEST(NotABackend, TheReasonSaysItIsNotOne) {
    const auto all = probe_backends();
    ASSERT_EQ(all.size(), 2u);
    EXPECT_FALSE(all[1].usable);
    EXPECT_NE(all[1].reason.find("is not a Gradscope CUDA backend"), std::string::npos)
        << all[1].reason;
    cpu_still_trains();
}

}  // namespace
}  // namespace gs
