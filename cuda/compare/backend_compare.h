// Compares a backend against the CPU reference: every Backend operation run
// on both with the same seeded inputs (an OpCheck per output), and short
// training runs of a preset on both (a CurveCheck). Used by
// `gradscope-train selftest` and by the GoogleTest `gpu` tests (tests/cuda).
// Plain C++ over the Backend interface: it builds without CUDA.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "gradscope/backend.h"

namespace gs::compare {

// One compared output. The error is the largest |got - want| over the
// output, divided by the largest |want| (so 1e-6 means agreement to about
// six digits of the output's scale); exact checks have tolerance 0.
struct OpCheck {
    std::string op;      // "dense_forward"
    std::string shapes;  // "x 32x50, w 20x50"
    double max_rel_error = 0;
    double tolerance = 0;
    bool pass = false;
    std::string note;    // why it failed, when it threw
};

// Runs every operation on `ref` and `other`; never throws (a throwing
// operation is a failed check saying what it threw).
std::vector<OpCheck> compare_ops(Backend& ref, Backend& other, uint64_t seed = 1);

// The loss of `steps` training steps of a preset on both backends from the
// same seed. Passes when the mean loss of every window of `window` steps
// differs by at most `tolerance` relative (float rounding differs between
// backends, so curves drift apart slowly; a wrong kernel moves them at once).
struct CurveCheck {
    std::string model;
    int steps = 0;
    std::vector<double> ref_loss, other_loss;
    double max_rel_diff = 0;
    double tolerance = 0;
    bool pass = false;
    std::string note;  // "synthetic data: fashion-mnist not found", an error, ...
};
CurveCheck compare_training(const std::string& preset, Backend& ref, Backend& other, int steps,
                            int window = 50, double tolerance = 0.05);

// The table people read: operation, shapes, max relative error, tolerance, PASS/FAIL.
std::string format_ops(const std::vector<OpCheck>& checks);
std::string format_curves(const std::vector<CurveCheck>& checks);

}  // namespace gs::compare
