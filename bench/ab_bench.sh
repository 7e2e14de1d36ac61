#!/usr/bin/env bash
# Two gradscope-bench binaries side by side: runs them in alternation (this
# machine's speed drifts by up to 2x over minutes and other work shares its
# cores, so a single run of each says little) and prints, per case, each
# binary's median and range, and in how many rounds the second was faster.
#
#   bench/ab_bench.sh BEFORE AFTER [ROUNDS] [gradscope-bench arguments...]
#   e.g. cp build/bench/gradscope-bench /tmp/before; (change, rebuild);
#        bench/ab_bench.sh /tmp/before build/bench/gradscope-bench 6 \
#            --cases mlp-fashion/b64,mlp-fashion/b256 --windows 9 --seconds 0.5
#
# ROUNDS defaults to 6, the arguments to the two mlp-fashion cases as above.
# Exit status: 0 done, 2 a bad command line or binary, 1 a run failed.
set -u -o pipefail

if [[ $# -lt 2 ]]; then
    echo "usage: bench/ab_bench.sh BEFORE AFTER [ROUNDS] [gradscope-bench arguments...]" >&2
    exit 2
fi
before=$1 after=$2
shift 2
rounds=6
if [[ $# -gt 0 && $1 =~ ^[0-9]+$ ]]; then rounds=$1; shift; fi
if [[ $rounds -lt 1 ]]; then echo "ab_bench.sh: ROUNDS must be at least 1" >&2; exit 2; fi
args=("$@")
[[ ${#args[@]} -eq 0 ]] && args=(--cases "mlp-fashion/b64,mlp-fashion/b256" --windows 9 --seconds 0.5)
for b in "$before" "$after"; do
    if [[ ! -x $b ]]; then echo "ab_bench.sh: '$b' is not an executable file" >&2; exit 2; fi
done

tmp=$(mktemp) || exit 1
trap 'rm -f "$tmp"' EXIT
for ((r = 1; r <= rounds; r++)); do
    for side in before after; do
        bin=$before; [[ $side == after ]] && bin=$after
        echo "round $r/$rounds: $side: $bin ${args[*]}" >&2
        out=$("$bin" "${args[@]}") || { echo "ab_bench.sh: $bin failed" >&2; exit 1; }
        awk -v r="$r" -v s="$side" '$1 == "bench" && NF >= 4 { print r, s, $2, $3, $4 }' <<<"$out" >>"$tmp"
    done
done

echo "| case | before: median (range) | after: median (range) | after faster |"
echo "|---|---:|---:|---:|"
awk "$(<"$(dirname "${BASH_SOURCE[0]}")/ranges.awk")"'
    {
        if (!($3 in seen)) { seen[$3] = 1; order[++n] = $3; unit[$3] = $5 }
        list[$2 " " $3] = list[$2 " " $3] " " $4
        val[$1 " " $2 " " $3] = $4
        rounds[$1] = 1
    }
    END {
        for (i = 1; i <= n; i++) {
            c = order[i]; wins = 0; pairs = 0
            for (r in rounds) {
                b = val[r " before " c]; a = val[r " after " c]
                if (b != "" && a != "") { pairs++; if (a + 0 > b + 0) wins++ }
            }
            # Every case here is a rate (higher is faster) except the % overheads.
            if (unit[c] == "%") wins = pairs - wins
            printf "| %s | %.0f %s (%.0f-%.0f) | %.0f %s (%.0f-%.0f) | %d of %d |\n", c,
                median(list["before " c]), unit[c], lo(list["before " c]), hi(list["before " c]),
                median(list["after " c]), unit[c], lo(list["after " c]), hi(list["after " c]), wins, pairs
        }
    }' "$tmp"
