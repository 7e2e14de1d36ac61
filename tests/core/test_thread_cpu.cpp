// threads_of_this_process (gradscope/thread_cpu.h): every thread is listed
// with its name, nice value and CPU time; a thread that spins is charged
// about its spinning, one that sleeps about nothing. read_thread_cpu on
// made-up /proc files: a name with parentheses and spaces, the tick count
// where there is no schedstat, and fields that are not what they should be.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <pthread.h>
#include <sys/syscall.h>
#include <thread>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

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

// A thread's /proc directory made up in a temporary folder.
struct FakeTask {
    std::filesystem::path dir;
    FakeTask() {
        char tmpl[] = "/tmp/gs_thread_cpu_XXXXXX";
        const char* made = mkdtemp(tmpl);
        dir = made ? made : "";
    }
    ~FakeTask() {
        std::error_code ec;
        if (!dir.empty()) std::filesystem::remove_all(dir, ec);
    }
    void write(const char* name, const std::string& text) const {
        std::ofstream(dir / name) << text << "\n";
    }
    std::string path() const { return dir.string() + "/"; }
};

// A stat line: the name, then fields 3..19 with utime, stime and nice given.
std::string stat_line(const std::string& name, const std::string& utime, const std::string& stime,
                      const std::string& nice) {
    return "4242 (" + name + ") S 1 1 1 0 -1 4194560 100 0 0 0 " + utime + " " + stime + " 0 0 20 " + nice +
           " 1 0 100 0 0";
}

TEST(ThreadCpu, ReadsANameWithParenthesesAndTheTicksWithoutSchedstat) {
    FakeTask t;
    ASSERT_FALSE(t.dir.empty());
    t.write("stat", stat_line("a (b) c)", "30", "20", "5"));
    t.write("comm", "a (b) c)");
    ThreadCpu out;
    ASSERT_TRUE(read_thread_cpu(t.path(), 4242, &out));
    EXPECT_EQ(out.tid, 4242);
    EXPECT_EQ(out.name, "a (b) c)");
    EXPECT_EQ(out.nice, 5);
    const long ticks = sysconf(_SC_CLK_TCK);
    ASSERT_GT(ticks, 0);
    EXPECT_NEAR(out.cpu_ms, 50.0 * 1000.0 / static_cast<double>(ticks), 1e-6);
    // With a schedstat, its nanoseconds count instead.
    t.write("schedstat", "123456789 0 7");
    ASSERT_TRUE(read_thread_cpu(t.path(), 4242, &out));
    EXPECT_NEAR(out.cpu_ms, 123.456789, 1e-9);
}

TEST(ThreadCpu, RefusesFieldsThatAreNotWhatTheyShouldBe) {
    FakeTask t;
    ASSERT_FALSE(t.dir.empty());
    ThreadCpu out;
    out.tid = -7;
    EXPECT_FALSE(read_thread_cpu(t.path(), 1, &out));  // no stat at all
    for (const std::string& bad : {stat_line("x", "30", "20", "25"),       // nice out of range
                                   stat_line("x", "-1", "20", "0"),        // negative time
                                   stat_line("x", "3x", "20", "0"),        // not a number
                                   stat_line("x", "99999999999999999999", "1", "0"),  // too large
                                   std::string("4242 (x) S 1 1"),         // cut short
                                   std::string("4242 x S 1 1 1 0 -1")}) {  // no name in parentheses
        t.write("stat", bad);
        EXPECT_FALSE(read_thread_cpu(t.path(), 1, &out)) << bad;
    }
    EXPECT_EQ(out.tid, -7);  // left as it was
    t.write("stat", stat_line("x", "30", "20", "0"));
    t.write("schedstat", "-5 0 0");  // a negative time falls back to the ticks
    ASSERT_TRUE(read_thread_cpu(t.path(), 1, &out));
    EXPECT_GT(out.cpu_ms, 0.0);
    EXPECT_EQ(out.tid, 1);
}

}  // namespace
}  // namespace gs
