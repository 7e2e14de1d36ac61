// Helpers of session_checks.h.
#include "session_checks.h"

#include <cmath>
#include <cstdio>
#include <cstring>
#include <string>

#include <unistd.h>

namespace gs::test {

void settle(Session& s) { ASSERT_TRUE(s.wait_until_settled(120)) << state_name(s.state()); }

namespace {

SafetensorsFile saved(Session& s, const std::string& path, CommandResult r) {
    EXPECT_TRUE(r) << r.reason;
    settle(s);
    SafetensorsFile f = load_safetensors(path);
    std::remove(path.c_str());
    return f;
}

// A file of this process's own: CTest runs tests of one binary in parallel
// processes, and a shared name let one read another's checkpoint.
std::string temp_path(const std::string& name) {
    return testing::TempDir() + "gs_" + name + "." + std::to_string(getpid()) + ".safetensors";
}

}  // namespace

SafetensorsFile state_at(Session& s, long step, const std::string& name) {
    const std::string path = temp_path(name);
    return saved(s, path, s.save_checkpoint(path, step));
}

SafetensorsFile live_state(Session& s, const std::string& name) {
    const std::string path = temp_path(name);
    return saved(s, path, s.save_checkpoint(path));
}

bool same_state(const SafetensorsFile& a, const SafetensorsFile& b, std::string* why) {
    auto differ = [&](const std::string& what) {
        if (why) *why = what;
        return false;
    };
    for (const char* key : {"step", "epoch", "epoch_position", "optimizer_steps", "optimizer"}) {
        auto x = a.metadata.find(key), y = b.metadata.find(key);
        if (x == a.metadata.end() || y == b.metadata.end() || x->second != y->second)
            return differ(std::string(key) + " differs: " +
                          (x == a.metadata.end() ? "-" : x->second) + " and " +
                          (y == b.metadata.end() ? "-" : y->second));
    }
    if (a.tensors.size() != b.tensors.size()) return differ("the tensors differ in number");
    for (size_t i = 0; i < a.tensors.size(); ++i) {
        const NamedArray &x = a.tensors[i], &y = b.tensors[i];
        if (x.name != y.name || x.shape != y.shape || x.values.size() != y.values.size())
            return differ("tensor " + x.name + " and " + y.name + " differ in name or shape");
        if (std::memcmp(x.values.data(), y.values.data(), x.values.size() * sizeof(float)) != 0)
            return differ("the values of " + x.name + " differ");
    }
    return true;
}

bool all_finite(const SafetensorsFile& f) {
    for (const NamedArray& a : f.tensors)
        for (float v : a.values)
            if (!std::isfinite(v)) return false;
    return true;
}

}  // namespace gs::test
