// The conformance suite's internals: a case is a few operations run on a
// backend with seeded inputs, and for each output it declares (operation,
// output, tolerance) it returns what the backend gave next to what the
// reference says. The cases live in cases_*.cpp, one file per family of
// operations; suite.cpp runs them and compares.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "gradscope/backend.h"
#include "gradscope/tensor.h"
#include "gradscope_conformance/conformance.h"
#include "gradscope_conformance/reference.h"

namespace gs::conformance {

// Tolerances by kind of arithmetic (see Tolerance).
inline constexpr Tolerance kExact{0, 0};            // copies, masks, counts, extremes
inline constexpr Tolerance kOneRounding{1.2e-7, 0};  // one float operation, correctly rounded
// Sums of products (scale: the sum of |terms|), accumulated in float in any order.
inline constexpr Tolerance kProducts{1e-5, 1e-6};
// Convolutions: cuDNN's default math may use TF32 tensor cores (Ampere and
// newer, as PyTorch allows by default), 10 bits of mantissa per operand, so
// each term may be off by about 1e-3 of itself.
inline constexpr Tolerance kConvolution{2e-3, 1e-6};
inline constexpr Tolerance kSums{1e-9, 0};  // double sums in another order

// One declared output of a case.
struct OutputSpec {
    std::string operation;  // "dense backward"
    std::string output;     // "dx"
    Tolerance tolerance;
};

// One compared output: the backend's values, the reference's, and per
// element the scale of the relative tolerance (empty: |want|).
struct Compared {
    std::vector<double> got, want, scale;
};

struct Case {
    std::string shapes;
    std::vector<OutputSpec> outputs;
    // Runs the operations on a backend: one Compared per output, in order.
    std::function<std::vector<Compared>(Backend&)> run;
};

using Cases = std::vector<Case>;

// The families, each appending its cases; `seed` draws the inputs.
void add_memory_cases(Cases& out, uint64_t seed);          // cases_memory.cpp
void add_dense_conv_cases(Cases& out, uint64_t seed);      // cases_dense_conv.cpp
void add_pool_cases(Cases& out, uint64_t seed);            // cases_pool.cpp
void add_elementwise_cases(Cases& out, uint64_t seed);     // cases_elementwise.cpp
void add_batchnorm_loss_cases(Cases& out, uint64_t seed);  // cases_norm_loss.cpp
void add_optimizer_stat_cases(Cases& out, uint64_t seed);  // cases_optim_stats.cpp

// ------------------------------------------------------------- helpers ---

inline constexpr float kGarbage = 12345.0f;  // what outputs hold before an operation

std::vector<float> random_values(size_t n, uint64_t seed, double lo = -1, double hi = 1);
// Values spaced apart (a shuffled ramp in [lo, hi)), so max pooling has no near-ties.
std::vector<float> distinct_values(size_t n, uint64_t seed, double lo = -1, double hi = 1);
// A tensor on `be` holding v (uploaded, not filled: fill is under test too).
Tensor make(Backend& be, const Shape& s, const std::vector<float>& v);
// A tensor holding kGarbage, so an operation that skips or accumulates shows.
Tensor garbage(Backend& be, const Shape& s);
std::vector<double> to_double(const std::vector<float>& v);

// The backend's tensor against a reference.
Compared compare(const Tensor& got, std::vector<double> want, std::vector<double> scale = {});
Compared compare(const Tensor& got, const ref::Sums& want);
Compared compare(std::vector<double> got, std::vector<double> want, std::vector<double> scale = {});
// Every element of `t` is still kGarbage (an output asked not to be written).
Compared untouched(const Tensor& t);

// "2x3x7x9"-style pieces for Case::shapes.
std::string pair_str(int a, int b);  // "2x1"

}  // namespace gs::conformance
