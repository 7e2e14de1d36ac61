// The safetensors format (F32 only): encoding, decoding from memory, and
// reading a file header first.
//
// Layout: an 8-byte little-endian u64 N, N bytes of JSON header padded with
// spaces (we pad so the data starts on an 8-byte boundary), then the data
// buffer. The header maps each tensor name to {"dtype", "shape",
// "data_offsets": [begin, end]} (offsets relative to the data buffer) and may
// hold "__metadata__", a map of strings. We write "__metadata__" first, as the
// reference implementation does, then the tensors in order.
//
// Decoding trusts nothing the file says: the header length is checked against
// the real byte count and kMaxSafetensorsHeaderBytes (the limit the writer
// keeps too) before anything is read, the header may nest no deeper than a
// valid one does and a shape holds at most 4 dimensions, every size is
// computed with overflow checks and must match the offsets, and the tensors
// must tile the data buffer exactly (no overlap, no gap, nothing past its
// end), as the format requires. Only then are the values allocated, never
// larger than the bytes that hold them; load_safetensors reads them from the
// file only then, so a file whose header is wrong is refused after reading
// its header alone. Both directions are linear in the number of tensors.
#include <algorithm>
#include <bit>
#include <climits>
#include <cstring>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "gradscope/error.h"
#include "gradscope/files.h"
#include "gradscope/io.h"

