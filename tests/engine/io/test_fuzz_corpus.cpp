// Replays the fuzz corpus (tests/fuzz/corpus/<target>/*: valid files, broken
// files and every input the fuzzers found interesting) through the same entry
// points the libFuzzer programs call (tests/fuzz/fuzz_targets.h), with the
// normal compiler, so CI catches a parser that regresses on any of them. Each
// input must parse or be refused with a gs::Error; parse_spec and
// parse_run_log_line must not throw. (The studio's project corpus is
// replayed by tests/studio/test_project_fuzz_corpus.cpp: it needs Qt.)
#include <gtest/gtest.h>

#include <algorithm>
#include <exception>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <string>
#include <vector>

#include "../../fuzz/fuzz_targets.h"

namespace fs = std::filesystem;

namespace {

const fs::path kCorpus = fs::path(GS_TEST_DATA_DIR) / ".." / "fuzz" / "corpus";

struct Replay {
    size_t files = 0, accepted = 0, refused = 0;
};

// Runs every file in corpus/<target> through f.
Replay replay(const std::string& target, const std::function<void(const uint8_t*, size_t)>& f,
              bool may_throw) {
    Replay r;
    const fs::path dir = kCorpus / target;
    if (!fs::is_directory(dir)) {
        ADD_FAILURE() << "no corpus directory " << dir;
        return r;
    }
    std::vector<fs::path> files;
    for (const auto& e : fs::directory_iterator(dir))
        if (e.is_regular_file()) files.push_back(e.path());
    std::sort(files.begin(), files.end());
    for (const auto& p : files) {
        std::ifstream in(p, std::ios::binary);
        const std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), {});
        ++r.files;
        try {
            f(bytes.data(), bytes.size());
            ++r.accepted;
        } catch (const gs::Error& e) {
            if (!may_throw) ADD_FAILURE() << p << ": threw gs::Error: " << e.what();
            ++r.refused;
        } catch (const std::exception& e) {
            ADD_FAILURE() << p << ": threw something other than gs::Error: " << e.what();
        }
    }
    return r;
}

TEST(FuzzCorpus, Idx) {
    const Replay r = replay("idx", gs_fuzz::fuzz_idx, true);
    EXPECT_GE(r.files, 10u);
    EXPECT_GE(r.accepted, 2u);  // the valid seeds, plain and gzipped
    EXPECT_GE(r.refused, 8u);
}

TEST(FuzzCorpus, Cifar10) {
    const Replay r = replay("cifar10", gs_fuzz::fuzz_cifar10, true);
    EXPECT_GE(r.files, 5u);
    EXPECT_GE(r.accepted, 1u);
    EXPECT_GE(r.refused, 3u);
}

TEST(FuzzCorpus, Csv) {
    const Replay r = replay("csv", gs_fuzz::fuzz_csv, true);
    EXPECT_GE(r.files, 10u);
    EXPECT_GE(r.accepted, 3u);
    EXPECT_GE(r.refused, 5u);
}

TEST(FuzzCorpus, Spec) {
    const Replay r = replay("spec", gs_fuzz::fuzz_spec, false);
    EXPECT_GE(r.files, 5u);
}

TEST(FuzzCorpus, Checkpoint) {
    const Replay r = replay("checkpoint", gs_fuzz::fuzz_checkpoint, true);
    EXPECT_GE(r.files, 20u);
    EXPECT_GE(r.accepted, 1u);  // valid_xor, valid_no_tensors
    EXPECT_GE(r.refused, 15u);
}

TEST(FuzzCorpus, RunLog) {
    const Replay r = replay("run_log", gs_fuzz::fuzz_run_log, false);
    EXPECT_GE(r.files, 10u);
}

}  // namespace
