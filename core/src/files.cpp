// Opening files to read them and replacing files atomically (see
// gradscope/files.h). POSIX only: stat before open, O_NONBLOCK, pread,
// O_TMPFILE with linkat, rename, fsync.
#include "gradscope/files.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <string>

#include "gradscope/error.h"
#include "spec/spec_detail.h"

namespace gs {

namespace {

std::string errno_text(int err) { return std::strerror(err != 0 ? err : EIO); }

// What a non-regular file is, for "cannot read 'x': it is ...".
std::string file_kind(mode_t mode) {
    if (S_ISDIR(mode)) return std::strerror(EISDIR);
    if (S_ISFIFO(mode)) return "is a named pipe (FIFO), not a regular file";
    if (S_ISCHR(mode)) return "is a character device, not a regular file";
    if (S_ISBLK(mode)) return "is a block device, not a regular file";
    if (S_ISSOCK(mode)) return "is a socket, not a regular file";
    return "is not a regular file";
}

std::string directory_of(const std::string& path) {
    const size_t slash = path.find_last_of('/');
    if (slash == std::string::npos) return ".";
    return slash == 0 ? "/" : path.substr(0, slash);
}

std::string base_name(const std::string& path) {
    const size_t slash = path.find_last_of('/');
    return slash == std::string::npos ? path : path.substr(slash + 1);
}

std::string temporary_name(const std::string& path) {
    return path + ".tmp." + std::to_string(static_cast<long>(::getpid()));
}

// Makes the rename itself durable. Best effort: some file systems refuse.
void sync_directory(const std::string& dir) {
    const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return;
    (void)::fsync(fd);
    ::close(fd);
}

bool write_all(int fd, const std::string& bytes) {
    size_t done = 0;
    while (done < bytes.size()) {
        const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
        if (n < 0) {
            if (errno == EINTR) continue;
            return false;
        }
        done += static_cast<size_t>(n);
    }
    return true;
}

[[noreturn]] void write_failed(const std::string& path, int err) {
    throw Error("cannot write " + quoted_path(path) + ": " + errno_text(err));
}

// The bytes in an unnamed file in dir (O_TMPFILE), flushed: -1 where the file
// system has no unnamed files (the caller falls back to a named one).
int write_unnamed(const std::string& path, const std::string& dir, const std::string& bytes) {
#ifdef O_TMPFILE
    const int fd = ::open(dir.c_str(), O_TMPFILE | O_WRONLY | O_CLOEXEC, 0666);
    if (fd < 0) {
        if (errno == EISDIR || errno == EOPNOTSUPP || errno == EINVAL) return -1;
        write_failed(path, errno);
    }
    if (!write_all(fd, bytes) || ::fsync(fd) != 0) {
        const int err = errno;
        ::close(fd);
        write_failed(path, err);
    }
    return fd;
#else
    (void)path, (void)dir, (void)bytes;
    return -1;
#endif
}

}  // namespace

std::string quoted_path(const std::string& path) {
    // Appended piece by piece: GCC 12 warns (-Wrestrict) on "'" + string.
    std::string out(1, '\'');
    if (path.size() <= 160) {
        out += path;
        out += '\'';
        return out;
    }
    // Cut between UTF-8 sequences, never inside one.
    auto continuation = [&](size_t i) { return (static_cast<unsigned char>(path[i]) & 0xc0) == 0x80; };
    size_t head = 100, tail = path.size() - 50;
    while (head > 0 && continuation(head)) --head;
    while (tail < path.size() && continuation(tail)) ++tail;
    out.append(path, 0, head);
    out += "…";
    out.append(path, tail);
    out += "' (a path of ";
    out += spec_detail::grouped(path.size());
    out += " bytes)";
    return out;
}

// ------------------------------------------------------------- reading ----

InputFile::InputFile(const std::string& path) : m_path(path) {
    auto fail = [&](const std::string& why) {
        throw Error("cannot read " + quoted_path(path) + ": " + why);
    };
    if (path.empty()) fail("no file name given");
    // Look before opening: open() itself blocks on a FIFO without a writer
    // and may have effects on a device.
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) {
        const int err = errno;
        if (err == ENOENT && ::lstat(path.c_str(), &st) == 0 && S_ISLNK(st.st_mode))
            fail("a link to something that does not exist, not a regular file");
        fail(errno_text(err));
    }
    if (!S_ISREG(st.st_mode)) fail(file_kind(st.st_mode));
    // O_NONBLOCK: should the path become a FIFO after the stat, open() still
    // returns, and the fstat below refuses it.
    m_fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    if (m_fd < 0) fail(errno_text(errno));
    if (::fstat(m_fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        const int err = errno;
        ::close(m_fd);
        m_fd = -1;
        fail(S_ISREG(st.st_mode) ? errno_text(err) : file_kind(st.st_mode));
    }
    const int flags = ::fcntl(m_fd, F_GETFL);
    if (flags >= 0) (void)::fcntl(m_fd, F_SETFL, flags & ~O_NONBLOCK);
    m_size = static_cast<uint64_t>(st.st_size);
}

InputFile::~InputFile() {
    if (m_fd >= 0) ::close(m_fd);
}

void InputFile::read_at(uint64_t offset, void* out, size_t n) const {
    auto* p = static_cast<char*>(out);
    size_t done = 0;
    while (done < n) {
        const ssize_t got = ::pread(m_fd, p + done, n - done, static_cast<off_t>(offset + done));
        if (got < 0) {
            if (errno == EINTR) continue;
            throw Error("cannot read " + quoted_path(m_path) + ": " + errno_text(errno));
        }
        if (got == 0)
            throw Error(quoted_path(m_path) + ": the file ends after " +
                        spec_detail::grouped(offset + done) + " bytes, before the " +
                        spec_detail::grouped(offset + n) + " it needs (it is truncated, or was "
                        "cut while being read)");
        done += static_cast<size_t>(got);
    }
}

std::string read_file(const std::string& path, uint64_t max_bytes, const char* what) {
    InputFile f(path);
    auto too_large = [&](const std::string& size) {
        return Error(quoted_path(path) + " is " + size + ", more than the " +
                     spec_detail::bytes_str(max_bytes) + " " + what + " may be");
    };
    if (f.size() > max_bytes) throw too_large(spec_detail::bytes_str(f.size()));
    // Read to the end rather than trusting the size: a file may grow while it
    // is read (it is still refused past the limit), and some report size 0.
    std::string out;
    out.resize(static_cast<size_t>(f.size()) + 1);
    size_t have = 0;
    for (;;) {
        if (have == out.size()) {
            if (have > max_bytes) throw too_large("larger than that");
            out.resize(static_cast<size_t>(std::min<uint64_t>(max_bytes + 1, out.size() * 2 + 4096)));
        }
        const ssize_t got = ::read(f.fd(), out.data() + have, out.size() - have);
        if (got < 0) {
            if (errno == EINTR) continue;
            throw Error("cannot read " + quoted_path(path) + ": " + errno_text(errno));
        }
        if (got == 0) break;
        have += static_cast<size_t>(got);
    }
    if (have > max_bytes) throw too_large("larger than that");
    out.resize(have);
    return out;
}

// ------------------------------------------------------------- writing ----

size_t remove_stale_temporaries(const std::string& path) {
    const std::string dir = directory_of(path);
    const std::string prefix = base_name(path) + ".tmp.";
    DIR* d = ::opendir(dir.c_str());
    if (!d) return 0;
    size_t removed = 0;
    while (const dirent* e = ::readdir(d)) {
        const std::string name = e->d_name;
        if (name.size() <= prefix.size() || name.compare(0, prefix.size(), prefix) != 0) continue;
        const char* digits = name.c_str() + prefix.size();
        const char* end = name.c_str() + name.size();
        long pid = 0;
        const auto r = std::from_chars(digits, end, pid);
        if (r.ec != std::errc() || r.ptr != end || pid <= 0 || *digits == '0') continue;
        if (pid == static_cast<long>(::getpid())) continue;
        // The writer still runs (or runs as another user: EPERM): not stale.
        if (::kill(static_cast<pid_t>(pid), 0) == 0 || errno != ESRCH) continue;
        const std::string full = dir + "/" + name;
        struct stat st {};
        if (::lstat(full.c_str(), &st) != 0 || !S_ISREG(st.st_mode) || st.st_uid != ::geteuid())
            continue;
        if (::unlink(full.c_str()) == 0) ++removed;
    }
    ::closedir(d);
    return removed;
}

void write_file_atomic(const std::string& path, const std::string& bytes) {
    if (path.empty()) throw Error("cannot write a file: no file name given");
    remove_stale_temporaries(path);
    const std::string dir = directory_of(path);
    const std::string tmp = temporary_name(path);
    const int fd = write_unnamed(path, dir, bytes);
    if (fd >= 0) {
        // Give the unnamed file a name next to the target, then rename it
        // over the target: only a kill between the two leaves the name.
        char proc[64];
        std::snprintf(proc, sizeof proc, "/proc/self/fd/%d", fd);
        int rc = ::linkat(AT_FDCWD, proc, AT_FDCWD, tmp.c_str(), AT_SYMLINK_FOLLOW);
        if (rc != 0 && errno == EEXIST) {  // left by an earlier write of this process
            ::unlink(tmp.c_str());
            rc = ::linkat(AT_FDCWD, proc, AT_FDCWD, tmp.c_str(), AT_SYMLINK_FOLLOW);
        }
        const int link_err = errno;
        ::close(fd);
        if (rc == 0) {
            if (::rename(tmp.c_str(), path.c_str()) != 0) {
                const int err = errno;
                ::unlink(tmp.c_str());
                write_failed(path, err);
            }
            sync_directory(dir);
            return;
        }
        // No /proc to link through: write the bytes again, to a named file.
        if (link_err != ENOENT && link_err != EXDEV && link_err != EPERM) write_failed(path, link_err);
    }
    const int out = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
    if (out < 0) write_failed(path, errno);
    if (!write_all(out, bytes) || ::fsync(out) != 0) {
        const int err = errno;
        ::close(out);
        ::unlink(tmp.c_str());
        write_failed(path, err);
    }
    if (::close(out) != 0 || ::rename(tmp.c_str(), path.c_str()) != 0) {
        const int err = errno;
        ::unlink(tmp.c_str());
        write_failed(path, err);
    }
    sync_directory(dir);
}

}  // namespace gs