namespace gs {

namespace {

// A std::map underneath: inserting a key is logarithmic (ordered_json's
// linear search made a header of 100,000 tensors quadratic). The file's order
// of keys is recorded while parsing.
using Json = nlohmann::json;

constexpr const char* kMetadataKey = "__metadata__";

std::string quoted(const std::string& path) { return quoted_path(path); }

[[noreturn]] void decode_failed(const std::string& path, const std::string& what) {
    throw Error(quoted(path) + ": " + what);
}

[[noreturn]] void encode_failed(const std::string& what) {
    throw Error("cannot encode safetensors: " + what);
}

// "a number", "an array", ...: a JSON value's kind, for messages.
std::string kind_of(const Json& v) {
    switch (v.type()) {
        case Json::value_t::null:
            return "null";
        case Json::value_t::boolean:
            return "a boolean";
        case Json::value_t::string:
            return "a string";
        case Json::value_t::array:
            return "an array";
        case Json::value_t::object:
            return "an object";
        default:
            return "a number";
    }
}

std::string shape_text(const std::vector<int>& shape) {
    if (shape.empty()) return "[] (a scalar)";
    std::string s = "[";
    for (size_t i = 0; i < shape.size(); ++i) {
        if (i) s += ", ";
        s += std::to_string(shape[i]);
    }
    return s + "]";
}

// a * b, or false when it does not fit in 64 bits.
bool checked_mul(uint64_t a, uint64_t b, uint64_t* out) {
    if (a != 0 && b > UINT64_MAX / a) return false;
    *out = a * b;
    return true;
}

void put_u64_le(std::string& out, uint64_t v) {
    for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

uint64_t get_u64_le(const unsigned char* p) {
    uint64_t v = 0;
    for (int i = 7; i >= 0; --i) v = (v << 8) | p[i];
    return v;
}

void put_floats_le(std::string& out, const std::vector<float>& values) {
    size_t at = out.size();
    out.resize(at + values.size() * 4);
    char* dst = out.data() + at;
    if constexpr (std::endian::native == std::endian::little) {
        if (!values.empty()) std::memcpy(dst, values.data(), values.size() * 4);
    } else {
        for (float f : values) {
            uint32_t u = std::bit_cast<uint32_t>(f);
            for (int i = 0; i < 4; ++i) *dst++ = static_cast<char>((u >> (8 * i)) & 0xff);
        }
    }
}

void get_floats_le(const unsigned char* src, size_t count, float* dst) {
    if constexpr (std::endian::native == std::endian::little) {
        if (count) std::memcpy(dst, src, count * 4);
    } else {
        for (size_t k = 0; k < count; ++k, src += 4) {
            uint32_t u = uint32_t(src[0]) | uint32_t(src[1]) << 8 | uint32_t(src[2]) << 16 |
                         uint32_t(src[3]) << 24;
            dst[k] = std::bit_cast<float>(u);
        }
    }
}

// One tensor entry of a header, checked, before its values are read.
struct Entry {
    std::string name;
    std::vector<int> shape;
    uint64_t count = 0;  // floats
    uint64_t begin = 0, end = 0;
};

class HeaderReader {
  public:
    HeaderReader(const std::string& path, uint64_t data_bytes)
        : m_path(path), m_data_bytes(data_bytes) {}

    [[noreturn]] void fail(const std::string& what) const { decode_failed(m_path, what); }

    Entry entry(const std::string& name, const Json& v) const {
        const std::string where = "tensor '" + name + "': ";
        if (!v.is_object()) fail(where + "header entry is " + kind_of(v) + ", not an object");
        Entry e;
        e.name = name;

        auto dtype = v.find("dtype");
        if (dtype == v.end()) fail(where + "has no dtype");
        if (!dtype->is_string()) fail(where + "dtype is not a string");
        const std::string& dt = dtype->get_ref<const std::string&>();
        if (dt != "F32")
            fail(where + "dtype " + dt + " is not supported (Gradscope reads F32 only)");

        auto shape = v.find("shape");
        if (shape == v.end()) fail(where + "has no shape");
        if (!shape->is_array()) fail(where + "shape is not an array");
        if (shape->size() > 4)
            fail(where + "shape has " + std::to_string(shape->size()) +
                 " dimensions; Gradscope's tensors have at most 4");
        e.count = 1;
        bool overflow = false;
        for (const Json& d : *shape) {
            if (!d.is_number_integer())
                fail(where + "shape holds " + d.dump() + ", not a whole number");
            if (!d.is_number_unsigned()) fail(where + "shape has a negative dimension " + d.dump());
            uint64_t dim = d.get<uint64_t>();
            if (dim > static_cast<uint64_t>(INT_MAX))
                fail(where + "shape dimension " + d.dump() + " is too large");
            e.shape.push_back(static_cast<int>(dim));
            if (!overflow && !checked_mul(e.count, dim, &e.count)) overflow = true;
        }
        uint64_t bytes = 0;
        if (overflow || !checked_mul(e.count, 4, &bytes))
            fail(where + "shape " + shape_text(e.shape) + " has more elements than can be stored");

        auto offsets = v.find("data_offsets");
        if (offsets == v.end()) fail(where + "has no data_offsets");
        if (!offsets->is_array() || offsets->size() != 2 || !(*offsets)[0].is_number_unsigned() ||
            !(*offsets)[1].is_number_unsigned())
            fail(where + "data_offsets " + offsets->dump() +
                 " is not a pair of non-negative whole numbers");
        e.begin = (*offsets)[0].get<uint64_t>();
        e.end = (*offsets)[1].get<uint64_t>();
        const std::string range =
            "data_offsets [" + std::to_string(e.begin) + ", " + std::to_string(e.end) + "]";
        if (e.end < e.begin) fail(where + range + " end before they begin");
        if (e.end > m_data_bytes)
            fail(where + range + " reach past the end of the data (" +
                 std::to_string(m_data_bytes) + " bytes)");
        if (e.end - e.begin != bytes)
            fail(where + "shape " + shape_text(e.shape) + " needs " + std::to_string(bytes) +
                 " bytes of F32 but " + range + " hold " + std::to_string(e.end - e.begin));
        return e;
    }

    std::map<std::string, std::string> metadata(const Json& v) const {
        if (!v.is_object()) fail("__metadata__ is " + kind_of(v) + ", not an object");
        std::map<std::string, std::string> out;
        for (auto it = v.begin(); it != v.end(); ++it) {
            if (!it.value().is_string())
                fail("__metadata__ '" + it.key() + "' is " + kind_of(it.value()) +
                     ", not a string");
            out[it.key()] = it.value().get<std::string>();
        }
        return out;
    }

    // The tensors must tile the data buffer: sorted by offset, each begins
    // where the previous ended, and the last ends at the end of the buffer.
    void check_layout(const std::vector<Entry>& entries) const {
        std::vector<const Entry*> order;
        order.reserve(entries.size());
        for (const Entry& e : entries) order.push_back(&e);
        std::stable_sort(order.begin(), order.end(), [](const Entry* a, const Entry* b) {
            return a->begin != b->begin ? a->begin < b->begin : a->end < b->end;
        });
        uint64_t at = 0;
        const Entry* prev = nullptr;
        for (const Entry* e : order) {
            if (e->begin < at)
                fail("tensors '" + prev->name + "' and '" + e->name +
                     "' overlap in the data (bytes " + std::to_string(e->begin) + " to " +
                     std::to_string(std::min(at, e->end)) + ")");
            if (e->begin > at)
                fail("the data has a gap of " + std::to_string(e->begin - at) +
                     " bytes before tensor '" + e->name + "' (at byte " + std::to_string(at) + ")");
            at = e->end;
            prev = e;
        }
        if (at != m_data_bytes)
            fail("the data is " + std::to_string(m_data_bytes) + " bytes but the tensors use " +
                 std::to_string(at) + " (the file is truncated, padded or corrupt)");
    }

  private:
    const std::string& m_path;
    uint64_t m_data_bytes;
};

// A JSON string literal (escaped, quoted); invalid UTF-8 is an error.
std::string json_string(const std::string& s, const std::string& what) {
    try {
        return Json(s).dump();
    } catch (const nlohmann::json::exception&) {
        encode_failed(what + " is not valid UTF-8");
    }
}

// The header and what it says, checked against the data_bytes that follow it.
struct Header {
    std::map<std::string, std::string> metadata;
    std::vector<Entry> entries;  // in the header's order
};

// nlohmann_json's SAX DOM builder, with the checks of a safetensors header
// made as each event arrives: a valid header nests three deep (header, entry,
// shape) and a shape has at most 4 dimensions, so anything more is refused
// as it is read (never built), as is a tensor named twice; the keys' order is
// kept for the tensors' order. (The library's callback parser does the same
// checks but scans every sibling at each object's end: quadratic, 100 s for
// 10,000 layers.)
class HeaderSax {
public:
    using Builder = nlohmann::detail::json_sax_dom_parser<Json>;
    HeaderSax(Json& out, const std::string& path) : m_dom(out, true), m_path(path) {}

    std::vector<std::string> order;

    bool null() { return value() && m_dom.null(); }
    bool boolean(bool v) { return value() && m_dom.boolean(v); }
    bool number_integer(Json::number_integer_t v) { return value() && m_dom.number_integer(v); }
    bool number_unsigned(Json::number_unsigned_t v) { return value() && m_dom.number_unsigned(v); }
    bool number_float(Json::number_float_t v, const Json::string_t& s) {
        return value() && m_dom.number_float(v, s);
    }
    bool string(Json::string_t& v) { return value() && m_dom.string(v); }
    bool binary(Json::binary_t& v) { return value() && m_dom.binary(v); }
    bool start_object(size_t n) { return open() && m_dom.start_object(n); }
    bool start_array(size_t n) { return open() && m_dom.start_array(n); }
    bool end_object() { return --m_depth, m_dom.end_object(); }
    bool end_array() { return --m_depth, m_dom.end_array(); }
    bool key(Json::string_t& k) {
        if (m_depth == 1) {
            m_tensor = k;
            if (!m_keys.insert(k).second) fail("header names '" + k + "' twice");
            order.push_back(k);
        } else if (m_depth == 2) {
            m_field = k;
        }
        return m_dom.key(k);
    }
    template <class Exception>
    bool parse_error(size_t position, const std::string& token, const Exception& ex) {
        return m_dom.parse_error(position, token, ex);  // throws ex
    }

private:
    [[noreturn]] void fail(const std::string& what) const { decode_failed(m_path, what); }
    bool open() {
        if (m_depth >= 3) fail("header nests deeper than a safetensors header can");
        if (m_depth == 2) m_values = 0;
        ++m_depth;
        return true;
    }
    bool value() {
        if (m_depth == 3 && ++m_values > 4 && m_tensor != kMetadataKey)
            fail("tensor '" + m_tensor + "': " +
                 (m_field == "shape" ? std::string("shape has more than 4 dimensions (Gradscope's "
                                                   "tensors have at most 4)")
                                     : "\"" + m_field + "\" holds more than 4 values"));
        return true;
    }

    Builder m_dom;
    const std::string& m_path;
    int m_depth = 0;                // containers open
    std::set<std::string> m_keys;   // the top-level keys so far
    std::string m_tensor, m_field;  // the key being read at depth 1 and 2
    size_t m_values = 0;            // in the array at depth 2
};

Header parse_header(const char* text, uint64_t header_len, uint64_t data_bytes,
                    const std::string& path) {
    auto fail = [&path](const std::string& what) { decode_failed(path, what); };
    Json header;
    HeaderSax sax(header, path);
    try {
        Json::sax_parse(text, text + header_len, &sax);
    } catch (const nlohmann::json::parse_error& e) {
        fail(std::string("header is not valid JSON: ") + e.what());
    } catch (const nlohmann::json::out_of_range& e) {
        fail(std::string("header is not valid JSON: ") + e.what());
    }
    const std::vector<std::string>& order = sax.order;
    if (!header.is_object()) fail("header is " + kind_of(header) + ", not an object");

    HeaderReader reader(path, data_bytes);
    Header out;
    out.entries.reserve(order.size());
    for (const std::string& key : order) {
        const Json& v = header.at(key);
        if (key == kMetadataKey)
            out.metadata = reader.metadata(v);
        else
            out.entries.push_back(reader.entry(key, v));
    }
    reader.check_layout(out.entries);
    return out;
}

// The checks of the first 8 bytes, before anything else is read.
uint64_t header_length(const unsigned char* first8, uint64_t file_bytes, const std::string& path) {
    auto fail = [&path](const std::string& what) { decode_failed(path, what); };
    if (file_bytes < 8)
        fail("not a safetensors file: " + std::to_string(file_bytes) +
             " bytes is too short to hold the 8-byte header length");
    const uint64_t header_len = get_u64_le(first8);
    const uint64_t available = file_bytes - 8;
    if (header_len > available)
        fail("header length " + std::to_string(header_len) + " is larger than the file (" +
             std::to_string(available) +
             " bytes follow it); the file is truncated or not safetensors");
    if (header_len > kMaxSafetensorsHeaderBytes)
        fail("header length " + std::to_string(header_len) + " is larger than the " +
             std::to_string(kMaxSafetensorsHeaderBytes) + "-byte limit (docs/limits.md)");
    if (header_len == 0) fail("header is empty");
    if (available - header_len > kMaxSafetensorsDataBytes)
        fail("the file holds " + std::to_string(available - header_len) +
             " bytes of tensor data, more than the " + std::to_string(kMaxSafetensorsDataBytes) +
             "-byte limit (docs/limits.md)");
    return header_len;
}

}  // namespace

const NamedArray* SafetensorsFile::find(const std::string& name) const {
    for (const NamedArray& t : tensors)
        if (t.name == name) return &t;
    return nullptr;
}

std::string encode_safetensors(const SafetensorsFile& file) {
    const auto fail = encode_failed;
    // Built as text, in one pass: linear in the number of tensors.
    std::string text = "{";
    if (!file.metadata.empty()) {
        text += "\"__metadata__\":{";
        bool first = true;
        for (const auto& [k, v] : file.metadata) {
            if (!first) text += ',';
            first = false;
            text += json_string(k, "a metadata key") + ':' +
                    json_string(v, "metadata '" + k + "'");
        }
        text += '}';
    }
    std::set<std::string> names;
    uint64_t offset = 0;
    for (const NamedArray& t : file.tensors) {
        if (t.name == kMetadataKey) fail("a tensor may not be named __metadata__");
        if (!names.insert(t.name).second) fail("tensor '" + t.name + "' appears twice");
        if (t.shape.size() > 4)
            fail("tensor '" + t.name + "' has " + std::to_string(t.shape.size()) +
                 " dimensions; Gradscope stores at most 4");
        uint64_t count = 1;
        for (int d : t.shape) {
            if (d < 0)
                fail("tensor '" + t.name + "' has a negative dimension in " + shape_text(t.shape));
            if (!checked_mul(count, static_cast<uint64_t>(d), &count))
                fail("tensor '" + t.name + "' has too many elements in " + shape_text(t.shape));
        }
        if (count != t.values.size())
            fail("tensor '" + t.name + "' has shape " + shape_text(t.shape) + " (" +
                 std::to_string(count) + " values) but holds " + std::to_string(t.values.size()));
        if (text.size() > 1) text += ',';
        text += json_string(t.name, "tensor name '" + t.name + "'");
        text += ":{\"dtype\":\"F32\",\"shape\":[";
        for (size_t i = 0; i < t.shape.size(); ++i) {
            if (i) text += ',';
            text += std::to_string(t.shape[i]);
        }
        text += "],\"data_offsets\":[" + std::to_string(offset) + "," +
                std::to_string(offset + count * 4) + "]}";
        offset += count * 4;
        // Checked as it grows, so a refused header is never built whole.
        if (text.size() > kMaxSafetensorsHeaderBytes) break;
    }
    text += '}';
    text.append((8 - text.size() % 8) % 8, ' ');
    // The reader's limits: what is written can be read.
    if (text.size() > kMaxSafetensorsHeaderBytes)
        fail("its header would be more than the " + std::to_string(kMaxSafetensorsHeaderBytes >> 20) +
             " MiB a checkpoint header may be (docs/limits.md): " +
             std::to_string(file.tensors.size()) + " tensors" +
             (file.metadata.count("spec") ? " and a spec of " +
                                                std::to_string(file.metadata.at("spec").size()) +
                                                " bytes"
                                          : std::string()) +
             " are too many to store");
    if (offset > kMaxSafetensorsDataBytes)
        fail("its tensors hold " + std::to_string(offset) + " bytes, more than the " +
             std::to_string(kMaxSafetensorsDataBytes) + " a checkpoint may hold (docs/limits.md)");

    std::string out;
    out.reserve(8 + text.size() + offset);
    put_u64_le(out, text.size());
    out += text;
    for (const NamedArray& t : file.tensors) put_floats_le(out, t.values);
    return out;
}

SafetensorsFile decode_safetensors(const std::string& bytes, const std::string& path_for_errors) {
    const std::string& path = path_for_errors;
    const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
    const uint64_t header_len = header_length(p, bytes.size(), path);
    const uint64_t data_bytes = bytes.size() - 8 - header_len;
    Header h = parse_header(bytes.data() + 8, header_len, data_bytes, path);

    const unsigned char* data = p + 8 + header_len;
    SafetensorsFile out;
    out.metadata = std::move(h.metadata);
    out.tensors.reserve(h.entries.size());
    for (Entry& e : h.entries) {
        NamedArray t;
        t.name = std::move(e.name);
        t.shape = std::move(e.shape);
        t.values.resize(static_cast<size_t>(e.count));  // checked: count * 4 <= data_bytes
        get_floats_le(data + e.begin, t.values.size(), t.values.data());
        out.tensors.push_back(std::move(t));
    }
    return out;
}

void save_safetensors(const std::string& path, const SafetensorsFile& file) {
    std::string bytes;
    try {
        bytes = encode_safetensors(file);
    } catch (const Error& e) {
        throw Error("cannot write " + quoted(path) + ": " + e.what());
    }
    write_file_atomic(path, bytes);
}

SafetensorsFile load_safetensors(const std::string& path) {
    // The header first: a file whose header is wrong (or that is not a
    // regular file) is refused before its data is read.
    InputFile f(path);
    unsigned char first8[8] = {};
    if (f.size() >= 8) f.read_at(0, first8, 8);
    const uint64_t header_len = header_length(first8, f.size(), path);
    std::string header(static_cast<size_t>(header_len), '\0');
    f.read_at(8, header.data(), header.size());
    const uint64_t data_bytes = f.size() - 8 - header_len;
    Header h = parse_header(header.data(), header_len, data_bytes, path);
    header = std::string();

    SafetensorsFile out;
    out.metadata = std::move(h.metadata);
    out.tensors.reserve(h.entries.size());
    std::vector<unsigned char> buf;
    for (Entry& e : h.entries) {
        NamedArray t;
        t.name = std::move(e.name);
        t.shape = std::move(e.shape);
        t.values.resize(static_cast<size_t>(e.count));  // the layout tiles the real file
        if constexpr (std::endian::native == std::endian::little) {
            f.read_at(8 + header_len + e.begin, t.values.data(), t.values.size() * 4);
        } else {
            buf.resize(t.values.size() * 4);
            f.read_at(8 + header_len + e.begin, buf.data(), buf.size());
            get_floats_le(buf.data(), t.values.size(), t.values.data());
        }
        out.tensors.push_back(std::move(t));
    }
    return out;
}

}  // namespace gs
