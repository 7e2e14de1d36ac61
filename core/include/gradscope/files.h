// Files a user names: the one place Gradscope opens a file to read it or
// replaces one it writes (specs, projects, checkpoints, datasets, run logs).
//
// Reading trusts nothing about the path: only a regular file is opened (a
// directory, FIFO, socket or device is refused before open() could block or a
// read could go on forever), and a whole-file read is refused before anything
// is read when the file is larger than the caller's limit. Readers of formats
// with a header (checkpoints) read the header first with InputFile::read_at
// and never allocate what the header merely claims.
//
// Writing is atomic: the bytes go to an unnamed temporary file in the target's
// directory (O_TMPFILE; a named "<path>.tmp.<pid>" where the file system has
// none), flushed to disk, then linked and renamed over the target. A writer
// killed at any moment leaves either the old file or the new one, and at most
// one stale temporary name, which the next write to that path removes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace gs {

// A path longer than this is refused where a spec names one (data.path) and
// cannot be opened anyway (PATH_MAX on Linux).
inline constexpr size_t kMaxPathBytes = 4096;
// The default limit of read_file: the largest spec, project or other JSON
// document Gradscope reads whole.
inline constexpr uint64_t kMaxDocumentBytes = 64ull << 20;

// The path for a message, in quotes; a path longer than 160 bytes shows its
// first 100 and last 50 bytes around an ellipsis, so a message stays short
// (and a banner narrow) whatever a user typed.
std::string quoted_path(const std::string& path);

// An open regular file, for reading.
class InputFile {
public:
    // Throws gs::Error naming the path: missing, unreadable, or not a regular
    // file ("is a directory", "is a named pipe (FIFO)", "is a character
    // device", ...). Never blocks.
    explicit InputFile(const std::string& path);
    ~InputFile();
    InputFile(const InputFile&) = delete;
    InputFile& operator=(const InputFile&) = delete;

    const std::string& path() const { return m_path; }
    uint64_t size() const { return m_size; }  // when it was opened
    int fd() const { return m_fd; }
    // Exactly n bytes at offset; throws gs::Error naming the file if it ends
    // sooner (shorter than its header said, or cut while being read).
    void read_at(uint64_t offset, void* out, size_t n) const;

private:
    std::string m_path;
    int m_fd = -1;
    uint64_t m_size = 0;
};

// The whole file. A file larger than max_bytes is refused before anything is
// read: "'x.json' is 3.0 GiB, more than the 64.0 MiB <what> may be". Throws
// gs::Error naming the file.
std::string read_file(const std::string& path, uint64_t max_bytes = kMaxDocumentBytes,
                      const char* what = "a file Gradscope reads whole");

// Replaces path with bytes atomically (see above). Throws gs::Error naming
// the file; nothing is left behind on failure.
void write_file_atomic(const std::string& path, const std::string& bytes);

// Removes the temporary files that writers of path killed before their
// rename left ("<path>.tmp.<pid>"): only regular files of this user whose pid
// no longer runs, so a live writer's file is never touched. Returns how many
// were removed; never throws. write_file_atomic calls it first.
size_t remove_stale_temporaries(const std::string& path);

}  // namespace gs
