// Never lose work: Quit, New, Open and presets ask before discarding
// unsaved work (the question answered here without a dialog), nothing is
// asked when there is nothing to lose, and a project saved with its run
// reopens where the class left off: the step, the epoch, the curves and
// the trained weights.
#include <QAction>
#include <QFileInfo>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

#include "bridge/session_bridge.h"
#include "canvas/network_canvas.h"
#include "plots/training_plot.h"
#include "project/project.h"
#include "window/main_window.h"
#include "window/scripted_run.h"
#include "window/training_controls.h"

using namespace gs::studio;

namespace {

bool ready(MainWindow& w) {
    return wait_for([&] { return !w.bridge()->is_loading() && w.bridge()->has_session(); }, 60000);
}

bool trained(MainWindow& w, long steps) {
    SessionBridge* b = w.bridge();
    return wait_for(
        [&] {
            w.refresh_now();
            return b->steps_done() >= steps && b->state() != gs::SessionState::Running &&
                   static_cast<long>(b->store().loss().total_added()) >= steps;
        },
        120000);
}

// Counts the questions and answers them with `answer`.
struct Asker {
    explicit Asker(QMessageBox::StandardButton a) : answer(a) {}
    QMessageBox::StandardButton answer;
    int asked = 0;
    QString last;
    MainWindow::DiscardQuestion fn() {
        return [this](const QString& what) {
            ++asked;
            last = what;
            return answer;
        };
    }
};

}  // namespace

class TestKeepWork : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        QSettings().clear();
    }

    void cancel_keeps_the_work() {
        MainWindow w;
        w.show();
        Asker ask{QMessageBox::Cancel};
        w.set_discard_question(ask.fn());
        QVERIFY(w.open_preset(QStringLiteral("spiral-tanh")));
        QCOMPARE(ask.asked, 0);  // nothing to lose yet
        QVERIFY(ready(w));
        QVERIFY(!w.is_modified());
        QVERIFY(w.bridge()->step(50));
        QVERIFY(trained(w, 50));
        QVERIFY(w.is_modified());
        QVERIFY(w.isWindowModified());
        QVERIFY(!w.open_preset(QStringLiteral("xor-sigmoid")));
        QCOMPARE(ask.asked, 1);
        QCOMPARE(w.bridge()->steps_done(), 50L);
        QCOMPARE(w.bridge()->spec().name, std::string("spiral-tanh"));
        // New (Ctrl+N) and Quit ask too, and Cancel keeps the window.
        for (QAction* a : w.findChildren<QAction*>())
            if (a->text() == QStringLiteral("&New")) a->trigger();
        QCOMPARE(ask.asked, 2);
        QCOMPARE(w.bridge()->spec().name, std::string("spiral-tanh"));
        QVERIFY(!w.close());
        QVERIFY(w.isVisible());
        QCOMPARE(ask.asked, 3);
        QVERIFY(ask.last.contains(QStringLiteral("quit")));
    }

    void discard_asks_once_and_goes_on() {
        MainWindow w;
        w.show();
        Asker ask{QMessageBox::Discard};
        w.set_discard_question(ask.fn());
        QVERIFY(w.open_preset(QStringLiteral("spiral-tanh")));
        QVERIFY(ready(w));
        QVERIFY(w.bridge()->step(5));
        QVERIFY(trained(w, 5));
        QVERIFY(w.open_preset(QStringLiteral("xor-sigmoid")));
        QCOMPARE(ask.asked, 1);
        QCOMPARE(w.bridge()->spec().name, std::string("xor-sigmoid"));
        QVERIFY(!w.is_modified());
        // An edit of a hyperparameter is work too.
        auto* lr = w.controls()->findChild<QDoubleSpinBox*>(QStringLiteral("learning_rate"));
        lr->setValue(lr->value() * 2);
        QVERIFY(w.is_modified());
        QVERIFY(w.open_preset(QStringLiteral("spiral-tanh")));
        QCOMPARE(ask.asked, 2);
    }

    void save_answers_the_question_and_a_saved_project_is_not_modified() {
        QTemporaryDir dir;
        MainWindow w;
        w.show();
        Asker ask{QMessageBox::Save};
        w.set_discard_question(ask.fn());
        QVERIFY(w.open_preset(QStringLiteral("spiral-tanh")));
        QVERIFY(ready(w));
        const QString path = dir.filePath(QStringLiteral("s.gradscope"));
        QVERIFY(w.save_project_as(path));
        QVERIFY(!w.is_modified());
        QVERIFY(w.bridge()->step(30));
        QVERIFY(trained(w, 30));
        QVERIFY(w.is_modified());
        // Save (the project has a path): written with its run, then the preset opens.
        QVERIFY(w.open_preset(QStringLiteral("xor-sigmoid")));
        QCOMPARE(ask.asked, 1);
        const Project saved = load_project(path);
        QVERIFY(saved.run.has_value());
        QCOMPARE(saved.run->step, 30L);
    }

    void a_project_saved_with_its_run_reopens_where_the_class_left_off() {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("lesson.gradscope"));
        QString progress;
        {
            MainWindow w;
            w.show();
            QVERIFY(w.open_preset(QStringLiteral("spiral-tanh")));
            QVERIFY(ready(w));
            QVERIFY(w.bridge()->step(50));
            QVERIFY(trained(w, 50));
            QVERIFY(!w.run_size_text().isEmpty());
            QString why;
            QVERIFY2(w.save_project_as(path, &why, true), qPrintable(why));
            QVERIFY(QFileInfo::exists(dir.filePath(QStringLiteral("lesson.weights.safetensors"))));
            QVERIFY(!w.is_modified());
            progress = w.controls()->progress_text().section(QStringLiteral(" · "), 0, 1);  // "Epoch 2 · Step 50"
        }
        MainWindow v;
        v.show();
        QVERIFY(v.open_project(path));
        QVERIFY(ready(v));
        v.refresh_now();
        QCOMPARE(v.bridge()->steps_done(), 50L);
        QCOMPARE(v.training_plot()->train_point_count(), 50);
        QCOMPARE(v.controls()->progress_text().section(QStringLiteral(" · "), 0, 1), progress);
        QVERIFY(!v.is_modified());
        // The weights are the trained ones: it trains on from there.
        QVERIFY(v.bridge()->step(1));
        QVERIFY(trained(v, 51));
        QCOMPARE(v.training_plot()->train_point_count(), 51);
        // Without its weights file, the project still opens, and says so.
        QFile::remove(dir.filePath(QStringLiteral("lesson.weights.safetensors")));
        MainWindow u;
        u.show();
        QVERIFY(u.open_project(path));
        QVERIFY(ready(u));
        QVERIFY2(u.banner_text().contains(QStringLiteral("missing")), qPrintable(u.banner_text()));
        QCOMPARE(u.bridge()->steps_done(), 0L);
    }
};

QTEST_MAIN(TestKeepWork)
#include "test_keep_work.moc"
