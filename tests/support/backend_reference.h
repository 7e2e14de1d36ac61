// Shared by the CPU backend tests: small tensor builders (random values,
// garbage-filled outputs) and an element-wise tolerance check against
// double-precision references.
#pragma once

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <sstream>
#include <string>
#include <vector>

#include "gradscope/backend.h"
#include "gradscope/rng.h"
#include "gradscope/tensor.h"

namespace gs::test {

inline constexpr float kGarbage = 12345.0f;

inline gs::Backend& be() {
    return gs::cpu_backend();
}

inline std::vector<float> random_values(size_t n, uint64_t seed, double lo = -1.0,
                                        double hi = 1.0) {
    gs::Rng rng(seed);
    std::vector<float> v(n);
    for (auto& x : v) x = static_cast<float>(rng.uniform(lo, hi));
    return v;
}

inline Tensor tensor_of(const Shape& s, const std::vector<float>& v) {
    Tensor t(be(), s);
    EXPECT_EQ(t.numel(), v.size());
    t.from_host(v);
    return t;
}

inline Tensor garbage(const Shape& s) {
    Tensor t(be(), s);
    be().fill(t, kGarbage);
    return t;
}

inline std::vector<double> to_double(const std::vector<float>& v) {
    return {v.begin(), v.end()};
}

// Checks |got - want| <= rel * scale + abs element by element, where scale is
// mag[i] (the sum of absolute terms of a reference sum) if given, else
// |want[i]|. Reports the first few failures only.
inline void expect_close(const std::vector<float>& got, const std::vector<double>& want, double rel,
                         double abs, const std::string& what,
                         const std::vector<double>* mag = nullptr) {
    ASSERT_EQ(got.size(), want.size()) << what;
    int failures = 0;
    std::ostringstream msg;
    for (size_t i = 0; i < want.size(); ++i) {
        const double scale = mag ? (*mag)[i] : std::fabs(want[i]);
        const double tol = rel * scale + abs;
        if (!(std::fabs(got[i] - want[i]) <= tol)) {
            if (failures < 5)
                msg << "\n  [" << i << "] got " << got[i] << " want " << want[i] << " (tol " << tol
                    << ")";
            ++failures;
        }
    }
    EXPECT_EQ(failures, 0) << what << ": " << failures << " of " << want.size()
                           << " elements differ" << msg.str();
}

}  // namespace gs::test
