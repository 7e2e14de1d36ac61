// Forks, the runs panel and races in the studio, on the offscreen platform:
// the fork dialog puts only what was changed into the fork; a fork made
// from a scrubbed step starts there and trains on; the runs panel shows,
// hides, renames, deletes and activates runs, the curves overlay the
// visible ones and the views follow the active one; a race of three forks
// takes matched step counts and gets a canvas per run; the toolbar's Play
// (Space), Step and Epoch drive the active run; a fork of a fork starts at
// the fork's settings; opening a saved project rebuilds its tree of runs.
#include <QCheckBox>
#include <QDir>
#include <QComboBox>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QDoubleSpinBox>
#include <QPushButton>
#include <QToolButton>
#include <QRegularExpression>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTreeWidget>
#include <QThread>
#include <QtTest>
#include <climits>
#include <functional>

#include "bridge/run_family.h"
#include "bridge/session_bridge.h"
#include "canvas/network_canvas.h"
#include "gradscope/error.h"
#include "gradscope/io.h"
#include "gradscope/presets.h"
#include "project/run_tree.h"
#include "plots/run_overlay.h"
#include "window/fork_dialog.h"
#include "window/main_window.h"
#include "window/race_view.h"
#include "window/runs_panel.h"
#include "window/scripted_run.h"
#include "window/time_travel.h"
#include "window/timeline.h"
#include "window/training_controls.h"

using namespace gs::studio;

namespace {

bool ready(MainWindow& w) {
    return wait_for([&] { return !w.bridge()->is_loading() && w.bridge()->has_session(); }, 60000);
}

bool settled(MainWindow& w, uint32_t id, long steps) {
    RunFamily* f = w.time_travel()->family();
    return wait_for(
        [&] {
            w.refresh_now();
            const gs::TelemetryStore* s = f->store(id);
            return f->steps_done(id) >= steps && f->state(id) != gs::SessionState::Running && s &&
                   s->last_step().step >= steps;
        },
        120000);
}

// spiral-tanh in a shown window, trained `steps` steps on its first run.
bool trained(MainWindow& w, long steps) {
    w.show();
    return w.open_preset(QStringLiteral("spiral-tanh")) && ready(w) && w.bridge()->step(steps) &&
           settled(w, 0, steps);
}

}  // namespace

