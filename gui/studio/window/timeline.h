// Timeline: the bar under the curves that goes back in time. Its slider
// spans the active run's steps (first step .. steps done) and follows the
// newest step while live; dragging it asks for that past step (scrubbed()
// while dragging, settled() when let go or moved by the keyboard), and the
// label says which step the views show. Buttons: Live (the key L or End),
// Fork…, Race…, Rewind (here), Save… (this step as a checkpoint)
#pragma once

#include <QWidget>

class QLabel;
class QToolButton;
class QSlider;

namespace gs::studio {

class Timeline : public QWidget {
    Q_OBJECT

public:
    explicit Timeline(QWidget* parent = nullptr);

    // The steps the run has; while live the slider sits at `last`.
    void set_range(long first, long last);
    // The step the views show (-1: live).
    void set_shown(long step);
    long shown() const { return m_shown; }
    long first() const { return m_first; }
    long last() const { return m_last; }
    // The step the timeline stands at: the shown one, else the newest.
    long current() const { return m_shown >= 0 ? m_shown : m_last; }
    QString label_text() const;

    QSlider* slider() const { return m_slider; }
    QToolButton* live_button() const { return m_live; }
    QToolButton* fork_button() const { return m_fork; }
    QToolButton* race_button() const { return m_race; }
    QToolButton* rewind_button() const { return m_rewind; }
    QToolButton* checkpoint_button() const { return m_checkpoint; }

signals:
    void scrubbed(long step);  // while dragging
    void settled(long step);   // the drag ended (or a key moved it)
    void liveRequested();
    void forkRequested();
    void raceRequested();
    void rewindRequested();
    void checkpointRequested();

private:
    void update_label();
    QSlider* m_slider;
    QLabel* m_label;
    QToolButton *m_live, *m_fork, *m_race, *m_rewind, *m_checkpoint;
    long m_first = 0, m_last = 0, m_shown = -1;
    bool m_setting = false;  // the slider moved by code, not by a person
};

}  // namespace gs::studio
