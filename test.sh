#!/usr/bin/env bash
# Set everything up, build, and run every test through CTest.
# Exits non-zero if anything fails.
#
#   ./test.sh                 the whole suite (what CI runs)
#   ./test.sh --tsan          the threaded parts (session, telemetry, batch
#                             loader) built with ThreadSanitizer, in build-tsan/
#   ./test.sh [ctest args]    e.g. ./test.sh -R Session
set -euo pipefail
cd "$(dirname "$0")"
source scripts/setup.sh
if [ "${1:-}" = "--tsan" ]; then
  shift
  GS_BUILD="$PWD/build-tsan"
  gs_setup -DGRADSCOPE_TESTS=ON -DGRADSCOPE_CUDA=OFF -DGRADSCOPE_STUDIO=OFF -DGRADSCOPE_MONITOR=OFF \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    "-DCMAKE_CXX_FLAGS=-fsanitize=thread -fno-omit-frame-pointer"
  gs_build --target test_session test_telemetry test_data_pipeline
  # libgomp is not instrumented: one OpenMP thread keeps its barriers out of
  # the reports, while the session's own threads (worker, loader, caller) run
  # as usual.
  export OMP_NUM_THREADS=1 TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1"
  for t in test_session core/test_telemetry test_data_pipeline; do
    "$GS_BUILD/tests/$t" --gtest_filter='-RealData.*' "$@"
  done
  exit 0
fi
gs_setup -DGRADSCOPE_TESTS=ON
gs_build
ctest --test-dir "$GS_BUILD" --output-on-failure -j "$(nproc)" "$@"
