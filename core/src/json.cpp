// parse_json_bounded (gradscope/json.h): nlohmann_json's SAX parser feeding a
// tree builder of our own, which refuses to open a container past
// kMaxJsonDepth, keeps the path of the value being read (for messages), and
// appends object keys without nlohmann::ordered_map's linear search (a hash
// set per open object finds the duplicates instead).
#include "gradscope/json.h"

#include <algorithm>
#include <cstdint>
#include <string>
#include <type_traits>
#include <unordered_set>
#include <utility>
#include <vector>

#include "gradscope/error.h"

namespace gs {

namespace {

template <typename Json>
class Builder {
public:
    using number_integer_t = typename Json::number_integer_t;
    using number_unsigned_t = typename Json::number_unsigned_t;
    using number_float_t = typename Json::number_float_t;
    using string_t = typename Json::string_t;
    using binary_t = typename Json::binary_t;
    static constexpr bool kOrdered =
        !std::is_same_v<typename Json::object_t, typename nlohmann::json::object_t>;

    Json root;
    // Why parsing stopped, when it did.
    bool too_deep = false;
    bool failed = false;
    size_t error_position = 0;
    std::string error_words;

    bool null() { return add(nullptr); }
    bool boolean(bool v) { return add(v); }
    bool number_integer(number_integer_t v) { return add(v); }
    bool number_unsigned(number_unsigned_t v) { return add(v); }
    bool number_float(number_float_t v, const string_t&) { return add(v); }
    bool string(string_t& v) { return add(std::move(v)); }
    bool binary(binary_t& v) { return add(std::move(v)); }

    bool start_object(size_t) { return open(Json::value_t::object); }
    bool start_array(size_t) { return open(Json::value_t::array); }
    bool end_object() { return close(); }
    bool end_array() { return close(); }

    bool key(string_t& k) {
        m_frames.back().key = std::move(k);
        m_frames.back().has_key = true;
        return true;
    }

    template <class Exception>
    bool parse_error(size_t position, const std::string& last_token, const Exception& ex) {
        failed = true;
        // position counts the characters read, the offending one included:
        // the message points at it (at the start of a number too large).
        error_position = ex.id == 406 ? position - std::min(position, last_token.size())
                                      : position - std::min<size_t>(position, 1);
        if (ex.id == 406) {
            error_words = "the number " + last_token + " is too large for a float";
        } else {
            // "[json.exception.parse_error.101] parse error at line 1, column 2:
            // syntax error while parsing ..." -> "syntax error while parsing ..."
            std::string what = ex.what();
            const size_t at = what.find("parse error");
            const size_t colon = at == std::string::npos ? at : what.find(": ", at);
            error_words = "invalid JSON: " +
                          (colon == std::string::npos ? what : what.substr(colon + 2));
        }
        return false;
    }

    // "optimizer.lr", "layers[3].units", or "" at the top; a path of more
    // than 120 bytes keeps its first and last 50.
    std::string path() const {
        std::string p;
        for (size_t i = 0; i < m_frames.size(); ++i) {
            const Frame& f = m_frames[i];
            if (f.object) {
                if (!f.has_key) break;
                if (!p.empty()) p += '.';
                p += f.key;
            } else {
                // An open child is the last element placed; at the top, the
                // parser is at the next one.
                const size_t at = i + 1 < m_frames.size() ? f.count - 1 : f.count;
                p += '[';
                p += std::to_string(at);
                p += ']';
            }
        }
        if (p.size() > 120) p = p.substr(0, 50) + "…" + p.substr(p.size() - 50);
        return p;
    }

private:
    struct Frame {
        Json* value = nullptr;
        bool object = false;
        bool has_key = false;
        std::string key;
        size_t count = 0;  // elements so far (arrays)
        std::unordered_set<std::string> keys;  // ordered objects: the keys so far
    };

    // Places v where the parser is (the root, the next array element, or the
    // value of the last key) and returns it.
    template <typename V>
    Json* place(V&& v) {
        if (m_frames.empty()) {
            root = Json(std::forward<V>(v));
            return &root;
        }
        Frame& f = m_frames.back();
        if (!f.object) {
            ++f.count;
            auto& a = f.value->template get_ref<typename Json::array_t&>();
            a.emplace_back(std::forward<V>(v));
            return &a.back();
        }
        auto& o = f.value->template get_ref<typename Json::object_t&>();
        if constexpr (kOrdered) {
            if (!f.keys.insert(f.key).second) {  // named again: the last one counts
                Json& slot = o.find(f.key)->second;
                slot = Json(std::forward<V>(v));
                return &slot;
            }
            auto& c = static_cast<typename Json::object_t::Container&>(o);
            c.emplace_back(f.key, Json(std::forward<V>(v)));
            return &c.back().second;
        } else {
            Json& slot = o[f.key];
            slot = Json(std::forward<V>(v));
            return &slot;
        }
    }

    template <typename V>
    bool add(V&& v) {
        place(std::forward<V>(v));
        return true;
    }

