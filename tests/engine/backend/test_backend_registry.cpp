// The backend registry (engine/src/backend/registry.cpp): one table of
// backends, probed in order, the CPU first; backend_by_name; and
// open_backend, the one fallback policy of every front end: the backend asked
// for, or the CPU with the reason, and an unknown name is an error. Runs in
// every build: with the CUDA library (no GPU here: it falls back) or without.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "gradscope/backend.h"
#include "gradscope/error.h"

namespace gs {
namespace {

std::string error_of(const std::string& name) {
    try {
        open_backend(name);
    } catch (const Error& e) {
        return e.what();
    }
    return "";
}

TEST(BackendRegistry, TheCpuComesFirstAndAlwaysOpens) {
    const auto all = probe_backends();
    ASSERT_GE(all.size(), 2u);  // the CPU and at least a "cuda" entry saying why not
    EXPECT_EQ(all[0].name, "cpu");
    EXPECT_EQ(all[0].label, "CPU (oneDNN)");
    EXPECT_TRUE(all[0].usable);
    EXPECT_EQ(available_backends().front(), "cpu");
    const OpenedBackend o = open_backend("cpu");
    EXPECT_EQ(o.backend, &cpu_backend());
    EXPECT_EQ(o.name, "cpu");
    EXPECT_FALSE(o.fell_back());
    EXPECT_EQ(o.reason, "");
    EXPECT_EQ(&backend_by_name("cpu"), &cpu_backend());
}

TEST(BackendRegistry, UnknownNamesAreErrorsNotFallbacks) {
    for (const std::string name : {"tpu", "", "CPU", "cpu:0", "cuda:", "cuda:x", "cuda:123456", "cudax"}) {
        const std::string e = error_of(name);
        EXPECT_NE(e.find("unknown backend '" + name + "'"), std::string::npos) << name << ": " << e;
        EXPECT_NE(e.find("available here: cpu"), std::string::npos) << e;
        EXPECT_THROW(backend_by_name(name), Error) << name;
    }
}

TEST(BackendRegistry, AnUnusableCudaFallsBackToTheCpuWithTheReason) {
    const auto all = probe_backends();
    ASSERT_EQ(all[1].name.rfind("cuda", 0), 0u) << all[1].name;
    bool usable = false;
    for (size_t i = 1; i < all.size(); ++i) usable = usable || all[i].usable;
    const OpenedBackend o = open_backend("cuda");
    EXPECT_EQ(o.family, "CUDA");
    if (usable) {
        EXPECT_FALSE(o.fell_back());
        EXPECT_EQ(o.name, "cuda");
        EXPECT_NE(o.backend, &cpu_backend());
        return;
    }
    ASSERT_TRUE(o.fell_back());
    EXPECT_EQ(o.name, "cpu");
    EXPECT_EQ(o.backend, &cpu_backend());
    // The probe's reason in words, and the error backend_by_name throws.
    EXPECT_EQ(o.reason, all[1].reason);
    EXPECT_EQ(o.error, "CUDA is unavailable: " + o.reason);
    try {
        backend_by_name("cuda");
        ADD_FAILURE() << "backend_by_name(\"cuda\") did not throw";
    } catch (const Error& e) {
        EXPECT_EQ(std::string(e.what()), o.error);
    }
    // A device by number falls back the same way.
    const OpenedBackend o0 = open_backend("cuda:0");
    EXPECT_TRUE(o0.fell_back());
    EXPECT_EQ(o0.backend, &cpu_backend());
    EXPECT_FALSE(o0.reason.empty());
}

TEST(BackendRegistry, EveryUsableProbedNameOpensAsItself) {
    for (const auto& b : probe_backends()) {
        if (!b.usable) {
            EXPECT_FALSE(b.reason.empty()) << b.name;
            continue;
        }
        const OpenedBackend o = open_backend(b.name);
        EXPECT_FALSE(o.fell_back()) << b.name;
        EXPECT_EQ(o.name, b.name);
        EXPECT_EQ(o.backend->name(), b.name);
        EXPECT_EQ(o.backend, &backend_by_name(b.name));
    }
}

}  // namespace
}  // namespace gs
