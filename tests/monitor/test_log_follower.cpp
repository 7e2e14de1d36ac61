// LogFollower on the ways a followed file changes: partial last lines,
// growth, truncation, replacement (a new inode), a file that appears late.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "log_follower.h"

namespace gs::monitor {
namespace {

namespace fs = std::filesystem;

class Follow : public ::testing::Test {
protected:
    void SetUp() override {
        dir = fs::temp_directory_path() /
              ("gs_follow_" + std::to_string(::getpid()) + "_" +
               ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::remove_all(dir);
        fs::create_directories(dir);
        path = (dir / "run.jsonl").string();
    }
    void TearDown() override { fs::remove_all(dir); }
    void append(const std::string& s) {
        std::ofstream f(path, std::ios::app | std::ios::binary);
        f << s;
    }
    // Polls and returns the lines got; restarts counted in `restarts`.
    std::vector<std::string> poll(LogFollower& f, size_t max_bytes = SIZE_MAX) {
        std::vector<std::string> got;
        const auto p = f.poll([&](std::string_view l) { got.emplace_back(l); }, [&] { ++restarts; },
                              max_bytes);
        EXPECT_EQ(p.lines, got.size());
        return got;
    }
    fs::path dir;
    std::string path;
    int restarts = 0;
};

using Lines = std::vector<std::string>;

TEST_F(Follow, PartialLineWaitsForItsNewline) {
    LogFollower f(path);
    append("{\"a\":1}\n{\"b\":");
    EXPECT_EQ(poll(f), Lines({"{\"a\":1}"}));
    EXPECT_EQ(f.pending_bytes(), 5u);
    EXPECT_EQ(poll(f), Lines{});  // nothing new: the half line stays pending
    append("2}");
    EXPECT_EQ(poll(f), Lines{});
    append("\n{\"c\":3}\n");
    EXPECT_EQ(poll(f), Lines({"{\"b\":2}", "{\"c\":3}"}));
    EXPECT_EQ(f.pending_bytes(), 0u);
    EXPECT_EQ(restarts, 0);
}

TEST_F(Follow, AnOverlongLineIsSkippedNotBuffered) {
    LogFollower f(path);
    append("{\"a\":1}\n" + std::string(LogFollower::kMaxLineBytes + 1024, 'x'));
    Lines seen;
    for (int i = 0; i < 64; ++i)
        for (const auto& l : poll(f)) seen.push_back(l);
    EXPECT_EQ(seen, Lines({"{\"a\":1}"}));
    EXPECT_LE(f.pending_bytes(), LogFollower::kMaxLineBytes);
    append("tail\n{\"d\":4}\n");
    seen.clear();
    for (int i = 0; i < 4; ++i)
        for (const auto& l : poll(f)) seen.push_back(l);
    EXPECT_EQ(seen, Lines({LogFollower::kOverlongLine, "{\"d\":4}"}));
    EXPECT_EQ(f.pending_bytes(), 0u);
}

TEST_F(Follow, GrowthIsReadFromTheLastOffsetOnly) {
    LogFollower f(path);
    append("one\ntwo\n");
    EXPECT_EQ(poll(f), Lines({"one", "two"}));
    append("three\n");
    EXPECT_EQ(poll(f), Lines({"three"}));
    EXPECT_EQ(f.offset(), 14u);
    // Lines longer than the read chunk and more data than one poll allows.
    std::string big(3 << 20, 'x');
    append(big + "\nend\n");
    auto first = poll(f, 1 << 20);
    EXPECT_TRUE(first.empty());
    EXPECT_TRUE(f.behind());
    Lines rest;
    for (int i = 0; i < 10 && (rest.empty() || f.behind()); ++i)
        for (auto& l : poll(f, 1 << 20)) rest.push_back(l);
    ASSERT_EQ(rest.size(), 2u);
    EXPECT_EQ(rest[0].size(), big.size());
    EXPECT_EQ(rest[1], "end");
    EXPECT_EQ(restarts, 0);
}

TEST_F(Follow, TruncationRestartsFromTheBeginning) {
    LogFollower f(path);
    append("aaaa\nbbbb\ncccc\n");
    EXPECT_EQ(poll(f).size(), 3u);
    { std::ofstream t(path, std::ios::trunc | std::ios::binary); t << "x\n"; }
    EXPECT_EQ(poll(f), Lines({"x"}));
    EXPECT_EQ(restarts, 1);
    EXPECT_EQ(f.restarts(), 1u);
}

TEST_F(Follow, ReplacementByANewFileRestarts) {
    LogFollower f(path);
    append("old 1\nold 2\nold 3 is long enough\n");
    EXPECT_EQ(poll(f).size(), 3u);
    // As RunLog does: remove, then create a new file (a new inode) that is
    // already longer than what was read, so only the inode tells.
    fs::remove(path);
    append("new 1 ......................................\n");
    EXPECT_EQ(poll(f), Lines({"new 1 ......................................"}));
    EXPECT_EQ(restarts, 1);
    append("new 2\n");
    EXPECT_EQ(poll(f), Lines({"new 2"}));
}

TEST_F(Follow, MissingFileIsWaitedForWithAReason) {
    LogFollower f(path);
    EXPECT_EQ(poll(f), Lines{});
    EXPECT_FALSE(f.is_open());
    EXPECT_NE(f.problem().find("waiting for"), std::string::npos) << f.problem();
    append("first\n");
    EXPECT_EQ(poll(f), Lines({"first"}));
    EXPECT_TRUE(f.is_open());
    EXPECT_EQ(f.problem(), "");
    EXPECT_EQ(restarts, 0);
}

TEST_F(Follow, VanishedFileKeepsWhatWasReadUntilANewOneAppears) {
    LogFollower f(path);
    append("a\n");
    EXPECT_EQ(poll(f), Lines({"a"}));
    fs::remove(path);
    EXPECT_EQ(poll(f), Lines{});
    EXPECT_EQ(restarts, 0);
    append("b\n");
    EXPECT_EQ(poll(f), Lines({"b"}));
    EXPECT_EQ(restarts, 1);
}

}  // namespace
}  // namespace gs::monitor
