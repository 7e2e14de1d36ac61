// ClassroomService: the classroom's commands through the bridge (issue 19,
// docs/classroom.md). It takes the session's traced steps (the step-through
// views read the StepTrace, plain core data), sets a weight or a bias by
// hand, and finds and opens the shipped lessons. Like SessionBridge it keeps
// engine objects out of its header; it works on the bridge's own session.
#pragma once

#include <QObject>
#include <QString>
#include <QStringList>
#include <QTimer>
#include <memory>

#include "gradscope/lesson.h"
#include "gradscope/session_types.h"
#include "gradscope/step_trace.h"

namespace gs::studio {

class SessionBridge;

class ClassroomService : public QObject {
    Q_OBJECT

public:
    explicit ClassroomService(SessionBridge* bridge, QObject* parent = nullptr);

    // Takes the next training step traced (pausing a running session first)
    // and follows example `example` of its batch first. Refused with the
    // engine's reason for a network a trace does not take.
    CommandResult trace_step(int example = 0);
    // The latest traced step (null before one); traceUpdated() says when a
    // new one arrives.
    std::shared_ptr<const StepTrace> trace() const { return m_trace; }
    // Sets one weight or bias (between steps) and asks for a snapshot, so
    // that the heatmaps and the output redraw.
    CommandResult set_parameter(const ParameterEdit& edit);
    // Checks for a new trace now (the bridge's ticks do it too).
    void poll();

    // Lessons: the shipped ones' names, and one read and checked (issues
    // name the file, the step and the field; error says what went wrong).
    static QStringList lesson_names();
    static LessonResult open_lesson(const QString& name_or_path);
    // The model a lesson step opens; false with the reason in *error.
    static bool lesson_step_spec(const LessonStep& step, ModelSpec* spec, QString* error);

signals:
    void traceUpdated();
    void parameterSet(const gs::ParameterEdit& edit);

private:
    SessionBridge* m_bridge;
    std::shared_ptr<const StepTrace> m_trace;
};

}  // namespace gs::studio
