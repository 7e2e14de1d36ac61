// Small text helpers the file loaders share for their error messages.
#pragma once

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <string>
#include <system_error>
#include <vector>

namespace gs::data_detail {

// 47040000 -> "47,040,000"
inline std::string with_commas(uint64_t v) {
    std::string digits = std::to_string(v), out;
    for (size_t i = 0; i < digits.size(); ++i) {
        if (i && (digits.size() - i) % 3 == 0) out += ',';
        out += digits[i];
    }
    return out;
}

// The names in a directory, sorted, for an error saying what is there.
inline std::string listing(const std::filesystem::path& dir) {
    std::vector<std::string> names;
    std::error_code ec;
    for (std::filesystem::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec))
        names.push_back(it->path().filename().string());
    if (names.empty()) return "it is empty";
    std::sort(names.begin(), names.end());
    constexpr size_t kShown = 20;
    std::string s = "it holds ";
    for (size_t i = 0; i < names.size() && i < kShown; ++i) {
        if (i) s += ", ";
        s += names[i];
    }
    if (names.size() > kShown) s += " and " + std::to_string(names.size() - kShown) + " more";
    return s;
}

}  // namespace gs::data_detail
