#!/usr/bin/env bash
# Test accuracy on Fashion-MNIST of the presets trained by gradscope-train:
# mlp-fashion for 10 epochs and cnn-fashion for 5, each line: preset, epochs,
# test accuracy after the first and the last epoch, and the wall time.
# With --pytorch, the same recipes in PyTorch (bench/pytorch_accuracy.py)
# run after them, for reference.
#
#   bench/accuracy.sh [--pytorch]
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
train=${GS_TRAIN:-build/cli/gradscope-train}
[ -x "$train" ] || { echo "accuracy.sh: $train not found; build first (./test.sh)" >&2; exit 2; }

echo "| preset | epochs | test accuracy after epoch 1 | after the last | time | command |"
echo "|---|---:|---:|---:|---:|---|"
for run in "mlp-fashion 10" "cnn-fashion 5"; do
    set -- $run
    start=$(date +%s.%N)
    out=$("$train" train "$1" --epochs "$2" --every-epoch)
    end=$(date +%s.%N)
    first=$(echo "$out" | awk '/^epoch +1\// {for (i = 1; i <= NF; i++) if ($i == "test") print $(i + 4)}')
    last=$(echo "$out" | awk '/^epoch/ {for (i = 1; i <= NF; i++) if ($i == "test") v = $(i + 4)} END {print v}')
    secs=$(awk -v a="$start" -v b="$end" 'BEGIN {printf "%.0f s", b - a}')
    echo "| $1 | $2 | $first | $last | $secs | \`gradscope-train train $1 --epochs $2\` |"
done
if [ "${1:-}" = "--pytorch" ] || [ "${GS_PYTORCH:-}" = 1 ]; then
    echo
    for run in "mlp-fashion 10" "cnn-fashion 5"; do
        /usr/bin/python3 bench/pytorch_accuracy.py $run
    done
fi
