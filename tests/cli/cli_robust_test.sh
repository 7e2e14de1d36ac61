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

# A copy of a checkpoint with one metadata value replaced (a new header, the same data).
setmeta() {  # in out key value
    /usr/bin/python3 - "$@" <<'PY'
import json, struct, sys
src, dst, key, value = sys.argv[1:5]
b = open(src, "rb").read()
n = struct.unpack("<Q", b[:8])[0]
h = json.loads(b[8:8 + n])
h["__metadata__"][key] = value
t = json.dumps(h, separators=(",", ":")).encode()
t += b" " * ((8 - len(t) % 8) % 8)
open(dst, "wb").write(struct.pack("<Q", len(t)) + t + b[8 + n:])
PY
}

# 4. The final epoch is printed however many epochs there were (the store
# halves its epoch list at 100,000).
out=$("$gt" train xor-sigmoid -e 130000 -q 2>&1)
check "-q prints the 130,000th epoch" 0 $? "epoch 130000/130000" "$out"
out=$("$gt" train xor-sigmoid -e 101000 --every-epoch 2>&1)
check "--every-epoch goes on past 100,000 epochs" 0 $? "epoch 101000/101000" "$out"
# Each epoch once, in order; any the display could not keep up with (a busy
# machine) are said to be missing, never silently left out.
shown=$(grep -c '^epoch ' <<<"$out")
skipped=$(grep -o '^(epochs [0-9]* to [0-9]* not shown' <<<"$out" | awk '{s += $4 - $2 + 1} END {print s + 0}')
check "... each once, or said to be missing" 101000 $((shown + skipped)) "" ""
check "... in order" 0 "$(grep '^epoch ' <<<"$out" | awk '{split($2, a, "/"); if (a[1] + 0 <= p) bad = 1; p = a[1] + 0} END {print bad + 0}')" "" ""

# 5. Checkpoint metadata is parsed strictly, the file and the field named.
"$gt" train spiral-tanh -e 1 --checkpoint "$tmp/ok.safetensors" -q > /dev/null 2>&1
meta_case() {  # name, key, value, words
    setmeta "$tmp/ok.safetensors" "$tmp/m.safetensors" "$2" "$3"
    out=$("$gt" train spiral-tanh -e 3 --resume "$tmp/m.safetensors" -q 2>&1)
    check "metadata $1 is refused" 1 $? "$4" "$out"
    check "... naming the file" 1 1 "'$tmp/m.safetensors'" "$out"
}
meta_case "epoch 3000000000" epoch 3000000000 '"epoch" is "3000000000": more than the'
meta_case "epoch -5" epoch -5 '"epoch" is "-5": a negative count'
meta_case "epoch past the run's epochs" epoch 7 "has trained 7 epochs, more than the 3"
meta_case "step 2^63-1" step 9223372036854775807 '"step" is "9223372036854775807": more than the 9007199254740992 steps'
meta_case "step -100" step -100 '"step" is "-100": a negative count'
meta_case "step 12abc" step 12abc '"step" is "12abc", not a whole number'
meta_case "step empty" step "" '"step" is "", not a whole number'
meta_case "step +5" step +5 '"step" is "+5", not a whole number'
meta_case "epoch_position past the data" epoch_position 100000 '"epoch_position" is 100000, past the 250 training items'
meta_case "optimizer_steps 1e3" optimizer_steps 1e3 '"optimizer_steps" is "1e3", not a whole number'
meta_case "an unknown optimizer" optimizer sgdd '"optimizer": unknown optimizer'
meta_case "a spec that is not JSON" spec "{not json" "the spec stored in '$tmp/m.safetensors' has problems"
out=$("$gt" evaluate "$tmp/m.safetensors" 2>&1)
check "evaluate refuses it too" 1 $? "invalid JSON" "$out"

