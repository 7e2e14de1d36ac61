// The hand-written run.jsonl line parser (see log_parser.h). A small
// recursive-descent JSON scanner that keeps the top-level fields of an object
// as views into the line (numbers parsed with from_chars) and validates, but
// does not build, nested values. Strings are unescaped only where a record
// needs their text.
#include "log_parser.h"

#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>

namespace gs::monitor {

namespace {

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
            if (static_cast<unsigned char>(c) < 0x20) return false;
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
    bool number(Value& v) {
        const char* b = m_p;
        if (m_p < m_end && *m_p == '-') ++m_p;
        bool integer = true;
        while (m_p < m_end) {
            const char c = *m_p;
            if (c >= '0' && c <= '9') {
            } else if (c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-') {
                integer = false;
            } else {
                break;
            }
            ++m_p;
        }
        if (m_p == b) return false;
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
        if (r.ec == std::errc::result_out_of_range)
            v.num = (*b == '-') ? -std::numeric_limits<double>::infinity()
                                : std::numeric_limits<double>::infinity();
        else if (r.ec != std::errc())
            return false;
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
    const char* m_p;
    const char* m_end;
};

void append_utf8(std::string& out, uint32_t cp) {
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

uint32_t hex4(const char* p) {
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i) {
        const char c = p[i];
        v = v * 16 + static_cast<uint32_t>(c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10);
    }
    return v;
}

// Decodes a validated string's raw contents.
std::string unescape(std::string_view raw) {
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
    const Value* find(std::string_view key) const {
        for (const Field& f : m_f)
            if (f.key == key) return &f.value;
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

void parse_layers(const Fields& f, ParsedLine& out) {
    const long step = f.integer("step", true);
    const Value* arr = f.find("layers");
    if (!arr || arr->type != VType::Array) throw BadLine{};
    Scanner s(arr->raw);
    s.eat('[');
    if (s.eat(']')) return;
    std::vector<Field> inner;
    do {
        if (!s.object(inner)) throw BadLine{};
        const Fields o(inner);
        LayerStats st;
        st.step = step;
        const long layer = o.integer("layer", true);
        if (layer < 0 || layer > 1000000) throw BadLine{};
        st.layer = static_cast<int>(layer);
        st.has_weights = o.find("grad_norm") != nullptr;
        if (st.has_weights) {
            st.weight_norm = static_cast<float>(o.number("weight_norm", 0));
            st.grad_norm = static_cast<float>(o.number("grad_norm", 0));
            st.grad_mean_abs = static_cast<float>(o.number("grad_mean_abs", 0));
            st.grad_max_abs = static_cast<float>(o.number("grad_max_abs", 0));
            st.update_ratio = static_cast<float>(o.number("update_ratio", 0));
        }
        st.act_mean = static_cast<float>(o.number("act_mean", 0));
        st.act_std = static_cast<float>(o.number("act_std", 0));
        st.dead_fraction = static_cast<float>(o.number("dead_fraction", -1));
        st.saturated_fraction = static_cast<float>(o.number("saturated_fraction", -1));
        out.layers.push_back(st);
    } while (s.eat(','));
    if (!s.eat(']')) throw BadLine{};
}

}  // namespace

LineKind parse_line(std::string_view line, ParsedLine& out) {
    thread_local std::vector<Field> fields;
    Scanner s(line);
    if (!s.object(fields) || !s.at_end()) return out.kind = LineKind::Garbage;
    const Fields f(fields);
    const Value* type = f.find("type");
    if (!type || type->type != VType::String) return out.kind = LineKind::Garbage;
    const std::string_view t = type->raw;
    try {
        if (t == "step") {
            StepRecord& r = out.step;
            r = StepRecord{};
            r.step = f.integer("step", true);
            r.epoch = static_cast<int>(f.integer("epoch", false));
            if (!f.find("loss")) throw BadLine{};
            r.loss = static_cast<float>(f.number("loss", 0, "nonfinite"));
            r.accuracy = static_cast<float>(f.number("accuracy", -1));
            r.lr = static_cast<float>(f.number("lr", 0));
            r.step_ms = static_cast<float>(f.number("step_ms", 0));
            r.samples_per_s = static_cast<float>(f.number("samples_per_s", 0));
            out.merged = f.integer("merged", false, 1);
            if (out.merged < 1) throw BadLine{};
            return out.kind = LineKind::Step;
        }
        if (t == "epoch") {
            EpochRecord& r = out.epoch;
            r = EpochRecord{};
            r.epoch = static_cast<int>(f.integer("epoch", true));
            r.step = f.integer("step", false);
            r.seconds = f.number("seconds", 0);
            r.train_loss = static_cast<float>(f.number("train_loss", 0));
            r.train_accuracy = static_cast<float>(f.number("train_accuracy", -1));
            r.has_validation = f.find("val_loss") != nullptr;
            if (r.has_validation) {
                r.val_loss = static_cast<float>(f.number("val_loss", 0));
                r.val_accuracy = static_cast<float>(f.number("val_accuracy", -1));
            }
            return out.kind = LineKind::Epoch;
        }
        if (t == "event") {
            EventRecord& r = out.event;
            r.step = f.integer("step", false);
            r.kind = f.string("kind", true);
            r.name = f.string("name", false);
            r.value = f.number("value", 0);
            r.text = f.string("text", false);
            return out.kind = LineKind::Event;
        }
        if (t == "layers") {
            out.layers.clear();
            parse_layers(f, out);
            return out.kind = LineKind::Layers;
        }
        if (t == "run") {
            out.backend = f.string("backend", false);
            const Value* spec = f.find("spec");
            out.spec_json = spec ? std::string(spec->raw) : std::string();
            return out.kind = LineKind::Run;
        }
    } catch (const BadLine&) {
        return out.kind = LineKind::Garbage;
    }
    return out.kind = LineKind::Unknown;
}

}  // namespace gs::monitor
