// Lessons as read by core (gradscope/lesson.h): a good lesson reads into its
// steps with their defaults; broken ones (bad JSON, missing and unknown
// fields, values out of range, two models or two conditions in one step, a
// first step without a model, a wait a paused step cannot meet, oversized
// files, a missing project file) give errors naming the file, the step and
// the field; and the wait of a step is judged the same way everywhere.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "gradscope/lesson.h"

namespace gs {
namespace {

const char* kGood = R"({
  "title": "A small lesson",
  "steps": [
    {"preset": "xor-sigmoid", "text": "Look at the network.", "view": "canvas"},
    {"text": "Train it.", "view": "curves",
     "settings": {"lr": 0.5, "steps_per_second": 20, "batch_size": 4, "optimizer": "adam",
                  "breakpoints": {"nonfinite": true, "loss_above": 3}},
     "wait": {"loss_below": 0.1, "max_steps": 5000}},
    {"text": "Set a weight.", "set": [{"layer": 0, "unit": 1, "input": 0, "value": -2}], "run": "trace"},
    {"reset": true, "text": "Again.", "wait": {"steps": 50}}
  ]
})";

// The issues of a lesson text, one per line.
std::string issues_of(const std::string& text) { return read_lesson_json(text, "broken.json").message(); }

// A lesson with one step after a good first one.
std::string with_step(const std::string& step) {
    return R"({"title": "t", "steps": [{"preset": "spiral-tanh", "text": "a"}, )" + step + "]}";
}

TEST(Lesson, ReadsStepsAndDefaults) {
    LessonResult r = read_lesson_json(kGood, "small.json");
    ASSERT_TRUE(r.ok()) << r.message();
    const Lesson& l = r.lesson;
    EXPECT_EQ(l.title, "A small lesson");
    ASSERT_EQ(l.steps.size(), 4u);
    EXPECT_EQ(l.steps[0].preset, "xor-sigmoid");
    EXPECT_EQ(l.steps[0].run, "pause");  // nothing to wait for
    EXPECT_EQ(l.steps[1].view, LessonView::Curves);
    EXPECT_EQ(l.steps[1].run, "play");
    EXPECT_FALSE(l.steps[1].opens_model());
    const LessonSettings& s = l.steps[1].settings;
    ASSERT_EQ(s.hyperparameters.size(), 3u);  // in table order: lr, batch_size, steps_per_second
    EXPECT_EQ(s.hyperparameters[0], (std::pair<std::string, double>{"lr", 0.5}));
    EXPECT_EQ(s.optimizer, "adam");
    ASSERT_EQ(s.breakpoints.size(), 2u);
    EXPECT_EQ(l.steps[1].wait.loss_below, 0.1);
    EXPECT_EQ(l.steps[1].wait.max_steps, 5000);
    EXPECT_EQ(l.steps[1].wait.describe(), "loss below 0.1");
    ASSERT_EQ(l.steps[2].set.size(), 1u);
    EXPECT_EQ(l.steps[2].set[0].param, "weight");
    EXPECT_EQ(l.steps[2].set[0].unit, 1);
    EXPECT_EQ(l.steps[2].set[0].value, -2.0f);
    EXPECT_EQ(l.steps[2].run, "trace");
    EXPECT_TRUE(l.steps[3].reset);
    EXPECT_EQ(l.steps[3].wait.steps, 50);
    EXPECT_EQ(l.steps[3].wait.max_steps, kDefaultLessonStepCap);
}

TEST(Lesson, InlineSpecsAndProjects) {
    namespace fs = std::filesystem;
    const fs::path dir = fs::temp_directory_path() / "gs_lesson_test";
    fs::create_directories(dir);
    std::ofstream(dir / "class.gradscope") << R"({"format": "gradscope-project-1", "spec": {"input": [2],
        "layers": [{"type": "Dense", "units": 1}], "loss": "mse", "data": {"name": "plane"}}})";
    std::ofstream(dir / "lesson.json") << R"({"title": "p", "steps": [
        {"project": "class.gradscope", "text": "From a project."},
        {"spec": {"input": [2], "layers": [{"type": "Dense", "units": 2}, {"type": "Softmax"}],
                  "data": {"name": "gaussian", "classes": 2}}, "text": "Inline."},
        {"project": "missing.gradscope", "text": "Gone."}]})";
    LessonResult r = read_lesson_file((dir / "lesson.json").string());
    ASSERT_EQ(r.lesson.steps.size(), 3u);
    EXPECT_TRUE(r.lesson.steps[0].has_spec);
    EXPECT_EQ(r.lesson.steps[0].spec.data.name, "plane");
    EXPECT_EQ(r.lesson.steps[0].project_path, (dir / "class.gradscope").string());
    EXPECT_EQ(r.lesson.steps[1].spec.layers.size(), 2u);
    ASSERT_EQ(r.issues.size(), 1u) << r.message();
    EXPECT_EQ(r.issues[0].str().rfind("lesson lesson.json, step 3, field \"project\": cannot read '", 0), 0u)
        << r.issues[0].str();
    fs::remove_all(dir);
}

