// Runs the conformance cases (cases_*.cpp) on a backend and compares each
// declared output with its reference, element by element (conformance.h).
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <exception>
#include <numeric>
#include <sstream>
#include <utility>

#include "gradscope/rng.h"
#include "suite.h"

namespace gs::conformance {

// ------------------------------------------------------------- helpers ---

std::vector<float> random_values(size_t n, uint64_t seed, double lo, double hi) {
    Rng rng(seed);
    std::vector<float> v(n);
    for (auto& x : v) x = static_cast<float>(rng.uniform(lo, hi));
    return v;
}

std::vector<float> distinct_values(size_t n, uint64_t seed, double lo, double hi) {
    std::vector<size_t> order(n);
    std::iota(order.begin(), order.end(), size_t{0});
    Rng rng(seed);
    for (size_t i = n; i > 1; --i) std::swap(order[i - 1], order[rng.below(i)]);
    std::vector<float> v(n);
    for (size_t i = 0; i < n; ++i)
        v[i] = static_cast<float>(lo + (hi - lo) * static_cast<double>(order[i]) / static_cast<double>(n));
    return v;
}

Tensor make(Backend& be, const Shape& s, const std::vector<float>& v) {
    Tensor t(be, s);
    t.from_host(v);
    return t;
}

Tensor garbage(Backend& be, const Shape& s) {
    return make(be, s, std::vector<float>(s.numel(), kGarbage));
}

std::vector<double> to_double(const std::vector<float>& v) { return {v.begin(), v.end()}; }

Compared compare(const Tensor& got, std::vector<double> want, std::vector<double> scale) {
    return {to_double(got.to_host()), std::move(want), std::move(scale)};
}

Compared compare(const Tensor& got, const ref::Sums& want) {
    return {to_double(got.to_host()), want.value, want.magnitude};
}

Compared compare(std::vector<double> got, std::vector<double> want, std::vector<double> scale) {
    return {std::move(got), std::move(want), std::move(scale)};
}

Compared untouched(const Tensor& t) {
    return {to_double(t.to_host()), std::vector<double>(t.numel(), kGarbage), {}};
}

std::string pair_str(int a, int b) { return std::to_string(a) + "x" + std::to_string(b); }

// ------------------------------------------------------------ the suite ---

namespace {

Cases all_cases(uint64_t seed) {
    Cases c;
    add_memory_cases(c, seed);
    add_dense_conv_cases(c, seed);
    add_pool_cases(c, seed);
    add_elementwise_cases(c, seed);
    add_batchnorm_loss_cases(c, seed);
    add_optimizer_stat_cases(c, seed);
    return c;
}

Row failed_row(const OutputSpec& o, const std::string& shapes, const std::string& note) {
    Row r{o.operation, o.output, shapes, INFINITY, INFINITY, o.tolerance, false, note};
    return r;
}

std::string number(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.9g", v);
    return buf;
}

Row evaluate(const OutputSpec& o, const std::string& shapes, const Compared& c) {
    if (c.got.size() != c.want.size())
        return failed_row(o, shapes, "sizes differ: got " + std::to_string(c.got.size()) +
                                         " values, the reference " + std::to_string(c.want.size()));
    if (!c.scale.empty() && c.scale.size() != c.want.size())
        return failed_row(o, shapes, "the case gave scales of the wrong size");
    Row r{o.operation, o.output, shapes, 0, 0, o.tolerance, true, ""};
    double max_scale = 0;
    size_t bad = 0, first_bad = 0;
    for (size_t i = 0; i < c.want.size(); ++i) {
        const double g = c.got[i], w = c.want[i];
        const double scale = c.scale.empty() ? std::fabs(w) : c.scale[i];
        if (std::isfinite(scale)) max_scale = std::max(max_scale, scale);
        // Equal values (infinities included) and NaN on both sides agree.
        double d = g == w || (std::isnan(g) && std::isnan(w)) ? 0.0 : std::fabs(g - w);
        if (std::isnan(d)) d = INFINITY;
        r.max_abs_error = std::max(r.max_abs_error, d);
        if (!(d <= o.tolerance.abs + o.tolerance.rel * scale)) {
            if (bad++ == 0) first_bad = i;
        }
    }
    r.max_rel_error = r.max_abs_error == 0 ? 0 : r.max_abs_error / std::max(max_scale, 1e-300);
    if (bad) {
        r.pass = false;
        r.note = std::to_string(bad) + " of " + std::to_string(c.want.size()) +
                 " values outside the tolerance; first [" + std::to_string(first_bad) + "] got " +
                 number(c.got[first_bad]) + ", want " + number(c.want[first_bad]);
    }
    return r;
}

std::string tolerance_str(const Tolerance& t) {
    if (t.rel == 0 && t.abs == 0) return "exact";
    char buf[48];
    std::snprintf(buf, sizeof buf, "rel %.0e, abs %.0e", t.rel, t.abs);
    return buf;
}

}  // namespace

std::vector<Row> run_conformance(Backend& backend, uint64_t seed) {
    std::vector<Row> rows;
    for (const Case& c : all_cases(seed)) {
        std::vector<Compared> got;
        std::string error;
        try {
            got = c.run(backend);
            backend.synchronize();
        } catch (const std::exception& e) {
            error = std::string("threw: ") + e.what();
        }
        if (error.empty() && got.size() != c.outputs.size())
            error = "the case gave " + std::to_string(got.size()) + " outputs for " +
                    std::to_string(c.outputs.size()) + " declared";
        for (size_t i = 0; i < c.outputs.size(); ++i)
            rows.push_back(error.empty() ? evaluate(c.outputs[i], c.shapes, got[i])
                                         : failed_row(c.outputs[i], c.shapes, error));
    }
    return rows;
}

size_t conformance_row_count() {
    size_t n = 0;
    for (const Case& c : all_cases(1)) n += c.outputs.size();
    return n;
}

std::vector<std::string> backend_operations() {
    return {"allocate",          "upload",             "download",
            "copy",              "fill",               "dense forward",
            "dense backward",    "conv2d forward",     "conv2d backward",
            "pool2d forward",    "pool2d backward",    "activation forward",
            "activation backward", "softmax forward",  "softmax backward",
            "dropout forward",   "multiply",           "batchnorm forward",
            "batchnorm backward", "softmax cross entropy", "sigmoid binary cross entropy",
            "mean squared error", "sgd update",        "adam update",
            "rmsprop update",    "sum squares",        "scale",
            "summarize",         "histogram"};
}

std::string format_rows(const std::vector<Row>& rows) {
    // Columns as wide as their widest entry.
    int wo = 9, wout = 6, ws = 6;
    for (const Row& r : rows) {
        wo = std::max(wo, static_cast<int>(r.operation.size()));
        wout = std::max(wout, static_cast<int>(r.output.size()));
        ws = std::max(ws, static_cast<int>(r.shapes.size()));
    }
    std::ostringstream o;
    char line[1024];
    std::snprintf(line, sizeof line, "%-*s  %-*s  %-*s  %11s  %11s  %-20s %s\n", wo, "operation", wout,
                  "output", ws, "shapes", "max abs err", "max rel err", "tolerance", "result");
    o << line;
    for (const Row& r : rows) {
        std::snprintf(line, sizeof line, "%-*s  %-*s  %-*s  %11.3g  %11.3g  %-20s %s%s%s\n", wo,
                      r.operation.c_str(), wout, r.output.c_str(), ws, r.shapes.c_str(),
                      r.max_abs_error, r.max_rel_error, tolerance_str(r.tolerance).c_str(),
                      r.pass ? "PASS" : "FAIL", r.note.empty() ? "" : "  ", r.note.c_str());
        o << line;
    }
    return o.str();
}

}  // namespace gs::conformance
