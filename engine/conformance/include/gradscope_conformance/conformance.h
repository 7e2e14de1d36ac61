// The backend conformance suite (ggml's test-backend-ops, for Gradscope):
// every operation of the Backend interface, on odd shapes (1, 3, 7, 17,
// non-square, batch 1), run on a given backend and compared element by
// element with a plain reference written as simple loops in double
// precision (reference.h). The same suite runs on every backend: the CPU,
// CUDA, and whatever is registered next. Used by the tests
// (tests/engine/backend/test_conformance.cpp, tests/cuda) and by
// `gradscope-train selftest`.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "gradscope/backend.h"

namespace gs::conformance {

// An output passes when every element has |got - want| <= abs + rel * scale,
// where scale is |want| or, for sums of products, the sum of the absolute
// terms (so cancellation does not demand more digits than float has).
struct Tolerance {
    double rel = 0;
    double abs = 0;
};

// One compared output of one operation on one case.
struct Row {
    std::string operation;  // the Backend operation, spelled with spaces: "conv2d backward"
    std::string output;     // "dw"
    std::string shapes;     // "x 2x3x7x9, w 4x3x3x3, stride 2x2, pad 1x1"
    double max_abs_error = 0;  // largest |got - want| over the output
    double max_rel_error = 0;  // max_abs_error / the largest scale of the output
    Tolerance tolerance;       // both 0: must be exact
    bool pass = false;
    std::string note;          // why it failed, when not by its numbers (it threw, sizes differ)
};

// Runs every case on `backend`: one row per compared output, in the suite's
// order, always conformance_row_count() rows. Never throws: an operation that
// throws fails its rows with what it threw. `seed` draws the inputs.
std::vector<Row> run_conformance(Backend& backend, uint64_t seed = 1);

// The rows the suite defines (fixed by its cases, not by the backend).
size_t conformance_row_count();

// The Backend operations the suite must cover, as spelled in Row::operation
// ("dense forward" for dense_forward), for the test that nothing is left out.
std::vector<std::string> backend_operations();

// The table people read: operation, output, shapes, max abs and rel error,
// tolerance, PASS/FAIL.
std::string format_rows(const std::vector<Row>& rows);

}  // namespace gs::conformance
