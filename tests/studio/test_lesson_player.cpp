// The lesson player (issue 19): a shipped lesson plays through in the studio
// from its first step to its last, each step's wait met by the run (the
// same LessonWatch rule as `gradscope-train lesson`), the callout pointing
// at the view the step names; a broken lesson gives the reader's error
// naming the step and the field; the Lessons menu lists the shipped ones.
#include <QDockWidget>
#include <QFile>
#include <QLabel>
#include <QMenu>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

#include "bridge/classroom_service.h"
#include "bridge/session_bridge.h"
#include "canvas/step_through.h"
#include "canvas/step_through_panel.h"
#include "window/classroom.h"
#include "window/lesson_player.h"
#include "window/main_window.h"
#include "window/scripted_run.h"

using namespace gs::studio;

namespace {

// Plays every step; fails at the first one not met. Returns "" or why.
QString play_through(MainWindow& w, LessonPlayer& p) {
    const int n = static_cast<int>(p.lesson()->steps.size());
    for (int i = 0; i < n; ++i) {
        if (p.step_index() != i) return QStringLiteral("at step %1 instead of %2").arg(p.step_index()).arg(i);
        if (!wait_for([&] { w.refresh_now(); return p.step_done() || p.step_exhausted(); }, 120000))
            return QStringLiteral("step %1 did not finish: %2").arg(i + 1).arg(p.progress_text());
        if (!p.step_done()) return QStringLiteral("step %1 not met: %2").arg(i + 1).arg(p.progress_text());
        // The callout is up, says the step's text, and points at its view.
        const gs::LessonStep& st = p.lesson()->steps[static_cast<size_t>(i)];
        if (!p.callout()->isVisible()) return QStringLiteral("step %1: no callout").arg(i + 1);
        if (p.callout()->text->text() != QString::fromStdString(st.text))
            return QStringLiteral("step %1: the callout says something else").arg(i + 1);
        QWidget* target = p.view_widget(st.view);
        if (p.callout()->target() != target) return QStringLiteral("step %1: points elsewhere").arg(i + 1);
        const QPoint tip = p.callout()->mapTo(&w, p.callout()->arrow_tip());
        const QRect r(target->mapTo(&w, QPoint(0, 0)), target->size());
        if (!r.adjusted(-6, -6, 6, 6).contains(tip))
            return QStringLiteral("step %1: the arrow's tip is not on its view").arg(i + 1);
        if (i + 1 < n) p.next();
    }
    return {};
}

}  // namespace

class TestLessonPlayer : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void the_lessons_menu_lists_the_shipped_lessons() {
        MainWindow w;
        const QStringList names = ClassroomService::lesson_names();
        QVERIFY(names.contains(QStringLiteral("the-learning-rate")));
        QCOMPARE(w.classroom()->lessons_menu()->actions().size(), names.size());
        QVERIFY(w.classroom()->lessons_menu()->actions().first()->isEnabled());
    }

    void the_learning_rate_plays_through_at_a_projector_size() {
        MainWindow w;
        w.resize(1280, 720);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        w.set_presentation(true, /*full_screen=*/false);
        LessonPlayer* p = w.classroom()->lessons();
        p->set_full_speed(true);
        QVERIFY2(p->open(QStringLiteral("the-learning-rate")), qPrintable(p->error()));
        QCOMPARE(p->step_index(), 0);
        const QString why = play_through(w, *p);
        QVERIFY2(why.isEmpty(), qPrintable(why));
        // The last step of "too large" stopped at the non-finite breakpoint.
        QVERIFY(p->progress_text().startsWith(QStringLiteral("Step 6 of 6")));
        // Back goes to the previous step and runs it again.
        p->back();
        QCOMPARE(p->step_index(), 4);
        p->close();
        QVERIFY(!p->callout()->isVisible());
    }

    void what_one_neuron_does_sets_weights_and_traces_a_step() {
        MainWindow w;
        w.resize(1280, 720);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        LessonPlayer* p = w.classroom()->lessons();
        p->set_full_speed(true);
        QVERIFY2(p->open(QStringLiteral("what-one-neuron-does")), qPrintable(p->error()));
        QVERIFY(wait_for([&] { w.refresh_now(); return p->step_done(); }, 60000));
        p->next();  // weights set by hand
        QVERIFY(wait_for([&] { w.refresh_now(); return p->step_done(); }, 60000));
        QVERIFY(wait_for([&] { w.refresh_now(); return w.bridge()->snapshot() &&
                                                      !w.bridge()->snapshot()->weights[0].empty() &&
                                                      w.bridge()->snapshot()->weights[0][0] == 2.0f; }, 20000));
        p->next();  // one traced step, in the step-through
        QVERIFY(wait_for([&] { w.refresh_now(); return w.classroom()->step_through()->view()->trace() != nullptr; },
                         30000));
        QVERIFY(!w.classroom()->step_dock()->isHidden());
    }

    void a_broken_lesson_names_the_step_and_the_field() {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("broken.json"));
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(R"({"title": "Broken", "steps": [
            {"text": "fine", "preset": "spiral-tanh"},
            {"text": "bad", "wait": {"loss_below": -1}}]})");
        f.close();
        MainWindow w;
        LessonPlayer* p = w.classroom()->lessons();
        QVERIFY(!p->open(path));
        QVERIFY2(p->error().contains(QStringLiteral("step 2")), qPrintable(p->error()));
        QVERIFY2(p->error().contains(QStringLiteral("wait.loss_below")), qPrintable(p->error()));
        QVERIFY(!p->is_open());
        QVERIFY(!p->callout()->isVisible());
    }
};

QTEST_MAIN(TestLessonPlayer)
#include "test_lesson_player.moc"
