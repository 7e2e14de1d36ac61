// Reading a data file whole, gunzipping it when it starts with the gzip magic
// (1f 8b). The output grows as zlib produces it and stops at the caller's cap:
// the size in a gzip trailer (ISIZE) is never used to size anything, so a
// damaged or hostile file costs at most the cap, never what it claims.
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "gradscope/data_files.h"
#include "gradscope/error.h"
#include "gradscope/files.h"
#include "data/messages.h"

namespace gs {

using data_detail::listing;
using data_detail::with_commas;

namespace {

// 1234567 -> "1,234,567"

[[noreturn]] void too_large(const std::string& path, size_t max_bytes, bool compressed) {
    throw Error(quoted_path(path) + ": more than " + with_commas(max_bytes) + " bytes" +
                (compressed ? " uncompressed" : "") + " — is this the right file?");
}

bool is_gzip(const uint8_t* p, size_t n) {
    return n >= 2 && p[0] == 0x1f && p[1] == 0x8b;
}

// Ends the inflate stream however the decoding loop is left.
struct InflateGuard {
    z_stream* zs;
    ~InflateGuard() { inflateEnd(zs); }
};

}  // namespace

std::vector<uint8_t> gunzip(const uint8_t* data, size_t size, const std::string& path,
                            size_t max_bytes) {
    z_stream zs{};
    if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK)  // 16: gzip wrapper, checked CRC and ISIZE
        throw Error(quoted_path(path) + ": cannot start gzip decompression (out of memory?)");
    InflateGuard guard{&zs};

    const uint8_t* const end = data + size;
    const uint8_t* feed = data;  // the next byte not yet handed to zlib
    std::vector<uint8_t> out;
    size_t produced = 0;
    // One byte of room beyond the cap tells "exactly max_bytes" from "more".
    const size_t room_limit = max_bytes == SIZE_MAX ? max_bytes : max_bytes + 1;

    for (;;) {
        if (zs.avail_in == 0 && feed < end) {
            const size_t chunk = std::min<size_t>(static_cast<size_t>(end - feed), UINT_MAX);
            zs.next_in = const_cast<Bytef*>(feed);
            zs.avail_in = static_cast<uInt>(chunk);
            feed += chunk;
        }
        if (produced == out.size()) {
            if (out.size() >= room_limit) too_large(path, max_bytes, true);
            const size_t grown = std::max<size_t>(out.size() * 2, size_t{1} << 16);
            out.resize(std::min(grown, room_limit));
        }
        zs.next_out = out.data() + produced;
        zs.avail_out = static_cast<uInt>(std::min<size_t>(out.size() - produced, UINT_MAX));
        const int rc = inflate(&zs, Z_NO_FLUSH);
        produced = static_cast<size_t>(zs.next_out - out.data());
        if (produced > max_bytes) too_large(path, max_bytes, true);

        const bool input_left = zs.avail_in > 0 || feed < end;
        if (rc == Z_STREAM_END) {
            // Another gzip member may follow (as `cat a.gz b.gz` makes); zero
            // padding after the last one is ignored, anything else is not.
            const uint8_t* rest = zs.next_in;
            const size_t rest_size = static_cast<size_t>(end - rest);
            if (rest_size == 0) break;
            if (is_gzip(rest, rest_size)) {
                inflateReset(&zs);
                continue;
            }
            if (std::all_of(rest, end, [](uint8_t b) { return b == 0; })) break;
            throw Error(quoted_path(path) + ": not valid gzip data (" + with_commas(rest_size) +
                        " bytes of something else follow the end of the gzip stream)");
        }
        if (rc == Z_BUF_ERROR) {
            // No progress: zlib wants more output (the loop grows the buffer)
            // or more input (the loop feeds it, unless there is none).
            if (zs.avail_out == 0 || (zs.avail_in == 0 && feed < end)) continue;
            if (!input_left)
                throw Error(quoted_path(path) +
                            ": the gzip stream is truncated (it ends before its end marker) — "
                            "the file may be incomplete");
            throw Error(quoted_path(path) + ": not valid gzip data (the decoder is stuck)");
        }
        if (rc != Z_OK)
            throw Error(quoted_path(path) + ": not valid gzip data (" +
                        (zs.msg ? std::string(zs.msg) : "zlib error " + std::to_string(rc)) + ")");
        if (!input_left && zs.avail_out > 0)  // all input used, room left, no end marker
            throw Error(quoted_path(path) +
                        ": the gzip stream is truncated (it ends before its end marker) — "
                        "the file may be incomplete");
    }
    out.resize(produced);
    return out;
}

std::vector<uint8_t> read_maybe_gzip(const std::string& path, size_t max_bytes) {
    // Only a regular file is opened (a FIFO or device is refused at once).
    InputFile f(path);

    // Deflate may make incompressible data slightly larger, so a gzip file a
    // little over the cap can still hold no more than the cap.
    const size_t slack = max_bytes / 64 + 4096;
    const size_t raw_limit = max_bytes > SIZE_MAX - slack ? SIZE_MAX : max_bytes + slack;

    const uint64_t file_size = f.size();
    if (file_size > raw_limit) too_large(path, max_bytes, false);
    if (file_size > max_bytes) {  // only a gzip file may be this large; look before reading
        uint8_t magic[2] = {0, 0};
        f.read_at(0, magic, 2);
        if (!is_gzip(magic, 2)) too_large(path, max_bytes, false);
    }

    // The size from fstat is a hint for one allocation; reading still stops
    // at the limit in case the file grows meanwhile.
    std::vector<uint8_t> raw;
    raw.resize(std::min<size_t>(raw_limit, static_cast<size_t>(file_size)) + 1);
    size_t have = 0;
    for (;;) {
        if (have == raw.size()) {
            if (raw.size() > raw_limit) too_large(path, max_bytes, false);
            const size_t grown = std::max<size_t>(raw.size() * 2, size_t{1} << 16);
            raw.resize(raw_limit == SIZE_MAX ? grown : std::min(grown, raw_limit + 1));
        }
        const ssize_t got = ::read(f.fd(), raw.data() + have, raw.size() - have);
        if (got < 0) {
            if (errno == EINTR) continue;
            throw Error("cannot read " + quoted_path(path) + ": " + std::strerror(errno));
        }
        if (got == 0) break;
        have += static_cast<size_t>(got);
    }
    if (have > raw_limit) too_large(path, max_bytes, false);
    raw.resize(have);

    if (is_gzip(raw.data(), raw.size())) return gunzip(raw.data(), raw.size(), path, max_bytes);
    if (raw.size() > max_bytes) too_large(path, max_bytes, false);
    return raw;
}

}  // namespace gs