    bool open(typename Json::value_t type) {
        if (m_frames.size() >= static_cast<size_t>(kMaxJsonDepth)) {
            too_deep = true;
            return false;
        }
        Json* v = place(type);
        Frame f;
        f.value = v;
        f.object = type == Json::value_t::object;
        m_frames.push_back(std::move(f));
        return true;
    }

    bool close() {
        m_frames.pop_back();
        return true;
    }

    std::vector<Frame> m_frames;
};

// Line and column (1-based) of a byte offset.
std::pair<size_t, size_t> line_of(std::string_view text, size_t pos) {
    if (pos > text.size()) pos = text.size();
    size_t line = 1, start = 0;
    for (size_t i = 0; i < pos; ++i)
        if (text[i] == '\n') ++line, start = i + 1;
    return {line, pos - start + 1};
}

// Where the nesting first goes past kMaxJsonDepth (outside strings).
size_t too_deep_at(std::string_view text) {
    int depth = 0;
    bool in_string = false, escaped = false;
    for (size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (in_string) {
            if (escaped) escaped = false;
            else if (c == '\\') escaped = true;
            else if (c == '"') in_string = false;
        } else if (c == '"') {
            in_string = true;
        } else if (c == '[' || c == '{') {
            if (++depth > kMaxJsonDepth) return i;
        } else if (c == ']' || c == '}') {
            --depth;
        }
    }
    return text.size();
}

template <typename Json>
Json parse(std::string_view text, const std::string& source) {
    Builder<Json> b;
    bool ok = false;
    try {
        ok = Json::sax_parse(text.begin(), text.end(), &b);
    } catch (const nlohmann::json::exception& e) {  // anything the parser throws itself
        b.failed = true;
        b.error_words = std::string("invalid JSON: ") + e.what();
    }
    if (ok && !b.too_deep && !b.failed) return std::move(b.root);
    const size_t pos = b.too_deep ? too_deep_at(text) : b.error_position;
    const auto [line, column] = line_of(text, pos);
    const std::string field = b.path();
    std::string m = source + ", line " + std::to_string(line) + ", column " + std::to_string(column);
    if (!field.empty()) m += ", field \"" + field + "\"";
    m += ": ";
    if (b.too_deep)
        m += "arrays and objects nest deeper than " + std::to_string(kMaxJsonDepth) +
             " levels here; no Gradscope file needs that many — is this the right file?";
    else if (!b.error_words.empty())
        m += b.error_words;
    else
        m += "invalid JSON";
    throw Error(m);
}

}  // namespace

std::unordered_map<std::string, size_t> json_lines(std::string_view text) {
    struct Frame {
        bool object;
        std::string path;  // of this container
        size_t index = 0;  // arrays: the element being read
        bool want_key = true;
        bool want_value = true;  // arrays: the next non-space starts an element
    };
    std::unordered_map<std::string, size_t> lines;
    std::vector<Frame> frames;
    size_t line = 1;
    // A value starts here: an array records its element's line.
    auto value_starts = [&] {
        if (frames.empty() || frames.back().object || !frames.back().want_value) return;
        Frame& f = frames.back();
        lines.emplace(f.path + "[" + std::to_string(f.index) + "]", line);
        f.want_value = false;
    };
    auto child_path = [&]() -> std::string {
        if (frames.empty()) return "";
        const Frame& f = frames.back();
        return f.object ? f.path : f.path + "[" + std::to_string(f.index) + "]";
    };
    std::string last_key;
    for (size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '\n') {
            ++line;
        } else if (c == '"') {
            const size_t start = i + 1;
            size_t j = start;
            while (j < text.size() && text[j] != '"') j += text[j] == '\\' ? 2 : 1;
            const std::string_view s = text.substr(start, std::min(j, text.size()) - start);
            if (!frames.empty() && frames.back().object && frames.back().want_key) {
                Frame& f = frames.back();
                last_key = std::string(s);  // keys of specs have no escapes worth decoding
                lines.emplace(f.path.empty() ? last_key : f.path + "." + last_key, line);
                f.want_key = false;
            } else {
                value_starts();
            }
            i = j;
        } else if (c == '{' || c == '[') {
            value_starts();
            std::string path = child_path();
            if (!frames.empty() && frames.back().object)
                path = path.empty() ? last_key : path + "." + last_key;
            frames.push_back(Frame{c == '{', std::move(path)});
        } else if (c == '}' || c == ']') {
            if (!frames.empty()) frames.pop_back();
        } else if (c == ',') {
            if (!frames.empty()) {
                Frame& f = frames.back();
                if (f.object) f.want_key = true;
                else ++f.index, f.want_value = true;
            }
        } else if (c != ' ' && c != '\t' && c != '\r' && c != ':') {
            value_starts();
        }
    }
    return lines;
}

nlohmann::ordered_json parse_json_bounded(std::string_view text, const std::string& source) {
    return parse<nlohmann::ordered_json>(text, source);
}

nlohmann::json parse_json_bounded_sorted(std::string_view text, const std::string& source) {
    return parse<nlohmann::json>(text, source);
}

}  // namespace gs
