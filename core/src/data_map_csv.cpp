// The data map's CSV (gradscope/data_map.h, docs/run-log.md "datamap.csv"):
// written whole to a temporary file and renamed, and read back (by the
// monitor, which draws the map from the table the run wrote).
#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <string_view>
#include <type_traits>
#include <unistd.h>

#include "gradscope/data_map.h"
#include "gradscope/error.h"

namespace gs {

namespace {

constexpr const char* kHeader =
    "item,label,predicted,predicted_p,presentations,confidence,variability,correctness,"
    "forgetting,region,likely_mislabeled,history";

}  // namespace

namespace {

void append_number(std::string& out, float v) {
    if (!std::isfinite(v)) {
        out += std::isnan(v) ? "nan" : v > 0 ? "inf" : "-inf";
        return;
    }
    char tmp[32];
    const auto r = std::to_chars(tmp, tmp + sizeof tmp, v);
    out.append(tmp, static_cast<size_t>(r.ptr - tmp));
}

void append_integer(std::string& out, long v) {
    char tmp[24];
    const auto r = std::to_chars(tmp, tmp + sizeof tmp, v);
    out.append(tmp, static_cast<size_t>(r.ptr - tmp));
}

}  // namespace

void write_data_map_csv(const DataMap& m, const std::string& path) {
    std::string text = std::string(kHeader) + "\n";
    text.reserve(text.size() + m.items() * 160);
    for (size_t i = 0; i < m.items(); ++i) {
        append_integer(text, static_cast<long>(i));
        text += ',';
        append_integer(text, m.label[i]);
        text += ',';
        append_integer(text, m.predicted[i]);
        text += ',';
        append_number(text, m.predicted_p[i]);
        text += ',';
        append_integer(text, m.presentations[i]);
        text += ',';
        append_number(text, m.confidence[i]);
        text += ',';
        append_number(text, m.variability[i]);
        text += ',';
        append_number(text, m.correctness[i]);
        text += ',';
        append_integer(text, m.forgetting[i]);
        text += ',';
        text += id_of(m.region(i));
        text += m.likely_mislabeled(i) ? ",1," : ",0,";
        // p(label) in whole percent, oldest first.
        for (size_t j = 0, n = m.history_length(i); j < n; ++j) {
            if (j) text += ' ';
            append_integer(text, std::lround(100.0f * m.history_p(i, j)));
        }
        text += '\n';
    }
    const std::string tmp = path + ".tmp-" + std::to_string(::getpid());
    std::FILE* f = std::fopen(tmp.c_str(), "wb");
    if (!f) throw Error("cannot write the data map '" + path + "': " + std::strerror(errno));
    const bool wrote = std::fwrite(text.data(), 1, text.size(), f) == text.size();
    const int err = errno;
    if (std::fclose(f) != 0 || !wrote) {
        std::remove(tmp.c_str());
        throw Error("cannot write the data map '" + path + "': " + std::strerror(wrote ? errno : err));
    }
    std::error_code ec;
    std::filesystem::rename(tmp, path, ec);
    if (ec) {
        std::remove(tmp.c_str());
        throw Error("cannot write the data map '" + path + "': " + ec.message());
    }
}


namespace {

[[noreturn]] void bad_csv(const std::string& path, size_t line, const std::string& what) {
    throw Error("the data map '" + path + "' is not one Gradscope wrote: line " + std::to_string(line) + ": " +
                what);
}

// The cells of one line, split at commas (no cell of this table is quoted).
void split_cells(std::string_view line, std::vector<std::string_view>& cells) {
    cells.clear();
    size_t start = 0;
    for (;;) {
        const size_t comma = line.find(',', start);
        cells.push_back(line.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start));
        if (comma == std::string_view::npos) return;
        start = comma + 1;
    }
}

template <typename T>
bool parse_cell(std::string_view cell, T& out) {
    if (cell == "nan" || cell == "inf" || cell == "-inf") {
        if constexpr (std::is_floating_point_v<T>) {
            out = cell == "nan" ? std::numeric_limits<T>::quiet_NaN()
                                : cell == "inf" ? std::numeric_limits<T>::infinity()
                                                : -std::numeric_limits<T>::infinity();
            return true;
        }
        return false;
    }
    const auto r = std::from_chars(cell.data(), cell.data() + cell.size(), out);
    return r.ec == std::errc() && r.ptr == cell.data() + cell.size();
}

}  // namespace

DataMap read_data_map_csv(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw Error("cannot read the data map '" + path + "': " + std::strerror(errno));
    std::string line;
    if (!std::getline(in, line) || line != kHeader) bad_csv(path, 1, "the header is not the data map's");
    DataMap m;
    std::vector<std::string_view> cells;
    size_t n = 1;
    while (std::getline(in, line)) {
        ++n;
        if (line.empty()) continue;
        split_cells(line, cells);
        if (cells.size() != 12) bad_csv(path, n, "12 cells expected, " + std::to_string(cells.size()) + " found");
        uint32_t item = 0;
        if (!parse_cell(cells[0], item) || item != m.items()) bad_csv(path, n, "items must come in order from 0");
        int32_t label = 0, predicted = 0;
        float pp = 0, conf = 0, var = 0, right = 0;
        uint32_t seen = 0, forgot = 0;
        if (!parse_cell(cells[1], label) || !parse_cell(cells[2], predicted) || !parse_cell(cells[3], pp) ||
            !parse_cell(cells[4], seen) || !parse_cell(cells[5], conf) || !parse_cell(cells[6], var) ||
            !parse_cell(cells[7], right) || !parse_cell(cells[8], forgot))
            bad_csv(path, n, "a number does not parse");
        m.label.push_back(label);
        m.predicted.push_back(predicted);
        m.predicted_p.push_back(pp);
        m.presentations.push_back(seen);
        m.confidence.push_back(conf);
        m.variability.push_back(var);
        m.correctness.push_back(right);
        m.forgetting.push_back(forgot);
        // History: whole percents, oldest first, back to 1/255 steps.
        const size_t at = m.history.size();
        m.history.resize(at + DataMap::kHistory, 0);
        std::string_view h = cells[11];
        size_t j = 0;
        while (!h.empty()) {
            const size_t sp = h.find(' ');
            int pct = 0;
            if (j >= DataMap::kHistory || !parse_cell(h.substr(0, sp), pct) || pct < 0 || pct > 100)
                bad_csv(path, n, "the history is not percents");
            m.history[at + j++] = static_cast<uint8_t>(std::lround(pct * 2.55));
            h = sp == std::string_view::npos ? std::string_view{} : h.substr(sp + 1);
        }
        if (j != std::min<size_t>(seen, DataMap::kHistory)) bad_csv(path, n, "the history's length is not its presentations'");
        if (label >= 0) m.classes = std::max(m.classes, label + 1);
        if (predicted >= 0) m.classes = std::max(m.classes, predicted + 1);
    }
    return m;
}

}  // namespace gs
