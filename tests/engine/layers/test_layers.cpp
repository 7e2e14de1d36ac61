// Every layer's backward against finite differences (tests/support/gradcheck),
// on random shapes including odd sizes, stride 2 and padding.
#include <gtest/gtest.h>

#include "gradcheck.h"
#include "gradscope/layer.h"
#include "gradscope/spec.h"
#include "gradscope/validate.h"

namespace gs {
namespace {

// A layer built the way a model builds it: shapes inferred by validation.
std::unique_ptr<Layer> build(const Shape& input, const LayerSpec& ls) {
    ModelSpec s;
    s.input = input;
    s.layers = {ls};
    s.loss = "mse";
    std::vector<LayerInfo> info;
    auto issues = validate_spec(s, &info);
    EXPECT_TRUE(issues.empty()) << (issues.empty() ? "" : issues[0].str());
    if (!issues.empty()) return nullptr;
    return make_layer(s.layers[0], info[0].in, info[0].out);
}

LayerSpec layer(const std::string& type) {
    LayerSpec l;
    l.type = type;
    return l;
}

void expect_gradients(const Shape& input, const LayerSpec& ls, int batch,
                      test::GradCheckOptions o = {}) {
    auto l = build(input, ls);
    ASSERT_TRUE(l);
    test::GradCheckReport r = test::check_layer_gradients(*l, batch, o);
    EXPECT_GT(r.checked, 0);
    EXPECT_EQ(r.failed, 0) << ls.type << " in " << input.str() << ": " << r.first_failure;
}

TEST(Layers, DenseGradients) {
    LayerSpec d = layer("Dense");
    d.units = 5;
    d.init = "xavier_uniform";
    expect_gradients(Shape{7}, d, 3);
    d.units = 300;  // large enough for the oneDNN path
    expect_gradients(Shape{129}, d, 9);
    d.bias = false;
    d.units = 4;
    expect_gradients(Shape{3}, d, 1);
}

TEST(Layers, Conv2DGradients) {
    LayerSpec c = layer("Conv2D");
    c.filters = 3;
    c.kernel = 3;
    c.stride = 1;
    c.init = "he_uniform";
    expect_gradients(Shape{2, 7, 6}, c, 2);
    c.stride = 2;
    c.padding = 1;
    expect_gradients(Shape{3, 9, 8}, c, 3);
    c.kernel = 2;
    c.padding = 2;
    c.filters = 5;
    expect_gradients(Shape{1, 5, 5}, c, 2);
}

TEST(Layers, PoolGradients) {
    test::GradCheckOptions o;
    o.make_input = test::distinct_values;
    o.eps = 1e-3;  // values are 0.01 apart; stay inside one ordering
    LayerSpec p = layer("MaxPool2D");
    p.kernel = 2;
    p.stride = 2;
    expect_gradients(Shape{2, 6, 6}, p, 2, o);
    expect_gradients(Shape{3, 7, 5}, p, 2, o);  // odd sizes: last row/column dropped
    p.kernel = 3;
    p.stride = 2;
    p.padding = 1;
    expect_gradients(Shape{2, 7, 7}, p, 2, o);
    LayerSpec a = layer("AvgPool2D");
    a.kernel = 2;
    a.stride = 2;
    expect_gradients(Shape{2, 5, 6}, a, 3);
    a.kernel = 3;
    a.stride = 2;
    a.padding = 1;
    expect_gradients(Shape{1, 7, 9}, a, 2);
}

TEST(Layers, ActivationGradients) {
    for (const char* t : {"ReLU", "LeakyReLU", "Sigmoid", "Tanh", "GELU"}) {
        LayerSpec a = layer(t);
        a.alpha = 0.2f;
        expect_gradients(Shape{11}, a, 3);
        expect_gradients(Shape{2, 3, 5}, a, 2);
    }
}

TEST(Layers, SoftmaxGradients) { expect_gradients(Shape{7}, layer("Softmax"), 4); }

TEST(Layers, FlattenGradients) { expect_gradients(Shape{2, 3, 4}, layer("Flatten"), 2); }

TEST(Layers, DropoutGradients) {
    LayerSpec d = layer("Dropout");
    d.rate = 0.3f;
    expect_gradients(Shape{50}, d, 4);
}

TEST(Layers, BatchNormGradients) {
    LayerSpec b = layer("BatchNorm");
    test::GradCheckOptions o;
    o.rel_tol = 3e-2;
    o.abs_tol = 3e-3;
    expect_gradients(Shape{6}, b, 8, o);        // after Dense: (N, C)
    expect_gradients(Shape{3, 4, 5}, b, 4, o);  // after Conv2D: (N, C, H, W)
}

TEST(Layers, ModelGradientsThroughEveryLoss) {
    const char* tail[] = {"softmax_cross_entropy", "binary_cross_entropy", "mse"};
    for (const char* loss : tail) {
        ModelSpec s;
        s.input = Shape{2, 8, 8};
        LayerSpec c = layer("Conv2D");
        c.filters = 4;
        c.kernel = 3;
        c.stride = 1;
        c.padding = 1;
        c.init = "he_uniform";
        LayerSpec p = layer("MaxPool2D");
        p.kernel = 2;
        p.stride = 2;
        LayerSpec d = layer("Dense");
        d.units = 6;
        d.init = "xavier_uniform";
        LayerSpec out = layer("Dense");
        out.init = "xavier_uniform";
        s.layers = {c, layer("BatchNorm"), layer("Tanh"), p, layer("Flatten"), d, layer("GELU"), out};
        s.loss = loss;
        if (std::string(loss) == "softmax_cross_entropy") {
            s.layers.back().units = 5;
            s.layers.push_back(layer("Softmax"));
        } else if (std::string(loss) == "binary_cross_entropy") {
            s.layers.back().units = 1;
            s.layers.push_back(layer("Sigmoid"));
        } else {
            s.layers.back().units = 3;
        }
        test::GradCheckOptions o;
        o.max_checks = 16;
        o.rel_tol = 3e-2;
        o.abs_tol = 1e-3;
        o.eps = 5e-3;
        test::GradCheckReport r = test::check_model_gradients(s, 4, o);
        EXPECT_GT(r.checked, 0);
        EXPECT_EQ(r.failed, 0) << loss << ": " << r.first_failure;
    }
}

TEST(Layers, InitializersHaveTheirSpread) {
    Rng rng(3);
    std::vector<float> v(20000);
    auto var = [&] {
        double m = 0, s = 0;
        for (float x : v) m += x;
        m /= v.size();
        for (float x : v) s += (x - m) * (x - m);
        return s / v.size();
    };
    init_values("he_normal", v, 50, 10, rng);
    EXPECT_NEAR(var(), 2.0 / 50, 0.003);
    init_values("he_uniform", v, 50, 10, rng);
    EXPECT_NEAR(var(), 2.0 / 50, 0.003);  // uniform(-b, b) has variance b^2 / 3
    init_values("xavier_normal", v, 50, 30, rng);
    EXPECT_NEAR(var(), 2.0 / 80, 0.002);
    init_values("xavier_uniform", v, 50, 30, rng);
    EXPECT_NEAR(var(), 2.0 / 80, 0.002);
    init_values("lecun_normal", v, 50, 30, rng);
    EXPECT_NEAR(var(), 1.0 / 50, 0.0015);
    init_values("lecun_uniform", v, 50, 30, rng);
    EXPECT_NEAR(var(), 1.0 / 50, 0.0015);
    init_values("zeros", v, 50, 30, rng);
    EXPECT_EQ(var(), 0.0);
    EXPECT_THROW(init_values("glorot", v, 1, 1, rng), std::exception);
}

TEST(Layers, InitializersAreSeeded) {
    std::vector<float> a(100), b(100), c(100);
    Rng r1(5), r2(5), r3(6);
    init_values("he_uniform", a, 10, 10, r1);
    init_values("he_uniform", b, 10, 10, r2);
    init_values("he_uniform", c, 10, 10, r3);
    EXPECT_EQ(a, b);
    EXPECT_NE(a, c);
}

}  // namespace
}  // namespace gs
