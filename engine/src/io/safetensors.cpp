// Atomic file writes, whole-file reads and the safetensors format (F32 only).
//
// Layout: an 8-byte little-endian u64 N, N bytes of JSON header padded with
// spaces (we pad so the data starts on an 8-byte boundary), then the data
// buffer. The header maps each tensor name to {"dtype", "shape",
// "data_offsets": [begin, end]} (offsets relative to the data buffer) and may
// hold "__metadata__", a map of strings. We write "__metadata__" first, as the
// reference implementation does, then the tensors in order.
//
// Decoding trusts nothing the file says: the header length is checked against
// the real byte count before anything is read, the header may nest no deeper
// than a valid one does, every size is computed with overflow checks and must
// match the offsets, and the tensors must tile the data buffer exactly (no
// overlap, no gap, nothing past its end), as the format requires. Only then
// are the values allocated, never larger than the bytes that hold them.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <bit>
#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstring>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "gradscope/error.h"
#include "gradscope/io.h"

namespace gs {

namespace {

using Json = nlohmann::ordered_json;

// A header larger than this is refused before it is parsed. Gradscope's own
// headers are a few hundred bytes per tensor plus the spec.
constexpr uint64_t kMaxHeaderBytes = 16ull * 1024 * 1024;
constexpr const char* kMetadataKey = "__metadata__";

std::string errno_text(int err) {
    return std::strerror(err != 0 ? err : EIO);
}

std::string quoted(const std::string& path) {
    return "'" + path + "'";
}

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

// Closes and removes the temporary file, then throws.
[[noreturn]] void write_failed(const std::string& path, const std::string& tmp, int err, FILE* f) {
    if (f) std::fclose(f);
    std::remove(tmp.c_str());
    throw Error("cannot write " + quoted(path) + ": " + errno_text(err));
}

// Makes the rename itself durable. Best effort: some file systems refuse.
void sync_directory_of(const std::string& path) {
    size_t slash = path.find_last_of('/');
    std::string dir = slash == std::string::npos ? "." : (slash == 0 ? "/" : path.substr(0, slash));
    int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY);
    if (fd < 0) return;
    (void)::fsync(fd);
    ::close(fd);
}

}  // namespace

void write_file_atomic(const std::string& path, const std::string& bytes) {
    const std::string tmp = path + ".tmp." + std::to_string(static_cast<long>(::getpid()));
    errno = 0;
    FILE* f = std::fopen(tmp.c_str(), "wb");
    if (!f) throw Error("cannot write " + quoted(path) + ": " + errno_text(errno));
    if (!bytes.empty() && std::fwrite(bytes.data(), 1, bytes.size(), f) != bytes.size())
        write_failed(path, tmp, errno, f);
    if (std::fflush(f) != 0) write_failed(path, tmp, errno, f);
    if (::fsync(::fileno(f)) != 0) write_failed(path, tmp, errno, f);
    if (std::fclose(f) != 0) write_failed(path, tmp, errno, nullptr);
    if (std::rename(tmp.c_str(), path.c_str()) != 0) write_failed(path, tmp, errno, nullptr);
    sync_directory_of(path);
}

