// Lessons in the engine: finding the shipped ones (assets/lessons/*.json),
// checking what reading cannot (every model a step opens validates and its
// data opens; traced steps and hand-set weights fit the model), and playing
// a lesson headless in a Session, step after step, waiting for each step's
// condition with its step cap (gradscope-train lesson, the tests). The
// lesson format and its reader are core's (gradscope/lesson.h).
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "gradscope/backend.h"
#include "gradscope/lesson.h"

namespace gs {

// Directories searched for lessons, in order: $GRADSCOPE_ASSETS/lessons, the
// source tree's assets/lessons, ./assets/lessons.
std::vector<std::string> lesson_dirs();
// The shipped lessons' names (file names without .json), sorted.
std::vector<std::string> lesson_names();
// The file of a lesson name, or the path itself when it names a file.
// Throws gs::Error listing the lessons when neither.
std::string find_lesson(const std::string& name_or_path);

// The model a step opens (its preset, inline spec or project's spec).
// Throws gs::Error for an unknown preset.
ModelSpec lesson_step_spec(const LessonStep& step);

// The engine's checks of a lesson that read cleanly, as issues named like
// the reader's: each opened model validates and (with open_data) its data
// opens; a traced step's model can be traced; each hand-set weight is a
// weight of the model.
std::vector<LessonIssue> check_lesson(const Lesson& lesson, bool open_data = true);

struct LessonRunOptions {
    int threads = 0;  // OpenMP threads of the sessions (0: the default)
    // Told each step's title and text as it opens, and what came of it.
    std::function<void(const std::string&)> say;
    // Training steps per command while waiting: the wait is checked between
    // them, so a step may run this many past the moment its wait is met.
    long chunk = 10;
};

struct LessonStepReport {
    int index = 0;  // 0-based
    std::string title;
    bool met = false;  // the step ran and its wait (if any) was met
    long steps = 0;    // training steps it took
    double seconds = 0;
    std::string outcome;  // "loss below 0.05 after 340 steps ..." or the failure, named like a LessonIssue
};

struct LessonReport {
    bool ok = false;  // every step met
    std::vector<LessonStepReport> steps;
    double seconds = 0;
};

// Plays every step of a lesson that read and checked cleanly; stops at the
// first step that fails (its wait not met within its cap, a refused setting,
// a run that failed or finished first). Never throws.
LessonReport run_lesson(const Lesson& lesson, Backend& backend, const LessonRunOptions& options = {});

}  // namespace gs
