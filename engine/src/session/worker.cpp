// Worker (worker.h): round-robin over the attached sessions, sleeping when
// none has anything to do (until a command, a state change or a paced
// session's next step is due).
#include "session/worker.h"

#include <algorithm>
#include <cerrno>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <omp.h>
#include <unistd.h>

#include "gradscope/session.h"

namespace gs {

Worker::Worker(int threads, bool background) : m_threads(threads), m_background(background) {
    m_thread = std::thread([this] { run(); });
}

Worker::~Worker() {
    {
        std::lock_guard<std::mutex> lock(mutex);
        m_quit = true;
    }
    cv.notify_all();
    if (m_thread.joinable()) m_thread.join();
}

void Worker::attach(Session* s) { m_sessions.push_back(s); }

void Worker::detach(Session* s) {
    m_sessions.erase(std::remove(m_sessions.begin(), m_sessions.end(), s), m_sessions.end());
}

void Worker::run() {
    // Below the caller's priority: its OpenMP team, started from this
    // thread, inherits the nice value, so a GUI thread on the same cores
    // draws its frames on time and training gets the rest.
    if (m_background) {
        const pid_t tid = static_cast<pid_t>(syscall(SYS_gettid));
        errno = 0;
        const int nice = getpriority(PRIO_PROCESS, static_cast<id_t>(tid));
        if (errno == 0) setpriority(PRIO_PROCESS, static_cast<id_t>(tid), std::min(nice + 5, 19));
    }
    // A thread's OpenMP team size is its own setting: this thread's team trains.
    if (m_threads > 0) omp_set_num_threads(m_threads);
    using Clock = std::chrono::steady_clock;
    std::unique_lock<std::mutex> lock(mutex);
    for (;;) {
        if (m_quit) return;
        Clock::time_point wake = Clock::time_point::max();
        const Clock::time_point now = Clock::now();
        Session* s = nullptr;
        const size_t n = m_sessions.size();
        for (size_t k = 0; k < n && !s; ++k) {
            const size_t i = (m_next + k) % n;
            if (m_sessions[i]->ready(now, wake)) {
                s = m_sessions[i];
                m_next = (i + 1) % n;
            }
        }
        if (!s) {
            if (wake == Clock::time_point::max()) cv.wait(lock);
            else cv.wait_until(lock, wake);
            continue;
        }
        s->work(lock);  // unlocks while it trains
    }
}

}  // namespace gs