std::string read_file(const std::string& path) {
    errno = 0;
    FILE* f = std::fopen(path.c_str(), "rb");
    if (!f) throw Error("cannot read " + quoted(path) + ": " + errno_text(errno));
    std::string out;
    struct stat st {};
    if (::fstat(::fileno(f), &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0)
        out.reserve(static_cast<size_t>(st.st_size));  // the real size, not a claim
    char buf[1 << 16];
    for (;;) {
        size_t n = std::fread(buf, 1, sizeof buf, f);
        out.append(buf, n);
        if (n < sizeof buf) break;
    }
    if (std::ferror(f)) {
        int err = errno;
        std::fclose(f);
        throw Error("cannot read " + quoted(path) + ": " + errno_text(err));
    }
    std::fclose(f);
    return out;
}

const NamedArray* SafetensorsFile::find(const std::string& name) const {
    for (const NamedArray& t : tensors)
        if (t.name == name) return &t;
    return nullptr;
}

std::string encode_safetensors(const SafetensorsFile& file) {
    const auto fail = encode_failed;
    Json header = Json::object();
    if (!file.metadata.empty()) {
        Json meta = Json::object();
        for (const auto& [k, v] : file.metadata) meta[k] = v;
        header[kMetadataKey] = std::move(meta);
    }
    std::set<std::string> names;
    uint64_t offset = 0;
    for (const NamedArray& t : file.tensors) {
        if (t.name == kMetadataKey) fail("a tensor may not be named __metadata__");
        if (!names.insert(t.name).second) fail("tensor '" + t.name + "' appears twice");
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
        Json entry = Json::object();
        entry["dtype"] = "F32";
        entry["shape"] = t.shape;
        entry["data_offsets"] = Json::array({offset, offset + count * 4});
        header[t.name] = std::move(entry);
        offset += count * 4;
    }
    std::string text;
    try {
        text = header.dump();
    } catch (const nlohmann::json::exception& e) {
        fail(std::string("a name or metadata string is not valid UTF-8 (") + e.what() + ")");
    }
    text.append((8 - text.size() % 8) % 8, ' ');

    std::string out;
    out.reserve(8 + text.size() + offset);
    put_u64_le(out, text.size());
    out += text;
    for (const NamedArray& t : file.tensors) put_floats_le(out, t.values);
    return out;
}

SafetensorsFile decode_safetensors(const std::string& bytes, const std::string& path_for_errors) {
    const std::string& path = path_for_errors;
    auto fail = [&path](const std::string& what) { decode_failed(path, what); };
    if (bytes.size() < 8)
        fail("not a safetensors file: " + std::to_string(bytes.size()) +
             " bytes is too short to hold the 8-byte header length");
    const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
    const uint64_t header_len = get_u64_le(p);
    const uint64_t available = bytes.size() - 8;
    if (header_len > available)
        fail("header length " + std::to_string(header_len) + " is larger than the file (" +
             std::to_string(available) +
             " bytes follow it); the file is truncated or not safetensors");
    if (header_len > kMaxHeaderBytes)
        fail("header length " + std::to_string(header_len) + " is larger than the " +
             std::to_string(kMaxHeaderBytes) + "-byte limit");
    if (header_len == 0) fail("header is empty");

    // A valid header nests three deep (header, entry, shape); anything deeper
    // is refused as it is read, as is a tensor named twice.
    std::set<std::string> keys;
    auto guard = [&](int depth, Json::parse_event_t event, Json& parsed) {
        if ((event == Json::parse_event_t::object_start ||
             event == Json::parse_event_t::array_start) &&
            depth >= 3)
            fail("header nests deeper than a safetensors header can");
        if (event == Json::parse_event_t::key && depth == 1 &&
            !keys.insert(parsed.get<std::string>()).second)
            fail("header names '" + parsed.get<std::string>() + "' twice");
        return true;
    };
    Json header;
    const char* text = bytes.data() + 8;
    try {
        header = Json::parse(text, text + header_len, guard);
    } catch (const nlohmann::json::parse_error& e) {
        fail(std::string("header is not valid JSON: ") + e.what());
    }
    if (!header.is_object()) fail("header is " + kind_of(header) + ", not an object");

    const uint64_t data_bytes = available - header_len;
    HeaderReader reader(path_for_errors, data_bytes);
    SafetensorsFile out;
    std::vector<Entry> entries;
    for (auto it = header.begin(); it != header.end(); ++it) {
        if (it.key() == kMetadataKey)
            out.metadata = reader.metadata(it.value());
        else
            entries.push_back(reader.entry(it.key(), it.value()));
    }
    reader.check_layout(entries);

    const unsigned char* data = p + 8 + header_len;
    out.tensors.reserve(entries.size());
    for (Entry& e : entries) {
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
    return decode_safetensors(read_file(path), path);
}

}  // namespace gs
