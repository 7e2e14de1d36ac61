// Makes idle OpenMP threads spin only briefly before they sleep, unless the
// user chose otherwise (OMP_WAIT_POLICY or GOMP_SPINCOUNT in the
// environment): GOMP_SPINCOUNT=3000, a few microseconds.
//
// Why: libgomp's default lets a thread that finished its share spin for a
// long while (300,000 rounds). Gradscope runs next to a GUI thread and a
// batch-loader thread on machines with few cores; there a spinning worker
// takes the core the others need, and training collapsed by up to 100x on a
// busy 2-core machine (gradscope-bench mlp-fashion/b64: 750 samples/s with
// the default, 121,000 with sleeping threads). Sleeping at once
// (OMP_WAIT_POLICY=PASSIVE) costs a wake-up per parallel region instead:
// 90,000 samples/s on a quiet machine against 200,000-320,000 with a short
// spin, which under a full load of other work did as well as PASSIVE.
//
// libgomp reads its settings from the environment the process started with,
// when it is loaded: before main() and before any constructor of ours, and a
// setenv() even from .preinit_array (which runs first) is undone by libc's
// own initialization. So the program starts itself again, once, with the
// setting in its environment. This runs from .preinit_array, before any
// library is initialized; it only exists in executables, and the engine is a
// static library linked into them. (The studio's launcher sets it before the
// studio starts, so the studio starts once: gui/studio/launcher.cpp.)
#include <unistd.h>

#include <cstring>

#include "gradscope/omp_wait.h"

namespace gs::detail {

// Works on the envp the loader hands over: libc's environ is not set up yet.
void set_omp_wait_policy(int, char** argv, char** envp) {
    if (!envp || !argv) return;
    size_t n = 0;
    for (; envp[n]; ++n)
        for (const char* name : omp_wait::kUserChoices) {
            const size_t len = std::strlen(name);
            if (!std::strncmp(envp[n], name, len) && envp[n][len] == '=') return;
        }
    constexpr size_t kMax = 4096;
    if (n + 2 > kMax) return;
    static char policy[sizeof omp_wait::kSetting];
    std::memcpy(policy, omp_wait::kSetting, sizeof policy);
    static char* env[kMax];
    for (size_t i = 0; i < n; ++i) env[i] = envp[i];
    env[n] = policy;
    env[n + 1] = nullptr;
    execve("/proc/self/exe", argv, env);  // returns only on failure: then go on as we are
}

}  // namespace gs::detail

// engine/CMakeLists.txt makes every program that links the engine ask for
// this symbol (--undefined), so the linker keeps this object and its entry.
extern "C" __attribute__((section(".preinit_array"), used)) void (*const gs_omp_policy_preinit)(
    int, char**, char**) = &gs::detail::set_omp_wait_policy;
