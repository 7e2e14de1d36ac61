// libFuzzer entry point for the studio's project reader (project_from_json: what load_project
// does with the file's text; see fuzz_project_target.h for exactly what is covered). Links QtCore.
#include "fuzz_project_target.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    try {
        gs_fuzz::fuzz_project(data, size);
    } catch (const gs::Error&) {
        // a refused input: what the reader is for
    }
    return 0;
}