TEST(Lesson, BrokenFilesNameTheStepAndTheField) {
    EXPECT_EQ(issues_of("{\"title\": "), "lesson broken.json: invalid JSON: parse error at line 1, column 11: syntax error while parsing value - unexpected end of input; expected '[', '{', or a literal");
    EXPECT_EQ(issues_of("[1]"), "lesson broken.json: a lesson is a JSON object ({\"title\": ..., \"steps\": [...]}), got an array");
    EXPECT_EQ(issues_of(R"({"steps": [{"preset": "x", "text": "a"}]})"),
              "lesson broken.json, field \"title\": missing — the lesson's name in the Lessons menu");
    EXPECT_EQ(issues_of(R"({"title": "t", "steps": []})"),
              "lesson broken.json, field \"steps\": expects a list of steps, got an empty array");
    EXPECT_EQ(issues_of(R"({"title": "t", "step": []})"),
              "lesson broken.json, field \"step\": unknown field 'step'; did you mean 'steps'?\n"
              "lesson broken.json, field \"steps\": missing — a lesson is a list of steps");

    EXPECT_EQ(issues_of(with_step(R"({"text": "b", "wait": {"loss_below": -1}})")),
              "lesson broken.json, step 2, field \"wait.loss_below\": must be a positive number, got -1");
    EXPECT_EQ(issues_of(with_step(R"({"text": "b", "wait": {"accuracy_above": 95}})")),
              "lesson broken.json, step 2, field \"wait.accuracy_above\": must be a fraction from 0 to 1 "
              "(0.9 is 90%), got 95");
    EXPECT_EQ(issues_of(with_step(R"({"text": "b", "wait": {"loss_below": 0.1, "step": 100}})")),
              "lesson broken.json, step 2, field \"wait\": waits for one thing (steps, step, loss_below, "
              "accuracy_above or breakpoint); this gives step and loss_below — split it into two steps");
    EXPECT_EQ(issues_of(with_step(R"({"text": "b", "wait": {"breakpoint": "nan"}})")),
              "lesson broken.json, step 2, field \"wait.breakpoint\": must be nonfinite, condition or any, got 'nan'");
    EXPECT_EQ(issues_of(with_step(R"({"text": "b", "wait": {"steps": 10, "max_steps": 2000000}})")),
              "lesson broken.json, step 2, field \"wait.max_steps\": must be a whole number from 1 to "
              "1,000,000, got 2000000");
    EXPECT_EQ(issues_of(with_step(R"({"text": "b", "wait": {"lossbelow": 1}})")),
              "lesson broken.json, step 2, field \"wait.lossbelow\": unknown condition 'lossbelow'; did you mean "
              "'loss_below'?\n"
              "lesson broken.json, step 2, field \"wait\": gives no condition — use steps, step, loss_below, "
              "accuracy_above or breakpoint, or leave wait out");
    EXPECT_EQ(issues_of(with_step(R"({"text": "b", "run": "pause", "wait": {"steps": 5}})")),
              "lesson broken.json, step 2, field \"run\": a paused step cannot meet its wait — use \"play\", "
              "or leave the wait out");
    EXPECT_EQ(issues_of(with_step(R"({"text": "b", "view": "canvass"})")),
              "lesson broken.json, step 2, field \"view\": unknown view 'canvass'; did you mean 'canvas'?");
    EXPECT_EQ(issues_of(with_step(R"({"view": "data"})")),
              "lesson broken.json, step 2, field \"text\": missing — the words the callout shows");
    EXPECT_EQ(issues_of(with_step(R"({"text": "b", "preset": "a", "spec": {}})")),
              "lesson broken.json, step 2, field \"spec\": gives a preset and a spec: give one model (or none, "
              "to go on with the last one)");
    EXPECT_EQ(issues_of(with_step(R"({"text": "b", "settings": {"learning_rate": 0.1, "batch_size": 2.5}})")),
              "lesson broken.json, step 2, field \"settings.learning_rate\": unknown setting 'learning_rate'; did "
              "you mean 'lr'?\n"
              "lesson broken.json, step 2, field \"settings.batch_size\": must be a whole number from 1 to "
              "65,536, got 2.5");
    EXPECT_EQ(issues_of(with_step(R"({"text": "b", "settings": {"optimizer": "adagrad", "breakpoints": {"nonfinite": 1}}})")),
              "lesson broken.json, step 2, field \"settings.optimizer\": unknown optimizer 'adagrad'; use sgd, "
              "adam, adamw or rmsprop\n"
              "lesson broken.json, step 2, field \"settings.breakpoints.nonfinite\": must be true or false, got 1");
    EXPECT_EQ(issues_of(with_step(R"({"text": "b", "set": [{"layer": 0, "param": "gamma"}]})")),
              "lesson broken.json, step 2, field \"set[0].param\": must be \"weight\" or \"bias\", got 'gamma'\n"
              "lesson broken.json, step 2, field \"set[0].value\": missing — the value to set");
    EXPECT_EQ(issues_of(R"({"title": "t", "steps": [{"text": "a"}]})"),
              "lesson broken.json, step 1: the first step needs a model: give \"preset\", \"spec\" or \"project\"");
    EXPECT_EQ(issues_of(with_step(R"({"text": "b", "spec": {"input": [2], "layers": [{"type": "Dense"}]}})")),
              "lesson broken.json, step 2, field \"spec\": layer 1 (Dense): units: missing — give the number of "
              "outputs, e.g. \"units\": 64");
}

