// Replays the project fuzz corpus (tests/fuzz/corpus/project: valid projects,
// broken ones and what fuzz_project found) through the fuzz target's body
// (tests/fuzz/fuzz_project_target.h) with the normal compiler, so CI runs it
// on every build: each file must read, and read back equal once written, or
// be refused with a gs::Error.
#include <QtTest>
#include <algorithm>
#include <exception>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <vector>

#include "../fuzz/fuzz_project_target.h"

namespace fs = std::filesystem;

class TestProjectFuzzCorpus : public QObject {
    Q_OBJECT
private slots:
    void every_file_reads_or_is_refused() {
        const fs::path dir = fs::path(GS_TEST_DATA_DIR) / ".." / "fuzz" / "corpus" / "project";
        QVERIFY2(fs::is_directory(dir), dir.c_str());
        std::vector<fs::path> files;
        for (const auto& e : fs::directory_iterator(dir))
            if (e.is_regular_file()) files.push_back(e.path());
        std::sort(files.begin(), files.end());
        int accepted = 0, refused = 0;
        for (const auto& p : files) {
            std::ifstream in(p, std::ios::binary);
            const std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), {});
            try {
                gs_fuzz::fuzz_project(bytes.data(), bytes.size());
                ++accepted;
            } catch (const gs::Error&) {
                ++refused;
            } catch (const std::exception& e) {
                QFAIL(qPrintable(QString::fromStdString(p.string() + ": " + e.what())));
            }
        }
        QVERIFY(files.size() >= 15);
        QVERIFY(accepted >= 4);  // the valid_* projects
        QVERIFY(refused >= 10);
    }
};

QTEST_MAIN(TestProjectFuzzCorpus)
#include "test_project_fuzz_corpus.moc"
