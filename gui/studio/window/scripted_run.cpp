// Scripted runs of the window: screenshots after N steps, frame-time measurements.
#include "window/scripted_run.h"

#include <QCoreApplication>
#include <QDockWidget>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QFileInfo>
#include <QThread>
#include <QTimer>
#include <algorithm>
#include <cmath>
#include <time.h>
#include <unistd.h>

#include "bridge/session_bridge.h"
#include "gradscope/thread_cpu.h"
#include "bridge/spec_service.h"
#include "views/learned_views.h"
#include "window/main_window.h"
#include "window/training_controls.h"

namespace gs::studio {

bool wait_for(const std::function<bool()>& done, int timeout_ms) {
    QElapsedTimer t;
    t.start();
    while (!done()) {
        if (t.elapsed() > timeout_ms) return false;
        QCoreApplication::processEvents(QEventLoop::AllEvents, 10);
        QThread::msleep(2);
    }
    return true;
}

namespace {

// Opens the preset (with `epochs` instead of its own, when given), or the
// project when `preset` names a file, and waits for its session (and a
// project's saved run); an error message or "".
QString open_and_wait(MainWindow& window, const QString& preset, int epochs = 0) {
    if (QFileInfo(preset).isFile()) {
        QString why;
        if (!window.open_project(preset, &why)) return QStringLiteral("cannot open the project %1: %2").arg(preset, why);
    } else {
        try {
            ModelSpec spec = preset_spec(preset.toStdString());
            if (epochs > 0) spec.epochs = epochs;
            window.open_spec(spec);
        } catch (const std::exception& e) {
            return QStringLiteral("cannot open preset '%1': %2").arg(preset, QString::fromStdString(e.what()));
        }
    }
    SessionBridge* b = window.bridge();
    if (!wait_for([&] { return !b->is_loading() && (b->has_session() || !window.banner_text().isEmpty()); }, 120000))
        return QStringLiteral("the data of '%1' did not open within 120 s").arg(preset);
    if (!b->has_session()) return QStringLiteral("cannot train '%1': %2").arg(preset, window.banner_text());
    return {};
}

}  // namespace

QString screenshot_run(MainWindow& window, const QString& preset, long steps, const QString& png, QSize size,
                       bool presentation) {
    window.set_keep_on_screen(false);  // the size asked for, whatever the screen
    window.resize(size);
    window.show();
    if (presentation) window.set_presentation(true, false);  // at this size, not full screen
    if (QString e = open_and_wait(window, preset); !e.isEmpty()) return e;
    SessionBridge* b = window.bridge();
    if (steps > 0) {
        const long from = b->steps_done();  // a project may resume where it was saved
        if (auto r = b->step(steps); !r) return QString::fromStdString(r.reason);
        const bool settled = wait_for(
            [&] {
                b->tick();
                return b->state() != SessionState::Running;
            },
            600000);
        if (!settled) return QStringLiteral("training %1 steps did not finish in time").arg(steps);
        if (b->steps_done() < from + steps && !b->last_break().message.empty())
            return QStringLiteral("training stopped at step %1: %2")
                .arg(b->steps_done())
                .arg(QString::fromStdString(b->last_break().message));
    }
    b->request_snapshot();
    const long want = b->steps_done();
    if (!wait_for([&] {
            b->tick();
            return b->snapshot() && b->snapshot()->step == want;
        }, 60000))
        return QStringLiteral("no snapshot of step %1 arrived").arg(want);
    window.refresh_now();
    // Let every view lay out and paint at the final size.
    wait_for([] { return false; }, 200);
    window.refresh_now();
    const QPixmap shot = window.grab();
    if (!shot.save(png, "PNG")) return QStringLiteral("cannot write %1").arg(png);
    return {};
}

FrameTimes summarize_frames(std::vector<double> ms) {
    FrameTimes f;
    f.frames = ms.size();
    if (ms.empty()) return f;
    std::sort(ms.begin(), ms.end());
    f.median_ms = nearest_rank(ms, 0.5);
    f.p99_ms = nearest_rank(ms, 0.99);
    f.max_ms = ms.back();
    return f;
}

double nearest_rank(const std::vector<double>& sorted, double q) {
    if (sorted.empty()) return 0;
    const size_t rank = static_cast<size_t>(std::ceil(q * static_cast<double>(sorted.size())));
    return sorted[std::clamp<size_t>(rank, 1, sorted.size()) - 1];
}

namespace {

// Every view of the window on screen at once (issue 21's frame budget): the
// docks that share a tab with the gradient flow (what the network learned,
// the gauges) get a place of their own beside it, the learned views on
// their data map (their busiest view: a dot per training item).
void open_every_view(MainWindow& window) {
    auto* flow = window.findChild<QDockWidget*>(QStringLiteral("dock_flow"));
    for (const char* name : {"dock_learned", "dock_gauges"}) {
        auto* dock = window.findChild<QDockWidget*>(QLatin1String(name));
        if (!flow || !dock) continue;
        dock->show();
        window.splitDockWidget(flow, dock, Qt::Horizontal);
    }
    window.learned_views()->show_tab(QStringLiteral("datamap"));
    for (auto* dock : window.findChildren<QDockWidget*>())
        if (dock->objectName() != QLatin1String("dock_step_through") && dock->objectName() != QLatin1String("dock_draw_data"))
            dock->show();
}

// The CPU time of this process's threads by kind (see CpuUse), wall_ms 0.
CpuUse cpu_by_kind() {
    const long gui = static_cast<long>(getpid());
    const std::vector<ThreadCpu> threads = threads_of_this_process();
    int gui_nice = 0;
    for (const ThreadCpu& t : threads)
        if (t.tid == gui) gui_nice = t.nice;
    CpuUse u;
    u.windows = threads.empty() ? 0 : 1;
    for (const ThreadCpu& t : threads) {
        const bool below = t.nice > gui_nice;
        double& into = t.tid == gui ? u.gui_ms
                       : below && t.name.rfind("Thread (pooled)", 0) == 0 ? u.composer_ms
                       : below ? u.training_ms
                               : u.other_ms;
        into += t.cpu_ms;
    }
    return u;
}

// `to` += what the threads used since `from` (a thread that ended in between
// takes its time with it: the sums can only be short, never long).
void add_since(CpuUse& to, const CpuUse& from, double wall_ms) {
    const CpuUse now = cpu_by_kind();
    if (!from.windows || !now.windows) return;
    ++to.windows;
    to.gui_ms += std::max(0.0, now.gui_ms - from.gui_ms);
    to.composer_ms += std::max(0.0, now.composer_ms - from.composer_ms);
    to.training_ms += std::max(0.0, now.training_ms - from.training_ms);
    to.other_ms += std::max(0.0, now.other_ms - from.other_ms);
    to.wall_ms += wall_ms;
}

// `to` += the worker's time from `a` to `b`.
void add_worker_time(WorkerTime& to, const WorkerTime& a, const WorkerTime& b) {
    to.steps += b.steps - a.steps;
    to.steps_ms += b.steps_ms - a.steps_ms;
    to.checks_ms += b.checks_ms - a.checks_ms;
    to.stats_ms += b.stats_ms - a.stats_ms;
    to.restore_ms += b.restore_ms - a.restore_ms;
    to.data_map_ms += b.data_map_ms - a.data_map_ms;
    to.records_ms += b.records_ms - a.records_ms;
    to.snapshots_ms += b.snapshots_ms - a.snapshots_ms;
    to.snapshots += b.snapshots - a.snapshots;
    to.stats_samples += b.stats_samples - a.stats_samples;
    to.confusion_passes += b.confusion_passes - a.confusion_passes;
}

}  // namespace

FrameTimes measure_frames(MainWindow& window, const QString& preset, double seconds, QString* error) {
    if (!window.isVisible()) window.show();
    open_every_view(window);
    // Enough epochs that the run is still going when the measurement ends.
    if (QString e = open_and_wait(window, preset, 1000000); !e.isEmpty()) {
        if (error) *error = e;
        return {};
    }
    SessionBridge* b = window.bridge();
    // Flat out: the 2-D sets open at a pace a class can watch.
    window.controls()->set_speed(0);
    wait_for([] { return false; }, 300);  // the first snapshot, layout
    if (auto r = b->play(); !r) {
        if (error) *error = QString::fromStdString(r.reason);
        return {};
    }
    // The measurement starts once the run has made a snapshot while training.
    // The session's first snapshot (asked for when the preset opens) makes a
    // validation pass for the confusion matrix (cnn-fashion: 1.3-2.6 s over
    // 10,000 test images); started 300 ms after opening, the first window,
    // always a shown one, lost most of its training to it: about ten points
    // of the training share until 2026-12-07.
    const long started = b->steps_done();
    if (!wait_for([&] {
            window.refresh_now();
            auto s = b->snapshot();
            return s && s->step > started;
        }, 60000)) {
        if (error) *error = QStringLiteral("no snapshot of the running preset within a minute");
        return {};
    }
    std::vector<double> frames;
    // The frames below are the window's only updates, as the bridge's own
    // 30 ms timer's would be (with both, every view updated twice as often).
    QTimer timer;
    timer.setInterval(30);
    QObject::connect(&timer, &QTimer::timeout, &window, [&] {
        QElapsedTimer t;
        t.start();
        window.refresh_now();
        // Everything the update caused: queued replots and the repaint of
        // every widget that changed (the rest of the window is not redrawn,
        // as in a real frame).
        QCoreApplication::processEvents();
        frames.push_back(t.nsecsElapsed() / 1e6);
    });
    // Training with frames and with the window hidden (the bridge still
    // draining the session as it does), in alternating windows, so that the
    // run's own drift (a preset that speeds up as it goes, the machine) falls
    // on both alike: kRounds pairs, in the order shown-hidden, hidden-shown,
    // ... Each window starts kSettleMs after the window was shown or hidden
    // (the repaint of everything on show is no frame of training).
    constexpr int kRounds = 4;
    constexpr int kSettleMs = 200;
    const int window_ms = std::max(100, static_cast<int>(seconds * 1000 / kRounds));
    double shown_s = 0, hidden_s = 0;
    long shown_steps = 0, hidden_steps = 0;
    CpuUse f_shown_cpu, f_hidden_cpu;
    WorkerTime f_shown_worker, f_hidden_worker;
    auto train_for = [&](bool shown) {
        if (shown != window.isVisible()) {
            if (shown) window.show();
            else window.hide();
            wait_for([] { return false; }, kSettleMs);
        }
        if (shown) {
            b->set_polling(false);
            timer.start();
        }
        QElapsedTimer w;
        w.start();
        const CpuUse cpu0 = cpu_by_kind();
        const WorkerTime worker0 = b->worker_time();
        const long steps0 = b->steps_done();
        wait_for([&] { return w.elapsed() >= window_ms; }, window_ms + 10000);
        const long steps = b->steps_done() - steps0;
        const double s = w.elapsed() / 1000.0;
        add_since(shown ? f_shown_cpu : f_hidden_cpu, cpu0, w.elapsed());
        add_worker_time(shown ? f_shown_worker : f_hidden_worker, worker0, b->worker_time());
        if (shown) {
            timer.stop();
            b->set_polling(true);
            shown_s += s, shown_steps += steps;
        } else {
            hidden_s += s, hidden_steps += steps;
        }
    };
    for (int r = 0; r < kRounds; ++r) {
        const bool shown_first = r % 2 == 0;
        train_for(shown_first);
        train_for(!shown_first);
    }
    b->pause();
    window.show();
    FrameTimes f = summarize_frames(std::move(frames));
    f.steps_per_s = shown_s > 0 ? shown_steps / shown_s : 0;
    f.hidden_steps_per_s = hidden_s > 0 ? hidden_steps / hidden_s : 0;
    f.shown_s = shown_s;
    f.hidden_s = hidden_s;
    f.shown_cpu = f_shown_cpu;
    f.hidden_cpu = f_hidden_cpu;
    f.shown_worker = f_shown_worker;
    f.hidden_worker = f_hidden_worker;
    return f;
}

double ms_since_process_start() {
    QFile stat(QStringLiteral("/proc/self/stat"));
    if (!stat.open(QIODevice::ReadOnly)) return NAN;
    const QByteArray line = stat.readAll();
    // Fields after the command (which may hold spaces) start after the last ')'.
    const QList<QByteArray> f = line.mid(line.lastIndexOf(')') + 2).split(' ');
    if (f.size() < 20) return NAN;
    const double start_ticks = f[19].toDouble();  // field 22: starttime
    timespec now{};
    clock_gettime(CLOCK_BOOTTIME, &now);
    const double now_ms = now.tv_sec * 1000.0 + now.tv_nsec / 1e6;
    return now_ms - start_ticks * 1000.0 / static_cast<double>(sysconf(_SC_CLK_TCK));
}

}  // namespace gs::studio
