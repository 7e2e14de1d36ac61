// Whole files for the studio's own formats (projects): written atomically
// (a temporary file, flushed, then renamed over the target, so a crash never
// leaves half a file) and read with errors that name the file.
#pragma once

#include <string>

namespace gs::studio {

// Throws gs::Error naming the file.
void write_file_atomically(const std::string& path, const std::string& bytes);
// Throws gs::Error naming the file.
std::string read_whole_file(const std::string& path);

}  // namespace gs::studio
