// Gradscope's one exception type (engine and core alike): a message meant for
// the person at the screen, saying what is wrong and, where it can, how to fix it.
#pragma once

#include <stdexcept>
#include <string>

namespace gs {

class Error : public std::runtime_error {
public:
    explicit Error(const std::string& what) : std::runtime_error(what) {}
};

}  // namespace gs
