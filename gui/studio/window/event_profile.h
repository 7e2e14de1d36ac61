// Where the GUI thread's time goes, by receiver and event: an application
// whose notify() times every event it delivers (self time, without the
// events delivered inside it). --bench-ui --profile-events prints the
// largest after each preset; nothing is timed unless it is turned on.
#pragma once

#include <QApplication>
#include <QString>
#include <cstdint>
#include <map>
#include <vector>

namespace gs::studio {

class ProfilingApplication : public QApplication {
public:
    ProfilingApplication(int& argc, char** argv) : QApplication(argc, argv) {}
    bool notify(QObject* receiver, QEvent* event) override;

    void set_profiling(bool on) { m_on = on; }
    // The `top` receivers (class, object name) and event types with the most
    // self time since the last take, largest first, then the `top` slowest
    // single events (what the slow frames are made of), as lines of text; clears.
    std::vector<QString> take(size_t top);

private:
    struct Cost {
        double ms = 0;
        long count = 0;
    };
    bool m_on = false;
    std::vector<int64_t> m_child_ns;  // per nesting level: time spent in nested deliveries
    std::map<QString, Cost> m_costs;
    std::vector<std::pair<double, QString>> m_slowest;  // self ms, key; the slowest kept
    static constexpr size_t kSlowest = 64;
};

}  // namespace gs::studio
