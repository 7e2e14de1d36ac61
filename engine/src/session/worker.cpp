// Worker (worker.h): round-robin over the attached sessions, sleeping when
// none has anything to do (until a command, a state change or a paced
// session's next step is due); and a session's side of it, its round.
#include "session/worker.h"

#include <algorithm>
#include <omp.h>

#include "gradscope/run_log.h"
#include "gradscope/session.h"
#include "gradscope/thread_priority.h"
#include "gradscope/trainer.h"
#include "session/time_travel.h"

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
    if (m_background) lower_this_thread();
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

// ------------------------------------------------------ a session's round ----

using Clock = std::chrono::steady_clock;

bool Session::ready(Clock::time_point now, Clock::time_point& wake) const {
    if (m_quit) return false;
    if (m_handoff) return handoff_done(*m_handoff);  // nothing of a fork runs before its state
    if (!m_queue.empty()) return true;
    if (m_state != SessionState::Running) return false;
    // Paced (steps_per_second): a step when its turn comes; explicit steps
    // (a budget) are not paced.
    if (m_pace <= 0 || m_budget != 0 || now >= m_next_due) return true;
    wake = std::min(wake, m_next_due);
    return false;
}

// The session's round: a fork's state, every queued command, then at most
// one step (so that the runs of one worker take their steps in turn).
void Session::work(std::unique_lock<std::mutex>& lock) {
    m_busy = true;
    auto guarded = [&](auto&& f) {
        lock.unlock();
        try {
            f();
        } catch (const std::exception& e) {
            lock.lock();
            fail(e);
            return;
        }
        lock.lock();
    };
    if (m_handoff) {
        std::shared_ptr<ForkHandoff> h = std::move(m_handoff);
        guarded([&] { adopt(*h); });
    }
    while (!m_queue.empty() && !m_quit) {
        Command c = std::move(m_queue.front());
        m_queue.pop_front();
        guarded([&] { apply(c); });
    }
    if (!m_quit && m_state == SessionState::Running &&
        (m_pace <= 0 || m_budget != 0 || Clock::now() >= m_next_due)) {
        guarded([&] {
            train_one();
            if (m_pace > 0) {
                const auto now = Clock::now();
                m_next_due = std::max(m_next_due, now - std::chrono::milliseconds(100)) +
                             std::chrono::duration_cast<Clock::duration>(
                                 std::chrono::duration<double>(1.0 / m_pace));
            }
        });
        if (m_state == SessionState::Running && m_budget > 0 && --m_budget == 0)
            set_state(SessionState::Paused);
    }
    m_busy = false;
    // Someone may wait for this session to settle, or to leave its round
    // (its destructor); a running session's rounds wake no one.
    if (m_state != SessionState::Running || m_quit) {
        publish_worker_time();
        if (m_queue.empty() && m_log) m_log->flush();
        m_settled.notify_all();
    }
}

void Session::fail(const std::exception& e) {
    m_break = BreakInfo{"error", "", "", steps_done(), m_trainer->epoch(), e.what()};
    m_breaks.fetch_add(1, std::memory_order_relaxed);
    EventRecord ev{steps_done(), "error", "", 0, e.what()};
    ev.run_id = m_info.id;
    m_events.push(ev);
    if (m_log) m_log->write(ev);
    m_budget = 0;
    set_state(SessionState::Failed);
}

}  // namespace gs
