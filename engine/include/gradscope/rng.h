// A small, portable, seeded random number generator. The standard library's
// distributions differ between implementations; these do not, so a seed gives
// the same run everywhere.
#pragma once

#include <cmath>
#include <cstdint>

namespace gs {

// SplitMix64 finalizer: a good 64-bit hash, also usable as a counter-based
// generator (hash of seed and index).
inline uint64_t mix64(uint64_t z) {
    z += 0x9e3779b97f4a7c15ULL;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

// A uniform float in [0, 1) from a counter: the same value on every backend.
inline float uniform_from_counter(uint64_t seed, uint64_t counter, uint64_t index) {
    uint64_t h = mix64(seed ^ mix64(counter * 0x632be59bd9b4e019ULL + index));
    return static_cast<float>(h >> 40) * (1.0f / 16777216.0f);
}

class Rng {
public:
    explicit Rng(uint64_t seed = 0) : m_state(seed) {}
    uint64_t next_u64() {
        m_state += 0x9e3779b97f4a7c15ULL;
        return mix64(m_state);
    }
    // Uniform in [0, 1).
    double uniform() { return static_cast<double>(next_u64() >> 11) * (1.0 / 9007199254740992.0); }
    double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }
    // Standard normal (Box-Muller, no cached second value so state is simple).
    double normal() {
        double u1 = uniform();
        double u2 = uniform();
        if (u1 < 1e-300) u1 = 1e-300;
        return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
    }
    // Uniform integer in [0, n).
    uint64_t below(uint64_t n) { return n ? next_u64() % n : 0; }

private:
    uint64_t m_state;
};

}  // namespace gs
