// Presets: the one place that maps model names to files.
#include "gradscope/presets.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>

#include "gradscope/error.h"

namespace gs {

namespace fs = std::filesystem;

std::vector<std::string> preset_dirs() {
    std::vector<std::string> dirs;
    if (const char* env = std::getenv("GRADSCOPE_ASSETS")) dirs.push_back(std::string(env) + "/models");
    dirs.push_back(std::string(GS_ASSET_DIR) + "/models");
    dirs.push_back("assets/models");
    return dirs;
}

std::vector<std::string> preset_names() {
    std::vector<std::string> names;
    for (const auto& d : preset_dirs()) {
        std::error_code ec;
        for (const auto& e : fs::directory_iterator(d, ec)) {
            if (e.path().extension() != ".json") continue;
            std::string n = e.path().stem().string();
            if (std::find(names.begin(), names.end(), n) == names.end()) names.push_back(n);
        }
    }
    std::sort(names.begin(), names.end());
    return names;
}

namespace {
ModelSpec checked(const SpecResult& r, const std::string& what) {
    if (!r.ok()) throw Error(what + " has problems:\n" + r.message());
    return r.spec;
}
}  // namespace

ModelSpec load_preset(const std::string& name) {
    for (const auto& d : preset_dirs()) {
        fs::path p = fs::path(d) / (name + ".json");
        std::error_code ec;
        if (fs::is_regular_file(p, ec)) return checked(load_spec_file(p.string()), "preset '" + name + "'");
    }
    std::string list;
    for (const auto& n : preset_names()) list += (list.empty() ? "" : ", ") + n;
    throw Error("no preset named '" + name + "'; the presets are: " + list);
}

ModelSpec load_model(const std::string& name_or_path) {
    std::error_code ec;
    if (name_or_path.find('/') != std::string::npos || name_or_path.ends_with(".json") ||
        fs::is_regular_file(name_or_path, ec))
        return checked(load_spec_file(name_or_path), "'" + name_or_path + "'");
    return load_preset(name_or_path);
}

}  // namespace gs