# 6. What is not a regular file is refused at once: no hang, no growth.
mkfifo "$tmp/fifo"
out=$(timeout 20 "$gt" train spiral-tanh --resume "$tmp/fifo" 2>&1)
check "--resume of a FIFO is refused at once" 1 $? "is a named pipe (FIFO), not a regular file" "$out"
out=$(timeout 20 "$gt" train spiral-tanh --resume /dev/zero 2>&1)
check "--resume /dev/zero is refused at once" 1 $? "is a character device, not a regular file" "$out"
out=$(timeout 20 "$gt" validate "$tmp/fifo" 2>&1)
check "a FIFO as the spec is refused at once" 1 $? "named pipe" "$out"
mkfifo "$tmp/fifo.csv"
out=$(timeout 20 "$gt" data info "$tmp/fifo.csv" 2>&1)
check "a FIFO as a data file is refused at once" 1 $? "is a named pipe (FIFO), not a regular file" "$out"
cp "$tmp/ok.safetensors" "$tmp/big.safetensors" && truncate -s 2G "$tmp/big.safetensors"
# 1.5 GB of address space proves the file is judged by its header; under
# AddressSanitizer (./test.sh --asan) no limit, since ASan reserves terabytes
# of shadow address space at start (the plain build checks the bound).
vlimit=1500000; [ -n "${ASAN_OPTIONS:-}" ] && vlimit=unlimited
out=$( (ulimit -v $vlimit; timeout 20 "$gt" train spiral-tanh -e 3 --resume "$tmp/big.safetensors" 2>&1) )
check "a 2 GiB checkpoint with a bad layout is refused from its header" 1 $? "(the file is truncated, padded or corrupt)" "$out"

# 7. Messages name the file, the line and the field.
printf '{\n  "input": [2],\n  "layers": [{"type": "Dense", "units": 1}, {"type": "Sigmoid"}],\n  "optimizer": {"type": "sgd", "lr": 1e400},\n  "loss": "bce"\n}\n' > "$tmp/big-lr.json"
out=$("$gt" train "$tmp/big-lr.json" 2>&1)
check "1e400 names the file, the line and the field" 1 $? "'$tmp/big-lr.json', line 4, column 38, field \"optimizer.lr\": the number 1e400 is too large for a float" "$out"
printf '{"input": [2],\n "layers": [{"type": "Dense", "units": 1},\n            {"type": "Dense", "unit": 1}]}\n' > "$tmp/unit.json"
out=$("$gt" validate "$tmp/unit.json" 2>&1)
check "a field's issue names the file and its line" 1 $? "'$tmp/unit.json', line 3: layer 2 (Dense): unit: unknown field 'unit'" "$out"
/usr/bin/python3 -c "print('[' * 100000 + ']' * 100000)" > "$tmp/deep.json"
out=$("$gt" validate "$tmp/deep.json" 2>&1)
check "100,000 nested arrays are refused with the line" 1 $? "line 1, column 65, field \"[0][0][0]" "$out"
check "... and the limit" 1 1 "nest deeper than 64 levels" "$out"

# 8. Every numeric option out of range is refused with the reason (exit 2).
for a in "--epochs -5" "--epochs 0" "--lr -1" "--lr 0" "--lr nan" "--lr inf" "--batch -7" \
         "--batch 65537" "--seed -9" "--steps -3" "--threads 0"; do
    out=$("$gt" train xor-sigmoid $a 2>&1)
    check "train $a is refused" 2 $? "${a%% *}: Value ${a#* } not in range" "$out"
done
out=$("$gt" selftest --seed -9 2>&1); check "selftest --seed -9 is refused" 2 $? "--seed: Value -9 not in range" "$out"
out=$("$gt" selftest --steps -1 2>&1); check "selftest --steps -1 is refused" 2 $? "--steps: Value -1 not in range" "$out"
out=$("$gt" evaluate "$tmp/ok.safetensors" --threads -2 2>&1); check "evaluate --threads -2 is refused" 2 $? "--threads: Value -2 not in range" "$out"
out=$("$gt" bench --windows -5 2>&1); check "bench --windows -5 is refused" 2 $? "--windows: -5 is not a whole number" "$out"
out=$("$gt" bench --seconds abc 2>&1); check "bench --seconds abc is refused" 2 $? "--seconds: abc is not a number" "$out"

# 3. Within the layer limit everything saves and resumes; past it the spec is refused.
/usr/bin/python3 - "$tmp" <<'PY'
import json, sys
def spec(n, name):
    return {"name": name, "input": [1], "layers": [{"type": "Dense", "units": 1}] * n,
            "loss": "mse", "optimizer": {"type": "adam", "lr": 0.001}, "batch_size": 200,
            "epochs": 1, "data": {"name": "line", "samples": 200}}