class TestRuns : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void the_fork_dialog_changes_only_what_was_changed() {
        gs::ModelSpec s = gs::load_preset("spiral-tanh");
        ForkDialog same(s, QStringLiteral("spiral"), 10);
        const gs::ForkSpec none = same.changes();
        QVERIFY(!none.lr && !none.optimizer && !none.batch_size && !none.weight_decay && !none.schedule && !none.noise);
        ForkDialog d(s, QStringLiteral("spiral"), 10);
        d.lr()->setValue(s.optimizer.lr * 2);
        d.optimizer()->setCurrentIndex(d.optimizer()->findData(QStringLiteral("adam")));
        d.batch_size()->setValue(s.batch_size * 2);
        d.weight_decay()->setValue(0.001);
        d.schedule()->setCurrentIndex(d.schedule()->findData(QStringLiteral("cosine")));
        d.noise()->setValue(s.data.noise + 0.1);
        const gs::ForkSpec f = d.changes();
        QVERIFY(f.lr && f.optimizer && f.batch_size && f.weight_decay && f.schedule && f.noise);
        QCOMPARE(*f.lr, static_cast<float>(s.optimizer.lr * 2));
        QCOMPARE(f.optimizer->type, std::string("adam"));
        QCOMPARE(*f.batch_size, s.batch_size * 2);
        QCOMPARE(f.schedule->type, std::string("cosine"));
    }

    void a_fork_from_a_scrubbed_step_trains_on_and_the_runs_panel_manages_it() {
        MainWindow w;
        w.resize(1400, 900);
        QVERIFY(trained(w, 60));
        TimeTravel* tt = w.time_travel();
        RunFamily* f = tt->family();
        QCOMPARE(tt->runs_panel()->list()->topLevelItemCount(), 1);  // the first run, as soon as it loads
        tt->scrub_to(30);
        gs::ForkSpec change;
        change.lr = w.bridge()->spec().optimizer.lr * 3;
        uint32_t id = 0;
        QVERIFY(tt->fork_here(change, &id));
        QCOMPARE(f->info(id).fork_step, 30L);
        QCOMPARE(f->info(id).parent, 0u);
        QCOMPARE(f->steps_done(0), 60L);  // the original stays as it was
        QVERIFY(f->step(id, 20));
        QVERIFY(settled(w, id, 50));
        QCOMPARE(f->steps_done(id), 50L);
        QCOMPARE(f->store(id)->loss().total_added(), size_t{20});

        // The panel: a row per run, in its colour, checked when shown.
        RunsPanel* panel = tt->runs_panel();
        QCOMPARE(panel->list()->topLevelItemCount(), 2);
        QTreeWidgetItem* row = panel->item_of(id);
        QVERIFY(row);
        QCOMPARE(row->text(0), QString::fromStdString(f->info(id).name));
        QCOMPARE(row->text(1), QStringLiteral("50"));
        // The curves overlay the visible fork.
        QCOMPARE(tt->overlay()->run_count(), 1);
        QCOMPARE(tt->overlay()->loss_points(id), 20);
        row->setCheckState(0, Qt::Unchecked);  // hide it
        QVERIFY(!f->visible(id));
        QCOMPARE(tt->overlay()->run_count(), 0);
        row = panel->item_of(id);
        row->setCheckState(0, Qt::Checked);
        QCOMPARE(tt->overlay()->run_count(), 1);
        // Rename, as editing the name does.
        panel->item_of(id)->setText(0, QStringLiteral("three times the rate"));
        QCOMPARE(f->info(id).name, std::string("three times the rate"));
        // Make active: the views follow it.
        panel->select_run(id);
        QTest::mouseClick(panel->activate_button(), Qt::LeftButton);
        QCOMPARE(f->active(), id);
        QVERIFY(tt->views_taken());
        QVERIFY(wait_for([&] {
            w.refresh_now();
            return w.canvas()->snapshot_step() == 50;
        }, 30000));
        QCOMPARE(tt->timeline()->last(), 50L);
        QCOMPARE(tt->timeline()->first(), 30L);
        // Delete: the root is active again and the views show it.
        panel->select_run(id);
        QTest::mouseClick(panel->delete_button(), Qt::LeftButton);
        QCOMPARE(f->ids().size(), size_t{1});
        QCOMPARE(f->active(), 0u);
        QCOMPARE(panel->list()->topLevelItemCount(), 1);
        QCOMPARE(tt->overlay()->run_count(), 0);
        QVERIFY(wait_for([&] {
            w.refresh_now();
            return w.canvas()->snapshot_step() == 60;
        }, 30000));
        // The root cannot be deleted.
        panel->select_run(0);
        QTest::mouseClick(panel->delete_button(), Qt::LeftButton);
        QCOMPARE(f->ids().size(), size_t{1});
    }

    void the_first_run_s_steps_follow_training_a_few_times_a_second() {
        // Every tick of a training run asks for the counts; they are shown at
        // most every kCountsEveryMs, the newest always in the end, and a
        // run that starts or stops at once. (The steps below between two
        // updates take far less than kCountsEveryMs; no events run there.)
        MainWindow w;
        w.resize(1400, 900);
        QVERIFY(trained(w, 60));
        RunsPanel* panel = w.time_travel()->runs_panel();
        RunFamily* f = w.time_travel()->family();
        QTreeWidgetItem* row = panel->item_of(0);
        QVERIFY(row);
        QTRY_COMPARE(row->text(1), QStringLiteral("60"));
        auto wait_without_events = [&](const std::function<bool()>& done) {
            for (int i = 0; i < 5000 && !done(); ++i) QThread::msleep(1);
            return done();
        };
        panel->update_states();
        QVERIFY(w.bridge()->step(100000));
        QVERIFY(wait_without_events([&] { return f->state(0) == gs::SessionState::Running; }));
        panel->update_states_soon();  // started: at once
        QCOMPARE(row->text(2), QStringLiteral("running · active"));
        QVERIFY(!panel->states_due());
        const QString shown = row->text(1);
        QVERIFY(wait_without_events([&] { return QStringLiteral("%L1").arg(f->steps_done(0)) != shown; }));
        panel->update_states_soon();  // only the count is new: it waits
        QVERIFY(panel->states_due());
        QCOMPARE(row->text(1), shown);
        QTRY_VERIFY(row->text(1) != shown);  // then shown, with no one asking again
        QVERIFY(w.bridge()->pause());
        QVERIFY(f->wait_until_settled(0, 30));
        panel->update_states_soon();  // stopped: at once, with its last count
        QCOMPARE(row->text(2), QStringLiteral("paused · active"));
        QCOMPARE(row->text(1), QStringLiteral("%L1").arg(f->steps_done(0)));
        QVERIFY(!panel->states_due());
    }

    void play_and_step_drive_the_active_run() {
        MainWindow w;
        w.resize(1400, 900);
        QVERIFY(trained(w, 20));
        TimeTravel* tt = w.time_travel();
        RunFamily* f = tt->family();
        uint32_t id = 0;
        QVERIFY(tt->fork_here(gs::ForkSpec{}, &id));
        RunsPanel* panel = tt->runs_panel();
        panel->select_run(id);
        QTest::mouseClick(panel->activate_button(), Qt::LeftButton);
        QCOMPARE(f->active(), id);
        // Step: the fork takes it, the first run stays where it was.
        w.controls()->step_action()->trigger();
        QVERIFY(settled(w, id, 21));
        QCOMPARE(f->steps_done(id), 21L);
        QCOMPARE(f->steps_done(0), 20L);
        w.controls()->step_epoch_action()->trigger();
        QVERIFY(settled(w, id, 25));  // 25 steps an epoch: to its end
        QCOMPARE(f->steps_done(id), 25L);
        QCOMPARE(f->steps_done(0), 20L);
        // Space: the fork plays and Play says Pause; Space again pauses it.
        QTest::keyClick(&w, Qt::Key_Space);
        QVERIFY(wait_for([&] {
            w.refresh_now();
            return f->state(id) == gs::SessionState::Running && f->steps_done(id) > 25;
        }, 30000));
        w.refresh_now();  // the toolbar hears of the fork's state on the family's tick
        QCOMPARE(w.controls()->play_action()->text(), QStringLiteral("Pause"));
        QCOMPARE(w.bridge()->state(), gs::SessionState::Paused);
        QTest::keyClick(&w, Qt::Key_Space);
        QVERIFY(wait_for([&] {
            w.refresh_now();
            return f->state(id) == gs::SessionState::Paused;
        }, 30000));
        w.refresh_now();
        QCOMPARE(w.controls()->play_action()->text(), QStringLiteral("Play"));
        QVERIFY(f->steps_done(id) > 25);
        QCOMPARE(f->steps_done(0), 20L);
        // The first run active again: Step is its own.
        panel->select_run(0);
        QTest::mouseClick(panel->activate_button(), Qt::LeftButton);
        QVERIFY(f->wait_until_settled(id, 30));  // its step in flight, if any, done
        const long fork_steps = f->steps_done(id);
        w.controls()->step_action()->trigger();
        QVERIFY(settled(w, 0, 21));
        QCOMPARE(f->steps_done(0), 21L);
        QCOMPARE(f->steps_done(id), fork_steps);
    }

    void a_race_runs_three_forks_at_matched_steps_with_a_canvas_each() {
        MainWindow w;
        w.resize(1400, 900);
        QVERIFY(trained(w, 25));
        TimeTravel* tt = w.time_travel();
        RunFamily* f = tt->family();
        std::vector<gs::ForkSpec> forks(3);
        const float lr = w.bridge()->spec().optimizer.lr;
        forks[0].lr = lr * 0.3f;
        forks[1].lr = lr;
        forks[2].lr = lr * 3;
        QVERIFY(tt->race_here(forks, 40));
        const std::vector<uint32_t> racers = f->racers();
        QCOMPARE(racers.size(), size_t{3});
        // (That they take their steps in turn is the engine's test,
        // RunGroup.RacingRunsEachTakeExactlyTheirShareInTurn; here: each gets
        // exactly its share, from the same step.)
        for (uint32_t id : racers) QVERIFY(settled(w, id, 65));
        for (uint32_t id : racers) {
            QCOMPARE(f->steps_done(id), 65L);
            QCOMPARE(f->info(id).fork_step, 25L);
        }
        QCOMPARE(f->steps_done(0), 25L);
        // A canvas per run, each showing its run's newest snapshot.
        RaceView* race = tt->race_view();
        QCOMPARE(race->canvas_count(), 3);
        QVERIFY(race->isVisible());  // in the canvas's place
        QVERIFY(!w.canvas()->isVisible());
        QVERIFY(wait_for([&] {
            w.refresh_now();
            for (int i = 0; i < 3; ++i)
                if (race->canvas(i)->snapshot_step() != 65) return false;
            return true;
        }, 30000));
        for (int i = 0; i < 3; ++i) {
            QCOMPARE(race->run(i), racers[static_cast<size_t>(i)]);
            QVERIFY(race->canvas(i)->decision_boundary_drawn());
            QVERIFY(race->title(i).contains(QString::fromStdString(f->info(racers[static_cast<size_t>(i)]).name)));
        }
        // Train one on: the race goes on, all three on the same rounds; pause
        // one: all three pause, at most a step apart (each takes one a round).
        QVERIFY(f->play(racers[0]));
        for (uint32_t id : racers) QCOMPARE(f->state(id), gs::SessionState::Running);
        QVERIFY(wait_for([&] {
            w.refresh_now();
            for (uint32_t id : racers)
                if (f->steps_done(id) < 80) return false;
            return true;
        }, 60000));
        QVERIFY(f->pause(racers[2]));
        long lo = LONG_MAX, hi = 0;
        for (uint32_t id : racers) {
            QVERIFY(f->wait_until_settled(id, 30));
            QCOMPARE(f->state(id), gs::SessionState::Paused);
            lo = std::min(lo, f->steps_done(id));
            hi = std::max(hi, f->steps_done(id));
        }
        QVERIFY2(hi - lo <= 1, qPrintable(QStringLiteral("%1 to %2 steps").arg(lo).arg(hi)));
        for (uint32_t id : racers) QVERIFY(settled(w, id, f->steps_done(id)));
        // The curves overlay all three.
        QCOMPARE(tt->overlay()->run_count(), 3);
        emit race->closeRequested();  // "Back to one network"
        QVERIFY(w.canvas()->isVisible());
        // Four at most.
        QVERIFY(!tt->race_here(std::vector<gs::ForkSpec>(5), 10));
    }

    void a_fork_of_a_fork_starts_at_the_fork_s_settings() {
        MainWindow w;
        QVERIFY(trained(w, 20));
        TimeTravel* tt = w.time_travel();
        RunFamily* f = tt->family();
        const float lr = w.bridge()->spec().optimizer.lr;
        const int batch = w.bridge()->spec().batch_size;
        gs::ForkSpec change;
        change.lr = lr * 3;
        change.batch_size = batch * 2;
        change.optimizer = w.bridge()->spec().optimizer;
        change.optimizer->type = "adam";
        uint32_t a = 0;
        QVERIFY(tt->fork_here(change, &a));
        QVERIFY(f->make_active(a));
        QVERIFY(f->step(a, 5));
        QVERIFY(settled(w, a, 25));
        // The dialog starts at the fork's settings, not the first run's.
        std::unique_ptr<ForkDialog> d = tt->make_fork_dialog();
        QCOMPARE(static_cast<float>(d->lr()->value()), lr * 3);
        QCOMPARE(d->batch_size()->value(), batch * 2);
        QCOMPARE(d->optimizer()->currentData().toString(), QStringLiteral("adam"));
        const gs::ForkSpec none = d->changes();
        QVERIFY(!none.lr && !none.optimizer && !none.batch_size);
        // Forked as it stands, the fork of the fork changes nothing of its parent.
        uint32_t b = 0;
        QVERIFY(tt->fork_here(none, &b));
        QCOMPARE(f->info(b).parent, a);
        QCOMPARE(f->info(b).fork_step, 25L);
        QVERIFY(f->step(b, 1));
        QVERIFY(settled(w, b, 26));
        QVERIFY2(f->info(b).changes.empty(), gs::describe_changes(f->info(b).changes).c_str());
        // The first run's dialog shows its own settings again.
        QVERIFY(f->make_active(0));
        d = tt->make_fork_dialog();
        QCOMPARE(static_cast<float>(d->lr()->value()), lr);
        QCOMPARE(d->batch_size()->value(), batch);
    }

    void opening_a_project_rebuilds_its_tree_of_runs() {
        QTemporaryDir dir;
        const QString with_states = dir.filePath(QStringLiteral("states.gradscope"));
        const QString tree_only = dir.filePath(QStringLiteral("tree.gradscope"));
        std::vector<gs::RunInfo> infos;
        std::vector<long> steps;
        std::vector<bool> shown;
        std::vector<float> weights_a;  // fork a's first weights at its newest step
        {
            MainWindow w;
            w.show();
            QVERIFY(w.open_preset(QStringLiteral("spiral-tanh")));
            QVERIFY(ready(w));
            QVERIFY(w.bridge()->step(30));
            TimeTravel* tt = w.time_travel();
            RunFamily* f = tt->family();
            QVERIFY(settled(w, 0, 30));
            tt->scrub_to(10);
            gs::ForkSpec faster;
            faster.lr = w.bridge()->spec().optimizer.lr * 3;
            uint32_t a = 0;
            QVERIFY(tt->fork_here(faster, &a));
            tt->go_live();
            QVERIFY(f->step(a, 15));
            QVERIFY(settled(w, a, 25));
            QVERIFY(f->make_active(a));  // a fork of the fork, at its step 25
            gs::ForkSpec larger;
            larger.batch_size = 20;
            uint32_t b = 0;
            QVERIFY(tt->fork_here(larger, &b));
            QVERIFY(f->step(b, 5));
            QVERIFY(settled(w, b, 30));
            QVERIFY(f->make_active(0));
            QVERIFY(f->rename(a, QStringLiteral("three times the rate")));
            f->set_visible(b, false);
            QVERIFY(wait_for([&] {
                w.refresh_now();
                return f->snapshot(a) && f->snapshot(a)->step == 25 && !f->info(b).changes.empty();
            }, 30000));
            QVERIFY(!f->snapshot(a)->weights.empty());
            weights_a = f->snapshot(a)->weights[0];
            for (uint32_t id : f->ids()) {
                infos.push_back(f->info(id));
                steps.push_back(f->steps_done(id));
                shown.push_back(f->visible(id));
            }
            QString why;
            tt->runs_panel()->save_states_box()->setChecked(true);
            QVERIFY2(w.save_project_as(with_states, &why, true), qPrintable(why));
            for (const RunTreeEntry& e : load_run_tree(run_tree_path(with_states))) {  // written between steps
                const QString file = dir.filePath(QString::fromStdString(e.checkpoint));
                QVERIFY(wait_for([&] { w.refresh_now(); return QFileInfo(file).size() > 0; }, 30000));
            }
            tt->runs_panel()->save_states_box()->setChecked(false);
            QVERIFY2(w.save_project_as(tree_only, &why, true), qPrintable(why));
        }
        QCOMPARE(infos.size(), size_t{3});
        // Opened again: the same tree, each fork from its saved state.
        MainWindow w;
        w.show();
        QString why;
        QVERIFY2(w.open_project(with_states, &why), qPrintable(why));
        RunFamily* f = w.time_travel()->family();
        QVERIFY(wait_for([&] {
            w.refresh_now();
            return !w.bridge()->is_loading() && f->ids().size() == 3 && f->steps_done(0) == 30;
        }, 60000));
        QVERIFY2(w.banner_text().isEmpty(), qPrintable(w.banner_text()));
        const std::vector<uint32_t> ids = f->ids();
        QCOMPARE(w.time_travel()->runs_panel()->list()->topLevelItemCount(), 3);
        for (size_t i = 0; i < 3; ++i) {
            const gs::RunInfo now = f->info(ids[i]);
            QCOMPARE(now.name, infos[i].name);
            QCOMPARE(now.fork_step, infos[i].fork_step);
            QCOMPARE(now.changes, infos[i].changes);
            QCOMPARE(now.colour, infos[i].colour);
            QCOMPARE(f->steps_done(ids[i]), steps[i]);
            QCOMPARE(f->visible(ids[i]), shown[i]);
            QVERIFY(f->has(ids[i]));
        }
        QCOMPARE(f->info(ids[1]).parent, 0u);
        QCOMPARE(f->info(ids[2]).parent, ids[1]);  // b is a's fork
        QVERIFY(w.time_travel()->runs_panel()->save_states_box()->isChecked());
        // Fork a's state is the one it had: its weights, and it trains on.
        QVERIFY(wait_for([&] {
            w.refresh_now();
            return f->snapshot(ids[1]) && f->snapshot(ids[1])->step == 25;
        }, 30000));
        QCOMPARE(f->snapshot(ids[1])->weights[0], weights_a);
        QVERIFY(f->step(ids[1], 5));
        QVERIFY(settled(w, ids[1], 30));

        // Saved without states: the tree is listed, the forks cannot train.
        MainWindow v;
        v.show();
        QVERIFY2(v.open_project(tree_only, &why), qPrintable(why));
        RunFamily* g = v.time_travel()->family();
        QVERIFY(wait_for([&] {
            v.refresh_now();
            return !v.bridge()->is_loading() && g->ids().size() == 3 && g->steps_done(0) == 30;
        }, 60000));
        const std::vector<uint32_t> listed = g->ids();
        for (size_t i = 1; i < 3; ++i) {
            QVERIFY(g->listed_only(listed[i]));
            QCOMPARE(g->info(listed[i]).name, infos[i].name);
            QCOMPARE(g->info(listed[i]).fork_step, infos[i].fork_step);
            QCOMPARE(g->info(listed[i]).changes, infos[i].changes);
            QCOMPARE(g->steps_done(listed[i]), steps[i]);
        }
        QCOMPARE(g->info(listed[2]).parent, listed[1]);
        RunsPanel* panel = v.time_travel()->runs_panel();
        QCOMPARE(panel->item_of(listed[1])->text(2), QStringLiteral("no state"));
        if (qEnvironmentVariableIsSet("GS_SCREENSHOT_DIR"))  // to look at
            panel->grab().save(QDir(qEnvironmentVariable("GS_SCREENSHOT_DIR")).filePath(QStringLiteral("runs-listed.png")));
        QVERIFY(!g->make_active(listed[1]));
        QVERIFY(!g->step(listed[1], 1));
        QCOMPARE(g->active(), 0u);
        // Saved again, the tree stays whole.
        QVERIFY2(v.save_project_as(tree_only, &why), qPrintable(why));
        QCOMPARE(load_run_tree(run_tree_path(tree_only)).size(), size_t{3});
    }

    void a_project_saves_the_run_tree_and_a_past_step_saves_as_a_checkpoint() {
        QTemporaryDir dir;
        MainWindow w;
        QVERIFY(trained(w, 30));
        TimeTravel* tt = w.time_travel();
        RunFamily* f = tt->family();
        // Save this step as checkpoint: step 12, scrubbed to.
        tt->scrub_to(12);
        const QString ckpt = dir.filePath(QStringLiteral("step12.safetensors"));
        QVERIFY(tt->save_checkpoint_here(ckpt));
        QVERIFY(wait_for([&] { w.refresh_now(); return QFileInfo(ckpt).size() > 0; }, 30000));
        QCOMPARE(gs::checkpoint_metadata(ckpt.toStdString()).at("step"), std::string("12"));
        // A fork, then the project: the tree goes beside it.
        gs::ForkSpec change;
        change.batch_size = 8;
        uint32_t id = 0;
        QVERIFY(tt->fork_here(change, &id));
        f->set_visible(id, false);
        QVERIFY(wait_for([&] { w.refresh_now(); return !f->info(id).changes.empty(); }, 30000));
        // The size of the states is shown before saving; tick it to save them.
        QCheckBox* box = tt->runs_panel()->save_states_box();
        QVERIFY2(box->text().contains(QRegularExpression(QStringLiteral("\\([0-9.]+ [KM]B\\)"))), qPrintable(box->text()));
        QVERIFY2(!box->text().contains(QStringLiteral("(0.0 ")), qPrintable(box->text()));
        box->setChecked(true);
        const QString project = dir.filePath(QStringLiteral("p.gradscope"));
        QString why;
        QVERIFY2(w.save_project_as(project, &why), qPrintable(why));
        const std::vector<RunTreeEntry> tree = load_run_tree(run_tree_path(project));
        QCOMPARE(tree.size(), size_t{2});
        QCOMPARE(tree[0].info.name, f->info(0).name);
        QCOMPARE(tree[0].steps, 30L);
        QVERIFY(tree[0].visible);
        QCOMPARE(tree[1].info.parent, 0u);
        QCOMPARE(tree[1].info.fork_step, 12L);
        QCOMPARE(tree[1].info.changes, f->info(id).changes);
        QVERIFY(!tree[1].visible);
        for (const RunTreeEntry& e : tree) {
            const QString file = dir.filePath(QString::fromStdString(e.checkpoint));
            QVERIFY(wait_for([&] { w.refresh_now(); return QFileInfo(file).size() > 0; }, 30000));
            QCOMPARE(gs::checkpoint_metadata(file.toStdString()).at("step"), std::to_string(e.steps));
        }
        // A tree that is not one is refused with the reason.
        QVERIFY_THROWS_EXCEPTION(gs::Error, run_tree_from_json("{\"format\": \"gradscope-runs-1\", \"runs\": [{\"id\": -3}]}"));
    }
};

QTEST_MAIN(TestRuns)
#include "test_runs.moc"
