// Training curves of a preset on two backends (training_check.h).
#include "gradscope_conformance/training_check.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <exception>
#include <sstream>

#include "gradscope/data_pipeline.h"
#include "gradscope/error.h"
#include "gradscope/presets.h"
#include "gradscope/trainer.h"

namespace gs::conformance {

CurveCheck compare_training(const std::string& preset, Backend& ref, Backend& other, int steps,
                            int window, double tolerance) {
    CurveCheck r;
    r.model = preset;
    r.steps = steps;
    r.tolerance = tolerance;
    try {
        ModelSpec spec = load_preset(preset);
        PreparedData data;
        try {
            data = prepare_data(spec);
        } catch (const Error& e) {
            // Another data set would compare other curves: say so and compare nothing.
            r.data = spec.data.name;
            r.skipped = true;
            r.note = "its data (" + spec.data.name + ") is not available here: " + e.what();
            return r;
        }
        r.data = spec.data.name + (data.source.empty() ? "" : " (" + data.source + ")");
        data.validation = data.test = nullptr;
        for (int side = 0; side < 2; ++side) {
            Trainer t(spec, data, side == 0 ? ref : other);
            auto& loss = side == 0 ? r.ref_loss : r.other_loss;
            for (int i = 0; i < steps; ++i) loss.push_back(t.step().loss);
        }
        for (int start = 0; start < steps; start += window) {
            const int end = std::min(steps, start + window);
            double a = 0, b = 0;
            for (int i = start; i < end; ++i) a += r.ref_loss[size_t(i)], b += r.other_loss[size_t(i)];
            const double d = std::fabs(a - b) / std::max(std::fabs(a), 1e-12);
            r.max_rel_diff = std::max(r.max_rel_diff, std::isnan(d) ? INFINITY : d);
        }
        r.pass = r.max_rel_diff <= tolerance;
    } catch (const std::exception& e) {
        r.note = e.what();
        r.pass = false;
    }
    return r;
}

std::string format_curves(const std::vector<CurveCheck>& checks) {
    std::ostringstream o;
    char line[1024];
    for (const auto& c : checks) {
        if (c.skipped) {
            std::snprintf(line, sizeof line, "training %-14s %4d steps: SKIPPED  %s\n", c.model.c_str(),
                          c.steps, c.note.c_str());
        } else {
            const double a = c.ref_loss.empty() ? NAN : c.ref_loss.back();
            const double b = c.other_loss.empty() ? NAN : c.other_loss.back();
            std::snprintf(line, sizeof line,
                          "training %-14s %4d steps on %s: last loss %.5f vs %.5f, max window diff "
                          "%.3g (tolerance %.3g)  %s%s%s\n",
                          c.model.c_str(), c.steps, c.data.c_str(), a, b, c.max_rel_diff, c.tolerance,
                          c.pass ? "PASS" : "FAIL", c.note.empty() ? "" : "  ", c.note.c_str());
        }
        o << line;
    }
    return o.str();
}

}  // namespace gs::conformance
