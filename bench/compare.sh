#!/usr/bin/env bash
# Side-by-side throughput: the PyTorch reference (shared/bench/kd_peer.py) and `distill bench`, one sitting,
# same machine, batch 128, 2 threads. Writes bench/results/<timestamp>/{peer.jsonl,distill4j.json,table.txt}.
#   bench/compare.sh                 # reference first, then distill4j
#   PEER=/path/to/kd_peer.py bench/compare.sh --iters 20   # extra arguments go to both
# Needs: apt-get install python3-torch python3-numpy libopenblas0-openmp dataset-fashion-mnist
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PEER="${PEER:-$HERE/../shared/bench/kd_peer.py}"
[ -f "$PEER" ] || { echo "compare.sh: reference script not found at $PEER; set PEER=/path/to/kd_peer.py" >&2; exit 2; }
/usr/bin/python3 -c "import torch" 2>/dev/null || { echo "compare.sh: /usr/bin/python3 has no torch; apt-get install python3-torch python3-numpy libopenblas0-openmp" >&2; exit 2; }
OUT="$HERE/bench/results/$(date -u +%Y%m%d-%H%M%S)"
mkdir -p "$OUT"
{
  echo "# $(date -u +%FT%TZ) $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2) x $(nproc) cores"
  echo "# loadavg before reference: $(cat /proc/loadavg)"
} > "$OUT/table.txt"
/usr/bin/python3 "$PEER" --mode bench --threads 2 --results "$OUT/peer.jsonl" "$@" | tee "$OUT/peer.txt"
echo "# loadavg before distill4j: $(cat /proc/loadavg)" >> "$OUT/table.txt"
OMP_NUM_THREADS="${OMP_NUM_THREADS:-2}" "$HERE/distill" bench --peer "$OUT/peer.jsonl" --json "$OUT/distill4j.json" "$@" | tee -a "$OUT/table.txt"
echo "results in $OUT"
