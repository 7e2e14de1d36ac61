#pragma once
// The CPU time of each thread of this process, from /proc/self/task: what
// the studio's frame benchmark reads to say which thread took the cores
// (the GUI, the canvas composer, the training team) while it measured.
#include <string>
#include <vector>

namespace gs {

struct ThreadCpu {
    long tid = 0;
    std::string name;  // /proc's comm: at most 15 characters
    int nice = 0;
    double cpu_ms = 0;  // on a CPU since the thread started (schedstat's ns; else utime + stime, in ticks)
};

// Every thread of this process that could be read (a thread that ends while
// it is read is left out); empty where /proc is not there.
std::vector<ThreadCpu> threads_of_this_process();

// One thread's entry from its /proc directory `dir` (ending in '/': its
// stat, schedstat and comm files); false, leaving *out as it was, when stat
// is missing or any field it needs is not a number in its range.
bool read_thread_cpu(const std::string& dir, long tid, ThreadCpu* out);

}  // namespace gs
