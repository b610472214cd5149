#!/usr/bin/env bash
# The local executor's scaling: the same 8-trial sweep (bench/sweep-scaling.yaml) with 1 worker x <cores> threads and
# with <cores> workers x 1 thread; prints completed trials per hour for each and their ratio, with the machine and
# its load. Results go to bench/results/sweep-scaling-<time>/ (README.md and each sweep's directory).
#   bench/sweep-scaling.sh [sweep.yaml]
set -euo pipefail
cd "$(dirname "$0")/.."
cfg="${1:-bench/sweep-scaling.yaml}"
cores="$(nproc)"
out="bench/results/sweep-scaling-$(date +%Y%m%d-%H%M%S)"
mkdir -p "$out"
./distill --version >/dev/null   # build first, outside the timing
{
  echo "# Local executor scaling, $(date -Is)"
  echo
  echo "Sweep: $cfg; machine: $cores cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)), $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo); load before: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo
  echo "| workers x threads | trials | wall s | trials/hour | mean trial s |"
  echo "|---|---|---|---|---|"
} > "$out/README.md"
declare -A tph
for workers in 1 "$cores"; do
  threads=$((cores / workers))
  t0=$(date +%s.%N)
  dir="$(./distill sweep --config "$cfg" --workers "$workers" --output-dir "$out/workers-$workers" | tail -1)"
  t1=$(date +%s.%N)
  row="$(/usr/bin/python3 - "$dir" "$t0" "$t1" <<'PY'
import json, sys
d, t0, t1 = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
st = json.load(open(d + "/state.json"))
done = [t for t in st["trials"] if t["status"] == "completed"]
wall = t1 - t0
mean = sum(t["wall_s"] for t in done) / len(done)
print(f"{len(done)} {wall:.0f} {len(done) / wall * 3600:.1f} {mean:.0f}")
PY
)"
  read -r n wall rate mean <<<"$row"
  tph[$workers]=$rate
  echo "| $workers x $threads | $n | $wall | $rate | $mean |" >> "$out/README.md"
done
echo >> "$out/README.md"
echo "Ratio ($cores workers / 1 worker): $(/usr/bin/python3 -c "print(f'{${tph[$cores]} / ${tph[1]}:.2f}')")x; load after: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$out/README.md"
cat "$out/README.md"
