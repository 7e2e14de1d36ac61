#!/usr/bin/env bash
# Set everything up, build, and open the Gradscope studio on the built-in
# spiral preset. With no display it says so and trains the preset headless
# with gradscope-train instead.
#   ./run.sh                 the studio on spiral-tanh
#   ./run.sh cnn-fashion     the studio on another preset
set -euo pipefail
cd "$(dirname "$0")"
source scripts/setup.sh
gs_setup
preset="${1:-spiral-tanh}"
if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
  gs_build --target gradscope
  exec "$GS_BUILD/gui/studio/gradscope" --preset "$preset"
fi
echo "gradscope: no display here (DISPLAY is not set), so the studio cannot open;" \
     "training $preset headless instead. On a desktop, ./run.sh opens the studio." >&2
gs_build --target gradscope-train
exec "$GS_BUILD/cli/gradscope-train" train "$preset"
