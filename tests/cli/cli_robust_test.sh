#!/usr/bin/env bash
# gradscope-train against what a careless user or an attacker hands it
# (issue 14): failed saves, hostile checkpoints and specs, special files,
# values out of range. Real files and real processes; each check names the
# exit status and the words the user must see.
#   cli_robust_test.sh <gradscope-train>
set -u
gt=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
check() {  # name, expected exit code, actual exit code, text that must appear, output
    if [ "$2" != "$3" ] || ! grep -qF -- "$4" <<<"$5"; then
        echo "FAIL $1: exit $3 (want $2); output:"; echo "$5" | tail -5; fails=$((fails + 1))
    else
        echo "ok   $1"
    fi
}
absent() {  # name, text that must not appear, output
    if grep -qF -- "$2" <<<"$3"; then
        echo "FAIL $1: says '$2'; output:"; echo "$3" | tail -5; fails=$((fails + 1))
    else
        echo "ok   $1"
    fi
}

# 1. A checkpoint that cannot be written is an error, never "saved".
out=$("$gt" train xor-sigmoid -e 3 --checkpoint /nonexistent/d/ck.safetensors 2>&1)
check "a checkpoint in a missing directory fails" 1 $? "cannot write '/nonexistent/d/ck.safetensors'" "$out"
absent "... and is not reported saved" "saved checkpoint" "$out"
mkdir "$tmp/adir"
out=$("$gt" train xor-sigmoid -e 3 --checkpoint "$tmp/adir" 2>&1)
check "a directory as the checkpoint fails" 1 $? "Is a directory" "$out"
"$gt" train spiral-tanh -e 100000 --checkpoint /nonexistent/d/ck.safetensors > "$tmp/int.txt" 2>&1 &
pid=$!
for _ in $(seq 600); do grep -q "^epoch" "$tmp/int.txt" 2>/dev/null && break; sleep 0.05; done
kill -INT "$pid"; wait "$pid"; rc=$?
check "Ctrl-C with an unwritable checkpoint exits 1" 1 $rc "the checkpoint was NOT saved" "$(cat "$tmp/int.txt")"
absent "... and does not claim it was saved" "checkpoint saved to" "$(cat "$tmp/int.txt")"

[ "$fails" -eq 0 ]
