// Worker: the thread that trains sessions. A Session made on its own gets a
// worker of its own; a fork (Session::fork, RunGroup) joins its parent's, so
// a family of runs trains on one thread. The worker serves its sessions in
// turn: a session with something to do (a fork's starting state, queued
// commands, a step while it runs) gets one round — its commands, then at
// most one step — and the next session has its turn. Runs that run together
// (a race) thus take one step each per round, at matched step counts.
//
// One mutex guards every attached session's state and queue (the sessions'
// m_mutex is this one), so a command to any of them, or to several at once
// (RunGroup::race), is one short critical section, never held during a step.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

namespace gs {

class Session;

class Worker {
public:
    // threads: OpenMP threads of the worker's team (0: the default);
    // background: a lower priority (nice +5), see SessionOptions.
    Worker(int threads, bool background);
    ~Worker();  // joins the thread (no session may still be attached)
    Worker(const Worker&) = delete;
    Worker& operator=(const Worker&) = delete;

    std::mutex mutex;
    std::condition_variable cv;       // commands and state changes wake the worker
    std::condition_variable settled;  // a session's round ended

    // With mutex held.
    void attach(Session* s);
    void detach(Session* s);  // the session must not be in its round

private:
    void run();

    int m_threads;
    bool m_background;
    std::vector<Session*> m_sessions;  // in the order they joined
    size_t m_next = 0;                 // whose turn comes first next time
    bool m_quit = false;
    std::thread m_thread;  // last: starts after everything above exists
};

}  // namespace gs
