// Lessons (assets/lessons/*.json, docs/lessons.md): a title and a sequence
// of steps a teacher walks a class through. Each step opens a model (a
// preset, an inline spec or a project file — or keeps the previous step's
// run), applies settings (learning rate, speed, batch size, optimizer,
// breakpoints), may set weights by hand, shows a short text in a callout
// pointing at one view of the studio, runs (play, stay paused, or take one
// traced step for the step-through) and may wait for a condition (a number
// of steps, a step reached, the loss below a value, the accuracy above one,
// a breakpoint hit) with a cap on the steps it may take.
//
// This is plain data with its reader and the condition check; reading
// reports every problem, each naming the file, the step and the field
// ("lesson vanishing-gradients.json, step 3, field "wait.loss_below": must be
// a positive number"). Validating the models (presets exist, specs validate)
// and running a lesson are the engine's (gradscope/lesson_runner.h); the
// studio's lesson player reads the same structs.
#pragma once

#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include "gradscope/names.h"
#include "gradscope/spec.h"
#include "gradscope/step_trace.h"

namespace gs {

// Bounds of a lesson file.
inline constexpr size_t kMaxLessonFileBytes = 1u << 20;
inline constexpr int kMaxLessonSteps = 64;
inline constexpr size_t kMaxLessonText = 1200;   // characters (bytes) of a step's text
inline constexpr size_t kMaxLessonTitle = 120;
inline constexpr long kMaxLessonStepCap = 1000000;  // the largest max_steps
inline constexpr long kDefaultLessonStepCap = 20000;
// Loss and accuracy conditions look at the mean of the last this many
// training steps (fewer right after the step opened).
inline constexpr int kLessonWindow = 20;

// What a step waits for before the class moves on: one condition at most.
struct LessonWait {
    long steps = 0;               // this many training steps after the step opens (0: not this)
    long step = 0;                // the run's step count reaches this (0: not this)
    double loss_below = NAN;      // the recent training loss falls below this
    double accuracy_above = NAN;  // the recent training accuracy (0..1) rises above this
    std::string breakpoint;       // "nonfinite", "condition" or "any": the run stops at one
    long max_steps = kDefaultLessonStepCap;  // give up after this many steps of this step

    bool any() const {
        return steps > 0 || step > 0 || !std::isnan(loss_below) || !std::isnan(accuracy_above) ||
               !breakpoint.empty();
    }
    // "loss below 0.05", "step 500", "200 steps", "a non-finite value stops
    // the run", "" for none.
    std::string describe() const;
};

// What a step opens with: settings for the session, in file order.
struct LessonSettings {
    // Session hyperparameters by their id (gradscope/names.h: lr, momentum,
    // weight_decay, clip_norm, batch_size, steps_per_second).
    std::vector<std::pair<std::string, double>> hyperparameters;
    std::string optimizer;  // another optimizer type ("" keeps the one there is)
    // Breakpoints by id: nonfinite (1 on, 0 off) or a condition's threshold.
    std::vector<std::pair<std::string, double>> breakpoints;
};

struct LessonStep {
    std::string title;  // a few words for the progress indicator (optional)
    std::string text;   // what the callout says, in the teacher's words
    LessonView view = LessonView::Canvas;  // where the callout points

    // The model: a preset, an inline spec or a project file (its "spec";
    // the path as written, and resolved against the lesson's folder);
    // none of them continues the previous step's run. reset restarts the
    // model from its seed.
    std::string preset;
    bool has_spec = false;
    ModelSpec spec;  // the inline spec, or the project's
    std::string project, project_path;
    bool reset = false;
    bool opens_model() const { return !preset.empty() || has_spec || !project.empty(); }

    LessonSettings settings;
    std::vector<ParameterEdit> set;  // weights and biases set by hand as the step opens
    // "play" (train until the wait is met), "pause" (stay paused: talk), or
    // "trace" (take one traced step and show the step-through). Default:
    // play when the step waits for something, else pause.
    std::string run;
    LessonWait wait;
};

struct Lesson {
    std::string title;
    std::string description;  // optional: a sentence for the Lessons menu
    std::string file;         // the file it was read from ("" for text)
    std::vector<LessonStep> steps;
};

// One problem with a lesson. step is 0-based, -1 for the lesson as a whole.
struct LessonIssue {
    std::string file;  // the file's name, for messages
    int step = -1;
    std::string field;  // "wait.loss_below", "" for the whole step or file
    std::string message;
    // lesson vanishing-gradients.json, step 3, field "wait.loss_below": must be a positive number
    std::string str() const;
};

struct LessonResult {
    Lesson lesson;
    std::vector<LessonIssue> issues;
    bool ok() const { return issues.empty(); }
    std::string message() const;  // every issue, one per line
};

// Reads a lesson from JSON text (name: how messages call it, e.g. the file
// name) or a file (at most kMaxLessonFileBytes; project paths resolve
// against its folder). Never throws.
LessonResult read_lesson_json(const std::string& text, const std::string& name = "lesson",
                              const std::string& folder = ".");
LessonResult read_lesson_file(const std::string& path);

// Whether a step's wait is met, from what the run did since the step
// opened: feed it each training step and each time the run stopped itself.
class LessonWatch {
public:
    // run_step: the run's step count when the step opens (a "step" wait
    // that is already reached is met at once).
    explicit LessonWatch(LessonWait wait, long run_step = 0)
        : m_wait(std::move(wait)), m_last(run_step) {}
    // A training step of the run (its global 1-based number, loss and
    // accuracy, -1 for regression).
    void add_step(long step, float loss, float accuracy);
    // The run paused or stopped on its own: BreakInfo::kind ("nonfinite",
    // "condition", "finished", "early-stop", "error").
    void add_break(const std::string& kind);

    bool met() const;
    // The step cap is reached without the wait met.
    bool exhausted() const { return m_steps >= m_wait.max_steps; }
    long steps() const { return m_steps; }   // steps seen since the step opened
    long last_step() const { return m_last; }
    double recent_loss() const;      // mean over the window, NaN before a step
    double recent_accuracy() const;  // NaN before a step or for regression
    // Where it stands, for people: "loss 0.31 after 200 steps (waiting for
    // loss below 0.05)".
    std::string progress() const;

private:
    LessonWait m_wait;
    long m_steps = 0;
    long m_last;
    float m_loss[kLessonWindow] = {}, m_acc[kLessonWindow] = {};
    std::string m_break;
};

}  // namespace gs
