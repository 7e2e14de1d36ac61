#include "window/event_profile.h"

#include <QElapsedTimer>
#include <QEvent>
#include <QMetaEnum>
#include <algorithm>

namespace gs::studio {

bool ProfilingApplication::notify(QObject* receiver, QEvent* event) {
    if (!m_on) return QApplication::notify(receiver, event);
    // The key is taken before delivery: the receiver may be gone after it.
    QString key = QString::fromLatin1(receiver->metaObject()->className());
    if (!receiver->objectName().isEmpty()) key += QLatin1Char('(') + receiver->objectName() + QLatin1Char(')');
    key += QLatin1Char(' ') +
           QString::fromLatin1(QMetaEnum::fromType<QEvent::Type>().valueToKey(event->type()) ?: "other");
    m_child_ns.push_back(0);
    QElapsedTimer t;
    t.start();
    const bool r = QApplication::notify(receiver, event);
    const int64_t total = t.nsecsElapsed();
    const int64_t self = total - m_child_ns.back();
    m_child_ns.pop_back();
    if (!m_child_ns.empty()) m_child_ns.back() += total;
    Cost& c = m_costs[key];
    c.ms += self / 1e6;
    ++c.count;
    return r;
}

std::vector<QString> ProfilingApplication::take(size_t top) {
    std::vector<std::pair<QString, Cost>> all(m_costs.begin(), m_costs.end());
    m_costs.clear();
    std::sort(all.begin(), all.end(), [](const auto& a, const auto& b) { return a.second.ms > b.second.ms; });
    double sum = 0;
    for (const auto& [k, c] : all) sum += c.ms;
    std::vector<QString> lines;
    lines.push_back(QStringLiteral("all events: %1 ms").arg(sum, 0, 'f', 0));
    for (size_t i = 0; i < all.size() && i < top; ++i)
        lines.push_back(QStringLiteral("%1 ms in %2 (%3 events)")
                            .arg(all[i].second.ms, 8, 'f', 1)
                            .arg(all[i].first)
                            .arg(all[i].second.count));
    return lines;
}

}  // namespace gs::studio
