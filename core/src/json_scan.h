// Internal to the core's run-log reader: a small recursive-descent JSON
// scanner that keeps the top-level fields of an object as views into the
// line (numbers parsed with from_chars) and validates, but does not build,
// nested values: strict JSON numbers, strings of valid UTF-8 with valid
// escapes. Fields reads typed fields (throwing BadLine for a wrong type).
// Used by run_log_reader.cpp and run_log_reader_views.cpp.
#pragma once

#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

namespace gs::runlog {

enum class VType { Null, Number, String, Bool, Object, Array };

struct Value {
    VType type = VType::Null;
    bool integer = false;  // a number without fraction or exponent
    double num = 0;
    long inum = 0;
    std::string_view raw;  // strings: between the quotes; objects/arrays: the whole text
};

struct Field {
    std::string_view key;  // raw (keys of this format have no escapes)
    Value value;
};

class Scanner {
public:
    explicit Scanner(std::string_view s) : m_p(s.data()), m_end(s.data() + s.size()) {}

    void ws() {
        while (m_p < m_end && (*m_p == ' ' || *m_p == '\t' || *m_p == '\r' || *m_p == '\n')) ++m_p;
    }
    bool at_end() {
        ws();
        return m_p == m_end;
    }
    bool eat(char c) {
        ws();
        if (m_p < m_end && *m_p == c) {
            ++m_p;
            return true;
        }
        return false;
    }
    // A string's raw contents (escapes validated, not decoded).
    bool string(std::string_view& out) {
        if (!eat('"')) return false;
        const char* b = m_p;
        while (m_p < m_end) {
            const char c = *m_p;
            if (c == '"') {
                out = std::string_view(b, static_cast<size_t>(m_p - b));
                ++m_p;
                return true;
            }
            const auto u = static_cast<unsigned char>(c);
            if (u < 0x20) return false;
            if (u >= 0x80) {  // a UTF-8 sequence, whole and valid, or garbage
                const size_t n = utf8_length(m_p, m_end);
                if (n == 0) return false;
                m_p += n;
                continue;
            }
            if (c == '\\') {
                if (++m_p >= m_end) return false;
                const char e = *m_p;
                if (e == 'u') {
                    if (m_end - m_p < 5) return false;
                    for (int i = 1; i <= 4; ++i)
                        if (!std::isxdigit(static_cast<unsigned char>(m_p[i]))) return false;
                    m_p += 4;
                } else if (!std::strchr("\"\\/bfnrt", e)) {
                    return false;
                }
            }
            ++m_p;
        }
        return false;
    }
    // A number as JSON writes it: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?
    bool number(Value& v) {
        const char* b = m_p;
        if (m_p < m_end && *m_p == '-') ++m_p;
        if (m_p < m_end && *m_p == '0')
            ++m_p;
        else if (!digits())
            return false;
        bool integer = true;
        if (m_p < m_end && *m_p == '.') {
            ++m_p;
            if (!digits()) return false;
            integer = false;
        }
        if (m_p < m_end && (*m_p == 'e' || *m_p == 'E')) {
            ++m_p;
            if (m_p < m_end && (*m_p == '+' || *m_p == '-')) ++m_p;
            if (!digits()) return false;
            integer = false;
        }
        v.type = VType::Number;
        v.integer = integer;
        if (integer) {
            auto r = std::from_chars(b, m_p, v.inum);
            if (r.ec == std::errc() && r.ptr == m_p) {
                v.num = static_cast<double>(v.inum);
                return true;
            }
            v.integer = false;  // too long for a long: keep it as a double
        }
        auto r = std::from_chars(b, m_p, v.num);
        if (r.ptr != m_p) return false;
        if (r.ec == std::errc::result_out_of_range) {
            // Too large (infinity) or too small (0 or a subnormal): strtod
            // says which.
            const std::string text(b, m_p);
            v.num = std::strtod(text.c_str(), nullptr);
        } else if (r.ec != std::errc()) {
            return false;
        }
        return true;
    }
    bool literal(const char* word) {
        const size_t n = std::strlen(word);
        if (static_cast<size_t>(m_end - m_p) < n || std::memcmp(m_p, word, n) != 0) return false;
        m_p += n;
        return true;
    }
    // Any value; nested objects and arrays are validated and kept as text.
    bool value(Value& v, int depth = 0) {
        ws();
        if (m_p >= m_end || depth > 64) return false;
        const char c = *m_p;
        const char* b = m_p;
        if (c == '"') {
            v.type = VType::String;
            return string(v.raw);
        }
        if (c == '{' || c == '[') {
            v.type = c == '{' ? VType::Object : VType::Array;
            ++m_p;
            const char close = c == '{' ? '}' : ']';
            if (!eat(close)) {
                do {
                    if (c == '{') {
                        std::string_view k;
                        if (!string(k) || !eat(':')) return false;
                    }
                    Value inner;
                    if (!value(inner, depth + 1)) return false;
                } while (eat(','));
                if (!eat(close)) return false;
            }
            v.raw = std::string_view(b, static_cast<size_t>(m_p - b));
            return true;
        }
        if (literal("null")) {
            v.type = VType::Null;
            return true;
        }
        if (literal("true") || literal("false")) {
            v.type = VType::Bool;
            v.inum = m_p[-1] == 'e' && m_p[-2] == 'u';  // true: 1, false: 0
            return true;
        }
        return number(v);
    }
    // A whole object's top-level fields.
    bool object(std::vector<Field>& fields) {
        fields.clear();
        if (!eat('{')) return false;
        if (eat('}')) return true;
        do {
            Field f;
            if (!string(f.key) || !eat(':') || !value(f.value)) return false;
            fields.push_back(f);
        } while (eat(','));
        return eat('}');
    }

private:
    // One or more digits.
    bool digits() {
        const char* b = m_p;
        while (m_p < m_end && *m_p >= '0' && *m_p <= '9') ++m_p;
        return m_p != b;
    }
    // The length of the valid UTF-8 sequence at p (its first byte >= 0x80),
    // or 0: no overlong forms, no surrogates, nothing past U+10FFFF.
    static size_t utf8_length(const char* p, const char* end) {
        const auto at = [&](size_t i) {
            return p + i < end ? static_cast<unsigned char>(p[i]) : 0u;
        };
        const unsigned c = at(0);
        const auto cont = [&](size_t i) { return (at(i) & 0xC0u) == 0x80u; };
        if (c >= 0xC2 && c <= 0xDF) return cont(1) ? 1 + 1 : 0;
        if (c >= 0xE0 && c <= 0xEF) {
            const unsigned lo = c == 0xE0 ? 0xA0 : 0x80, hi = c == 0xED ? 0x9F : 0xBF;
            return at(1) >= lo && at(1) <= hi && cont(2) ? 3 : 0;
        }
        if (c >= 0xF0 && c <= 0xF4) {
            const unsigned lo = c == 0xF0 ? 0x90 : 0x80, hi = c == 0xF4 ? 0x8F : 0xBF;
            return at(1) >= lo && at(1) <= hi && cont(2) && cont(3) ? 4 : 0;
        }
        return 0;
    }

