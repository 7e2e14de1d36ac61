// Lessons in the engine (gradscope/lesson_runner.h): every shipped lesson
// reads, checks and plays from its first step to its last with every
// condition met; what the lessons tell a class is true of the networks they
// open (one neuron cannot learn XOR, a deep sigmoid network's first layer
// gets a vanishing share of the gradient, ...); and lessons that cannot work
// fail with the step and the field named — an unknown preset, a spec that
// does not validate, a wait that is never met, a run that ends first.
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>

#include "gradscope/lesson_runner.h"
#include "gradscope/session.h"

namespace gs {
namespace {

Lesson read_ok(const std::string& name) {
    LessonResult r = read_lesson_file(find_lesson(name));
    EXPECT_TRUE(r.ok()) << r.message();
    return r.lesson;
}

Lesson read_text(const std::string& text) {
    LessonResult r = read_lesson_json(text, "made.json");
    EXPECT_TRUE(r.ok()) << r.message();
    return r.lesson;
}

// A session of the model a lesson step opens, after `steps` training steps.
std::unique_ptr<Session> trained(const LessonStep& step, long steps, TelemetryStore& t) {
    const ModelSpec spec = lesson_step_spec(step);
    auto s = std::make_unique<Session>(spec, prepare_data(spec), cpu_backend());
    EXPECT_TRUE(s->step(steps));
    EXPECT_TRUE(s->wait_until_settled(120));
    s->drain(t);
    return s;
}

double mean_tail(const Series& s, size_t n) {
    const std::vector<SeriesPoint> p = s.points();
    double sum = 0;
    for (size_t i = p.size() - n; i < p.size(); ++i) sum += p[i].mean;
    return sum / static_cast<double>(n);
}

TEST(Lessons, EveryShippedLessonPlaysToItsLastStep) {
    const std::vector<std::string> names = lesson_names();
    EXPECT_EQ(names, (std::vector<std::string>{"the-learning-rate", "vanishing-gradients", "what-one-neuron-does",
                                               "why-depth"}));
    double total = 0;
    for (const std::string& name : names) {
        SCOPED_TRACE(name);
        const Lesson lesson = read_ok(name);
        const std::vector<LessonIssue> issues = check_lesson(lesson);
        for (const LessonIssue& i : issues) ADD_FAILURE() << i.str();
        const LessonReport rep = run_lesson(lesson, cpu_backend());
        EXPECT_TRUE(rep.ok);
        ASSERT_EQ(rep.steps.size(), lesson.steps.size()) << rep.steps.back().outcome;
        for (const LessonStepReport& s : rep.steps) {
            EXPECT_TRUE(s.met) << s.outcome;
            if (lesson.steps[static_cast<size_t>(s.index)].wait.any()) {
                EXPECT_GT(s.steps, 0);
                EXPECT_LE(s.steps, lesson.steps[static_cast<size_t>(s.index)].wait.max_steps);
            }
        }
        total += rep.seconds;
        RecordProperty(name + "_seconds", std::to_string(rep.seconds));
    }
    std::printf("the four lessons played in %.1f s\n", total);
}

TEST(Lessons, WhatOneNeuronDoesTellsTheTruth) {
    const Lesson l = read_ok("what-one-neuron-does");
    TelemetryStore one, hidden;
    trained(l.steps[4], 1000, one);  // one neuron on XOR
    EXPECT_LT(mean_tail(one.accuracy(), 100), 0.7);
    EXPECT_GT(mean_tail(one.loss(), 100), 0.6);
    trained(l.steps[5], 1000, hidden);
    EXPECT_GT(mean_tail(hidden.accuracy(), 100), 0.95);
}

TEST(Lessons, WhyDepthTellsTheTruth) {
    const Lesson l = read_ok("why-depth");
    TelemetryStore none, one;
    trained(l.steps[0], 1500, none);
    trained(l.steps[2], 3000, one);
    EXPECT_LT(mean_tail(none.accuracy(), 200), 0.65);
    EXPECT_LT(mean_tail(one.accuracy(), 200), 0.8);  // bends, but does not follow the turns
}

// The gradient's size in the first and the last Dense layer, from the
// session's layer statistics.
std::pair<double, double> first_and_last_gradient(const LessonStep& step, long steps) {
    TelemetryStore t;
    trained(step, steps, t);
    const std::vector<LayerStats>& layers = t.layers();
    double first = -1, last = -1;
    for (const LayerStats& s : layers)
        if (s.has_weights) {
            if (first < 0) first = s.grad_mean_abs;
            last = s.grad_mean_abs;
        }
    return {first, last};
}

TEST(Lessons, VanishingGradientsTellsTheTruth) {
    const Lesson l = read_ok("vanishing-gradients");
    TelemetryStore t;
    trained(l.steps[0], 3000, t);
    EXPECT_NEAR(mean_tail(t.loss(), 100), 0.69, 0.02);  // a coin toss
    const auto [sig_first, sig_last] = first_and_last_gradient(l.steps[0], 50);
    const auto [relu_first, relu_last] = first_and_last_gradient(l.steps[3], 50);
    EXPECT_LT(sig_first, sig_last / 100);  // vanished on its way back through six sigmoids
    EXPECT_GT(relu_first, relu_last / 10);
}

TEST(Lessons, TheLearningRateTellsTheTruth) {
    Lesson l = read_ok("the-learning-rate");
    TelemetryStore right;
    trained(l.steps[0], 300, right);  // the spec's lr, 0.1: "about right"
    ModelSpec spec = lesson_step_spec(l.steps[0]);
    spec.optimizer.lr = 0.001f;
    Session tiny(spec, prepare_data(spec), cpu_backend());
    ASSERT_TRUE(tiny.step(300));
    ASSERT_TRUE(tiny.wait_until_settled(60));
    TelemetryStore t;
    tiny.drain(t);
    EXPECT_GT(t.last_step().loss, 0.5);  // hardly moved
    EXPECT_LT(mean_tail(right.loss(), 20), 0.02);
}

TEST(Lessons, ALessonThatCannotWorkNamesItsStep) {
    const std::string xor_spec = R"({"input": [2], "layers": [{"type": "Dense", "units": 1}, {"type": "Sigmoid"}],
        "loss": "binary_cross_entropy", "optimizer": {"type": "sgd", "lr": 0.3}, "batch_size": 20, "epochs": 100,
        "data": {"name": "xor", "samples": 200}})";
    LessonReport r = run_lesson(read_text(R"({"title": "never", "steps": [
        {"spec": )" + xor_spec + R"(, "text": "One neuron."},
        {"text": "It will never get there.", "wait": {"accuracy_above": 0.95, "max_steps": 300}}]})"),
                                cpu_backend());
    EXPECT_FALSE(r.ok);
    ASSERT_EQ(r.steps.size(), 2u);
    EXPECT_TRUE(r.steps[0].met);
    EXPECT_EQ(r.steps[1].steps, 300);
    EXPECT_EQ(r.steps[1].outcome.rfind("lesson made.json, step 2, field \"wait\": not met within 300 steps "
                                       "(wait.max_steps): after 300 steps (run step 300), loss ", 0), 0u)
        << r.steps[1].outcome;
    EXPECT_NE(r.steps[1].outcome.find("— waiting for accuracy above 95%"), std::string::npos);

    // The run ends (its epochs are done) before the condition.
    r = run_lesson(read_text(R"({"title": "short", "steps": [{"spec": )" + xor_spec +
                             R"(, "text": "a", "settings": {"batch_size": 200}, "wait": {"steps": 500}}]})"),
                   cpu_backend());
    EXPECT_FALSE(r.ok);
    EXPECT_EQ(r.steps[0].outcome, "lesson made.json, step 1, field \"wait\": the run stopped before 500 steps: "
                                  "finished 100 epochs");

    // A NaN the step did not wait for.
    r = run_lesson(read_text(R"({"title": "boom", "steps": [{"preset": "linear-regression", "text": "a",
        "settings": {"lr": 50}, "wait": {"loss_below": 0.01}}]})"),
                   cpu_backend());
    EXPECT_FALSE(r.ok);
    EXPECT_NE(r.steps[0].outcome.find("step 1, field \"wait\": the run stopped before loss below 0.01: a "
                                      "non-finite value appeared"),
              std::string::npos)
        << r.steps[0].outcome;
}

