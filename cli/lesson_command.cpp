// The lesson subcommand: reads a lesson (a shipped one by name, or a file),
// checks it (the reader's issues, then the engine's: models validate, data
// opens, traced steps and hand-set weights fit), and plays it headless,
// printing each step's text and what came of it. --check stops after the
// checks; --list lists the shipped lessons.
#include <cstdio>
#include <iostream>

#include "commands.h"
#include "gradscope/backend.h"
#include "gradscope/error.h"
#include "gradscope/lesson_runner.h"

namespace gs::cli {

int run_lesson_command(const LessonOptions& o) {
    if (o.list) {
        for (const std::string& name : lesson_names()) {
            const LessonResult r = read_lesson_file(find_lesson(name));
            std::printf("%-24s %s\n", name.c_str(),
                        r.ok() ? r.lesson.title.c_str() : "(does not read: run lesson --check)");
        }
        return 0;
    }
    if (o.file.empty()) throw Error("give a lesson: a file or one of the shipped lessons (lesson --list)");
    const std::string path = find_lesson(o.file);
    LessonResult read = read_lesson_file(path);
    if (read.ok()) read.issues = check_lesson(read.lesson);
    if (!read.ok()) {
        std::cerr << read.message() << "\n";
        return 1;
    }
    const Lesson& lesson = read.lesson;
    if (o.check) {
        std::printf("%s: \"%s\", %zu steps, every model validates\n", lesson.file.c_str(), lesson.title.c_str(),
                    lesson.steps.size());
        return 0;
    }
    if (o.threads > 0) set_threads(o.threads);
    const OpenedBackend opened = open_backend(o.backend);
    if (opened.fell_back())
        std::fprintf(stderr, "gradscope: %s unavailable: %s; playing on the CPU\n", opened.family.c_str(),
                     opened.reason.c_str());
    std::printf("%s\n", lesson.title.c_str());
    if (!lesson.description.empty()) std::printf("%s\n", lesson.description.c_str());
    LessonRunOptions ro;
    ro.threads = o.threads;
    if (!o.quiet)
        ro.say = [](const std::string& line) {
            std::printf("%s\n", line.c_str());
            std::fflush(stdout);
        };
    const LessonReport rep = run_lesson(lesson, *opened.backend, ro);
    long steps = 0;
    for (const LessonStepReport& s : rep.steps) steps += s.steps;
    if (!rep.ok) {
        std::fprintf(stderr, "%s\n", rep.steps.back().outcome.c_str());
        return 1;
    }
    std::printf("lesson done: %zu steps met their conditions, %ld training steps, %.1f s\n", rep.steps.size(),
                steps, rep.seconds);
    return 0;
}

}  // namespace gs::cli
