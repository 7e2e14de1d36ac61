// The one finite-difference gradient check every layer and loss test uses.
// For a layer f and a fixed random upstream gradient g it compares the
// analytic gradients of L = sum(g * f(x)) with respect to x and to every
// parameter against central differences of L.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "gradscope/layer.h"

namespace gs::test {

struct GradCheckOptions {
    double eps = 1e-2;       // perturbation
    double rel_tol = 2e-2;   // |a - n| <= rel_tol * max(|a|, |n|) + abs_tol
    double abs_tol = 2e-3;
    int max_checks = 48;     // entries checked per tensor (spread over it)
    uint64_t seed = 1;
    bool check_input = true;
    // Fills the input; default: standard normal values away from 0 (so the
    // kinks of ReLU-like functions are not straddled by the perturbation).
    std::function<void(std::vector<float>&, uint64_t)> make_input;
};

struct GradCheckReport {
    int checked = 0;
    int failed = 0;
    std::string first_failure;  // "param weight[3]: analytic 0.12 numeric 0.15"
};

// Builds nothing: the caller makes the layer (spec, shapes). batch is N.
GradCheckReport check_layer_gradients(Layer& layer, int batch, const GradCheckOptions& o = {});

// Same for a whole model spec: gradient of the mean loss w.r.t. every
// parameter, with random inputs and targets fitting the spec's loss.
GradCheckReport check_model_gradients(const ModelSpec& spec, int batch,
                                      const GradCheckOptions& o = {});

// Values spaced apart (a shuffled ramp), so max pooling has no near-ties.
void distinct_values(std::vector<float>& v, uint64_t seed);

}  // namespace gs::test
