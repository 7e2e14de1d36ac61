// Forks, the runs panel and races in the studio, on the offscreen platform:
// the fork dialog puts only what was changed into the fork; a fork made
// from a scrubbed step starts there and trains on; the runs panel shows,
// hides, renames, deletes and activates runs, the curves overlay the
// visible ones and the views follow the active one; a race of three forks
// takes matched step counts and gets a canvas per run.
#include <QCheckBox>
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
#include <QtTest>

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
        w.show();
        QVERIFY(w.open_preset(QStringLiteral("spiral-tanh")));
        QVERIFY(ready(w));
        QVERIFY(w.bridge()->step(60));
        TimeTravel* tt = w.time_travel();
        RunFamily* f = tt->family();
        QVERIFY(settled(w, 0, 60));
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

    void a_race_runs_three_forks_at_matched_steps_with_a_canvas_each() {
        MainWindow w;
        w.resize(1400, 900);
        w.show();
        QVERIFY(w.open_preset(QStringLiteral("spiral-tanh")));
        QVERIFY(ready(w));
        QVERIFY(w.bridge()->step(25));
        TimeTravel* tt = w.time_travel();
        RunFamily* f = tt->family();
        QVERIFY(settled(w, 0, 25));
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
        // The curves overlay all three.
        QCOMPARE(tt->overlay()->run_count(), 3);
        emit race->closeRequested();  // "Back to one network"
        QVERIFY(w.canvas()->isVisible());
        // Four at most.
        QVERIFY(!tt->race_here(std::vector<gs::ForkSpec>(5), 10));
    }

    void a_project_saves_the_run_tree_and_a_past_step_saves_as_a_checkpoint() {
        QTemporaryDir dir;
        MainWindow w;
        w.show();
        QVERIFY(w.open_preset(QStringLiteral("spiral-tanh")));
        QVERIFY(ready(w));
        QVERIFY(w.bridge()->step(30));
        TimeTravel* tt = w.time_travel();
        RunFamily* f = tt->family();
        QVERIFY(settled(w, 0, 30));
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
