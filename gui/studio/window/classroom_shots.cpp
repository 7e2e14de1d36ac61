// Scripted classroom pictures.
#include "window/classroom_shots.h"

#include <QDockWidget>
#include <QPixmap>
#include <cmath>

#include "bridge/session_bridge.h"
#include "canvas/draw_data.h"
#include "canvas/step_through.h"
#include "canvas/step_through_panel.h"
#include "window/classroom.h"
#include "window/lesson_player.h"
#include "window/main_window.h"
#include "window/scripted_run.h"

namespace gs::studio {

namespace {

QString opened(MainWindow& w, const QString& preset) {
    if (!w.open_preset(preset)) return QStringLiteral("cannot open %1").arg(preset);
    if (!wait_for([&] { w.refresh_now(); return !w.bridge()->is_loading() && w.bridge()->has_session(); }, 60000))
        return QStringLiteral("%1 did not load").arg(preset);
    return {};
}

QString trained(MainWindow& w, long steps) {
    const long target = w.bridge()->steps_done() + steps;
    if (!w.bridge()->step(steps)) return QStringLiteral("cannot train");
    if (!wait_for([&] { w.refresh_now(); return w.bridge()->snapshot() && w.bridge()->snapshot()->step == target; },
                  120000))
        return QStringLiteral("training did not finish");
    return {};
}

QString save(QWidget& widget, const QString& png) {
    if (!widget.grab().save(png, "PNG")) return QStringLiteral("cannot write %1").arg(png);
    return {};
}

QString step_shot(MainWindow& w, const QString& png, QSize size) {
    if (QString e = opened(w, QStringLiteral("xor-sigmoid")); !e.isEmpty()) return e;
    if (QString e = trained(w, 200); !e.isEmpty()) return e;
    Classroom* c = w.classroom();
    QDockWidget* dock = c->step_dock();
    dock->setFloating(true);
    dock->resize(size);
    if (!c->start_step_through()) return QStringLiteral("the step-through was refused");
    StepThroughView* v = c->step_through()->view();
    if (!wait_for([&] { w.refresh_now(); return v->trace() != nullptr; }, 30000)) return QStringLiteral("no trace");
    wait_for([] { return false; }, 200);  // layout
    // The loss, one example, the output neuron hovered: z, a and the loss
    // with that step's numbers.
    for (int i = 0; i < v->phase_count(); ++i) {
        v->set_phase(i);
        if (v->phase().kind == StepPhase::Loss) break;
    }
    const int last = static_cast<int>(v->trace()->layers.size()) - 1;
    const QStringList lines = v->hover_at(v->neuron_center(last, 0));
    v->hover(v->neuron_center(last, 0));
    if (lines.isEmpty()) return QStringLiteral("nothing to hover");
    return save(*dock, png);
}

QString draw_shot(MainWindow& w, const QString& png, QSize size) {
    w.resize(size);
    if (QString e = opened(w, QStringLiteral("spiral-tanh")); !e.isEmpty()) return e;
    Classroom* c = w.classroom();
    c->draw_dock()->show();
    c->draw_dock()->raise();
    DataDrawer* d = c->drawer();
    d->set_data_spec(w.current_project().spec.data);
    d->plane()->set_points({});
    wait_for([] { return false; }, 200);
    const float centres[4][2] = {{-3, -3}, {3, -3}, {-3, 3}, {3, 3}};
    for (int k = 0; k < 4; ++k) {
        d->set_class(k);
        for (int i = 0; i < 40; ++i) {
            const float r = 0.35f + 1.1f * std::fmod(i * 0.618f, 1.0f), t = i * 2.4f;
            d->plane()->add_at(d->plane()->to_widget(centres[k][0] + r * std::cos(t), centres[k][1] + r * std::sin(t)));
        }
    }
    w.apply_classroom_data(d->data_spec());
    if (!wait_for([&] { w.refresh_now(); return !w.bridge()->is_loading() && w.bridge()->has_session(); }, 60000))
        return QStringLiteral("the drawn set did not load");
    if (QString e = trained(w, 400); !e.isEmpty()) return e;
    // Showing the drawer's dock shrinks the window (to 886 pixels wide for
    // 1280x720): the picture is of the size asked for.
    w.resize(size);
    wait_for([] { return false; }, 300);
    w.refresh_now();
    return save(w, png);
}

QString lesson_shot(MainWindow& w, const QString& png, QSize size) {
    w.resize(size);
    w.show();
    w.set_presentation(true, /*full_screen=*/false);
    LessonPlayer* p = w.classroom()->lessons();
    p->set_full_speed(true);
    if (!p->open(QStringLiteral("why-depth"))) return p->error();
    if (!wait_for([&] { w.refresh_now(); return p->step_done(); }, 60000)) return QStringLiteral("step 1 did not finish");
    p->next();
    if (!wait_for([&] { w.refresh_now(); return p->step_done() || p->step_exhausted(); }, 120000))
        return QStringLiteral("step 2 did not finish");
    wait_for([] { return false; }, 300);
    w.refresh_now();
    return save(w, png);
}

}  // namespace

QString classroom_screenshot(MainWindow& window, const QString& what, const QString& png, QSize size) {
    window.resize(size);
    window.show();
    if (what == QLatin1String("step")) return step_shot(window, png, size);
    if (what == QLatin1String("draw")) return draw_shot(window, png, size);
    if (what == QLatin1String("lesson")) return lesson_shot(window, png, size);
    return QStringLiteral("--classroom-shot wants step, draw or lesson, not %1").arg(what);
}

}  // namespace gs::studio
