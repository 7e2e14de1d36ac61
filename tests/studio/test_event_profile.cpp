// ProfilingApplication (window/event_profile.h), behind --bench-ui
// --profile-events: an event's time is its receiver's own, without the
// events delivered inside it (a slow child's paint is not its parent's);
// nothing is counted while profiling is off; take() clears.
#include <QElapsedTimer>
#include <QThread>
#include <QtTest>
#include <cmath>

#include "window/event_profile.h"

using namespace gs::studio;

namespace {

// Busy for `ms` in every event of type `type`; before that, delivers the
// same event to `inner` (if any).
struct Busy : QObject {
    int ms;
    QObject* inner;
    Busy(const char* name, int ms_, QObject* inner_ = nullptr) : ms(ms_), inner(inner_) { setObjectName(name); }
    bool event(QEvent* e) override {
        if (e->type() != QEvent::User) return QObject::event(e);
        if (inner) {
            QEvent nested(QEvent::User);
            QCoreApplication::sendEvent(inner, &nested);
        }
        QElapsedTimer t;
        t.start();
        while (t.elapsed() < ms) {
        }
        return true;
    }
};

// The line of take() about `name`, or "".
QString line_of(const std::vector<QString>& lines, const QString& name) {
    for (const QString& l : lines)
        if (l.contains(QStringLiteral("(%1)").arg(name))) return l;
    return {};
}

double ms_of(const QString& line) { return line.trimmed().section(QLatin1Char(' '), 0, 0).toDouble(); }

}  // namespace

int main(int argc, char** argv) {
    ProfilingApplication app(argc, argv);
    Busy child("child", 30);
    Busy parent("parent", 10, &child);
    QEvent e(QEvent::User);

    QCoreApplication::sendEvent(&parent, &e);  // not profiled
    if (app.take(10).size() != 1) return qCritical("counted while off"), 1;

    app.set_profiling(true);
    QCoreApplication::sendEvent(&parent, &e);
    app.set_profiling(false);
    const std::vector<QString> lines = app.take(10);
    const QString p = line_of(lines, QStringLiteral("parent")), c = line_of(lines, QStringLiteral("child"));
    for (const QString& l : lines) qInfo("%s", qPrintable(l));
    if (!p.contains(QLatin1String("User")) || !c.contains(QLatin1String("User"))) return qCritical("missing lines"), 1;
    // The child's 30 ms are its own; the parent's own are about 10, not 40.
    if (ms_of(c) < 30 || ms_of(p) < 10 || ms_of(p) >= 25) return qCritical("wrong self times"), 1;
    // The total is the sum of the self times, each event counted once.
    const double total = lines.front().section(QLatin1Char(' '), 2, 2).toDouble();
    if (std::abs(total - (ms_of(c) + ms_of(p))) > 1) return qCritical("wrong total"), 1;
    if (app.take(10).size() != 1) return qCritical("take() did not clear"), 1;
    qInfo("ok");
    return 0;
}
