// The one run.jsonl reader (see gradscope/run_log_reader.h): a hand-written
// line parser and read_run_log on top of it. A small recursive-descent JSON
// scanner keeps the top-level fields of an object as views into the line
// (numbers parsed with from_chars) and validates, but does not build, nested
// values: strict JSON numbers, strings of valid UTF-8 with valid escapes.
// Strings are unescaped only where a record needs their text.
#include "gradscope/run_log_reader.h"

#include <cctype>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>

#include <sys/stat.h>

#include "gradscope/error.h"

namespace gs {

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

void parse_layers(const Fields& f, RunLogLine& out) {
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

// The optional identity fields of a "run" record.
void parse_run_info(const Fields& f, RunInfo& r) {
    r = RunInfo{};
    r.uid = f.string("run_id", false);
    r.name = f.string("name", false);
    r.parent_uid = f.string("parent_run_id", false);
    r.parent_name = f.string("parent_name", false);
    r.fork_step = f.integer("fork_step", false, -1);
    const Value* arr = f.find("changes");
    if (!arr || arr->type == VType::Null) return;
    if (arr->type != VType::Array) throw BadLine{};
    Scanner s(arr->raw);
    s.eat('[');
    if (s.eat(']')) return;
    std::vector<Field> inner;
    do {
        if (!s.object(inner)) throw BadLine{};
        const Fields o(inner);
        r.changes.push_back({o.string("name", true), o.string("old", false), o.string("new", false)});
    } while (s.eat(','));
    if (!s.eat(']')) throw BadLine{};
}

}  // namespace

RunLogLineKind parse_run_log_line(std::string_view line, RunLogLine& out) {
    thread_local std::vector<Field> fields;
    Scanner s(line);
    if (!s.object(fields) || !s.at_end()) return out.kind = RunLogLineKind::Garbage;
    const Fields f(fields);
    const Value* type = f.find("type");
    if (!type || type->type != VType::String) return out.kind = RunLogLineKind::Garbage;
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
            return out.kind = RunLogLineKind::Step;
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
            return out.kind = RunLogLineKind::Epoch;
        }
        if (t == "event") {
            EventRecord& r = out.event;
            r.step = f.integer("step", false);
            r.kind = f.string("kind", true);
            r.name = f.string("name", false);
            r.value = f.number("value", 0);
            r.text = f.string("text", false);
            return out.kind = RunLogLineKind::Event;
        }
        if (t == "layers") {
            out.layers.clear();
            parse_layers(f, out);
            return out.kind = RunLogLineKind::Layers;
        }
        if (t == "run") {
            out.backend = f.string("backend", false);
            parse_run_info(f, out.run);
            const Value* spec = f.find("spec");
            if (spec && spec->type != VType::Object && spec->type != VType::Null) throw BadLine{};
            out.spec_json = spec && spec->type == VType::Object ? std::string(spec->raw) : "";
            return out.kind = RunLogLineKind::Run;
        }
    } catch (const BadLine&) {
        return out.kind = RunLogLineKind::Garbage;
    }
    return out.kind = RunLogLineKind::Unknown;
}

namespace {

// Adds one complete line to c.
void add_line(std::string_view view, RunLogLine& line, RunLogContents& c, bool& have_run) {
    if (view.empty()) return;
    switch (parse_run_log_line(view, line)) {
        case RunLogLineKind::Step:
            c.steps.push_back(line.step);
            c.merged.push_back(line.merged);
            break;
        case RunLogLineKind::Epoch: c.epochs.push_back(line.epoch); break;
        case RunLogLineKind::Event:
            if (line.event.kind == "rewind") {  // the run went back: what came after is undone
                const long t = line.event.step;
                while (!c.steps.empty() && c.steps.back().step > t) {
                    c.steps.pop_back();
                    c.merged.pop_back();
                }
                while (!c.epochs.empty() && c.epochs.back().step > t) c.epochs.pop_back();
                while (!c.layers.empty() && c.layers.back().step > t) c.layers.pop_back();
            }
            c.events.push_back(std::move(line.event));
            break;
        case RunLogLineKind::Layers:
            c.layers.insert(c.layers.end(), line.layers.begin(), line.layers.end());
            break;
        case RunLogLineKind::Run:
            if (!have_run) {  // a second "run" record is ignored, not garbage
                c.spec_json = std::move(line.spec_json);
                c.backend = std::move(line.backend);
                c.run = std::move(line.run);
                have_run = true;
            }
            break;
        case RunLogLineKind::Unknown:  // skipped; read_run_log counts it (docs/run-log.md)
        case RunLogLineKind::Garbage: ++c.garbage_lines; break;
    }
}

}  // namespace

RunLogContents read_run_log(const std::string& path) {
    const auto fail = [&](int err) {
        return Error("cannot read the run log '" + path + "': " + std::strerror(err ? err : EIO));
    };
    std::FILE* f = std::fopen(path.c_str(), "rb");
    if (!f) throw fail(errno);
    // Read in chunks and parse the complete lines of each; the part of a line
    // a chunk ends in waits for the next. A last line without its newline is
    // still being written (or was cut by a crash): it is left for later.
    RunLogContents c;
    // Room for as many step lines as the file could hold (the writer's are
    // about 140 bytes), so a long log does not copy them as it grows.
    struct stat st{};
    if (::fstat(::fileno(f), &st) == 0 && st.st_size > 0) {
        const size_t lines = static_cast<size_t>(st.st_size) / 128;
        c.steps.reserve(lines);
        c.merged.reserve(lines);
    }
    RunLogLine line;
    bool have_run = false;
    std::vector<char> buf(size_t{1} << 20);
    size_t kept = 0;  // bytes of an unfinished line at the start of buf
    for (;;) {
        if (kept == buf.size()) buf.resize(buf.size() * 2);  // a line longer than the buffer
        const size_t n = std::fread(buf.data() + kept, 1, buf.size() - kept, f);
        if (n == 0) break;
        const char* p = buf.data();
        const char* end = p + kept + n;
        while (const void* nl = std::memchr(p, '\n', static_cast<size_t>(end - p))) {
            const char* e = static_cast<const char*>(nl);
            add_line(std::string_view(p, static_cast<size_t>(e - p)), line, c, have_run);
            p = e + 1;
        }
        kept = static_cast<size_t>(end - p);
        std::memmove(buf.data(), p, kept);
    }
    const bool failed = std::ferror(f) != 0;
    const int err = errno;
    std::fclose(f);
    if (failed) throw fail(err);
    c.partial_last_line = kept > 0;
    return c;
}

}  // namespace gs
