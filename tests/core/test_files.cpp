// Opening and writing files the user names (gradscope/files.h), issue 14:
// what is not a regular file is refused at once (a FIFO never blocks), a file
// over the limit is refused before it is read, long paths are shortened in
// messages, and atomic writes leave nothing behind: killed at random moments
// many times, the target is always a whole version and no temporary file
// outlives the next write.
#include <gtest/gtest.h>

#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <algorithm>
#include <filesystem>
#include <functional>
#include <fstream>
#include <random>
#include <string>
#include <thread>

#include "gradscope/error.h"
#include "gradscope/files.h"

namespace gs {
namespace {

namespace fs = std::filesystem;

std::string fresh_dir(const std::string& name) {
    const fs::path dir = fs::path(testing::TempDir()) / ("gs_files_" + name);
    fs::remove_all(dir);
    fs::create_directories(dir);
    return dir.string();
}

std::string error_of(const std::function<void()>& f) {
    try {
        f();
    } catch (const Error& e) {
        return e.what();
    }
    return "";
}

std::vector<std::string> names_in(const std::string& dir) {
    std::vector<std::string> out;
    for (const auto& e : fs::directory_iterator(dir)) out.push_back(e.path().filename().string());
    std::sort(out.begin(), out.end());
    return out;
}

// A process id that ran and is gone (its parent reaped it).
pid_t dead_pid() {
    const pid_t p = ::fork();
    if (p == 0) ::_exit(0);
    ::waitpid(p, nullptr, 0);
    return p;
}

TEST(Files, SpecialFilesAreRefusedWithoutBlocking) {
    const std::string dir = fresh_dir("special");
    const std::string fifo = dir + "/fifo";
    ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
    // open() of a FIFO without a writer would block forever.
    std::string m = error_of([&] { InputFile f(fifo); });
    EXPECT_NE(m.find("'" + fifo + "'"), std::string::npos) << m;
    EXPECT_NE(m.find("named pipe (FIFO), not a regular file"), std::string::npos) << m;
    m = error_of([&] { read_file("/dev/zero"); });
    EXPECT_NE(m.find("'/dev/zero'"), std::string::npos) << m;
    EXPECT_NE(m.find("character device"), std::string::npos) << m;
    m = error_of([&] { read_file(dir); });
    EXPECT_NE(m.find("Is a directory"), std::string::npos) << m;
    m = error_of([&] { read_file(dir + "/missing"); });
    EXPECT_NE(m.find("No such file"), std::string::npos) << m;
}

TEST(Files, TooLargeIsRefusedBeforeReading) {
    const std::string dir = fresh_dir("large");
    const std::string path = dir + "/big.json";
    { std::ofstream(path) << "{}"; }
    fs::resize_file(path, 3ull << 30);  // sparse: 3 GiB claimed, nothing allocated
    const std::string m = error_of([&] { read_file(path, 1 << 20, "a test document"); });
    EXPECT_NE(m.find("'" + path + "' is 3.0 GiB, more than the 1.0 MiB a test document may be"),
              std::string::npos)
        << m;
    fs::resize_file(path, 2);
    EXPECT_EQ(read_file(path, 1 << 20, "a test document"), "{}");
}

TEST(Files, LongPathsAreShortInMessages) {
    const std::string path = "/tmp/" + std::string(100000, 'a');
    const std::string q = quoted_path(path);
    EXPECT_LT(q.size(), 200u);
    EXPECT_NE(q.find("(a path of 100,005 bytes)"), std::string::npos) << q;
    EXPECT_EQ(quoted_path("/x/y"), "'/x/y'");
    const std::string m = error_of([&] { read_file(path); });
    EXPECT_LT(m.size(), 300u) << m;
}

TEST(Files, StaleTemporariesOfDeadWritersAreRemovedOthersKept) {
    const std::string dir = fresh_dir("stale");
    const std::string path = dir + "/ck.safetensors";
    const std::string dead = path + ".tmp." + std::to_string(dead_pid());
    const std::string live = path + ".tmp." + std::to_string(::getppid());  // runs
    const std::string other = dir + "/other.tmp.123456789";  // not this target's
    for (const auto& p : {dead, live, other}) std::ofstream(p) << "partial";
    write_file_atomic(path, "new");
    EXPECT_FALSE(fs::exists(dead));
    EXPECT_TRUE(fs::exists(live));
    EXPECT_TRUE(fs::exists(other));
    EXPECT_EQ(read_file(path), "new");
}

TEST(Files, WriteFailuresNameTheFile) {
    std::string m = error_of([] { write_file_atomic("/nonexistent/d/ck.safetensors", "x"); });
    EXPECT_NE(m.find("cannot write '/nonexistent/d/ck.safetensors': No such file"),
              std::string::npos)
        << m;
    const std::string dir = fresh_dir("writedir");
    m = error_of([&] { write_file_atomic(dir, "x"); });
    EXPECT_NE(m.find("cannot write '" + dir + "'"), std::string::npos) << m;
    EXPECT_EQ(names_in(dir).size(), 0u);  // nothing left behind
}

// A child rewrites the file in a loop (each version: 1 MiB of one byte
// value); the parent kills it at random moments, 60 times. Every time, the
// file is absent or one whole version; after one more write, the directory
// holds the file alone.
TEST(Files, KilledDuringSavesLeavesNoPartialFileAndNoTemporary) {
    const std::string dir = fresh_dir("kill");
    const std::string path = dir + "/ck.safetensors";
    constexpr size_t kSize = 1 << 20;
    std::mt19937 rng(14);
    for (int round = 0; round < 60; ++round) {
        const pid_t child = ::fork();
        ASSERT_GE(child, 0);
        if (child == 0) {
            for (unsigned char v = 0;; ++v) write_file_atomic(path, std::string(kSize, static_cast<char>(v)));
        }
        std::this_thread::sleep_for(std::chrono::microseconds(rng() % 20000));
        ::kill(child, SIGKILL);
        ::waitpid(child, nullptr, 0);
        if (!fs::exists(path)) continue;
        const std::string bytes = read_file(path);
        ASSERT_EQ(bytes.size(), kSize) << "round " << round;
        ASSERT_EQ(bytes.find_first_not_of(bytes[0]), std::string::npos) << "round " << round;
    }
    write_file_atomic(path, "done");
    EXPECT_EQ(names_in(dir), std::vector<std::string>{"ck.safetensors"});
    EXPECT_EQ(read_file(path), "done");
}

}  // namespace
}  // namespace gs
