// gradscope: the studio.
//   gradscope [PROJECT.gradscope] [--preset NAME]
//   gradscope [PROJECT.gradscope | --preset NAME] --steps N --screenshot FILE.png [--size WxH] [--presentation] [--view NAME]
//   gradscope --bench-ui [--seconds S] [--preset NAME] [--profile-events]
//   gradscope --bench-replot [--replots N]
// With no display (and no QT_QPA_PLATFORM) it says so and exits 2.
#include <QApplication>
#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QEvent>
#include <QFileInfo>
#include <QTimer>
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <unistd.h>
#include <tuple>
#include <utility>

#include "canvas/network_canvas.h"
#include "views/learned_screenshot.h"
#include "window/event_profile.h"
#include "window/main_window.h"
#include "window/replot_bench.h"
#include "window/classroom_shots.h"
#include "window/scripted_run.h"
#include "window/time_travel_shots.h"

using namespace gs::studio;

namespace {

bool has_display() {
    return std::getenv("DISPLAY") || std::getenv("WAYLAND_DISPLAY") || std::getenv("QT_QPA_PLATFORM");
}

QSize parse_size(const QString& text) {
    const QStringList p = text.toLower().split(QLatin1Char('x'));
    if (p.size() != 2) return {};
    return {p[0].toInt(), p[1].toInt()};
}

struct PaintWatch : QObject {
    bool painted = false;
    bool eventFilter(QObject*, QEvent* e) override {
        if (e->type() == QEvent::Paint) painted = true;
        return false;
    }
};

int bench_ui(MainWindow& w, const QStringList& presets, double seconds, double first_frame_process_ms,
             double first_frame_main_ms, ProfilingApplication* profile) {
    std::printf("bench ui/first-frame %.0f ms (since the process started; %.0f ms since main)\n",
                first_frame_process_ms, first_frame_main_ms);
    for (const QString& name : presets) {
        const QByteArray latin = name.toLatin1();
        const char* preset = latin.constData();
        QString error;
        if (profile) {
            profile->take(0);
            profile->set_profiling(true);
        }
        const FrameTimes f = measure_frames(w, name, seconds, &error);
        if (profile) profile->set_profiling(false);
        if (!error.isEmpty()) {
            std::fprintf(stderr, "gradscope: %s: %s\n", preset, qPrintable(error));
            return 1;
        }
        std::printf("bench ui/%s/frame-median %.2f ms\n", preset, f.median_ms);
        std::printf("bench ui/%s/frame-p99 %.2f ms\n", preset, f.p99_ms);
        std::printf("bench ui/%s/frame-max %.2f ms\n", preset, f.max_ms);
        std::printf("bench ui/%s/frames %zu\n", preset, f.frames);
        std::printf("bench ui/%s/training %.0f steps/s\n", preset, f.steps_per_s);
        std::printf("bench ui/%s/training-hidden %.0f steps/s (the same run, the window hidden)\n", preset,
                    f.hidden_steps_per_s);
        std::printf("bench ui/%s/training-share %.0f %% (with frames / hidden)\n", preset,
                    f.hidden_steps_per_s > 0 ? 100.0 * f.steps_per_s / f.hidden_steps_per_s : 0.0);
        const double cores = std::max(1L, sysconf(_SC_NPROCESSORS_ONLN));
        for (const auto& [phase, u] : {std::pair{"shown", f.shown_cpu}, std::pair{"hidden", f.hidden_cpu}}) {
            if (!u.windows || u.wall_ms <= 0) {
                std::printf("bench ui/%s/cpu-%s unavailable (this system's /proc/self/task could not be read)\n",
                            preset, phase);
                continue;
            }
            const double pc = 100.0 / u.wall_ms;  // % of one core
            const double used = u.gui_ms + u.composer_ms + u.training_ms + u.other_ms;
            std::printf("bench ui/%s/cpu-%s gui %.1f%%, composer %.1f%%, training %.1f%%, other %.1f%%, "
                        "idle %.1f%% (of one core; %g cores)\n",
                        preset, phase, u.gui_ms * pc, u.composer_ms * pc, u.training_ms * pc, u.other_ms * pc,
                        std::max(0.0, cores * 100.0 - used * pc), cores);
        }
        for (const auto& [phase, t, wall] : {std::tuple{"shown", f.shown_worker, f.shown_s * 1000},
                                              std::tuple{"hidden", f.hidden_worker, f.hidden_s * 1000}}) {
            if (wall <= 0) continue;
            const double pc = 100.0 / wall;  // % of the wall time
            // The rest: epoch ends (validation, the confusion matrix), commands,
            // pauses between steps; what the worker does not time apart.
            const double counted = t.steps_ms + t.snapshots_ms + t.stats_ms + t.data_map_ms + t.records_ms +
                                   t.restore_ms + t.checks_ms;
            std::printf("bench ui/%s/worker-%s steps %.1f%% (%ld), snapshots %.1f%% (%ld), statistics %.1f%%, "
                        "data map %.1f%%, records %.1f%%, restore points %.1f%%, checks %.1f%%, the rest %.1f%% "
                        "(epoch ends, commands; of the wall time)\n",
                        preset, phase, t.steps_ms * pc, t.steps, t.snapshots_ms * pc, t.snapshots, t.stats_ms * pc,
                        t.data_map_ms * pc, t.records_ms * pc, t.restore_ms * pc, t.checks_ms * pc,
                        std::max(0.0, 100.0 - counted * pc));
        }
        if (profile)
            for (const QString& line : profile->take(25))
                std::printf("bench ui/%s/events %s\n", preset, qPrintable(line));
        std::fflush(stdout);
    }
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    QElapsedTimer since_main;
    since_main.start();
    if (!has_display()) {
        std::fprintf(stderr,
                     "gradscope: no display found (DISPLAY is not set). Run it on a desktop, or set "
                     "QT_QPA_PLATFORM=offscreen for screenshots and benchmarks.\n");
        return 2;
    }
    ProfilingApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("Gradscope"));
    QApplication::setApplicationName(QStringLiteral("Gradscope"));
    QCommandLineParser cli;
    cli.setApplicationDescription(QStringLiteral("Gradscope: watch neural networks learn."));
    cli.addHelpOption();
    cli.addPositionalArgument(QStringLiteral("project"), QStringLiteral("a .gradscope project to open"));
    QCommandLineOption preset(QStringLiteral("preset"), QStringLiteral("open a preset (default spiral-tanh)"),
                              QStringLiteral("name"));
    QCommandLineOption steps(QStringLiteral("steps"), QStringLiteral("with --screenshot: steps to train first"),
                             QStringLiteral("n"), QStringLiteral("0"));
    QCommandLineOption shot(QStringLiteral("screenshot"), QStringLiteral("write a screenshot of the window and exit"),
                            QStringLiteral("file.png"));
    QCommandLineOption size(QStringLiteral("size"), QStringLiteral("window size for --screenshot"),
                            QStringLiteral("WxH"), QStringLiteral("1600x1000"));
    QCommandLineOption bench(QStringLiteral("bench-ui"),
                             QStringLiteral("print the time to the first frame and the frame times while "
                                            "spiral-tanh and cnn-fashion train (--preset: that one alone)"));
    QCommandLineOption seconds(QStringLiteral("seconds"), QStringLiteral("with --bench-ui: seconds per preset"),
                               QStringLiteral("s"), QStringLiteral("5"));
    QCommandLineOption profile_events(QStringLiteral("profile-events"),
                                      QStringLiteral("with --bench-ui: the GUI thread's time by receiver and event, "
                                                     "shown and hidden windows together"));
    QCommandLineOption bench_replot(QStringLiteral("bench-replot"),
                                    QStringLiteral("print how long the loss and accuracy plot takes to replot, "
                                                   "on made-up runs of two shapes (window/replot_bench.h)"));
    QCommandLineOption replots(QStringLiteral("replots"), QStringLiteral("with --bench-replot: replots per case"),
                               QStringLiteral("n"), QStringLiteral("200"));
    QCommandLineOption presentation(QStringLiteral("presentation"), QStringLiteral("start in presentation mode"));
    QCommandLineOption scrub(QStringLiteral("scrub-to"),
                             QStringLiteral("with --screenshot: then show this past step (time travel)"),
                             QStringLiteral("step"), QStringLiteral("-1"));
    QCommandLineOption race(QStringLiteral("race"),
                            QStringLiteral("with --screenshot: then race three learning rates this many steps"),
                            QStringLiteral("steps"), QStringLiteral("0"));
    QCommandLineOption classroom(QStringLiteral("classroom-shot"),
                                 QStringLiteral("with --screenshot: a classroom picture (step, draw or lesson)"),
                                 QStringLiteral("what"));
    QCommandLineOption learned(QStringLiteral("view"),
                               QStringLiteral("with --screenshot: write one view of what the network learned instead "
                                              "of the window (confusion, mistakes, histograms, histograms-stacked, datamap); "
                                              "with --scrub-to, the window with that view's tab in front"),
                               QStringLiteral("name"));
    cli.addOptions({preset, steps, shot, size, bench, seconds, profile_events, bench_replot, replots, presentation,
                    scrub, race, classroom, learned});
    cli.process(app);

