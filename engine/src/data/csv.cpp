// CSV datasets: one item a row, numeric feature columns and one label column.
// Quoting follows RFC 4180 ("a,b" holds a comma, "" is a quote, a quoted cell
// may span lines); unquoted cells are trimmed of spaces. Blank lines are
// skipped. "Row" in messages is the line a record starts on (1-based, the
// header line included), as an editor or a spreadsheet numbers it.
//
// Labels: string labels become classes numbered in sorted order of their
// names, so a train and a test file with the same labels map them the same
// way whatever order their rows are in (a saved model's outputs keep their
// meaning). The order is natural: labels that are all numbers (under task
// classification: "2.5", "10", "-1") sort by value, others with runs of
// digits compared as numbers ("size2" before "size10") and the rest byte by
// byte; ties ("07", "7") fall back to byte order. Non-negative integer labels are
// their own class numbers (0..max, named "0".."max"). A regression target is
// any finite number, and the dataset has 0 classes.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <limits>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "gradscope/data_files.h"
#include "gradscope/error.h"
#include "gradscope/files.h"
#include "data/messages.h"

namespace gs {

using data_detail::listing;
using data_detail::with_commas;

namespace {

// Natural order: digit runs by value (leading zeros aside), other bytes as
// bytes; a tie (equal under that order) by plain byte order.
bool natural_less(const std::string& a, const std::string& b) {
    auto digit = [](char c) { return c >= '0' && c <= '9'; };
    size_t i = 0, j = 0;
    while (i < a.size() && j < b.size()) {
        if (digit(a[i]) && digit(b[j])) {
            size_t ie = i, je = j;
            while (ie < a.size() && digit(a[ie])) ++ie;
            while (je < b.size() && digit(b[je])) ++je;
            size_t i0 = i, j0 = j;
            while (i0 + 1 < ie && a[i0] == '0') ++i0;  // "007" is 7
            while (j0 + 1 < je && b[j0] == '0') ++j0;
            if (ie - i0 != je - j0) return ie - i0 < je - j0;  // fewer digits: smaller
            const int c = a.compare(i0, ie - i0, b, j0, je - j0);
            if (c != 0) return c < 0;
            i = ie, j = je;
        } else {
            if (a[i] != b[j]) return static_cast<unsigned char>(a[i]) < static_cast<unsigned char>(b[j]);
            ++i, ++j;
        }
    }
    if ((i < a.size()) != (j < b.size())) return j < b.size();  // a prefix first
    return a < b;
}

constexpr size_t kMaxCsvBytes = size_t{1} << 30;
// More distinct labels than this is not a classification a model can learn
// from a CSV file; it is a wrong label column.
constexpr size_t kMaxClasses = 65536;
// "auto" reads integer labels as classes when there are at most this many
// distinct values (and none is negative); otherwise as a regression target.
constexpr size_t kAutoMaxIntegerClasses = 32;

struct Cell {
    std::string text;  // unquoted and, unless it was quoted, trimmed of spaces
};


// Text from a cell or a header for a message: control bytes escaped, long
// text cut short.
std::string printable(std::string_view s) {
    constexpr size_t kMax = 40;
    static const char* const kHex = "0123456789abcdef";
    std::string out;
    for (size_t i = 0; i < s.size() && i < kMax; ++i) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (c < 0x20 || c == 0x7f) {
            out += "\\x";
            out += kHex[c >> 4];
            out += kHex[c & 0xf];
        } else {
            out += static_cast<char>(c);
        }
    }
    if (s.size() > kMax) out += "...";
    return out;
}

std::string shown(std::string_view s) {
    std::string out(1, '\'');  // not "'" + printable(s): GCC 12 warns (-Wrestrict) on that
    out += printable(s);
    out += '\'';
    return out;
}

enum class NumberKind { kFinite, kNonFinite, kOutOfRange, kNotANumber };

// Parses a whole (trimmed) cell as a number; "+1", "1e-3", ".5" are numbers.
NumberKind parse_number(std::string_view s, double& out) {
    if (!s.empty() && s[0] == '+') {
        s.remove_prefix(1);
        if (s.empty() || s[0] == '-' || s[0] == '+') return NumberKind::kNotANumber;
    }
    if (s.empty()) return NumberKind::kNotANumber;
    const char* end = s.data() + s.size();
    const auto r = std::from_chars(s.data(), end, out, std::chars_format::general);
    if (r.ptr != end) return NumberKind::kNotANumber;
    if (r.ec == std::errc::result_out_of_range) return NumberKind::kOutOfRange;
    if (r.ec != std::errc()) return NumberKind::kNotANumber;
    if (!std::isfinite(out)) return NumberKind::kNonFinite;
    return NumberKind::kFinite;
}

bool is_number(std::string_view s) {
    double v;
    return parse_number(s, v) != NumberKind::kNotANumber;
}

// Splits the text into records. Keeps the line number each record starts on.
class Tokenizer {
  public:
    Tokenizer(const char* data, size_t size, const std::string& path, char delimiter)
        : m_p(data), m_end(data + size), m_path(path), m_delim(delimiter) {
        if (size >= 3 && std::memcmp(data, "\xEF\xBB\xBF", 3) == 0) m_p += 3;  // UTF-8 BOM
    }

