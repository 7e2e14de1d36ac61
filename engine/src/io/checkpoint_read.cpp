// The checks of a decoded checkpoint (io/checkpoint_read.h). Reading trusts
// none of it: every metadata field is parsed whole and range-checked, and
// the spec must read and validate.
#include "io/checkpoint_read.h"

#include <charconv>
#include <climits>
#include <string>
#include <utility>

#include "gradscope/error.h"
#include "gradscope/optim.h"
#include "gradscope/validate.h"

namespace gs {

namespace {

[[noreturn]] void bad_metadata(const std::string& path, const std::string& what) {
    throw Error(quoted_path(path) + ": metadata " + what);
}

// A whole number in [0, max], written as decimal digits only (no sign, space
// or anything after): absent is 0 unless required.
template <typename T>
T count_field(const SafetensorsFile& f, const std::string& path, const char* key, T max,
              const char* unit, bool required) {
    auto it = f.metadata.find(key);
    if (it == f.metadata.end()) {
        if (required) bad_metadata(path, std::string("\"") + key + "\" is missing");
        return 0;
    }
    const std::string& v = it->second;
    const std::string shown = v.size() > 40 ? v.substr(0, 40) + "…" : v;
    const std::string field = std::string("\"") + key + "\" is \"" + shown + "\"";
    if (!v.empty() && v[0] == '-' && v.size() > 1 &&
        v.find_first_not_of("0123456789", 1) == std::string::npos)
        bad_metadata(path, field + ": a negative count (it must be 0 or more)");
    if (v.empty() || v.find_first_not_of("0123456789") != std::string::npos)
        bad_metadata(path, field + ", not a whole number");
    unsigned long long n = 0;
    const auto r = std::from_chars(v.data(), v.data() + v.size(), n);
    if (r.ec != std::errc() || r.ptr != v.data() + v.size() || n > static_cast<unsigned long long>(max))
        bad_metadata(path, field + ": more than the " + std::to_string(max) + " " + unit +
                               " a checkpoint may record");
    return static_cast<T>(n);
}

}  // namespace

CheckedCheckpoint check_checkpoint(SafetensorsFile file, const std::string& path) {
    CheckedCheckpoint c;
    c.file = std::move(file);
    const SafetensorsFile& f = c.file;
    auto fmt = f.metadata.find("format");
    if (fmt == f.metadata.end() || fmt->second != kCheckpointFormat)
        throw Error(quoted_path(path) + " is not a Gradscope checkpoint (no format \"" + kCheckpointFormat +
                    "\" in its metadata)");
    auto spec = f.metadata.find("spec");
    if (spec == f.metadata.end())
        throw Error(quoted_path(path) + " holds no model spec (no \"spec\" in its metadata)");
    SpecResult r = parse_spec(spec->second);
    if (!r.ok())
        throw Error("the spec stored in " + quoted_path(path) + " has problems:\n" + r.message());
    c.spec = std::move(r.spec);
    c.progress.step = count_field<long>(f, path, "step", kMaxCheckpointSteps, "steps", true);
    c.progress.epoch = count_field<int>(f, path, "epoch", INT_MAX - 1, "epochs", true);
    c.progress.epoch_position =
        count_field<size_t>(f, path, "epoch_position", kMaxCheckpointSteps, "items", false);
    c.progress.optimizer_steps =
        count_field<long>(f, path, "optimizer_steps", kMaxCheckpointSteps, "steps", false);
    if (auto o = f.metadata.find("optimizer"); o != f.metadata.end() && !o->second.empty())
        if (std::string why = optimizer_type_problem(o->second); !why.empty())
            bad_metadata(path, "\"optimizer\": " + why);
    c.by_name.reserve(f.tensors.size());
    for (const NamedArray& a : f.tensors) c.by_name.emplace(a.name, &a);
    return c;
}

}  // namespace gs
