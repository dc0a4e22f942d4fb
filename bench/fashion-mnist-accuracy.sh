#!/usr/bin/env bash
# Fashion-MNIST accuracy targets (not a CI test: the data comes from the Debian package dataset-fashion-mnist).
# Runs the real `backprop train` command for each set-up and prints its test accuracy and wall time.
#   bash bench/fashion-mnist-accuracy.sh            # all three set-ups
#   bash bench/fashion-mnist-accuracy.sh sgd        # only the plain-SGD baseline
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -d /usr/share/datasets/fashion-mnist ]; then
  echo "Fashion-MNIST is not installed: apt-get install dataset-fashion-mnist" >&2
  exit 1
fi
dotnet build -c Release src/Backprop.Cli -v quiet -nologo >/dev/null
cli=(dotnet src/Backprop.Cli/bin/Release/net10.0/Backprop.Cli.dll train --dataset fashion-mnist --scale none --seed 1 --quiet)

declare -A setups=(
  [sgd]="--hidden 128 --optimizer sgd --lr 0.1 --batch-size 64 --epochs 20 --weight-decay 0"
  [adam]="--hidden 256,128 --optimizer adam --lr 0.001 --dropout 0.2 --schedule cosine --epochs 30 --batch-size 64 --weight-decay 0"
  [adamw]="--hidden 512,256 --optimizer adamw --lr 0.001 --weight-decay 0.01 --dropout 0.3 --schedule cosine --epochs 40 --batch-size 128"
)
declare -A targets=([sgd]=0.875 [adam]=0.895 [adamw]=0.895)

names=("${@:-sgd adam adamw}")
for name in ${names[*]}; do
  [ -n "${setups[$name]:-}" ] || { echo "unknown set-up '$name' (sgd, adam, adamw)" >&2; exit 2; }
  start=$(date +%s.%N)
  # shellcheck disable=SC2086
  line=$("${cli[@]}" ${setups[$name]})
  end=$(date +%s.%N)
  printf '%-6s %-40s target >= %s  %6.1f s   train %s\n' "$name" "$line" "${targets[$name]}" "$(awk -v a="$start" -v b="$end" 'BEGIN { print b - a }')" "${setups[$name]}"
done