    // Reads the next record that is not blank into cells[0..count); false at
    // the end of the text.
    bool next(std::vector<Cell>& cells, size_t& count) {
        skip_blank_lines();
        if (m_p == m_end) return false;
        m_record_line = m_line;
        count = 0;
        for (;;) {
            if (count == cells.size()) cells.emplace_back();
            Cell& cell = cells[count++];
            cell.text.clear();
            read_cell(cell, count);
            if (m_p == m_end) break;
            if (*m_p == m_delim) {
                ++m_p;
                continue;
            }
            end_line();  // at '\n', '\r' or "\r\n": read_cell stops only there
            break;
        }
        return true;
    }

    size_t record_line() const { return m_record_line; }

  private:
    bool is_space(char c) const { return (c == ' ' || c == '\t') && c != m_delim; }
    std::string_view rest_of_line() const {
        const char* e = m_p;
        while (e != m_end && *e != '\n' && *e != '\r') ++e;
        return std::string_view(m_p, static_cast<size_t>(e - m_p));
    }
    bool at_line_end() const { return m_p != m_end && (*m_p == '\n' || *m_p == '\r'); }

    void end_line() {
        if (*m_p == '\r' && m_p + 1 != m_end && m_p[1] == '\n') ++m_p;
        ++m_p;
        ++m_line;
    }

    // Lines holding nothing but spaces are skipped.
    void skip_blank_lines() {
        for (;;) {
            const char* q = m_p;
            while (q != m_end && is_space(*q)) ++q;
            if (q == m_end) {
                if (q != m_p) m_p = q;  // trailing spaces at the very end
                return;
            }
            if (*q != '\n' && *q != '\r') return;
            m_p = q;
            end_line();
        }
    }

    void read_cell(Cell& cell, size_t column) {
        const char* start = m_p;
        while (m_p != m_end && is_space(*m_p)) ++m_p;
        if (m_p != m_end && *m_p == '"') {
            const size_t open_line = m_line;
            ++m_p;
            for (;;) {
                if (m_p == m_end)
                    throw Error(quoted_path(m_path) + " row " + std::to_string(open_line) + ", column " +
                                std::to_string(column) +
                                ": a quoted cell is never closed (a \" is missing)");
                const char c = *m_p;
                if (c == '"') {
                    if (m_p + 1 != m_end && m_p[1] == '"') {
                        cell.text += '"';
                        m_p += 2;
                        continue;
                    }
                    ++m_p;
                    break;
                }
                if (c == '\n' || (c == '\r' && (m_p + 1 == m_end || m_p[1] != '\n'))) ++m_line;
                cell.text += c;
                ++m_p;
            }
            while (m_p != m_end && is_space(*m_p)) ++m_p;
            if (m_p != m_end && *m_p != m_delim && !at_line_end())
                throw Error(quoted_path(m_path) + " row " + std::to_string(m_line) + ", column " +
                            std::to_string(column) + ": text after the closing quote of a cell (" +
                            shown(rest_of_line()) +
                            "); a quote inside a quoted cell is written \"\"");
            return;
        }
        m_p = start;
        while (m_p != m_end && *m_p != m_delim && *m_p != '\n' && *m_p != '\r') ++m_p;
        const char* b = start;
        const char* e = m_p;
        while (b != e && is_space(*b)) ++b;
        while (e != b && is_space(e[-1])) --e;
        cell.text.assign(b, e);
    }

