#!/usr/bin/env bash
# The command line with a CUDA backend asked for: on a machine without a
# usable GPU it says why and trains on the CPU (exit 0); selftest says why it
# cannot run (exit 4); with the library hidden the reason names the file.
# Usage: cli_cuda_test.sh path/to/gradscope-train path/to/libgradscope_cuda.so
set -u
BIN="$1"
LIB="$2"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
fail=0
check() {  # check NAME CONDITION...
    local name="$1"; shift
    if "$@"; then echo "ok   $name"; else echo "FAIL $name"; fail=1; fi
}
contains() { grep -qF -- "$2" "$1"; }

driver=0
if ldconfig -p 2>/dev/null | grep -q 'libcuda\.so\.1'; then driver=1; fi

# 1. The library hidden: the reason names the file; training goes on on the CPU.
GRADSCOPE_CUDA_LIBRARY=/nonexistent/libgradscope_cuda.so \
    "$BIN" train spiral-tanh --backend cuda --epochs 1 -q >"$TMP/out1" 2>"$TMP/err1"
rc=$?
check "hidden library: exit 0" test "$rc" -eq 0
check "hidden library: says CUDA is unavailable" contains "$TMP/err1" "gradscope: CUDA unavailable:"
check "hidden library: names the file" contains "$TMP/err1" "/nonexistent/libgradscope_cuda.so"
check "hidden library: trains on the CPU" contains "$TMP/err1" "; training on the CPU"
check "hidden library: a result" test -s "$TMP/out1"

# 2. The library found next to the program (build tree layout), no env.
"$BIN" train spiral-tanh --backend cuda --epochs 1 -q >"$TMP/out2" 2>"$TMP/err2"
rc=$?
check "found library: exit 0" test "$rc" -eq 0
if [ "$driver" -eq 0 ]; then
    check "no driver: the reason" contains "$TMP/err2" \
        "gradscope: CUDA unavailable: no CUDA driver found; training on the CPU"
fi

# 3. selftest without a usable device: skipped, exit 4, with the reason.
GRADSCOPE_CUDA_LIBRARY="$LIB" "$BIN" selftest --backend cuda >"$TMP/out3" 2>"$TMP/err3"
rc=$?
if [ "$driver" -eq 0 ]; then
    check "selftest: exit 4 (skipped)" test "$rc" -eq 4
    check "selftest: says why" contains "$TMP/out3" "selftest skipped: CUDA unavailable: no CUDA driver found"
    check "selftest: lists the CPU" contains "$TMP/out3" "backend cpu"
else
    check "selftest on a GPU machine: passed or skipped" test "$rc" -eq 0 -o "$rc" -eq 4
fi

# 4. selftest of the CPU against itself: the whole table, every row PASS.
"$BIN" selftest --backend cpu --steps 20 >"$TMP/out4" 2>"$TMP/err4"
rc=$?
check "selftest cpu: exit 0" test "$rc" -eq 0
check "selftest cpu: table header" contains "$TMP/out4" "max rel err"
check "selftest cpu: dense row" contains "$TMP/out4" "dense forward"
check "selftest cpu: no FAIL" test "$(grep -c FAIL "$TMP/out4")" -eq 0
check "selftest cpu: training rows" contains "$TMP/out4" "training mlp-fashion"

# 5. An unknown backend is an error, not a skip.
"$BIN" selftest --backend tpu >"$TMP/out5" 2>"$TMP/err5"
rc=$?
check "selftest tpu: exit 1" test "$rc" -eq 1
check "selftest tpu: names it" contains "$TMP/err5" "unknown backend 'tpu'"

# 6. The benchmark falls back too.
GRADSCOPE_CUDA_LIBRARY=/nonexistent/libgradscope_cuda.so \
    "$BIN" bench --backend cuda --cases spiral-tanh/b10 --windows 1 --seconds 0.05 \
    >"$TMP/out6" 2>"$TMP/err6"
rc=$?
check "bench: exit 0" test "$rc" -eq 0
check "bench: says why" contains "$TMP/err6" "gradscope-bench: CUDA unavailable:"
check "bench: a figure" contains "$TMP/out6" "bench spiral-tanh/b10"

if [ "$fail" -ne 0 ]; then
    for f in "$TMP"/err* "$TMP"/out3; do echo "--- $f"; head -20 "$f"; done
fi
exit "$fail"
