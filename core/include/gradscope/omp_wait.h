#pragma once
// How Gradscope's programs let idle OpenMP threads wait: spin briefly, then
// sleep (why: engine/src/backend/omp_policy.cpp). libgomp reads it from the
// environment when it is loaded, so a program sets it before that: the
// engine's programs start themselves again with it (omp_policy.cpp), and
// the studio's launcher (gui/studio/launcher.cpp) sets it before it starts
// the studio, which saves the studio that second start.
// Plain constants, usable before anything is initialized.

namespace gs::omp_wait {

// The setting, as an environment entry.
inline constexpr char kSetting[] = "GOMP_SPINCOUNT=3000";
inline constexpr char kVariable[] = "GOMP_SPINCOUNT";
inline constexpr char kValue[] = "3000";
// A user who set either of these chose for themselves: their choice is kept.
inline constexpr const char* kUserChoices[] = {"OMP_WAIT_POLICY", "GOMP_SPINCOUNT"};

}  // namespace gs::omp_wait
