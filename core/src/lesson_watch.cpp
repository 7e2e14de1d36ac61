// Whether a lesson step's wait is met (LessonWatch), and the lesson's texts
// for people: a wait described, an issue named by file, step and field. The
// headless runner and the studio's lesson player use the same watch, so a
// lesson passes the same way in both.
#include <algorithm>
#include <cstdio>

#include "gradscope/lesson.h"
#include "gradscope/names.h"

namespace gs {

namespace {

std::string short_number(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.4g", v);
    return buf;
}

}  // namespace

std::string LessonIssue::str() const {
    std::string out = "lesson " + file;
    if (step >= 0) out += ", step " + std::to_string(step + 1);
    if (!field.empty()) out += ", field \"" + field + "\"";
    return out + ": " + message;
}

std::string LessonResult::message() const {
    std::string out;
    for (const LessonIssue& i : issues) {
        if (!out.empty()) out += '\n';
        out += i.str();
    }
    return out;
}

std::string LessonWait::describe() const {
    if (steps > 0) return std::to_string(steps) + " steps";
    if (step > 0) return "step " + std::to_string(step);
    if (!std::isnan(loss_below)) return "loss below " + short_number(loss_below);
    if (!std::isnan(accuracy_above)) return "accuracy above " + short_number(100 * accuracy_above) + "%";
    if (breakpoint == id_of(BreakpointKind::Nonfinite)) return "a non-finite value stops the run";
    if (breakpoint == "condition") return "a condition breakpoint pauses the run";
    if (breakpoint == "any") return "a breakpoint stops the run";
    return "";
}

void LessonWatch::add_step(long step, float loss, float accuracy) {
    const int slot = static_cast<int>(m_steps % kLessonWindow);
    m_loss[slot] = loss;
    m_acc[slot] = accuracy;
    ++m_steps;
    m_last = step;
}

void LessonWatch::add_break(const std::string& kind) {
    if (kind == id_of(BreakpointKind::Nonfinite) || kind == "condition") m_break = kind;
}

double LessonWatch::recent_loss() const {
    const long n = std::min<long>(m_steps, kLessonWindow);
    if (n == 0) return NAN;
    double s = 0;
    for (long i = 0; i < n; ++i) s += m_loss[i];
    return s / static_cast<double>(n);
}

double LessonWatch::recent_accuracy() const {
    const long n = std::min<long>(m_steps, kLessonWindow);
    if (n == 0) return NAN;
    double s = 0;
    for (long i = 0; i < n; ++i) {
        if (m_acc[i] < 0) return NAN;  // regression
        s += m_acc[i];
    }
    return s / static_cast<double>(n);
}

bool LessonWatch::met() const {
    const LessonWait& w = m_wait;
    if (!w.any()) return true;
    if (w.steps > 0) return m_steps >= w.steps;
    if (w.step > 0) return m_last >= w.step;
    if (!std::isnan(w.loss_below)) return recent_loss() < w.loss_below;  // false while NaN
    if (!std::isnan(w.accuracy_above)) return recent_accuracy() > w.accuracy_above;
    if (w.breakpoint == "any") return !m_break.empty();
    return m_break == w.breakpoint;
}

std::string LessonWatch::progress() const {
    std::string out = "after " + std::to_string(m_steps) + " steps (run step " + std::to_string(m_last) + ")";
    if (!std::isnan(recent_loss())) out += ", loss " + short_number(recent_loss());
    if (!std::isnan(recent_accuracy())) out += ", accuracy " + short_number(100 * recent_accuracy()) + "%";
    if (m_wait.any()) out += " — waiting for " + m_wait.describe();
    return out;
}

}  // namespace gs