    const char* m_p;
    const char* m_end;
    const std::string& m_path;
    char m_delim;
    size_t m_line = 1;
    size_t m_record_line = 1;
};

std::string delimiter_name(char d) {
    if (d == '\t') return "a tab";
    return std::string("'") + d + "'";
}

struct LabelInfo {
    std::unordered_map<std::string, uint32_t> ids;  // first-appearance ids
    std::vector<std::string> names;                 // by id
    bool too_many = false;                          // more than kMaxClasses distinct
    std::vector<uint32_t> id;                       // per row
    std::vector<double> value;                      // per row; meaningful when numeric
    bool all_integers = true;  // every label a finite integer in [0, kMaxClasses)
    // The first label of each kind that may be refused, by line (0: none).
    size_t first_text_row = 0, first_nonfinite_row = 0, first_huge_row = 0;
    std::string first_text, first_nonfinite, first_huge;
    std::vector<bool> seen_integer = std::vector<bool>(kMaxClasses, false);
    size_t distinct_integers = 0;
    int max_integer = -1;
};

std::shared_ptr<Dataset> parse_csv_bytes(const char* data, size_t size, const std::string& path,
                                         const CsvOptions& options) {
    const std::string where = quoted_path(path);
    if (options.header != "auto" && options.header != "yes" && options.header != "no")
        throw Error(where + ": header must be auto, yes or no, not '" + options.header + "'");
    if (options.task != "auto" && options.task != "classification" && options.task != "regression")
        throw Error(where + ": task must be auto, classification or regression, not '" +
                    options.task + "'");
    const char delim = options.delimiter;
    if (delim == '"' || delim == '\n' || delim == '\r' || delim == '\0' || delim == ' ')
        throw Error(where + ": the delimiter cannot be " + shown(std::string_view(&delim, 1)));
    if (size > kMaxCsvBytes)
        throw Error(where + ": more than " + with_commas(kMaxCsvBytes) +
                    " bytes — is this the right file?");
    if (size == 0) throw Error(where + ": the file is empty");
    if (std::memchr(data, 0, std::min<size_t>(size, 4096)))
        throw Error(where + ": this looks like a binary file, not CSV text");

    Tokenizer tok(data, size, path, delim);
    std::vector<Cell> cells;
    size_t ncells = 0;
    if (!tok.next(cells, ncells)) throw Error(where + ": the file holds only blank lines");
    const size_t ncols = ncells;
    if (ncols < 2) {
        std::string hint;
        for (char d : {';', '\t', '|', ','})
            if (d != delim && cells[0].text.find(d) != std::string::npos) {
                hint = " — is the delimiter " + delimiter_name(d) + "?";
                break;
            }
        throw Error(where +
                    ": the first row has 1 column, but a dataset needs at least two "
                    "(features and a label) separated by " +
                    delimiter_name(delim) + hint);
    }

    // The label column: empty (the last), an index ("2", "-1"), or a name.
    size_t label = ncols - 1;
    bool by_name = false;
    if (!options.label_column.empty()) {
        const std::string& lc = options.label_column;
        long long v = 0;
        const char* b = lc.data() + (lc[0] == '+' ? 1 : 0);
        const auto r = std::from_chars(b, lc.data() + lc.size(), v);
        if (r.ec == std::errc() && r.ptr == lc.data() + lc.size()) {
            const long long n = static_cast<long long>(ncols);
            if (v >= n || v < -n)
                throw Error(where + ": label column " + lc + " is out of range: the file has " +
                            std::to_string(ncols) + " columns (0 to " + std::to_string(n - 1) +
                            ", or -1 to -" + std::to_string(n) + " from the end)");
            label = static_cast<size_t>(v < 0 ? n + v : v);
        } else {
            by_name = true;
        }
    }

    bool header = options.header == "yes";
    if (options.header == "auto") {
        header = by_name;
        for (size_t j = 0; j < ncols && !header; ++j)
            if (j != label && !cells[j].text.empty() && !is_number(cells[j].text)) header = true;
    }
    if (by_name && !header)
        throw Error(where + ": the label column is given by name ('" + options.label_column +
                    "'), but the file is read without a header; give the column's index");

    std::vector<std::string> names;  // header names, when there is a header
    if (header) {
        for (size_t j = 0; j < ncols; ++j) names.push_back(cells[j].text);
        if (by_name) {
            const auto it = std::find(names.begin(), names.end(), options.label_column);
            if (it == names.end()) {
                constexpr size_t kListed = 30;
                std::string list;
                for (size_t j = 0; j < names.size() && j < kListed; ++j)
                    list += (j ? ", " : "") + shown(names[j]);
                if (names.size() > kListed)
                    list += " and " + std::to_string(names.size() - kListed) + " more";
                throw Error(where + ": no column named " + shown(options.label_column) +
                            "; the columns are " + list);
            }
            label = static_cast<size_t>(it - names.begin());
        }
    }
    auto column = [&](size_t j) {
        std::string s = "column " + std::to_string(j + 1);
        if (header)
            s += " (" + (names[j].empty() ? std::string("unnamed") : printable(names[j])) + ")";
        return s;
    };

    const size_t nfeatures = ncols - 1;
    std::vector<float> features;
    LabelInfo li;
    size_t rows = 0;
    bool have = !header;  // the first record is data when there is no header
    for (;;) {
        if (!have && !tok.next(cells, ncells)) break;
        have = false;
        const size_t line = tok.record_line();
        auto at = [&] { return where + " row " + std::to_string(line); };
        if (ncells != ncols)
            throw Error(at() + " has " + std::to_string(ncells) + " column" +
                        (ncells == 1 ? "" : "s") + " but the " +
                        (header ? "header has " : "first row has ") + std::to_string(ncols));
        for (size_t j = 0; j < ncols; ++j) {
            const std::string& text = cells[j].text;
            if (text.empty())
                throw Error(at() + ", " + column(j) + ": the cell is empty" +
                            (j == label ? " (it is the label)" : ""));
            double v = 0.0;
            const NumberKind kind = parse_number(text, v);
            if (j == label) {
                const bool integer = kind == NumberKind::kFinite && v >= 0.0 &&
                                     v < static_cast<double>(kMaxClasses) && v == std::floor(v);
                if (!integer) li.all_integers = false;
                if (integer && !li.seen_integer[static_cast<size_t>(v)]) {
                    li.seen_integer[static_cast<size_t>(v)] = true;
                    ++li.distinct_integers;
                    li.max_integer = std::max(li.max_integer, static_cast<int>(v));
                }
                if (kind == NumberKind::kNotANumber && li.first_text_row == 0) {
                    li.first_text_row = line;
                    li.first_text = text;
                }
                if ((kind == NumberKind::kNonFinite || kind == NumberKind::kOutOfRange) &&
                    li.first_nonfinite_row == 0) {
                    li.first_nonfinite_row = line;
                    li.first_nonfinite = text;
                }
                if (kind == NumberKind::kFinite &&
                    std::abs(v) > std::numeric_limits<float>::max() && li.first_huge_row == 0) {
                    li.first_huge_row = line;
                    li.first_huge = text;
                }
                li.value.push_back(v);
                if (!li.too_many) {
                    const auto [it, added] =
                        li.ids.try_emplace(text, static_cast<uint32_t>(li.names.size()));
                    if (added) li.names.push_back(text);
                    li.id.push_back(it->second);
                    if (li.names.size() > kMaxClasses) li.too_many = true;
                }
                continue;
            }
            if (kind == NumberKind::kFinite && std::abs(v) > std::numeric_limits<float>::max())
                throw Error(at() + ", " + column(j) + ": " + shown(text) +
                            " is out of the range of a 32-bit float");
            switch (kind) {
                case NumberKind::kFinite:
                    break;
                case NumberKind::kNotANumber:
                    throw Error(at() + ", " + column(j) + ": " + shown(text) + " is not a number");
                case NumberKind::kNonFinite:
                    throw Error(at() + ", " + column(j) + ": " + shown(text) +
                                " is not a finite number");
                case NumberKind::kOutOfRange:
                    throw Error(at() + ", " + column(j) + ": " + shown(text) +
                                " is out of the range of a 32-bit float");
            }
            features.push_back(static_cast<float>(v));
        }
        ++rows;
    }
    if (rows == 0)
        throw Error(where + ": " +
                    (header ? "the header is not followed by any data rows"
                            : "the file holds no data rows"));

    // Classification or regression, from the labels seen.
    const std::string label_where = column(label);
    const bool has_text = li.first_text_row != 0;
    bool classes;
    if (options.task == "regression") {
        if (has_text)
            throw Error(where + " row " + std::to_string(li.first_text_row) + ", " + label_where +
                        ": " + shown(li.first_text) +
                        " is not a number (task regression needs a numeric target)");
        classes = false;
    } else if (options.task == "classification") {
        classes = true;
    } else {
        classes = has_text || (li.all_integers && li.distinct_integers <= kAutoMaxIntegerClasses);
    }
    const bool integer_classes = classes && li.all_integers;
    if (!integer_classes && !has_text && li.first_nonfinite_row != 0)
        throw Error(where + " row " + std::to_string(li.first_nonfinite_row) + ", " + label_where +
                    ": " + shown(li.first_nonfinite) + " is not a finite number");
    if (!classes && li.first_huge_row != 0)
        throw Error(where + " row " + std::to_string(li.first_huge_row) + ", " + label_where +
                    ": " + shown(li.first_huge) + " is out of the range of a 32-bit float");

    std::vector<float> targets(rows);
    std::vector<std::string> class_names;
    int num_classes = 0;
    if (integer_classes) {
        num_classes = li.max_integer + 1;
        for (int c = 0; c < num_classes; ++c) class_names.push_back(std::to_string(c));
        for (size_t i = 0; i < rows; ++i) targets[i] = static_cast<float>(li.value[i]);
    } else if (classes) {
        if (li.too_many)
            throw Error(where + ", " + label_where + ": more than " + with_commas(kMaxClasses) +
                        " different labels — is it the right label column? (a numeric target "
                        "needs task regression)");
        std::vector<uint32_t> order(li.names.size());
        for (size_t i = 0; i < order.size(); ++i) order[i] = static_cast<uint32_t>(i);
        // All numbers: by value; otherwise natural (decided once for the set,
        // so that the order is consistent).
        std::vector<double> value(li.names.size());
        bool numeric = true;
        for (size_t i = 0; i < value.size() && numeric; ++i)
            numeric = parse_number(li.names[i], value[i]) == NumberKind::kFinite;
        std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
            if (numeric) return value[a] != value[b] ? value[a] < value[b] : li.names[a] < li.names[b];
            return natural_less(li.names[a], li.names[b]);
        });
        std::vector<uint32_t> rank(order.size());
        for (size_t r = 0; r < order.size(); ++r) {
            rank[order[r]] = static_cast<uint32_t>(r);
            class_names.push_back(li.names[order[r]]);
        }
        num_classes = static_cast<int>(class_names.size());
        for (size_t i = 0; i < rows; ++i) targets[i] = static_cast<float>(rank[li.id[i]]);
    } else {
        for (size_t i = 0; i < rows; ++i) targets[i] = static_cast<float>(li.value[i]);
    }

    std::string name = std::filesystem::path(path).stem().string();
    if (name.empty()) name = "csv";
    auto ds =
        std::make_shared<InMemoryDataset>(name, Shape{static_cast<int>(nfeatures)}, num_classes);
    ds->set_class_names(std::move(class_names));
    ds->reserve(rows);
    for (size_t i = 0; i < rows; ++i) ds->add(features.data() + i * nfeatures, &targets[i]);
    return ds;
}

}  // namespace

std::shared_ptr<Dataset> parse_csv(const std::string& text, const std::string& path,
                                   const CsvOptions& options) {
    return parse_csv_bytes(text.data(), text.size(), path, options);
}

std::shared_ptr<Dataset> load_csv(const std::string& path, const CsvOptions& options) {
    const std::vector<uint8_t> bytes = read_maybe_gzip(path, kMaxCsvBytes);
    return parse_csv_bytes(reinterpret_cast<const char*>(bytes.data()), bytes.size(), path,
                           options);
}

}  // namespace gs
