#!/usr/bin/env bash
# Set everything up, build, and run every test through CTest.
# Exits non-zero if anything fails.
set -euo pipefail
cd "$(dirname "$0")"
source scripts/setup.sh
gs_setup -DGRADSCOPE_TESTS=ON
gs_build
export OMP_WAIT_POLICY=PASSIVE
ctest --test-dir "$GS_BUILD" --output-on-failure -j "$(nproc)" "$@"
