#!/usr/bin/env bash
# Runs gradscope-bench and the PyTorch baseline (bench/pytorch_bench.py) back to
# back and prints a markdown table: case | Gradscope | PyTorch | ratio.
#
#   bench/compare_pytorch.sh [pytorch_bench.py args, e.g. --windows 3]
#
# Environment:
#   GS_BENCH        engine benchmark binary (default build/bench/gradscope-bench,
#                   relative to the repository root; a relative GS_BENCH is taken
#                   relative to the current directory)
#   GS_BENCH_ARGS   extra arguments for the engine benchmark (word-split)
#   PYTHON          interpreter with torch (default /usr/bin/python3, Debian's torch)
#
# The PyTorch command runs with OMP_WAIT_POLICY=PASSIVE and without
# OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE (set on the dev machine for old OpenBLAS
# builds; they force AVX2 kernels and slow torch down); the engine runs in the
# unchanged environment. ratio = Gradscope / PyTorch (> 1: Gradscope faster).
# Exit status: 0 ok, 2 engine binary missing, 1 a benchmark failed.
set -u -o pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
if [[ -n "${GS_BENCH:-}" && "${GS_BENCH}" != /* ]]; then
    GS_BENCH="$PWD/$GS_BENCH"
fi
cd "$root" || exit 1
gs_bench=${GS_BENCH:-build/bench/gradscope-bench}
python=${PYTHON:-/usr/bin/python3}

if [[ ! -x "$gs_bench" ]]; then
    echo "compare_pytorch.sh: engine benchmark '$gs_bench' not found or not executable." >&2
    echo "  Build it first (e.g. cmake -S . -B build -DCMAKE_BUILD_TYPE=Release && cmake --build build --target gradscope-bench)," >&2
    echo "  or point GS_BENCH at it." >&2
    exit 2
fi

tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT

# shellcheck disable=SC2206
gs_args=(${GS_BENCH_ARGS:-})
gs_cmd=("$gs_bench" "${gs_args[@]}")
pt_cmd=(env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OMP_WAIT_POLICY=PASSIVE
        "$python" bench/pytorch_bench.py "$@")

status=0
echo "running: ${gs_cmd[*]}" >&2
t0=$SECONDS
"${gs_cmd[@]}" >"$tmp/gs.txt" 2>"$tmp/gs.err" || { echo "gradscope-bench failed (rc $?):" >&2; cat "$tmp/gs.err" >&2; status=1; }
t_gs=$((SECONDS - t0))
echo "running: ${pt_cmd[*]}" >&2
t0=$SECONDS
"${pt_cmd[@]}" >"$tmp/pt.txt" 2>"$tmp/pt.err" || { echo "pytorch_bench.py failed (rc $?):" >&2; cat "$tmp/pt.err" >&2; status=1; }
t_pt=$((SECONDS - t0))

cpu=$(awk -F': *' '/^model name/ {print $2; exit}' /proc/cpuinfo)
ncpu=$(nproc 2>/dev/null || echo "?")

echo "## Gradscope vs PyTorch"
echo
echo "- date: $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
echo "- CPU: ${cpu:-unknown} (${ncpu} CPUs)"
echo "- Gradscope: \`${gs_cmd[*]}\` (${t_gs} s)"
echo "- PyTorch: \`${pt_cmd[*]}\` (${t_pt} s)"
grep '^# torch' "$tmp/pt.txt" | sed 's/^# /- PyTorch settings: /'
echo
awk '
    { src = (FILENAME == ARGV[1]) ? 1 : 2 }
    $1 == "bench" && NF >= 4 {
        c = $2
        if (!(c in seen)) { seen[c] = 1; order[++n] = c }
        if (src == 1) { gv[c] = $3; gu[c] = $4 } else { pv[c] = $3; pu[c] = $4 }
    }
    function fmt(v, u) { return (v == "") ? "—" : sprintf("%s %s", v, u) }
    END {
        print "| case | Gradscope | PyTorch | ratio (Gradscope / PyTorch) |"
        print "|---|---:|---:|---:|"
        for (i = 1; i <= n; i++) {
            c = order[i]
            g = (c in gv) ? gv[c] : ""; p = (c in pv) ? pv[c] : ""
            r = "—"
            if (g != "" && p != "" && p + 0 > 0) {
                r = sprintf("%.2f", g / p)
                if ((c in gu) && (c in pu) && gu[c] != pu[c]) r = r " (units differ!)"
            }
            printf "| %s | %s | %s | %s |\n", c, fmt(g, gu[c]), fmt(p, pu[c]), r
        }
        if (n == 0) print "| (no bench lines) | | | |"
    }
' "$tmp/gs.txt" "$tmp/pt.txt"
exit "$status"
