// libFuzzer entry point for the model-spec reader (parse_spec, and spec_to_json round trips).
// The body lives in fuzz_targets.h, shared with the corpus replay test.
#include "fuzz_targets.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    gs_fuzz::fuzz_spec(data, size);  // parse_spec never throws: anything escaping is a bug
    return 0;
}
