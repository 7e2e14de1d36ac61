// lower_this_thread (gradscope/thread_priority.h): the calling thread runs
// kBackgroundNice steps lower, the caller's other threads keep theirs, and
// a thread it starts afterwards inherits the lower priority.
#include <gtest/gtest.h>

#include <algorithm>
#include <cerrno>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <thread>
#include <unistd.h>

#include "gradscope/thread_priority.h"

namespace gs {
namespace {

int own_nice() {
    errno = 0;
    const int n = getpriority(PRIO_PROCESS, static_cast<id_t>(syscall(SYS_gettid)));
    return errno == 0 ? n : -100;
}

TEST(ThreadPriority, LowersTheCallingThreadAndWhatItStarts) {
    const int main_nice = own_nice();
    ASSERT_NE(main_nice, -100);
    int lowered = -100, child = -100;
    std::thread t([&] {
        lower_this_thread();
        lowered = own_nice();
        std::thread c([&] { child = own_nice(); });
        c.join();
    });
    t.join();
    EXPECT_EQ(lowered, std::min(main_nice + kBackgroundNice, 19));
    EXPECT_EQ(child, lowered);
    EXPECT_EQ(own_nice(), main_nice);
}

TEST(ThreadPriority, StopsAtTheLowest) {
    int last = -100;
    std::thread t([&] {
        for (int i = 0; i < 6; ++i) lower_this_thread();
        last = own_nice();
    });
    t.join();
    EXPECT_EQ(last, 19);
}

}  // namespace
}  // namespace gs
