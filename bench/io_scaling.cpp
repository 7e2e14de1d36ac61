// gradscope-bench-io: how the cost of saving and loading checkpoints and of
// validating specs grows with their size (issue 14, item 11: saving 100,000
// tensors took 360 s, validating 200,000 layers 21.5 s, both quadratic). Each
// case runs at N and 2N and prints
//
//   bench io/<case> <seconds at 2N> s  (x<ratio> for twice the size)
//
// A linear cost has a ratio near 2; a quadratic one near 4.
//
//   gradscope-bench-io
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <string>

#include <unistd.h>

#include "gradscope/error.h"
#include "gradscope/io.h"
#include "gradscope/spec.h"
#include "gradscope/validate.h"

namespace {

using Clock = std::chrono::steady_clock;

double seconds_of(const std::function<void()>& f) {
    const auto start = Clock::now();
    f();
    return std::chrono::duration<double>(Clock::now() - start).count();
}

void report(const char* name, const std::function<void(int)>& run, int n) {
    const double one = seconds_of([&] { run(n); });
    const double two = seconds_of([&] { run(2 * n); });
    std::printf("bench io/%s %.3f s  (x%.2f for twice the size)\n", name, two,
                one > 0 ? two / one : 0.0);
}

}  // namespace

int main() {
    const std::string dir =
        (std::filesystem::temp_directory_path() / ("gs-bench-io-" + std::to_string(::getpid()))).string();
    std::filesystem::create_directories(dir);
    try {
        report("safetensors-save-load-100k", [&](int n) {
            gs::SafetensorsFile f;
            for (int i = 0; i < n; ++i)
                f.tensors.push_back({"layers." + std::to_string(i) + ".weight", {1}, {1.0f}});
            gs::save_safetensors(dir + "/t.safetensors", f);
            (void)gs::load_safetensors(dir + "/t.safetensors");
        }, 100000);
        report("validate-200k-layers", [&](int n) {
            std::string text = R"({"input": [2], "loss": "mse", "layers": [)";
            for (int i = 0; i < n; ++i) text += i ? R"(, {"type": "Tanh"})" : R"({"type": "Tanh"})";
            text += "]}";
            (void)gs::parse_spec(text);  // read and validated
        }, 200000);
    } catch (const gs::Error& e) {
        std::fprintf(stderr, "gradscope-bench-io: %s\n", e.what());
        std::filesystem::remove_all(dir);
        return 1;
    }
    std::filesystem::remove_all(dir);
    return 0;
}
