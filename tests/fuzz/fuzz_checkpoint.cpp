// libFuzzer entry point for the checkpoint reader (decode_safetensors, then the checks of
// check_checkpoint). The body lives in fuzz_targets.h, shared with the corpus replay test.
#include "fuzz_targets.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    try {
        gs_fuzz::fuzz_checkpoint(data, size);
    } catch (const gs::Error&) {
        // a refused input: what the parser is for
    }
    return 0;
}
