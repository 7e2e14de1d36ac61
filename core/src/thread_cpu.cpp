// Per-thread CPU time from /proc; see gradscope/thread_cpu.h.
#include "gradscope/thread_cpu.h"

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <dirent.h>
#include <fstream>
#include <sstream>
#include <unistd.h>

namespace gs {

namespace {

std::string read_first_line(const std::string& path) {
    std::ifstream f(path);
    std::string line;
    if (f) std::getline(f, line);
    return line;
}

// The number in `text` from `begin`, or false when there is none.
bool parse_long(const char* begin, long long* out, const char** end) {
    char* stop = nullptr;
    errno = 0;
    const long long v = std::strtoll(begin, &stop, 10);
    if (stop == begin || errno != 0) return false;
    *out = v;
    if (end) *end = stop;
    return true;
}

}  // namespace

// One thread from its /proc directory. Its time on a CPU: schedstat's first
// field, in nanoseconds; where the kernel keeps no schedstat, stat's utime and
// stime (fields 14 and 15) in clock ticks. The nice value: stat's field 19.
// stat's fields are counted after the name in parentheses (which may itself
// hold spaces and parentheses).
bool read_thread_cpu(const std::string& dir, long tid, ThreadCpu* t) {
    const std::string stat = read_first_line(dir + "stat");
    const size_t close = stat.rfind(')');
    if (close == std::string::npos) return false;
    std::istringstream fields(stat.substr(close + 1));
    long long field[20] = {};
    for (int i = 3; i <= 19; ++i) {
        std::string text;
        if (!(fields >> text)) return false;
        if (i < 14) continue;  // state, parents, faults: not needed
        const char* end = nullptr;
        if (!parse_long(text.c_str(), &field[i], &end) || *end != '\0') return false;
    }
    if (field[19] < -20 || field[19] > 19 || field[14] < 0 || field[15] < 0) return false;
    long long ns = 0;
    const std::string sched = read_first_line(dir + "schedstat");
    if (!parse_long(sched.c_str(), &ns, nullptr) || ns < 0) {
        const long ticks = sysconf(_SC_CLK_TCK);
        if (ticks <= 0 || ticks > 1000000000L) return false;
        const long long per_tick = 1000000000LL / ticks;
        if (field[14] > LLONG_MAX / 2 / per_tick || field[15] > LLONG_MAX / 2 / per_tick) return false;
        ns = (field[14] + field[15]) * per_tick;
    }
    t->tid = tid;
    t->name = read_first_line(dir + "comm");
    t->nice = static_cast<int>(field[19]);
    t->cpu_ms = static_cast<double>(ns) / 1e6;
    return true;
}

std::vector<ThreadCpu> threads_of_this_process() {
    std::vector<ThreadCpu> out;
    DIR* d = opendir("/proc/self/task");
    if (!d) return out;
    while (const dirent* e = readdir(d)) {
        long long tid = 0;
        const char* end = nullptr;
        if (!parse_long(e->d_name, &tid, &end) || *end != '\0' || tid <= 0) continue;
        ThreadCpu t;
        const std::string dir = "/proc/self/task/" + std::to_string(tid) + "/";
        if (read_thread_cpu(dir, static_cast<long>(tid), &t)) out.push_back(std::move(t));
    }
    closedir(d);
    return out;
}

}  // namespace gs
