// What the studio does without a person at it: train a preset for N steps
// and save a screenshot of the whole window (--screenshot), or measure the
// time to the first frame and the GUI frame time while presets train
// (--bench-ui). Both run the real window on whatever Qt platform is set
// (QT_QPA_PLATFORM=offscreen needs no display).
#pragma once

#include <QObject>
#include <QSize>
#include <QString>
#include <functional>
#include <vector>

#include "gradscope/session_types.h"

namespace gs::studio {

class MainWindow;

// Waits (running the event loop) until done() or the timeout; false on timeout.
bool wait_for(const std::function<bool()>& done, int timeout_ms);

// Opens the preset (or the project, when `preset` names a .gradscope file),
// trains `steps` steps more, waits for a snapshot of the last one, and
// writes the window to `png`. Returns an error message, or "".
QString screenshot_run(MainWindow& window, const QString& preset, long steps, const QString& png,
                       QSize size = {1600, 1000}, bool presentation = false);

// Where the process's CPU time went while the benchmark trained, by kind of
// thread: the GUI thread; the canvas composer (a pooled thread below the
// GUI's priority); training (the worker and its OpenMP team, below the GUI's
// priority); other threads. In ms of CPU, over wall_ms of wall time.
struct CpuUse {
    double gui_ms = 0, composer_ms = 0, training_ms = 0, other_ms = 0, wall_ms = 0;
    int windows = 0;  // windows whose threads could be read (0: /proc/self/task unreadable here)
};

struct FrameTimes {
    double median_ms = 0, p99_ms = 0, max_ms = 0;
    size_t frames = 0;
    double steps_per_s = 0;
    double hidden_steps_per_s = 0;  // the same run, the window hidden, in windows alternating with the above
    double shown_s = 0, hidden_s = 0;  // the windows' wall time, each way
    CpuUse shown_cpu, hidden_cpu;   // the same windows
    // The training thread's own account of those windows (SessionBridge::worker_time):
    // steps and what it did between them (snapshots, statistics, ...). The
    // worker publishes it with each snapshot (ten a second while running), so
    // up to a tenth of a second moves across a window's edges: in short
    // windows a share can pass 100%.
    WorkerTime shown_worker, hidden_worker;
};
// Percentiles of a list of durations (ms).
FrameTimes summarize_frames(std::vector<double> ms);
// The nearest-rank percentile q (0..1] of values sorted ascending: the
// smallest with at least q of all at or below it; 0 when there are none.
double nearest_rank(const std::vector<double>& sorted, double q);

// Trains the preset for `seconds`, and every 30 ms times one frame:
// draining telemetry, updating every view, and processing the events that
// causes until the queue is empty (replots, repaints), with every view on
// screen (the docks that share a tab get a place of their own; the learned
// views show their data map), in windows that alternate with as many with
// the window hidden (training's speed without frames). Returns the times,
// or sets *error.
FrameTimes measure_frames(MainWindow& window, const QString& preset, double seconds, QString* error);

// Milliseconds since this process started (from /proc, 10 ms resolution).
double ms_since_process_start();

}  // namespace gs::studio
