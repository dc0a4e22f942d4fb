#!/usr/bin/env bash
# Interleaved A/B of the headline Fashion-MNIST epoch between two builds of the CLI, e.g. before and after a change:
#   git worktree add /tmp/old <rev> && dotnet publish /tmp/old/src/Backprop.Cli -c Release -r linux-x64 -o /tmp/oldbin
#   dotnet publish src/Backprop.Cli -c Release -r linux-x64 -o /tmp/newbin
#   bash bench/ab-epoch.sh /tmp/oldbin/Backprop.Cli /tmp/newbin/Backprop.Cli [rounds] [network and optimizer options]
# Each round runs both builds once (5 epochs, seed 1, --scale none) and prints the mean of the middle two of epochs 2-5;
# the end prints the medians, their ratio and the median of the per-round ratios. The network and optimizer options
# default to the headline, 784-128-10 ReLU, SGD 0.1, batch 64 (the CLI's weight decay 1e-4); options given after the rounds replace
# them, e.g. a row of the matrix (compare.py --matrix, backprop bench --matrix):
#   bash bench/ab-epoch.sh OLD NEW 6 --hidden 128 --activation relu --optimizer adam --lr 0.001 --batch-size 64 --weight-decay 0
#   bash bench/ab-epoch.sh OLD NEW 6 --hidden 512,256 --activation relu --optimizer adam --lr 0.001 --batch-size 128 --weight-decay 0
#   bash bench/ab-epoch.sh OLD NEW 6 --hidden 128 --activation relu --optimizer momentum --momentum 0.9 --lr 0.01 --batch-size 64 --weight-decay 0
set -euo pipefail
a=$1; b=$2; rounds=${3:-6}
shift $(( $# < 3 ? $# : 3 ))
config=(--hidden 128 --activation relu --optimizer sgd --lr 0.1 --batch-size 64)
if [ $# -gt 0 ]; then config=("$@"); fi
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
args=(train --dataset fashion-mnist "${config[@]}" --epochs 5 --scale none --seed 1 --quiet)
for round in $(seq "$rounds"); do
  for side in a b; do
    bin=$a; [ "$side" = b ] && bin=$b
    "$bin" "${args[@]}" --out "$work/$side.json" --metrics "$work/$side.csv" >/dev/null
    epoch=$(tail -n +3 "$work/$side.csv" | cut -d, -f6 | sort -g | sed -n 2,3p | awk '{s+=$1} END {printf "%.4f", s/NR}')
    echo "round $round $side $epoch $(tail -1 "$work/$side.csv" | cut -d, -f2)"
  done
done | tee "$work/rounds.txt"
python3 - "$work/rounds.txt" <<'PY'
import statistics, sys
rows = [line.split() for line in open(sys.argv[1])]
a = [float(r[3]) for r in rows if r[2] == "a"]; b = [float(r[3]) for r in rows if r[2] == "b"]
print(f"median epoch a {statistics.median(a):.4f} s, b {statistics.median(b):.4f} s, b/a {statistics.median(b) / statistics.median(a):.3f}, "
      f"per-round median {statistics.median(x / y for x, y in zip(b, a)):.3f}")
PY
