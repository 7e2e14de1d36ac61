#!/usr/bin/env bash
# gradscope-train as a user runs it: exit codes, messages, resuming, run logs.
#   cli_test.sh <gradscope-train> <tests/data dir>
set -u
gt=$1
data=$2
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

out=$("$gt" data info /nonexistent 2>&1); check "data info of a missing path" 1 $? "neither a dataset name" "$out"
mkdir -p "$tmp/idx" && cp "$data"/idx_tiny/* "$tmp/idx/"
f=$(ls "$tmp"/idx/train-images* | head -1)
if [[ "$f" == *.gz ]]; then gunzip -c "$f" | head -c 40 > "${f%.gz}"; rm "$f"; else head -c 40 "$f" > "$f.cut" && mv "$f.cut" "$f"; fi
out=$("$gt" data info "$tmp/idx" 2>&1); check "data info of a truncated IDX file" 1 $? "train-images" "$out"
out=$("$gt" train xor-sigmoid -q 2>&1); check "xor-sigmoid learns" 0 $? "acc 100.0%" "$out"
out=$("$gt" train linear-regression --lr 1e30 -e 5 2>&1); check "an absurd learning rate stops at a breakpoint" 3 $? "non-finite value appeared" "$out"
out=$("$gt" train nonexistent-preset 2>&1); check "an unknown preset" 1 $? "no preset named" "$out"

# Resuming gives exactly the losses of the uninterrupted run.
"$gt" train spiral-tanh -e 6 --every-epoch > "$tmp/straight.txt" 2>&1
"$gt" train spiral-tanh -e 3 --checkpoint "$tmp/a.safetensors" > /dev/null 2>&1
out=$("$gt" train spiral-tanh -e 6 --every-epoch --resume "$tmp/a.safetensors" 2>&1)
want=$(grep "^epoch    6/6" "$tmp/straight.txt" | awk '{print $4, $5, $6, $7}')
got=$(grep "^epoch    6/6" <<<"$out" | awk '{print $4, $5, $6, $7}')
check "resume equals the uninterrupted run" 0 $([ -n "$want" ] && [ "$want" == "$got" ]; echo $?) "resumed from" "$out"

out=$("$gt" train spiral-tanh -e 2 --log "$tmp/run" 2>&1); rc=$?
check "a run log is written" 0 $rc '"type":"run"' "$(head -c 200 "$tmp/run/run.jsonl" 2>/dev/null)"
check "the epoch CSV is written" 0 $rc "epoch,step,seconds" "$(cat "$tmp/run/epochs.csv" 2>/dev/null)"
check "the log has a confusion record" 0 $rc '"type":"confusion","step":50,"epoch":2,"split":"test","classes":2' "$(cat "$tmp/run/run.jsonl")"
check "the log has a datamap record" 0 $rc '"type":"datamap","step":50,"epoch":2,"items":250,"seen":250' "$(cat "$tmp/run/run.jsonl")"
check "the log's datamap.csv has a row per item" 251 "$(wc -l < "$tmp/run/datamap.csv")" "" ""

# The data map: on by default for classification, exported with --data-map, off with --no-data-map.
out=$("$gt" train spiral-tanh -e 2 --data-map "$tmp/map.csv" 2>&1); rc=$?
check "--data-map prints the likely-mislabeled count" 0 $rc "likely mislabeled: 0 of 250 training items" "$out"
check "--data-map writes the per-item CSV" 0 $rc "wrote the data map to $tmp/map.csv" "$out"
check "the data map CSV has its header" 0 0 "item,label,predicted,predicted_p,presentations,confidence" "$(head -1 "$tmp/map.csv")"
check "the data map CSV has a row per training item" 251 "$(wc -l < "$tmp/map.csv")" "" ""
out=$("$gt" train spiral-tanh -e 2 --no-data-map 2>&1); rc=$?
check "--no-data-map prints no data map" 0 $rc "" "$out"
check "--no-data-map means no count" 0 "$(grep -c 'likely mislabeled' <<<"$out")" "" ""
out=$("$gt" train linear-regression -e 2 --data-map "$tmp/none.csv" 2>&1)
check "a regression run has no data map to write" 1 $? "needs a classification loss" "$out"

# A resumed run with other settings is a fork: its run log names the run
# that saved the checkpoint, the step and what changed.
"$gt" train spiral-tanh --steps 300 --log "$tmp/parent" --checkpoint "$tmp/p300.safetensors" -q > /dev/null 2>&1
out=$("$gt" train spiral-tanh --steps 100 --resume "$tmp/p300.safetensors" --lr 0.1 --log "$tmp/child" 2>&1)
check "a resumed run with another rate says it is a fork" 0 $? "a fork of 'spiral-tanh': lr 0.03 -> 0.1" "$out"
parent_id=$(head -1 "$tmp/parent/run.jsonl" | grep -o '"run_id":"[^"]*"' | cut -d'"' -f4)
child=$(head -1 "$tmp/child/run.jsonl")
check "the fork's run log names its parent" 0 $([ -n "$parent_id" ]; echo $?) "\"parent_run_id\":\"$parent_id\"" "$child"
check "the fork's run log names the step" 0 0 '"fork_step":300' "$child"
check "the fork's run log says what changed" 0 0 '"changes":[{"name":"lr","old":"0.03","new":"0.1"}]' "$child"
out=$("$gt" train spiral-tanh --steps 10 --resume "$tmp/p300.safetensors" 2>&1)
check "a resumed run with the same settings goes on" 0 $? "going on from 'spiral-tanh'" "$out"

# Ctrl-C: pauses, saves a checkpoint, exits with 130; the checkpoint resumes.
"$gt" train spiral-tanh -e 100000 --checkpoint "$tmp/int.safetensors" > "$tmp/int.txt" 2>&1 &
pid=$!
# Interrupt once it trains (its handler is set by then), however long a busy machine takes to start it.
for _ in $(seq 600); do grep -q "^epoch" "$tmp/int.txt" 2>/dev/null && break; sleep 0.05; done
kill -INT "$pid"
wait "$pid"
rc=$?
check "Ctrl-C exits with 130" 130 $rc "checkpoint saved to $tmp/int.safetensors" "$(cat "$tmp/int.txt")"
out=$("$gt" train spiral-tanh -e 100000 --steps 5 --resume "$tmp/int.safetensors" 2>&1); check "the interrupted run resumes" 0 $? "resumed from" "$out"

# The options for comparing runs step by step (issue 15): exact step counts,
# the initial weights, a fixed order, a line per step, the thread count.
out=$("$gt" train spiral-tanh --steps 0 2>&1); check "--steps 0 is refused" 2 $? "--steps: Value 0 not in range" "$out"
out=$("$gt" train spiral-tanh --threads 5000 2>&1); check "--threads 5000 is refused" 2 $? "--threads: Value 5000 not in range" "$out"
out=$("$gt" train spiral-tanh --steps 7 --no-shuffle --log-every-step --threads 1 --log "$tmp/s7" \
      --init-checkpoint "$tmp/s0.safetensors" --checkpoint "$tmp/s7.safetensors" 2>&1)
check "--steps 7 stops after 7 steps" 0 $? "stopped after 7 steps" "$out"
check "--log-every-step writes 7 step lines" 7 "$(grep -c '"type":"step".*"merged":1}' "$tmp/s7/run.jsonl")" "" ""
check "--init-checkpoint holds step 0" 0 0 '"step":"0"' "$(head -c 4000 "$tmp/s0.safetensors" | tr -d '\0')"
check "the final checkpoint holds step 7" 0 0 '"step":"7"' "$(head -c 4000 "$tmp/s7.safetensors" | tr -d '\0')"
"$gt" train spiral-tanh --steps 7 --log-every-step --log "$tmp/s7-shuffled" -q > /dev/null 2>&1
a=$(grep '"step":2,' "$tmp/s7/run.jsonl" | cut -d, -f4); b=$(grep '"step":2,' "$tmp/s7-shuffled/run.jsonl" | cut -d, -f4)
check "--no-shuffle takes other batches than the shuffled order" 0 $([ -n "$a" ] && [ "$a" != "$b" ]; echo $?) "" ""
out=$("$gt" evaluate "$tmp/s7.safetensors" 2>&1); check "evaluate a checkpoint" 0 $? "test split, 250 items" "$out"
out=$("$gt" evaluate "$tmp/nonexistent.safetensors" 2>&1); check "evaluate a missing file" 1 $? "nonexistent.safetensors" "$out"
out=$("$gt" export spiral-tanh --to tensorflow "$tmp/tf" 2>&1); check "export to an unknown format" 2 $? "--to: tensorflow not in" "$out"
out=$("$gt" export spiral-tanh --to pytorch "$tmp/project" 2>&1); check "export a PyTorch project" 0 $? "train.py" "$out"
check "the project's files are there" 0 $(ls "$tmp/project/model.py" "$tmp/project/data.safetensors" "$tmp/project/gradscope/run_log.py" > /dev/null 2>&1; echo $?) "" ""
out=$("$gt" export spiral-tanh --to pytorch "$tmp/p2" --checkpoint "$tmp/nonexistent.safetensors" 2>&1); check "export from a missing checkpoint" 1 $? "nonexistent.safetensors" "$out"

if [ -d /usr/share/datasets/fashion-mnist ]; then
    out=$("$gt" data info fashion-mnist 2>&1); check "data info fashion-mnist" 0 $? "60000 items of 1x28x28" "$out"
fi
[ "$fails" -eq 0 ]
