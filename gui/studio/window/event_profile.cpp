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
    else if (const QObject* parent = receiver->parent())  // which plot, which view
        key += QStringLiteral(" in ") + QString::fromLatin1(parent->metaObject()->className());
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
    const double ms = self / 1e6;
    Cost& c = m_costs[key];
    c.ms += ms;
    ++c.count;
    if (m_slowest.size() < kSlowest || ms > m_slowest.front().first) {
        auto later = [](const auto& a, const auto& b) { return a.first > b.first; };  // a min-heap
        if (m_slowest.size() == kSlowest) {
            std::pop_heap(m_slowest.begin(), m_slowest.end(), later);
            m_slowest.pop_back();
        }
        m_slowest.emplace_back(ms, std::move(key));
        std::push_heap(m_slowest.begin(), m_slowest.end(), later);
    }
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
    std::sort(m_slowest.begin(), m_slowest.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
    for (size_t i = 0; i < m_slowest.size() && i < top; ++i)
        lines.push_back(QStringLiteral("slowest %1 ms: %2").arg(m_slowest[i].first, 6, 'f', 1).arg(m_slowest[i].second));
    m_slowest.clear();
    return lines;
}

}  // namespace gs::studio
