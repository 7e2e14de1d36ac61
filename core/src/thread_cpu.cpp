// Per-thread CPU time from /proc; see gradscope/thread_cpu.h.
#include "gradscope/thread_cpu.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <dirent.h>
#include <fstream>
#include <sstream>

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

// One thread from /proc/self/task/<tid>: schedstat's first field is the time
// on a CPU in nanoseconds; stat's 19th field is the nice value, counted after
// the name in parentheses (which may itself hold spaces and parentheses).
bool read_thread(long tid, ThreadCpu* t) {
    const std::string dir = "/proc/self/task/" + std::to_string(tid) + "/";
    long long ns = 0;
    const std::string sched = read_first_line(dir + "schedstat");
    if (!parse_long(sched.c_str(), &ns, nullptr) || ns < 0) return false;
    const std::string stat = read_first_line(dir + "stat");
    const size_t close = stat.rfind(')');
    if (close == std::string::npos) return false;
    std::istringstream fields(stat.substr(close + 1));
    std::string field;
    // After the name: state (3), ppid (4) ... nice is field 19, the 17th here.
    for (int i = 3; i <= 19; ++i)
        if (!(fields >> field)) return false;
    long long nice = 0;
    const char* end = nullptr;
    if (!parse_long(field.c_str(), &nice, &end) || *end != '\0' || nice < -20 || nice > 19) return false;
    t->tid = tid;
    t->name = read_first_line(dir + "comm");
    t->nice = static_cast<int>(nice);
    t->cpu_ms = static_cast<double>(ns) / 1e6;
    return true;
}

}  // namespace

std::vector<ThreadCpu> threads_of_this_process() {
    std::vector<ThreadCpu> out;
    DIR* d = opendir("/proc/self/task");
    if (!d) return out;
    while (const dirent* e = readdir(d)) {
        long long tid = 0;
        const char* end = nullptr;
        if (!parse_long(e->d_name, &tid, &end) || *end != '\0' || tid <= 0) continue;
        ThreadCpu t;
        if (read_thread(static_cast<long>(tid), &t)) out.push_back(std::move(t));
    }
    closedir(d);
    return out;
}

}  // namespace gs
