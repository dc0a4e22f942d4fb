#!/usr/bin/env bash
# Interleaved A/B of the prediction rows of `backprop bench` between two builds of the CLI (both must have the
# `predict` workload), e.g. before and after a change:
#   git worktree add /tmp/old <rev> && dotnet publish /tmp/old/src/Backprop.Cli -c Release -r linux-x64 -o /tmp/oldbin
#   dotnet publish src/Backprop.Cli -c Release -r linux-x64 -o /tmp/newbin
#   bash bench/ab-predict.sh /tmp/oldbin/Backprop.Cli /tmp/newbin/Backprop.Cli [rounds]
# Each round runs both builds once (`bench --only predict --json`); the end prints, per measurement, the medians, their
# ratio b/a and the median of the per-round ratios.
set -euo pipefail
a=$1; b=$2; rounds=${3:-6}
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
for round in $(seq "$rounds"); do
  for side in a b; do
    bin=$a; [ "$side" = b ] && bin=$b
    "$bin" bench --only predict --json --rows 10000 --repeat 3 | sed "s/^/$round $side /"
  done
done | tee "$work/rounds.txt"
python3 - "$work/rounds.txt" <<'PY'
import json, statistics, sys
values = {}
for line in open(sys.argv[1]):
    round_, side, text = line.split(" ", 2)
    r = json.loads(text)
    for key, field in (("predict1", "seconds"), ("predict_model", "seconds"), ("predict_concurrent", "ratio")):
        if r["workload"] == key:
            values.setdefault(key, {}).setdefault(side, {})[round_] = r[field]
for key, sides in values.items():
    a, b = sides.get("a", {}), sides.get("b", {})
    if not a or not b:
        continue
    ratios = [b[r] / a[r] for r in a if r in b]
    print(f"{key}: a {statistics.median(a.values()):.6g}, b {statistics.median(b.values()):.6g}, "
          f"b/a {statistics.median(b.values()) / statistics.median(a.values()):.3f}, per-round median {statistics.median(ratios):.3f}")
PY
