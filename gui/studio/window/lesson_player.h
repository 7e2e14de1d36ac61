// LessonPlayer: plays a lesson (assets/lessons/*.json, docs/lessons.md) in
// the studio. Per step it opens the step's model (or keeps the run; reset
// restarts it), applies its settings and hand-set weights, shows its text
// in a callout pointing at the named view, and runs: play until the step's
// wait is met (a LessonWatch fed from the drained step records and the
// run's breaks — the same rule as `gradscope-train lesson`), stay paused,
// or take one traced step into the step-through. Next/Back, a progress
// indicator, and a Lessons menu; the callout scales with presentation mode.
#pragma once

#include <QFrame>
#include <QPainterPath>
#include <QPointer>
#include <memory>
#include <optional>

#include "gradscope/lesson.h"
#include "theme.h"

class QLabel;
class QMenu;
class QProgressBar;
class QPushButton;

namespace gs::studio {

class Classroom;
class MainWindow;

// The callout: a bubble with the step's title and text, the progress and
// the buttons, and an arrow toward the view it is about.
class LessonCallout : public QFrame {
    Q_OBJECT
public:
    explicit LessonCallout(QWidget* parent);
    QLabel* title;
    QLabel* text;
    QLabel* progress;
    QProgressBar* bar;
    QPushButton *back, *next, *close;
    // Places the bubble beside target (a widget of the same window) with the arrow toward it.
    void point_at(QWidget* target);
    QWidget* target() const { return m_target; }
    QPoint arrow_tip() const { return m_tip; }
    void set_theme(const Theme& theme);

protected:
    void paintEvent(QPaintEvent*) override;

private:
    QPointer<QWidget> m_target;
    QPoint m_tip;  // in this widget's coordinates
    QPainterPath m_shape;  // the bubble and its arrow
    Theme m_theme = Theme::standard();
};

class LessonPlayer : public QObject {
    Q_OBJECT
public:
    LessonPlayer(MainWindow* window, Classroom* classroom);

    // Fills a Lessons menu with the shipped lessons.
    void fill_menu(QMenu* menu);
    // Opens a lesson by name or path and shows its first step; false with
    // the reason (every issue, naming the step and field) in error().
    bool open(const QString& name_or_path);
    void close();
    bool is_open() const { return m_lesson.has_value(); }
    const Lesson* lesson() const { return m_lesson ? &*m_lesson : nullptr; }
    int step_index() const { return m_index; }
    void next();
    void back();
    void go_to(int step);
    // The step's wait was met (or it has none) and its run has settled.
    bool step_done() const { return m_done; }
    // The wait gave up (its step cap) without being met.
    bool step_exhausted() const { return m_exhausted; }
    QString progress_text() const;
    QString error() const { return m_error; }
    LessonCallout* callout() const { return m_callout; }
    // The widget a lesson view names.
    QWidget* view_widget(LessonView view) const;
    // Ignore the steps' steps_per_second (run at full speed: rehearsals, tests).
    void set_full_speed(bool on) { m_full_speed = on; }
    void set_theme(const Theme& theme);

signals:
    void stepShown(int index);
    void stepDone(int index);

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;  // the window resized: the callout follows

private:
    void show_step();
    void session_ready();  // the step's model is open: apply and run
    void apply_and_run();
    void feed();           // new step records and breaks into the watch
    void finish_step(bool met);
    void update_callout();

    MainWindow* m_window;
    Classroom* m_classroom;
    LessonCallout* m_callout;
    std::optional<Lesson> m_lesson;
    int m_index = 0;
    bool m_waiting_for_session = false;
    bool m_running = false;  // feeding the watch
    bool m_done = false, m_exhausted = false;
    std::unique_ptr<LessonWatch> m_watch;
    double m_fed_to = 0;  // the last step fed
    long m_breaks_seen = 0;
    bool m_full_speed = false;
    QString m_error;
    QString m_note;  // a refused setting, shown in the callout
};

}  // namespace gs::studio
