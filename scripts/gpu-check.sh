#!/usr/bin/env bash
# The GPU check (issue "The GPU path on a real device"), as one script for a
# machine with an NVIDIA GPU and little time on it: build the engine, the CLI,
# the benchmarks and the tests with the CUDA backend for this device, run the
# backend's selftest and the gpu-labelled tests, measure the GPU against the
# CPU in the same run, and print one summary. Everything it prints also goes
# to $OUT (or ./gpu-check-out) for reading afterwards.
#
#   scripts/gpu-check.sh              # build in build-gpu/, then check
#   GS_GPU_SECONDS=2 scripts/gpu-check.sh   # shorter benchmark windows
#
# Exit status: 0 every check passed; 1 a build, selftest or test failed;
# 4 no GPU driver here (nothing of the GPU path could run).
set -u
out=${OUT:-$PWD/gpu-check-out}
mkdir -p "$out"
summary="$out/summary.txt"
: >"$summary"
say() { echo "$*" | tee -a "$summary"; }
jobs=$(nproc 2>/dev/null || echo 4)
secs=${GS_GPU_SECONDS:-3}
status=0

say "gradscope gpu-check $(date -u +%Y-%m-%dT%H:%M:%SZ) on $(hostname)"
if ! command -v nvidia-smi >/dev/null || ! nvidia-smi -L >"$out/nvidia-smi.txt" 2>&1; then
    say "no GPU driver here (nvidia-smi -L failed): nothing of the GPU path can run"
    exit 4
fi
say "device: $(head -1 "$out/nvidia-smi.txt")"
arch=$(nvidia-smi --query-gpu=compute_cap --format=csv,noheader 2>/dev/null | head -1 | tr -d '.')
[ -n "$arch" ] || arch=native
say "CUDA architecture: $arch"

# 1. Build: no studio or monitor (not needed here), the device's own architecture.
t0=$(date +%s)
if ! cmake -S . -B build-gpu -G Ninja -DCMAKE_BUILD_TYPE=Release -DGRADSCOPE_CUDA=ON \
        -DCMAKE_CUDA_ARCHITECTURES="$arch" -DGRADSCOPE_STUDIO=OFF -DGRADSCOPE_MONITOR=OFF \
        >"$out/configure.log" 2>&1 ||
   ! cmake --build build-gpu -j"$jobs" >"$out/build.log" 2>&1; then
    say "BUILD FAILED (see configure.log, build.log):"
    tail -20 "$out/build.log" "$out/configure.log" 2>/dev/null | tee -a "$summary"
    exit 1
fi
say "build: $(( $(date +%s) - t0 )) s"

# 2. The backend's selftest: every operation against the reference, training against the CPU.
build-gpu/cli/gradscope-train selftest --backend cuda >"$out/selftest.log" 2>&1
rc=$?
say "selftest --backend cuda: exit $rc ($(tail -1 "$out/selftest.log"))"
[ $rc -eq 0 ] || status=1

# 3. The gpu-labelled tests (and the CUDA loader and CLI tests).
ctest --test-dir build-gpu -L gpu --output-on-failure >"$out/ctest-gpu.log" 2>&1
rc=$?
say "ctest -L gpu: exit $rc ($(grep -E 'tests passed|tests failed' "$out/ctest-gpu.log" | tail -1))"
[ $rc -eq 0 ] || { status=1; grep -E '\(Failed\)|\*\*\*' "$out/ctest-gpu.log" | tee -a "$summary"; }
ctest --test-dir build-gpu -R '^cuda\.|cli.cuda' --output-on-failure >"$out/ctest-cuda.log" 2>&1 ||
    { status=1; say "cuda loader/CLI tests failed (ctest-cuda.log)"; }

# 4. Speed: the GPU and the CPU in the same run, the same cases.
cases=spiral-tanh/b10,spiral-tanh/b64,spiral-tanh/b256,mlp-fashion/b64,mlp-fashion/b256,cnn-fashion/b64,cnn-fashion/b256,cnn-cifar10/b64
for be in cuda cpu; do
    build-gpu/bench/gradscope-bench --backend $be --cases $cases --windows 3 --seconds "$secs" \
        >"$out/bench-$be.txt" 2>&1 || status=1
done
say "throughput (gradscope-bench --windows 3 --seconds $secs), cuda | cpu:"
while read -r _ name value unit; do
    cpu=$(awk -v n="$name" '$1 == "bench" && $2 == n { print $3 }' "$out/bench-cpu.txt")
    say "  $name: $value | ${cpu:-?} $unit"
    if [ "$name" = cnn-cifar10/b64 ] && [ -n "$value" ]; then
        say "  one cnn-cifar10 epoch (50,000 items) at that rate: $(awk -v v="$value" 'BEGIN { printf "%.1f", 50000 / v }') s"
    fi
done < <(grep '^bench ' "$out/bench-cuda.txt")

# 5. Where the time goes: an nsys profile of a short cnn-fashion run, when nsys is there.
if command -v nsys >/dev/null; then
    nsys profile -o "$out/cnn-fashion" --force-overwrite true --stats=true \
        build-gpu/cli/gradscope-train train cnn-fashion --backend cuda --steps 300 -q \
        >"$out/nsys.txt" 2>&1 && say "profile: nsys.txt (kernel time against cuBLAS/cuDNN calls)"
fi

say "result: $([ $status -eq 0 ] && echo every check passed || echo FAILURES, see above)"
exit $status