    if (cli.isSet(bench_replot)) {
        bool ok = false;
        const int n = cli.value(replots).toInt(&ok);
        if (!ok || n < 1 || n > 100000) {
            std::fprintf(stderr, "gradscope: --replots wants a count from 1 to 100000\n");
            return 1;
        }
        for (const ReplotTimes& r : bench_replots(n))
            std::printf("bench replot/%s median %.2f ms, p90 %.2f ms, mean %.2f ms (%d training points, "
                        "%d validation points drawn; %d replots)\n",
                        qPrintable(r.name), r.median_ms, r.p90_ms, r.mean_ms, r.train_points, r.validation_points, n);
        return 0;
    }

    MainWindow w;
    if (cli.isSet(shot)) {
        const QSize s = parse_size(cli.value(size));
        if (!s.isValid() || s.width() < 200 || s.height() < 200) {
            std::fprintf(stderr, "gradscope: --size wants WxH, e.g. 1600x1000\n");
            return 1;
        }
        // The project named, else the preset, else the spiral.
        const QStringList projects = cli.positionalArguments();
        const QString name = !projects.isEmpty() ? projects.first()
                             : cli.isSet(preset) ? cli.value(preset)
                                                 : QStringLiteral("spiral-tanh");
        if (!projects.isEmpty() && !QFileInfo(name).isFile()) {
            std::fprintf(stderr, "gradscope: %s: no such project file\n", qPrintable(name));
            return 1;
        }
        const bool travel = cli.value(scrub).toLong() >= 0 || cli.value(race).toLong() > 0;
        const QString error =
            cli.isSet(classroom) ? classroom_screenshot(w, cli.value(classroom), cli.value(shot), s)
            : cli.isSet(learned) && !travel
                ? screenshot_learned_view(w, name, cli.value(steps).toLong(), cli.value(learned), cli.value(shot), s)
            : travel ? time_travel_screenshot(w, name, cli.value(steps).toLong(), cli.value(shot), s,
                                              cli.value(scrub).toLong(), cli.value(race).toLong(), cli.value(learned))
                     : screenshot_run(w, name, cli.value(steps).toLong(), cli.value(shot), s, cli.isSet(presentation));
        if (!error.isEmpty()) {
            std::fprintf(stderr, "gradscope: %s\n", qPrintable(error));
            return 1;
        }
        return 0;
    }

