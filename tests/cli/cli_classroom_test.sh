#!/usr/bin/env bash
# gradscope-train and the classroom (issue 19): lessons played and checked
# headless, and specs with a drawn set or input features trained headless.
#   cli_classroom_test.sh <gradscope-train>
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

out=$("$gt" lesson --list 2>&1); check "the shipped lessons are listed" 0 $? "vanishing-gradients      Vanishing gradients" "$out"
out=$("$gt" lesson what-one-neuron-does 2>&1); check "a lesson plays to its end" 0 $? "lesson done: 7 steps met their conditions" "$out"
check "its texts are printed" 0 0 "step 6/7: A hidden layer  [canvas]" "$out"
check "its traced step shows equations" 0 0 "z = Σ wᵢxᵢ + b" "$out"
out=$("$gt" lesson --check why-depth 2>&1); check "--check reads and validates" 0 $? "why-depth.json: \"Why depth\", 5 steps" "$out"
out=$("$gt" lesson no-such-lesson 2>&1); check "an unknown lesson" 1 $? "no lesson named 'no-such-lesson'; the lessons are: the-learning-rate" "$out"

cat > "$tmp/broken.json" <<'JSON'
{"title": "Broken", "steps": [
  {"preset": "xor-sigmoid", "text": "a"},
  {"text": "b", "wait": {"loss_below": -1}},
  {"text": "c", "view": "plot"}]}
JSON
out=$("$gt" lesson --check "$tmp/broken.json" 2>&1); rc=$?
check "a broken lesson names step and field" 1 $rc 'lesson broken.json, step 2, field "wait.loss_below": must be a positive number, got -1' "$out"
check "and every problem at once" 1 $rc 'lesson broken.json, step 3, field "view": unknown view '"'"'plot'"'"'; use canvas, curves' "$out"

cat > "$tmp/never.json" <<'JSON'
{"title": "Never", "steps": [
  {"preset": "linear-regression", "text": "One neuron, a line."},
  {"text": "It cannot get below the noise.", "wait": {"loss_below": 0.001, "max_steps": 60}}]}
JSON
out=$("$gt" lesson -q "$tmp/never.json" 2>&1)
check "a wait that is never met fails with its step" 1 $? 'lesson never.json, step 2, field "wait": not met within 60 steps' "$out"

# A drawn set of three classes in a spec, trained headless.
pts=""
for c in 0 1 2; do
  for i in 0 1 2 3 4 5 6 7 8 9; do
    x=$(awk -v c=$c -v i=$i 'BEGIN { printf "%.2f", (c - 1) * 0.7 + (i % 5) * 0.02 }')
    y=$(awk -v c=$c -v i=$i 'BEGIN { printf "%.2f", (c == 1 ? 0.6 : -0.4) + int(i / 5) * 0.02 }')
    pts="$pts${pts:+, }[$x, $y, $c]"
  done
done
cat > "$tmp/drawn.json" <<JSON
{"input": [2], "layers": [{"type": "Dense", "units": 3}, {"type": "Softmax"}],
 "optimizer": {"type": "sgd", "lr": 0.5}, "batch_size": 6, "epochs": 30,
 "data": {"name": "points", "test_fraction": 0.2, "points": [$pts]}}
JSON
out=$("$gt" train "$tmp/drawn.json" -q 2>&1); check "a drawn set trains headless" 0 $? "acc 100.0%" "$out"

cat > "$tmp/features.json" <<'JSON'
{"input": [2], "layers": [{"type": "Dense", "units": 1}, {"type": "Sigmoid"}],
 "loss": "binary_cross_entropy", "optimizer": {"type": "sgd", "lr": 1.0}, "batch_size": 20, "epochs": 60,
 "data": {"name": "circle", "samples": 400, "features": ["x1^2", "x2^2"]}}
JSON
out=$("$gt" train "$tmp/features.json" -q 2>&1); check "input features train headless" 0 $? "acc 100.0%  0:" "$out"
sed -i 's/"input": \[2\]/"input": [3]/' "$tmp/features.json"
out=$("$gt" train "$tmp/features.json" 2>&1)
check "an input that does not match the features" 1 $? 'input: the data gives 2 inputs per point (features x1^2 and x2^2) but input is [3] — set "input" to [2]' "$out"

[ "$fails" = 0 ] && echo "all passed" || { echo "$fails failed"; exit 1; }