json.dump(spec(42000, "deep"), open(sys.argv[1] + "/deep42k.json", "w"))
json.dump(spec(10000, "deep"), open(sys.argv[1] + "/deep10k.json", "w"))
PY
out=$("$gt" train "$tmp/deep42k.json" --checkpoint "$tmp/d42.safetensors" 2>&1)
check "42,000 layers are refused before training" 1 $? "the model has 42,000 layers; a model has at most 10,000" "$out"
out=$("$gt" train "$tmp/deep10k.json" --steps 1 --checkpoint "$tmp/d10.safetensors" -q 2>&1)
check "10,000 layers save" 0 $? "saved checkpoint" "$out"
out=$("$gt" train "$tmp/deep10k.json" -e 2 --steps 1 --resume "$tmp/d10.safetensors" -q 2>&1)
check "... and resume" 0 $? "resumed from" "$out"

# 12. A 100,000-character data path: refused in a short message.
long=$(/usr/bin/python3 -c "print('/tmp/' + 'a' * 100000)")
out=$("$gt" train spiral-tanh --data-path "$long" 2>&1)
check "a 100,000-character data path is refused" 1 $? "data.path: is 100,005 characters long; a path is at most 4,096" "$out"
check "... in a short message" 1 $([ ${#out} -lt 600 ] && echo 1 || echo 0) "" ""

# Hostile data files: a readable error naming the file, exit 1, at once.
data_case() {  # name, path, words
    out=$(timeout 60 "$gt" data info "$2" 2>&1)
    check "$1" 1 $? "$3" "$out"
}
head -c 5000 /dev/urandom > "$tmp/junk.csv"
data_case "a binary file as CSV" "$tmp/junk.csv" "'$tmp/junk.csv': this looks like a binary file"
printf 'a,b\n1,"2\n' > "$tmp/quote.csv"
data_case "an unclosed quote in a CSV" "$tmp/quote.csv" "'$tmp/quote.csv' row 2, column 2: a quoted cell is never closed"
mkdir "$tmp/idx"
/usr/bin/python3 - "$tmp/idx" <<'PY'
import struct, sys
d = sys.argv[1]
# A header that claims 2^31-1 images in a file of 116 bytes.
open(d + "/train-images-idx3-ubyte", "wb").write(struct.pack(">IIII", 0x803, 2**31 - 1, 28, 28) + b"\0" * 100)
open(d + "/train-labels-idx1-ubyte", "wb").write(struct.pack(">II", 0x801, 2**31 - 1) + b"\0" * 100)
open(d + "/t10k-images-idx3-ubyte", "wb").write(struct.pack(">IIII", 0x803, 1, 28, 28) + b"\0" * 784)
open(d + "/t10k-labels-idx1-ubyte", "wb").write(struct.pack(">II", 0x801, 1) + b"\0")
PY
data_case "an IDX header that claims 2^31 images" "$tmp/idx" "'$tmp/idx/train-images-idx3-ubyte': the header says 2,147,483,647 images"
mkdir "$tmp/cifar"
for f in data_batch_1 data_batch_2 data_batch_3 data_batch_4 data_batch_5 test_batch; do
    head -c 3073 /dev/zero > "$tmp/cifar/$f.bin"
done
printf '\x0b' | dd of="$tmp/cifar/test_batch.bin" bs=1 conv=notrunc 2>/dev/null
data_case "a CIFAR-10 label of 11" "$tmp/cifar" "'$tmp/cifar/test_batch.bin': record 0 has label 11"
head -c 6151 /dev/zero > "$tmp/cifar/data_batch_1.bin"
data_case "a CIFAR-10 batch of 2 records and 5 bytes" "$tmp/cifar" "'$tmp/cifar/data_batch_1.bin': 6,151 bytes is not a whole number"
mkdir -p "$tmp/img/cat" "$tmp/img/dog"
head -c 3000 /dev/urandom > "$tmp/img/cat/a.png"
cp "$tmp/img/cat/a.png" "$tmp/img/dog/b.png"
data_case "an image that is not one" "$tmp/img" "cannot decode"
rm "$tmp/img/cat/a.png"
mkfifo "$tmp/img/cat/z.png"
data_case "a FIFO in an image folder" "$tmp/img" "is a named pipe (FIFO), not a regular file"

[ "$fails" -eq 0 ]
