// The body of the project fuzz target, shared by tests/fuzz/fuzz_project.cpp
// and the studio's corpus replay test (tests/studio/test_project_fuzz_corpus.cpp).
// Apart from fuzz_targets.h because it needs Qt (QtCore: the project holds
// QString and QByteArray), which the engine's tests do not link.
//
// What it covers: gs::studio::project_from_json, the whole of what
// load_project does with a file's text (load_project only reads the file
// first): the JSON, the format, the spec (parsed and validated), backend,
// stop_on_nonfinite, steps_per_second, breakpoints and the view settings
// (base64 window geometry and state, smoothing, flags, probe). A project it
// accepts is written with project_to_json and must read back equal.
#pragma once

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>

#include "gradscope/error.h"
#include "project/project.h"

namespace gs_fuzz {

inline void fuzz_project(const uint8_t* data, size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    const gs::studio::Project p = gs::studio::project_from_json(text);
    if (!(p.steps_per_second >= 0))
        throw std::logic_error("fuzz invariant broken: steps_per_second is 0 or more");
    gs::studio::Project again;
    try {
        again = gs::studio::project_from_json(gs::studio::project_to_json(p));
    } catch (const gs::Error& e) {
        throw std::logic_error(std::string("fuzz invariant broken: a written project reads back: ") +
                               e.what());
    }
    if (!(again == p)) throw std::logic_error("fuzz invariant broken: a written project reads back equal");
}

}  // namespace gs_fuzz