    if (cli.isSet(bench)) {
        // The first frame: the window has received its first paint event
        // and the event loop has finished painting it.
        PaintWatch watch;
        w.installEventFilter(&watch);
        w.set_keep_on_screen(false);  // a workstation's window, whatever the screen
        w.resize(1600, 1000);
        w.show();
        if (!wait_for([&] { return watch.painted; }, 10000)) {
            std::fprintf(stderr, "gradscope: the window was never painted\n");
            return 1;
        }
        QCoreApplication::processEvents();
        const double first_process = ms_since_process_start();
        const double first_main = since_main.nsecsElapsed() / 1e6;
        // The first picture: the spiral preset drawn from its first snapshot.
        w.open_preset(QStringLiteral("spiral-tanh"));
        if (!wait_for([&] { return w.canvas()->snapshot_step() == 0 && w.canvas()->renders() > 0; }, 10000)) {
            std::fprintf(stderr, "gradscope: the spiral preset was never drawn\n");
            return 1;
        }
        QCoreApplication::processEvents();
        std::printf("bench ui/first-picture %.0f ms (since the process started: spiral-tanh drawn)\n",
                    ms_since_process_start());
        // --preset picks one preset to time (a profile of one); both by default.
        const QStringList presets = cli.isSet(preset) ? QStringList{cli.value(preset)}
                                                      : QStringList{QStringLiteral("spiral-tanh"),
                                                                    QStringLiteral("cnn-fashion")};
        return bench_ui(w, presets, cli.value(seconds).toDouble(), first_process, first_main,
                        cli.isSet(profile_events) ? &app : nullptr);
    }
    w.show();

    const QStringList args = cli.positionalArguments();
    if (!args.isEmpty()) w.open_project(args.first());
    else w.open_preset(cli.isSet(preset) ? cli.value(preset) : QStringLiteral("spiral-tanh"));
    if (cli.isSet(presentation)) w.set_presentation(true);
    return app.exec();
}
