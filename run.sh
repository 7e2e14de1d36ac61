#!/usr/bin/env bash
# Set everything up, build, and start Gradscope. Until the studio exists this
# trains the built-in spiral preset headless and prints its progress.
# Extra arguments go to `gradscope-train train` (e.g. ./run.sh xor-sigmoid).
set -euo pipefail
cd "$(dirname "$0")"
source scripts/setup.sh
gs_setup
gs_build --target gradscope-train
if [ $# -eq 0 ]; then set -- spiral-tanh; fi
exec "$GS_BUILD/cli/gradscope-train" train "$@"
