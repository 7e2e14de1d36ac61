// The built-in datasets: the 2-D sets of a classroom (spiral, circle, xor,
// gaussian, moons, after TensorFlow Playground and scikit-learn; gaussian and
// spiral with 2 to 6 classes), a drawn set ("points", given in the spec), a
// 1-D regression line, and random items for benchmarks.
//
// Conventions, shared by every 2-D set:
// - coordinates lie in [-1, 1] before noise (Playground's radius-5 pictures
//   divided by 5); labels are 0 and 1, class names "0" and "1";
// - noise is in those same units: each coordinate gets noise * U(-1, 1) added
//   after the label is fixed (so noise 0.1 looks like Playground's 50%), except
//   gaussian, where noise widens the clusters (standard deviation 0.15 + noise);
// - the classes share the samples, the first ones one more where they do
//   not divide evenly (two classes: (samples + 1) / 2 and samples / 2).
// Every random number comes from gs::Rng, so a seed gives the same set on every
// platform. Items are shuffled with the seed, then split stratified: the test
// split takes each class in proportion, so both splits stay balanced.
#include <algorithm>
#include <cctype>
#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include "gradscope/dataset.h"
#include "gradscope/error.h"
#include "gradscope/rng.h"

namespace gs {

namespace {

constexpr double kPi = 3.14159265358979323846;
constexpr int kMaxBuiltinSamples = 10'000'000;

// Items generated in order, before shuffling and splitting.
struct Generated {
    Shape item;
    int classes = 0;
    std::vector<float> x;  // samples * item.numel()
    std::vector<float> y;  // samples (one target per item)
};

[[noreturn]] void fail(const std::string& name, const std::string& what) {
    throw Error("dataset '" + name + "': " + what);
}

std::vector<std::string> numbered_class_names(int n) {
    std::vector<std::string> names;
    for (int i = 0; i < n; ++i) names.push_back(std::to_string(i));
    return names;
}

// Adds one labelled 2-D point with uniform jitter of +-noise per coordinate.
void add_point(Generated& g, Rng& rng, double noise, double px, double py, int label) {
    g.x.push_back(static_cast<float>(px + noise * rng.uniform(-1.0, 1.0)));
    g.x.push_back(static_cast<float>(py + noise * rng.uniform(-1.0, 1.0)));
    g.y.push_back(static_cast<float>(label));
}

Generated plane_set(int n, int classes = 2) {
    Generated g;
    g.item = Shape{2};
    g.classes = classes;
    g.x.reserve(static_cast<size_t>(n) * 2);
    g.y.reserve(static_cast<size_t>(n));
    return g;
}

Generated two_class_2d(int n) { return plane_set(n, 2); }

// Points of class `label` when n points are shared by `classes` classes.
int class_count(int n, int label, int classes = 2) {
    return n / classes + (label < n % classes ? 1 : 0);
}

// Playground's spiral: r = i/m * 5, t = 1.75 * i/m * 2 pi + delta, point
// (r sin t, r cos t); here divided by 5. Class c is class 0 turned by
// 2 pi c / classes (two classes: by pi).
Generated make_spiral(int n, int classes, double noise, Rng& rng) {
    Generated g = plane_set(n, classes);
    for (int label = 0; label < classes; ++label) {
        const int m = class_count(n, label, classes);
        const double delta = 2.0 * kPi * label / classes;
        for (int i = 0; i < m; ++i) {
            const double r = static_cast<double>(i) / m;
            const double t = 1.75 * static_cast<double>(i) / m * 2.0 * kPi + delta;
            add_point(g, rng, noise, r * std::sin(t), r * std::cos(t), label);
        }
    }
    return g;
}

// Class 0: a disk of radius 0.5; class 1: a ring from 0.7 to 1 (Playground's
// circle, radius uniform within each band).
Generated make_circle(int n, double noise, Rng& rng) {
    Generated g = two_class_2d(n);
    for (int label = 0; label < 2; ++label) {
        const double lo = label == 0 ? 0.0 : 0.7, hi = label == 0 ? 0.5 : 1.0;
        for (int i = 0; i < class_count(n, label); ++i) {
            const double r = rng.uniform(lo, hi);
            const double a = rng.uniform(0.0, 2.0 * kPi);
            add_point(g, rng, noise, r * std::sin(a), r * std::cos(a), label);
        }
    }
    return g;
}

// Points uniform in [-1, 1]^2 away from the axes (|x|, |y| >= 0.05, Playground's
// padding), labelled 0 where x and y share a sign and 1 where they do not.
Generated make_xor(int n, double noise, Rng& rng) {
    constexpr double pad = 0.05;
    Generated g = two_class_2d(n);
    for (int label = 0; label < 2; ++label) {
        for (int i = 0; i < class_count(n, label); ++i) {
            const double sx = rng.below(2) ? 1.0 : -1.0;
            const double sy = label == 0 ? sx : -sx;
            const double ax = rng.uniform(pad, 1.0), ay = rng.uniform(pad, 1.0);
            add_point(g, rng, noise, sx * ax, sy * ay, label);
        }
    }
    return g;
}

// The textbook truth table: inputs 0/1, target a XOR b.
Generated make_xor_corners() {
    Generated g = two_class_2d(4);
    const float corners[4][3] = {{0, 0, 0}, {0, 1, 1}, {1, 0, 1}, {1, 1, 0}};
    for (const auto& c : corners) {
        g.x.push_back(c[0]);
        g.x.push_back(c[1]);
        g.y.push_back(c[2]);
    }
    return g;
}

// Round clusters: two at (-0.4, -0.4) (class 0) and (0.4, 0.4) (class 1);
// three to six evenly around a circle of radius 0.6, class 0 at the top,
// counter-clockwise.
Generated make_gaussian(int n, int classes, double noise, Rng& rng) {
    Generated g = plane_set(n, classes);
    const double sd = 0.15 + noise;
    for (int label = 0; label < classes; ++label) {
        double cx = label == 0 ? -0.4 : 0.4, cy = cx;
        if (classes > 2) {
            const double a = kPi / 2 + 2.0 * kPi * label / classes;
            cx = 0.6 * std::cos(a);
            cy = 0.6 * std::sin(a);
        }
        for (int i = 0; i < class_count(n, label, classes); ++i) {
            const double px = cx + sd * rng.normal();
            const double py = cy + sd * rng.normal();
            add_point(g, rng, 0.0, px, py, label);
        }
    }
    return g;
}

// A drawn set: the spec's points as they are (no noise), classes as the
// spec says or the largest label + 1, at least 2.
Generated make_points(const DataSpec& spec) {
    int classes = spec.classes;
    if (classes == 0) {
        classes = 2;
        for (const DataPoint& p : spec.points) classes = std::max(classes, p.label + 1);
    }
    if (spec.points.empty())
        fail("points", "a drawn set needs points: draw some, or give \"points\": [[x, y, class], ...]");
    if (spec.points.size() > static_cast<size_t>(kMaxDataPoints))
        fail("points", std::to_string(spec.points.size()) + " points; a drawn set holds at most " +
                           std::to_string(kMaxDataPoints));
    if (classes < 2 || classes > kMaxPointClasses)
        fail("points", "classes must be from 2 to " + std::to_string(kMaxPointClasses) + ", got " +
                           std::to_string(classes));
    Generated g = plane_set(static_cast<int>(spec.points.size()), classes);
    for (const DataPoint& p : spec.points) {
        if (p.label < 0 || p.label >= classes || !std::isfinite(p.x) || !std::isfinite(p.y))
            fail("points", "a point (" + std::to_string(p.x) + ", " + std::to_string(p.y) +
                               ") of class " + std::to_string(p.label) + " is not a point of " +
                               std::to_string(classes) + " classes");
        g.x.push_back(p.x);
        g.x.push_back(p.y);
        g.y.push_back(static_cast<float>(p.label));
    }
    return g;
}

// scikit-learn's moons: (cos t, sin t) and (1 - cos t, 0.5 - sin t) for t in
// [0, pi], shifted by (-0.5, -0.25) and divided by 1.5, so x spans [-1, 1] and
// y [-0.5, 0.5]. Class 0 is the upper moon.
Generated make_moons(int n, double noise, Rng& rng) {
    Generated g = two_class_2d(n);
    for (int label = 0; label < 2; ++label) {
        for (int i = 0; i < class_count(n, label); ++i) {
            const double t = rng.uniform(0.0, kPi);
            double px = std::cos(t), py = std::sin(t);
            if (label == 1) {
                px = 1.0 - px;
                py = 0.5 - py;
            }
            add_point(g, rng, noise, (px - 0.5) / 1.5, (py - 0.25) / 1.5, label);
        }
    }
    return g;
}

// y = 2x + 0.5 + noise * N(0, 1), x uniform in [-1, 1].
// Playground's two regression sets, on [-1, 1]^2 with a target in [-1, 1]:
// a tilted plane, y = (x1 + x2) / 2 ...
Generated make_plane(int n, double noise, Rng& rng) {
    Generated g;
    g.item = Shape{2};
    g.classes = 0;
    for (int i = 0; i < n; ++i) {
        const double a = rng.uniform(-1.0, 1.0), b = rng.uniform(-1.0, 1.0);
        g.x.push_back(static_cast<float>(a));
        g.x.push_back(static_cast<float>(b));
        g.y.push_back(static_cast<float>(0.5 * (a + b) + noise * rng.uniform(-1.0, 1.0)));
    }
    return g;
}

// ... and a mixture of Gaussians: six bumps of height +-1 (width 0.3) at
// fixed places, summed and clamped to [-1, 1].
Generated make_multi_gaussian(int n, double noise, Rng& rng) {
    struct Bump {
        double x, y, sign;
    };
    static const Bump bumps[] = {{-0.67, 0.67, 1}, {0.0, 0.67, -1}, {0.67, 0.67, 1},
                                 {-0.67, -0.67, -1}, {0.0, -0.67, 1}, {0.67, -0.67, -1}};
    Generated g;
    g.item = Shape{2};
    g.classes = 0;
    for (int i = 0; i < n; ++i) {
        const double a = rng.uniform(-1.0, 1.0), b = rng.uniform(-1.0, 1.0);
        double v = 0;
        for (const Bump& k : bumps) {
            const double d2 = (a - k.x) * (a - k.x) + (b - k.y) * (b - k.y);
            v += k.sign * std::exp(-d2 / (2 * 0.3 * 0.3));
        }
        v = std::clamp(v, -1.0, 1.0) + noise * rng.uniform(-1.0, 1.0);
        g.x.push_back(static_cast<float>(a));
        g.x.push_back(static_cast<float>(b));
        g.y.push_back(static_cast<float>(v));
    }
    return g;
}

Generated make_line(int n, double noise, Rng& rng) {
    Generated g;
    g.item = Shape{1};
    g.classes = 0;
    g.x.reserve(static_cast<size_t>(n));
    g.y.reserve(static_cast<size_t>(n));
    for (int i = 0; i < n; ++i) {
        const double x = rng.uniform(-1.0, 1.0);
        g.x.push_back(static_cast<float>(x));
        g.y.push_back(static_cast<float>(2.0 * x + 0.5 + noise * rng.normal()));
    }
    return g;
}

// Inputs N(0, 1) (Box-Muller, both values of each pair used), labels uniform.
Generated make_synthetic(const std::string& name, int n, const Shape& item, int classes, Rng& rng) {
    if (item.rank < 1) fail(name, "needs an item shape (for example 1x28x28)");
    for (int i = 0; i < item.rank; ++i)
        if (item[i] < 1) fail(name, "item shape " + item.str() + " has a dimension below 1");
    if (classes < 1) fail(name, "needs a number of classes of at least 1");
    const size_t per_item = item.numel();
    if (per_item > kMaxParameters / static_cast<size_t>(n))
        fail(name, std::to_string(n) + " items of " + item.str() +
                       " are more floats than the limit of " + std::to_string(kMaxParameters));
    Generated g;
    g.item = item;
    g.classes = classes;
    const size_t total = per_item * static_cast<size_t>(n);
    g.x.resize(total);
    for (size_t k = 0; k < total; k += 2) {
        double u1 = rng.uniform(), u2 = rng.uniform();
        if (u1 < 1e-300) u1 = 1e-300;
        const double r = std::sqrt(-2.0 * std::log(u1)), a = 2.0 * kPi * u2;
        g.x[k] = static_cast<float>(r * std::cos(a));
        if (k + 1 < total) g.x[k + 1] = static_cast<float>(r * std::sin(a));
    }
    g.y.resize(static_cast<size_t>(n));
    for (float& label : g.y) label = static_cast<float>(rng.below(static_cast<uint64_t>(classes)));
    return g;
}

std::shared_ptr<InMemoryDataset> empty_like(const std::string& name, const Generated& g) {
    auto d = std::make_shared<InMemoryDataset>(name, g.item, g.classes);
    if (g.classes > 0) d->set_class_names(numbered_class_names(g.classes));
    return d;
}

// Shuffles the items with rng and moves test_fraction of them to the test
// split; for classification each class contributes in proportion.
DataSplit shuffle_and_split(const std::string& name, const Generated& g, double test_fraction,
                            Rng& rng) {
    const size_t n = g.y.size();
    const size_t per_item = g.item.numel();
    std::vector<uint32_t> order(n);
    for (size_t i = 0; i < n; ++i) order[i] = static_cast<uint32_t>(i);
    for (size_t i = n; i > 1; --i) std::swap(order[i - 1], order[rng.below(i)]);

    size_t n_test = static_cast<size_t>(std::llround(static_cast<double>(n) * test_fraction));
    n_test = std::min(n_test, n - 1);  // the training split is never empty
    std::vector<char> in_test(n, 0);
    size_t taken = 0;
    if (g.classes > 0) {
        std::vector<size_t> count(static_cast<size_t>(g.classes), 0), quota, got;
        for (float label : g.y) ++count[static_cast<size_t>(label)];
        for (size_t c : count) quota.push_back(n_test * c / n);
        got.assign(count.size(), 0);
        for (size_t i = 0; i < n; ++i) {
            const size_t c = static_cast<size_t>(g.y[order[i]]);
            if (got[c] < quota[c]) {
                ++got[c];
                in_test[i] = 1;
                ++taken;
            }
        }
    }
    for (size_t i = 0; i < n && taken < n_test; ++i)  // rounding leftovers, in shuffled order
        if (!in_test[i]) {
            in_test[i] = 1;
            ++taken;
        }

    auto train = empty_like(name, g);
    auto test = empty_like(name, g);
    train->reserve(n - n_test);
    test->reserve(n_test);
    for (size_t i = 0; i < n; ++i) {
        const size_t k = order[i];
        (in_test[i] ? test : train)->add(g.x.data() + k * per_item, g.y.data() + k);
    }
    return DataSplit{train, test};
}

std::string lowercase(std::string s) {
    for (char& ch : s) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    return s;
}

}  // namespace

std::vector<std::string> builtin_dataset_names() {
    return {"spiral", "circle", "xor", "gaussian", "moons", "line", "plane", "multi-gaussian",
            "points", "synthetic"};
}

DataSplit make_builtin_dataset(const DataSpec& spec, const Shape& item_shape, int num_classes) {
    const std::string name = lowercase(spec.name);
    const auto names = builtin_dataset_names();
    if (std::find(names.begin(), names.end(), name) == names.end()) {
        std::string list;
        for (const auto& s : names) list += (list.empty() ? "" : ", ") + s;
        throw Error("unknown dataset '" + spec.name + "': the built-in datasets are " + list +
                    " (file datasets such as fashion-mnist come from the datasets loader)");
    }
    if (spec.samples < 1 || spec.samples > kMaxBuiltinSamples)
        fail(name, "samples must be between 1 and " + std::to_string(kMaxBuiltinSamples) +
                       ", got " + std::to_string(spec.samples));
    if (!std::isfinite(spec.noise) || spec.noise < 0.0f)
        fail(name, "noise must be 0 or more, got " + std::to_string(spec.noise));
    if (!std::isfinite(spec.test_fraction) || spec.test_fraction < 0.0f ||
        spec.test_fraction >= 1.0f)
        fail(name, "test_fraction must be at least 0 and below 1, got " +
                       std::to_string(spec.test_fraction));

    const bool multi = name == "gaussian" || name == "spiral";
    if (spec.classes != 0 && !(multi && spec.classes >= 2 && spec.classes <= kMaxSetClasses) &&
        name != "points")
        fail(name, multi ? "classes must be from 2 to " + std::to_string(kMaxSetClasses) + ", got " +
                               std::to_string(spec.classes)
                         : "takes no number of classes (only gaussian, spiral and points do)");
    const int classes = multi && spec.classes ? spec.classes : 2;

    // The four corners of XOR are the whole truth table: train on them, and
    // test on them too unless no test split was asked for. Noise is ignored.
    if (name == "xor" && spec.samples == 4) {
        Generated g = make_xor_corners();
        auto train = empty_like(name, g);
        auto test = empty_like(name, g);
        for (size_t k = 0; k < 4; ++k) {
            train->add(g.x.data() + 2 * k, g.y.data() + k);
            if (spec.test_fraction > 0.0f) test->add(g.x.data() + 2 * k, g.y.data() + k);
        }
        return DataSplit{train, test};
    }

    // Separate streams for the points and the shuffle.
    Rng gen(mix64(spec.seed));
    Rng shuffle(mix64(spec.seed ^ 0x5eed5a17ULL));
    const int n = spec.samples;
    const double noise = spec.noise;
    Generated g;
    if (name == "points")
        g = make_points(spec);
    else if (name == "spiral")
        g = make_spiral(n, classes, noise, gen);
    else if (name == "circle")
        g = make_circle(n, noise, gen);
    else if (name == "xor")
        g = make_xor(n, noise, gen);
    else if (name == "gaussian")
        g = make_gaussian(n, classes, noise, gen);
    else if (name == "moons")
        g = make_moons(n, noise, gen);
    else if (name == "line")
        g = make_line(n, noise, gen);
    else if (name == "plane")
        g = make_plane(n, noise, gen);
    else if (name == "multi-gaussian")
        g = make_multi_gaussian(n, noise, gen);
    else
        g = make_synthetic(name, n, item_shape, num_classes, gen);
    return shuffle_and_split(name, g, spec.test_fraction, shuffle);
}

}  // namespace gs
