// gradscope: starts the studio (gradscope-studio, beside this program) with
// the OpenMP wait setting in its environment (gradscope/omp_wait.h), unless
// the user chose one. libgomp reads it when it is loaded, before any code of
// the studio's runs; without it, the studio starts itself a second time to
// set it (engine/src/backend/omp_policy.cpp), after the loader has already
// mapped and relocated all of its libraries once. This program is small
// (the C library only), so starting it first and the studio once costs far
// less than the studio's second start (issue 21: the first frame).
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "gradscope/omp_wait.h"

namespace {

constexpr char kStudio[] = "gradscope-studio";

}  // namespace

int main(int, char** argv) {
    bool chosen = false;
    for (const char* name : gs::omp_wait::kUserChoices) chosen = chosen || std::getenv(name);
    if (!chosen) setenv(gs::omp_wait::kVariable, gs::omp_wait::kValue, 1);
    // The studio beside this program (/proc/self/exe: wherever it was started from).
    char path[PATH_MAX];
    const ssize_t n = readlink("/proc/self/exe", path, sizeof path - 1);
    if (n <= 0) {
        std::fprintf(stderr, "gradscope: cannot find where this program is (/proc/self/exe): %s\n",
                     std::strerror(errno));
        return 127;
    }
    path[n] = '\0';
    char* slash = std::strrchr(path, '/');
    if (!slash || static_cast<size_t>(slash + 1 - path) + sizeof kStudio > sizeof path) {
        std::fprintf(stderr, "gradscope: the path of this program is too long: %s\n", path);
        return 127;
    }
    std::memcpy(slash + 1, kStudio, sizeof kStudio);
    execv(path, argv);
    std::fprintf(stderr, "gradscope: cannot start the studio %s: %s\n", path, std::strerror(errno));
    return 127;
}