    const char* m_p;
    const char* m_end;
};

inline void append_utf8(std::string& out, uint32_t cp) {
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    }
}

inline uint32_t hex4(const char* p) {
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i) {
        const char c = p[i];
        v = v * 16 + static_cast<uint32_t>(c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10);
    }
    return v;
}

// Decodes a validated string's raw contents.
inline std::string unescape(std::string_view raw) {
    std::string out;
    out.reserve(raw.size());
    for (size_t i = 0; i < raw.size(); ++i) {
        const char c = raw[i];
        if (c != '\\') {
            out += c;
            continue;
        }
        const char e = raw[++i];
        switch (e) {
            case 'b': out += '\b'; break;
            case 'f': out += '\f'; break;
            case 'n': out += '\n'; break;
            case 'r': out += '\r'; break;
            case 't': out += '\t'; break;
            case 'u': {
                uint32_t cp = hex4(raw.data() + i + 1);
                i += 4;
                if (cp >= 0xD800 && cp < 0xDC00 && i + 6 < raw.size() && raw[i + 1] == '\\' &&
                    raw[i + 2] == 'u') {
                    const uint32_t lo = hex4(raw.data() + i + 3);
                    if (lo >= 0xDC00 && lo < 0xE000) {
                        cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                        i += 6;
                    }
                }
                if (cp >= 0xD800 && cp < 0xE000) cp = 0xFFFD;  // a lone surrogate
                append_utf8(out, cp);
                break;
            }
            default: out += e; break;  // " \ /
        }
    }
    return out;
}

struct BadLine {};

class Fields {
public:
    explicit Fields(const std::vector<Field>& f) : m_f(f) {}
    // The last field of that name (as most JSON readers do with repeats).
    const Value* find(std::string_view key) const {
        for (auto it = m_f.rbegin(); it != m_f.rend(); ++it)
            if (it->key == key) return &it->value;
        return nullptr;
    }
    long integer(std::string_view key, bool required, long dflt = 0) const {
        const Value* v = find(key);
        if (!v) {
            if (required) throw BadLine{};
            return dflt;
        }
        if (v->type != VType::Number || !v->integer) throw BadLine{};
        return v->inum;
    }
    // absent: dflt; null: what its companion names (NaN when none).
    double number(std::string_view key, double dflt, std::string_view nf_key = {}) const {
        const Value* v = find(key);
        if (!v) return dflt;
        if (v->type == VType::Number) return v->num;
        if (v->type != VType::Null) throw BadLine{};
        std::string nf_buf;
        if (nf_key.empty()) {
            nf_buf = std::string(key) + "_nonfinite";
            nf_key = nf_buf;
        }
        const Value* nf = find(nf_key);
        if (nf && nf->type == VType::String) {
            if (nf->raw == "inf") return std::numeric_limits<double>::infinity();
            if (nf->raw == "-inf") return -std::numeric_limits<double>::infinity();
        }
        return std::numeric_limits<double>::quiet_NaN();
    }
    std::string string(std::string_view key, bool required) const {
        const Value* v = find(key);
        if (!v) {
            if (required) throw BadLine{};
            return {};
        }
        if (v->type != VType::String) throw BadLine{};
        return unescape(v->raw);
    }

private:
    const std::vector<Field>& m_f;
};

}  // namespace gs::runlog
