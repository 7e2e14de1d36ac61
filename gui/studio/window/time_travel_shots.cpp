// Screenshots of a scrubbed view and of a race.
#include "window/time_travel_shots.h"

#include <QDockWidget>
#include <QPixmap>

#include "bridge/run_family.h"
#include "bridge/session_bridge.h"
#include "window/main_window.h"
#include "window/race_view.h"
#include "canvas/network_canvas.h"
#include "window/scripted_run.h"
#include "views/learned_views.h"
#include "window/time_travel.h"

namespace gs::studio {

QString time_travel_screenshot(MainWindow& window, const QString& preset, long steps, const QString& png,
                               QSize size, long scrub_to, long race_steps, const QString& view) {
    if (QString e = screenshot_run(window, preset, steps, png, size); !e.isEmpty()) return e;
    TimeTravel* tt = window.time_travel();
    RunFamily* f = tt->family();
    if (scrub_to >= 0) {
        tt->scrub_to(scrub_to, true);
        if (!wait_for([&] {
                window.refresh_now();
                return f->past() && f->past()->step == scrub_to;
            }, 60000))
            return QStringLiteral("step %1 was never shown").arg(scrub_to);
    }
    if (race_steps > 0) {
        tt->go_live();
        const float lr = window.bridge()->spec().optimizer.lr;
        std::vector<ForkSpec> forks(3);
        const double k[3] = {0.3, 1.0, 3.0};
        for (size_t i = 0; i < 3; ++i) {
            forks[i].lr = static_cast<float>(QString::number(lr * k[i], 'g', 3).toDouble());
            forks[i].name = "lr " + gs::short_number(*forks[i].lr);
        }
        if (auto r = tt->race_here(forks, race_steps); !r) return QString::fromStdString(r.reason);
        const long want = window.bridge()->steps_done() + race_steps;
        if (!wait_for([&] {
                window.refresh_now();
                for (int i = 0; i < tt->race_view()->canvas_count(); ++i)
                    if (tt->race_view()->canvas(i)->snapshot_step() != want) return false;
                return true;
            }, 600000))
            return QStringLiteral("the race did not reach step %1 in time").arg(want);
    }
    if (!view.isEmpty()) {
        if (!window.learned_views()->show_tab(view))
            return QStringLiteral("--view wants confusion, mistakes, histograms or datamap, not %1").arg(view);
        if (auto* dock = window.findChild<QDockWidget*>(QStringLiteral("dock_learned"))) dock->raise();
    }
    window.refresh_now();
    wait_for([] { return false; }, 300);
    window.refresh_now();
    if (!window.grab().save(png, "PNG")) return QStringLiteral("cannot write %1").arg(png);
    return {};
}

}  // namespace gs::studio
