// libFuzzer entry point for the run-log line parser (parse_run_log_line, line by line). The
// body lives in fuzz_targets.h, shared with the corpus replay test. It never throws: anything
// that escapes is a crash.
#include "fuzz_targets.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    gs_fuzz::fuzz_run_log(data, size);
    return 0;
}
