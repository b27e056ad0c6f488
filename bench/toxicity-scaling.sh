#!/usr/bin/env bash
# How the cost of pipelines/toxicity.yaml grows with the data: the bundled bars repeated 1x, 10x and 30x (each copy
# shifted 21 days later, so the rows stay one continuous minute series), `until` past the end so every row trains,
# tuning on as shipped. Prints one line per size: rows, wall seconds and peak resident memory of the whole process.
#
#   bench/toxicity-scaling.sh [PIPELINES_DLL] [SIZES...]
#
# PIPELINES_DLL defaults to this checkout's Release build (built first); pass another build's pipelines.dll to
# measure an earlier commit beside this one. Every run uses a fresh workspace under a temporary directory.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
dll=${1:-}
shift || true
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(1 10 30)
if [ -z "$dll" ]; then
  dotnet build -c Release "$root/engine/Pipelines.Cli" -v quiet -nologo >/dev/null
  dll="$root/engine/Pipelines.Cli/bin/Release/net10.0/pipelines.dll"
fi
bars="$root/samples/btcusdt-1m-2023-03-01-to-21.csv"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

for n in "${sizes[@]}"; do
  workspace="$work/x$n"
  mkdir -p "$workspace/pipelines" "$workspace/samples"
  cp "$root/pipelines/toxicity.yaml" "$workspace/pipelines/"
  cp "$root/ml.yaml" "$workspace/"
  python3 - "$bars" "$workspace/samples/bars.csv" "$n" <<'EOF'
import sys
from datetime import datetime, timedelta
source, target, copies = sys.argv[1], sys.argv[2], int(sys.argv[3])
with open(source) as f:
    header, *rows = f.read().splitlines()
with open(target, "w") as out:
    out.write(header + "\n")
    for k in range(copies):
        shift = timedelta(days=21 * k)
        for row in rows:
            time, rest = row.split(",", 1)
            shifted = datetime.fromisoformat(time) + shift
            out.write(shifted.strftime("%Y-%m-%d %H:%M:%S+00:00") + "," + rest + "\n")
EOF
  rows=$(($(wc -l <"$workspace/samples/bars.csv") - 1))
  /usr/bin/time -f "%e %M" -o "$work/time" dotnet "$dll" --workspace "$workspace" run "$workspace/pipelines/toxicity.yaml" \
    --param source=samples/bars.csv --param "until=2099-01-01 00:00:00+00" >"$work/x$n.log" 2>&1 ||
    { cat "$work/x$n.log"; exit 1; }
  read -r seconds kilobytes <"$work/time"
  awk -v n="$n" -v rows="$rows" -v s="$seconds" -v kb="$kilobytes" 'BEGIN { printf "%sx  %s rows  %s s  %.2f GB peak\n", n, rows, s, kb / 1048576 }'
done
