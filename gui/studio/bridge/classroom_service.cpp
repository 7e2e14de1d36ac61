// The classroom's commands on the bridge's session, and the lessons.
#include "bridge/classroom_service.h"

#include "bridge/session_bridge.h"
#include "gradscope/lesson_runner.h"
#include "gradscope/session.h"

namespace gs::studio {

namespace {
CommandResult refused(const std::string& why) {
    CommandResult r;
    r.ok = false;
    r.reason = why;
    return r;
}
}  // namespace

ClassroomService::ClassroomService(SessionBridge* bridge, QObject* parent)
    : QObject(parent), m_bridge(bridge) {
    connect(bridge, &SessionBridge::telemetryUpdated, this, &ClassroomService::poll);
    connect(bridge, &SessionBridge::stateChanged, this, &ClassroomService::poll);
    connect(bridge, &SessionBridge::sessionChanged, this, [this] {
        if (m_trace) {
            m_trace.reset();
            emit traceUpdated();
        }
    });
}

void ClassroomService::poll() {
    Session* s = m_bridge->m_session.get();
    if (!s) return;
    auto t = s->latest_trace();
    if (t && t != m_trace) {
        m_trace = std::move(t);
        emit traceUpdated();
    }
}

CommandResult ClassroomService::trace_step(int example) {
    Session* s = m_bridge->m_session.get();
    if (!s) return refused("no session to trace: open a model first");
    if (s->state() == SessionState::Running) s->pause();
    CommandResult r = s->trace_next_step(StepTraceRequest{example});
    if (!r) {
        emit m_bridge->message(QStringLiteral("Cannot step through: ") + QString::fromStdString(r.reason));
        return r;
    }
    return m_bridge->step(1);
}

CommandResult ClassroomService::set_parameter(const ParameterEdit& edit) {
    Session* s = m_bridge->m_session.get();
    if (!s) return refused("no session: open a model first");
    CommandResult r = s->set_parameter(edit);
    if (!r) {
        emit m_bridge->message(QStringLiteral("Cannot set %1: %2")
                                   .arg(QString::fromStdString(edit.param), QString::fromStdString(r.reason)));
        return r;
    }
    m_bridge->request_snapshot();
    emit parameterSet(edit);
    return r;
}

QStringList ClassroomService::lesson_names() {
    QStringList out;
    for (const std::string& n : gs::lesson_names()) out << QString::fromStdString(n);
    return out;
}

LessonResult ClassroomService::open_lesson(const QString& name_or_path) {
    LessonResult r;
    std::string file;
    try {
        file = find_lesson(name_or_path.toStdString());
    } catch (const std::exception& e) {
        r.issues.push_back(LessonIssue{name_or_path.toStdString(), -1, "", e.what()});
        return r;
    }
    r = read_lesson_file(file);
    if (!r.ok()) return r;
    try {
        r.issues = check_lesson(r.lesson, /*open_data=*/false);
    } catch (const std::exception& e) {
        r.issues.push_back(LessonIssue{file, -1, "", e.what()});
    }
    return r;
}

bool ClassroomService::lesson_step_spec(const LessonStep& step, ModelSpec* spec, QString* error) {
    try {
        *spec = gs::lesson_step_spec(step);
        return true;
    } catch (const std::exception& e) {
        if (error) *error = QString::fromStdString(e.what());
        return false;
    }
}

}  // namespace gs::studio
