// Training on two backends compared: the loss of the first steps of a preset
// from the same seed, on the backend under test and on the CPU. Float
// rounding differs between backends, so curves drift apart slowly; a wrong
// kernel moves them at once. Used by `gradscope-train selftest` and the gpu
// tests, next to the conformance suite (conformance.h).
#pragma once

#include <string>
#include <vector>

#include "gradscope/backend.h"

namespace gs::conformance {

struct CurveCheck {
    std::string model;
    std::string data;  // what both trained on, for people: "fashion-mnist (/usr/share/...)"
    int steps = 0;
    std::vector<double> ref_loss, other_loss;
    double max_rel_diff = 0;  // the largest relative difference of a window's mean loss
    double tolerance = 0;
    bool skipped = false;  // the preset's own data is not on this machine: nothing compared
    bool pass = false;
    std::string note;      // why it was skipped, or the error that failed it
};

// Trains `preset` for `steps` steps on `ref` and on `other` from the same
// seed, on the preset's own data. Passes when the mean loss of every window
// of `window` steps differs by at most `tolerance` relative. Without the
// preset's data it is skipped, saying why; it never trains on anything else.
CurveCheck compare_training(const std::string& preset, Backend& ref, Backend& other, int steps,
                            int window = 50, double tolerance = 0.05);

// One line per check: model, steps, data, last losses, max window difference,
// tolerance, PASS/FAIL/SKIPPED.
std::string format_curves(const std::vector<CurveCheck>& checks);

}  // namespace gs::conformance
