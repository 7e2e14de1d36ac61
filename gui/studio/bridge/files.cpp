// Whole-file reads and atomic writes: the engine's, passed through.
#include "bridge/files.h"

#include "gradscope/io.h"

namespace gs::studio {

void write_file_atomically(const std::string& path, const std::string& bytes) { write_file_atomic(path, bytes); }

std::string read_whole_file(const std::string& path) { return read_file(path); }

}  // namespace gs::studio
