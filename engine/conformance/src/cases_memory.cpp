// Conformance cases of memory and the simplest element-wise operations:
// allocate (zero-filled), upload/download, copy, fill, scale, multiply.
#include "suite.h"

namespace gs::conformance {

void add_memory_cases(Cases& out, uint64_t seed) {
    for (const Shape& s : {Shape{1}, Shape{17, 61}}) {
        out.push_back({s.str(), {{"allocate", "zero-filled", kExact}}, [s](Backend& be) {
                           Tensor t(be, s);
                           return std::vector<Compared>{
                               compare(t, std::vector<double>(s.numel(), 0.0))};
                       }});
    }
    for (const Shape& s : {Shape{1}, Shape{17}, Shape{1031}}) {
        out.push_back({s.str(),
                       {{"upload", "values", kExact}, {"download", "part", kExact}},
                       [s, seed](Backend& be) {
                           const std::vector<float> v = random_values(s.numel(), seed, -1e3, 1e3);
                           Tensor t = make(be, s, v);
                           // Download the tail only: from an offset, a few values.
                           const size_t n = s.numel(), first = n / 3;
                           std::vector<float> part(n - first, kGarbage);
                           be.download(part.data(), t.data() + first, part.size());
                           return std::vector<Compared>{
                               compare(t, to_double(v)),
                               compare(to_double(part), std::vector<double>(v.begin() + first, v.end()))};
                       }});
    }
    out.push_back({"7x17", {{"copy", "y", kExact}}, [seed](Backend& be) {
                       const std::vector<float> v = random_values(7 * 17, seed + 1);
                       Tensor a = make(be, {7, 17}, v), b = garbage(be, {7, 17});
                       be.copy(b, a);
                       return std::vector<Compared>{compare(b, to_double(v))};
                   }});
    for (const Shape& s : {Shape{1}, Shape{3, 7}}) {
        out.push_back({s.str() + ", -2.5", {{"fill", "y", kExact}}, [s](Backend& be) {
                           Tensor t = garbage(be, s);
                           be.fill(t, -2.5f);
                           return std::vector<Compared>{compare(t, std::vector<double>(s.numel(), -2.5))};
                       }});
    }
    for (const Shape& s : {Shape{1}, Shape{17, 61}}) {
        out.push_back({s.str() + ", factor -0.37", {{"scale", "y", kOneRounding}}, [s, seed](Backend& be) {
                           const std::vector<float> v = random_values(s.numel(), seed + 2, -5, 5);
                           Tensor t = make(be, s, v);
                           be.scale(t, -0.37f);
                           std::vector<double> want(v.size());
                           for (size_t i = 0; i < v.size(); ++i) want[i] = v[i] * double(-0.37f);
                           return std::vector<Compared>{compare(t, want)};
                       }});
    }
    out.push_back({"7x17", {{"multiply", "y", kOneRounding}}, [seed](Backend& be) {
                       const std::vector<float> a = random_values(7 * 17, seed + 3, -3, 3);
                       const std::vector<float> b = random_values(7 * 17, seed + 4, -3, 3);
                       Tensor ta = make(be, {7, 17}, a), tb = make(be, {7, 17}, b);
                       Tensor y = garbage(be, {7, 17});
                       be.multiply(ta, tb, y);
                       std::vector<double> want(a.size());
                       for (size_t i = 0; i < a.size(); ++i) want[i] = double(a[i]) * b[i];
                       return std::vector<Compared>{compare(y, want)};
                   }});
}

}  // namespace gs::conformance
