#!/usr/bin/env bash
# Teacher inference benchmark (README, "Bring your own teacher"): samples/s of each committed teacher in DL4J (its
# model zip) and in ONNX Runtime (its ONNX export), at batch 1 and 128 on 1 and 2 threads, in one sitting:
#   the DL4J CNN teacher and the ResNet-20 teacher (configs/fashion-mnist/deploy/teacher_{cnn,resnet20}_onnx.yaml
#   export them: committed under experiments/official/deploy-teacher_*), and the PyTorch CNN teacher (ONNX only).
# Writes bench/results/teachers-<time>/{b<batch>-t<threads>.json, bench.log, machine.txt}.
#   bench/teachers.sh                     # about 5 minutes on 2 cores
# Run it on a quiet machine: the load average is recorded before each block.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$HERE"
. bench/machine.sh
OFF=experiments/official
OUT="$HERE/bench/results/teachers-$(date -u +%Y%m%d-%H%M%S)"
mkdir -p "$OUT"
MODELS=($OFF/fashion-mnist-teacher-cnn/train-teacher.zip $OFF/deploy-teacher_cnn_onnx/export.onnx
  $OFF/distill-resnet/train-teacher.zip $OFF/deploy-teacher_resnet20_onnx/export.onnx
  experiments/teachers/fashion_cnn_pytorch/model.onnx)
for f in "${MODELS[@]}"; do
  [ -f "$f" ] || { echo "teachers.sh: $f is missing (configs/fashion-mnist/deploy/teacher_*_onnx.yaml make the exports)" >&2; exit 2; }
done
machine_header > "$OUT/machine.txt"
args=()
for f in "${MODELS[@]}"; do args+=(--model "$f"); done
for batch in 1 128; do
  for t in 1 2; do
    load_line "before batch $batch, $t thread(s)" >> "$OUT/machine.txt"
    OMP_NUM_THREADS=$t ./distill bench --batch "$batch" --onnx-threads "$t" --json "$OUT/b$batch-t$t.json" \
      "${args[@]}" "$@" | tee -a "$OUT/bench.log"
  done
done
load_line "at the end" >> "$OUT/machine.txt"
echo "results in $OUT"
