// threads_of_this_process (gradscope/thread_cpu.h): every thread is listed
// with its name, nice value and CPU time; a thread that spins is charged
// about its spinning, one that sleeps about nothing.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <pthread.h>
#include <sys/syscall.h>
#include <thread>
#include <unistd.h>

#include "gradscope/thread_cpu.h"
#include "gradscope/thread_priority.h"

namespace gs {
namespace {

long own_tid() { return static_cast<long>(syscall(SYS_gettid)); }

const ThreadCpu* find_thread(const std::vector<ThreadCpu>& all, long tid) {
    auto it = std::find_if(all.begin(), all.end(), [&](const ThreadCpu& t) { return t.tid == tid; });
    return it == all.end() ? nullptr : &*it;
}

TEST(ThreadCpu, ChargesASpinningThreadAndNotASleepingOne) {
    std::atomic<long> spinner{0}, sleeper{0};
    std::atomic<bool> go{false}, done{false};
    std::thread spin([&] {
        pthread_setname_np(pthread_self(), "gs-spinner");
        lower_this_thread();
        spinner = own_tid();
        while (!go) std::this_thread::yield();
        const auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(300);
        volatile double x = 0;
        while (std::chrono::steady_clock::now() < end) x = x + 1;
        while (!done) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    });
    std::thread sleep([&] {
        sleeper = own_tid();
        while (!done) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    });
    while (!spinner || !sleeper) std::this_thread::yield();
    const std::vector<ThreadCpu> before = threads_of_this_process();
    go = true;
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    const std::vector<ThreadCpu> after = threads_of_this_process();
    done = true;
    spin.join();
    sleep.join();

    ASSERT_GE(after.size(), 3u);
    const ThreadCpu* main0 = find_thread(before, static_cast<long>(getpid()));
    const ThreadCpu* s0 = find_thread(before, spinner);
    const ThreadCpu* s1 = find_thread(after, spinner);
    const ThreadCpu* z0 = find_thread(before, sleeper);
    const ThreadCpu* z1 = find_thread(after, sleeper);
    ASSERT_TRUE(main0 && s0 && s1 && z0 && z1);
    EXPECT_EQ(s1->name, "gs-spinner");
    EXPECT_EQ(s1->nice, std::min(main0->nice + kBackgroundNice, 19));
    EXPECT_EQ(z1->nice, main0->nice);
    // 300 ms of spinning within the 500 ms (on a busy machine the spinner may
    // get less of a core, never more than the wall time).
    EXPECT_GE(s1->cpu_ms - s0->cpu_ms, 100.0);
    EXPECT_LE(s1->cpu_ms - s0->cpu_ms, 600.0);
    EXPECT_LT(z1->cpu_ms - z0->cpu_ms, 50.0);
}

}  // namespace
}  // namespace gs