TEST(Lesson, SizesAreBounded) {
    std::string steps;
    for (int i = 0; i <= kMaxLessonSteps; ++i) steps += std::string(i ? "," : "") + R"({"preset": "x", "text": "a"})";
    EXPECT_EQ(issues_of(R"({"title": "t", "steps": [)" + steps + "]}"),
              "lesson broken.json, field \"steps\": 65 steps; a lesson has at most 64 — split it into two lessons");
    EXPECT_EQ(issues_of(with_step(R"({"text": ")" + std::string(1300, 'a') + "\"}")),
              "lesson broken.json, step 2, field \"text\": is 1,300 characters; keep it under 1,200 (a callout "
              "is read at a glance — split the step)");
    const std::string path = (std::filesystem::temp_directory_path() / "gs_big_lesson.json").string();
    std::ofstream(path) << std::string(kMaxLessonFileBytes + 1, ' ');
    EXPECT_EQ(read_lesson_file(path).message(),
              "lesson gs_big_lesson.json: '" + path + "' is 1.0 MiB; the limit is 1.0 MiB");
    std::remove(path.c_str());
    EXPECT_NE(read_lesson_file("/no/such/lesson.json").message().find("No such file"), std::string::npos);
}

TEST(LessonWatch, JudgesEachKindOfWait) {
    LessonWait loss;
    loss.loss_below = 0.5;
    LessonWatch w(loss);
    EXPECT_FALSE(w.met());  // no step yet
    for (int i = 1; i <= 30; ++i) w.add_step(i, i <= 10 ? 2.0f : 0.3f, 0.5f);
    EXPECT_NEAR(w.recent_loss(), 0.3, 1e-6);  // the last 20 steps only
    EXPECT_TRUE(w.met());

    LessonWait acc;
    acc.accuracy_above = 0.9;
    LessonWatch a(acc);
    a.add_step(1, 0.1f, 0.95f);
    a.add_step(2, 0.1f, 0.80f);
    EXPECT_FALSE(a.met());  // mean 0.875
    a.add_step(3, 0.1f, 1.0f);
    EXPECT_TRUE(a.met());
    LessonWatch regression(acc);
    regression.add_step(1, 0.1f, -1.0f);
    EXPECT_FALSE(regression.met());

    LessonWait at;
    at.step = 100;
    EXPECT_TRUE(LessonWatch(at, 150).met());  // already past it when the step opens
    LessonWait n;
    n.steps = 3;
    n.max_steps = 3;
    LessonWatch c(n, 150);
    c.add_step(151, 1, 1);
    c.add_step(152, 1, 1);
    EXPECT_FALSE(c.met());
    c.add_step(153, 1, 1);
    EXPECT_TRUE(c.met());
    EXPECT_TRUE(c.exhausted());

    LessonWait nan;
    nan.breakpoint = "nonfinite";
    LessonWatch b(nan);
    b.add_break("condition");
    EXPECT_FALSE(b.met());
    b.add_break("nonfinite");
    EXPECT_TRUE(b.met());
    EXPECT_EQ(b.progress(), "after 0 steps (run step 0) — waiting for a non-finite value stops the run");
}

}  // namespace
}  // namespace gs
