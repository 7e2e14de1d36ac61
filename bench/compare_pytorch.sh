#!/usr/bin/env bash
# Runs gradscope-bench and the PyTorch baseline (bench/pytorch_bench.py) in
# alternating rounds and prints a markdown table: case | Gradscope | PyTorch |
# ratio. This machine's speed drifts by up to 2x over minutes, so each round
# runs both back to back and the table gives the median of the per-round
# ratios (with their range), not a ratio of numbers taken minutes apart.
#
#   bench/compare_pytorch.sh [pytorch_bench.py args, e.g. --windows 3]
#
# Environment:
#   GS_ROUNDS       rounds (default 3)
#   GS_BENCH        engine benchmark binary (default build/bench/gradscope-bench)
#   GS_BENCH_ARGS   extra arguments for the engine benchmark (word-split)
#   PYTHON          interpreter with torch (default /usr/bin/python3, Debian's torch)
#
# PyTorch runs with OMP_WAIT_POLICY=PASSIVE and without OPENBLAS_CORETYPE /
# OPENBLAS_L2_SIZE (set on these machines for old OpenBLAS builds; they force
# AVX2 kernels and slow torch down), its best settings here. The engine runs
# without OMP_WAIT_POLICY, so it picks its own short spin (GOMP_SPINCOUNT=3000,
# see engine/src/backend/omp_policy.cpp). ratio = Gradscope / PyTorch (> 1:
# Gradscope faster).
# Exit status: 0 ok, 2 engine binary missing, 1 a benchmark failed.
set -u -o pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
if [[ -n "${GS_BENCH:-}" && "${GS_BENCH}" != /* ]]; then
    GS_BENCH="$PWD/$GS_BENCH"
fi
cd "$root" || exit 1
gs_bench=${GS_BENCH:-build/bench/gradscope-bench}
python=${PYTHON:-/usr/bin/python3}
rounds=${GS_ROUNDS:-3}

if [[ ! -x "$gs_bench" ]]; then
    echo "compare_pytorch.sh: engine benchmark '$gs_bench' not found or not executable." >&2
    echo "  Build it first (./test.sh or cmake --build build --target gradscope-bench)," >&2
    echo "  or point GS_BENCH at it." >&2
    exit 2
fi

tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT

# shellcheck disable=SC2206
gs_args=(${GS_BENCH_ARGS:-})
gs_cmd=(env -u OMP_WAIT_POLICY "$gs_bench" "${gs_args[@]}")
pt_cmd=(env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OMP_WAIT_POLICY=PASSIVE
        "$python" bench/pytorch_bench.py "$@")

status=0
t0=$SECONDS
for ((r = 1; r <= rounds; r++)); do
    echo "round $r/$rounds: ${gs_cmd[*]}" >&2
    "${gs_cmd[@]}" >"$tmp/gs.$r" 2>"$tmp/gs.err" || { echo "gradscope-bench failed:" >&2; cat "$tmp/gs.err" >&2; status=1; }
    echo "round $r/$rounds: ${pt_cmd[*]}" >&2
    "${pt_cmd[@]}" >"$tmp/pt.$r" 2>"$tmp/pt.err" || { echo "pytorch_bench.py failed:" >&2; cat "$tmp/pt.err" >&2; status=1; }
done
elapsed=$((SECONDS - t0))

cpu=$(awk -F': *' '/^model name/ {print $2; exit}' /proc/cpuinfo)
echo "## Gradscope vs PyTorch"
echo
echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC'), CPU: ${cpu:-unknown} ($(nproc) CPUs), $rounds rounds, ${elapsed} s"
echo "- Gradscope: \`${gs_cmd[*]}\`"
echo "- PyTorch: \`${pt_cmd[*]}\`"
grep -h '^# torch' "$tmp/pt.1" 2>/dev/null | sed 's/^# /- PyTorch settings: /'
echo
for ((r = 1; r <= rounds; r++)); do
    awk -v r="$r" '$1 == "bench" && NF >= 4 { print r, (FILENAME ~ /gs\./ ? "gs" : "pt"), $2, $3, $4 }' \
        "$tmp/gs.$r" "$tmp/pt.$r"
done | awk "$(<bench/ranges.awk)"'
    {
        key = $1 " " $3
        if (!($3 in seen)) { seen[$3] = 1; order[++n] = $3; unit[$3] = $5 }
        val[$2 " " key] = $4
        if ($2 == "gs") gsl[$3] = gsl[$3] " " $4; else ptl[$3] = ptl[$3] " " $4
        rounds[$1] = 1
    }
    END {
        for (c in seen) for (r in rounds) {
            g = val["gs " r " " c]; p = val["pt " r " " c]
            if (g != "" && p + 0 > 0) rl[c] = rl[c] " " sprintf("%.3f", g / p)
        }
        print "| case | Gradscope (median) | PyTorch (median) | ratio: median (range over rounds) |"
        print "|---|---:|---:|---:|"
        for (i = 1; i <= n; i++) {
            c = order[i]
            g = (c in gsl) ? sprintf("%.0f %s", median(gsl[c]), unit[c]) : "—"
            p = (c in ptl) ? sprintf("%.0f %s", median(ptl[c]), unit[c]) : "—"
            q = (c in rl) ? sprintf("**%.2f** (%.2f–%.2f)", median(rl[c]), lo(rl[c]), hi(rl[c])) : "—"
            printf "| %s | %s | %s | %s |\n", c, g, p, q
        }
    }'
exit "$status"
