// libFuzzer entry point for the IDX parser (parse_idx; the input's first two bytes split it into an
// images and a labels file). The body lives in fuzz_targets.h, shared with the corpus replay test.
#include "fuzz_targets.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    try {
        gs_fuzz::fuzz_idx(data, size);
    } catch (const gs::Error&) {
        // a refused input: what the parser is for
    }
    return 0;
}
