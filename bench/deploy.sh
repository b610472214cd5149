#!/usr/bin/env bash
# Deployment benchmark (docs/compression.md, "Deployed speed"): inference samples/s of the LeNet-5, ResNet-8 and
# MLP 784-300-100-10 students at batch 1 and 128, on 1 and 2 threads, side by side in one sitting:
#   DL4J fp32 (the model zip) · ONNX Runtime fp32 · ONNX Runtime int8 from QAT (8- and 4-bit weights) ·
#   ONNX Runtime int8 from PTQ static · ONNX Runtime from PTQ dynamic · PyTorch fp32 (bench/torch_peer.py)
# The models are the committed runs under experiments/official/deploy-* (configs/fashion-mnist/deploy/).
# Writes bench/results/deploy-<time>/{<net>-b<batch>-t<threads>.json, torch.jsonl, table.md}.
#   bench/deploy.sh                      # everything (about 15 minutes on 2 cores)
#   bench/deploy.sh --iters 20           # extra arguments go to distill bench
# Run it on a quiet machine: the load average is recorded before and after each block.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$HERE"
. bench/machine.sh
OFF=experiments/official
OUT="$HERE/bench/results/deploy-$(date -u +%Y%m%d-%H%M%S)"
mkdir -p "$OUT"
declare -A FP32=([lenet5]=$OFF/deploy-lenet5_from_cnn [mlp300]=$OFF/deploy-mlp300_from_cnn [resnet8]=$OFF/deploy-resnet8_fp32)
declare -A ZIP=([lenet5]=$OFF/deploy-lenet5_from_cnn/distill.zip [mlp300]=$OFF/deploy-mlp300_from_cnn/distill.zip
  [resnet8]=$OFF/resnet8_from_resnet20/repeat-20261128-213037-7ce33e2/r0/distill.zip)
for net in lenet5 resnet8 mlp300; do
  for f in "${ZIP[$net]}" "${FP32[$net]}/export.onnx" $OFF/deploy-${net}_{qat,qat4,ptq,ptq_dynamic}/export.onnx; do
    [ -f "$f" ] || { echo "deploy.sh: $f is missing (configs/fashion-mnist/deploy/ makes it)" >&2; exit 2; }
  done
done
machine_header > "$OUT/machine.txt"
TORCH=1
/usr/bin/python3 -c "import torch" 2>/dev/null || { TORCH=0; echo "deploy.sh: no PyTorch (apt-get install python3-torch python3-numpy libopenblas0-openmp): its column stays empty" >&2; }
for batch in 1 128; do
  for t in 1 2; do
    load_line "before batch $batch, $t thread(s)" >> "$OUT/machine.txt"
    for net in lenet5 resnet8 mlp300; do
      OMP_NUM_THREADS=$t ./distill bench --batch "$batch" --onnx-threads "$t" --json "$OUT/$net-b$batch-t$t.json" \
        --model "${ZIP[$net]}" --model "${FP32[$net]}/export.onnx" \
        --model $OFF/deploy-${net}_qat/export.onnx --model $OFF/deploy-${net}_qat4/export.onnx \
        --model $OFF/deploy-${net}_ptq/export.onnx --model $OFF/deploy-${net}_ptq_dynamic/export.onnx "$@" \
        | tee -a "$OUT/bench.log"
    done
    if [ "$TORCH" = 1 ]; then
      /usr/bin/python3 bench/torch_peer.py --batch "$batch" --threads "$t" --results "$OUT/torch.jsonl" | tee -a "$OUT/bench.log"
    fi
  done
done
load_line "at the end" >> "$OUT/machine.txt"
/usr/bin/python3 bench/deploy_table.py "$OUT" | tee "$OUT/table.md"
echo "results in $OUT"