TEST(Lessons, TheEngineChecksWhatReadingCannot) {
    const Lesson l = read_text(R"({"title": "checks", "steps": [
        {"preset": "no-such-preset", "text": "a"},
        {"spec": {"input": [2], "layers": [{"type": "Dense", "units": 3}], "loss": "binary_cross_entropy",
                  "data": {"name": "circle"}}, "text": "b"},
        {"spec": {"input": [784], "layers": [{"type": "Dense", "units": 10}], "data": {"name": "idx", "path": "/no/such/dir"}},
         "text": "c"},
        {"spec": {"input": [2], "layers": [{"type": "Dense", "units": 100}, {"type": "Tanh"}, {"type": "Dense", "units": 1},
                  {"type": "Sigmoid"}], "loss": "binary_cross_entropy", "data": {"name": "spiral"}},
         "text": "d", "run": "trace"},
        {"preset": "spiral-tanh", "text": "e", "set": [{"layer": 1, "unit": 0, "input": 0, "value": 1},
                                                       {"layer": 0, "unit": 9, "input": 0, "value": 1}]}]})");
    const std::vector<LessonIssue> issues = check_lesson(l);
    ASSERT_EQ(issues.size(), 6u);
    EXPECT_EQ(issues[0].str().rfind("lesson made.json, step 1, field \"preset\": no preset named 'no-such-preset'; "
                                    "the presets are: ", 0), 0u) << issues[0].str();
    EXPECT_EQ(issues[1].str().rfind("lesson made.json, step 2, field \"spec\": loss: binary cross-entropy", 0), 0u)
        << issues[1].str();
    EXPECT_EQ(issues[2].str().rfind("lesson made.json, step 3, field \"spec\": its data: ", 0), 0u) << issues[2].str();
    EXPECT_EQ(issues[3].str().rfind("lesson made.json, step 4, field \"run\": step-through shows dense networks", 0), 0u)
        << issues[3].str();
    EXPECT_EQ(issues[4].str(), "lesson made.json, step 5, field \"set[0].layer\": layer 1 of the model is not a Dense layer");
    EXPECT_EQ(issues[5].str(), "lesson made.json, step 5, field \"set[1].unit\": the layer has units 0 to 7");
}

}  // namespace
}  // namespace gs
