#!/usr/bin/env bash
# Shared by run.sh and test.sh: install the Debian packages Gradscope needs
# (when missing), then configure and build into build/. Sourced, not run.
#   gs_setup [extra cmake args...]
set -euo pipefail

GS_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
GS_BUILD="${GS_BUILD:-$GS_ROOT/build}"

GS_PACKAGES=(
  g++ cmake ninja-build pkg-config
  libdnnl-dev ocl-icd-opencl-dev      # oneDNN (its CMake config needs OpenCL headers)
  nlohmann-json3-dev zlib1g-dev libcli11-dev libstb-dev
  libgtest-dev libbenchmark-dev
  dataset-fashion-mnist               # real data for tests and benchmarks
  qt6-base-dev qt6-base-dev-tools libqcustomplot-dev   # the studio (Qt 6 + QCustomPlot)
  libimgui-dev libglfw3-dev           # the monitor (Dear ImGui on GLFW + OpenGL 3)
  xvfb xauth libgl1-mesa-dri          # screenshots and GUI tests without a display
  libonnx-dev libprotobuf-dev         # export --to onnx (GRADSCOPE_ONNX)
  libopencv-dnn-dev                   # the ONNX tests run the export in OpenCV's dnn
  python3-torch python3-numpy libopenblas-dev   # the exported PyTorch projects and python/
  python3-pip python3-setuptools python3-wheel  # the offline install of python/ (a test)
)

gs_install_packages() {
  local missing=()
  for p in "${GS_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "gradscope: installing Debian packages: ${missing[*]}"
  local sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
      sudo=(sudo)
    else
      echo "gradscope: these packages are missing and installing them needs root:" >&2
      echo "  sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
      echo "Run that (or run this script as root), then run it again." >&2
      exit 1
    fi
  fi
  export DEBIAN_FRONTEND=noninteractive
  "${sudo[@]}" apt-get update -qq
  "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

gs_setup() {
  gs_install_packages
  if [ ! -f "$GS_BUILD/CMakeCache.txt" ]; then
    cmake -S "$GS_ROOT" -B "$GS_BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release \
      -DGRADSCOPE_STUDIO=ON -DGRADSCOPE_MONITOR=ON "$@"
  elif [ $# -gt 0 ]; then
    cmake "$GS_BUILD" "$@" >/dev/null
  fi
}

gs_build() {
  cmake --build "$GS_BUILD" -j "$(nproc)" "$@"
}
