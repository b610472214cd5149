#!/usr/bin/python3
"""The table of bench/deploy.sh: samples/s per network, batch and thread count, and the ratios the deployment
targets are stated in. Usage: python3 bench/deploy_table.py bench/results/deploy-<time>"""
import glob
import json
import os
import re
import sys

COLUMNS = [("dl4j", "DL4J fp32"), ("fp32", "ORT fp32"), ("qat", "ORT int8 QAT 8b"), ("qat4", "ORT int8 QAT 4b"),
           ("ptq", "ORT int8 PTQ static"), ("ptq_dynamic", "ORT PTQ dynamic"), ("torch", "PyTorch fp32")]


def kind(row):
    name = row["row"]
    if not name.startswith("infer-onnx:"):
        return "dl4j"
    m = re.search(r"deploy-[a-z0-9]+?_(qat4|qat|ptq_dynamic|ptq|fp32|from_cnn)/", name)
    return {"from_cnn": "fp32"}.get(m.group(1), m.group(1)) if m else None


def main(out):
    cells = {}
    kernels = {}
    for f in sorted(glob.glob(os.path.join(out, "*-b*-t*.json"))):
        net, b, t = re.match(r"(\w+)-b(\d+)-t(\d+)\.json", os.path.basename(f)).groups()
        doc = json.load(open(f))
        for row in doc["rows"]:
            k = kind(row)
            if k:
                cells[(net, int(b), int(t), k)] = row["samples_per_s"]
        for model, ops in (doc.get("onnx_kernels") or {}).items():
            kernels[(net, kind({"row": "infer-onnx:" + model}))] = ops
    tp = os.path.join(out, "torch.jsonl")
    if os.path.exists(tp):
        for line in open(tp):
            rec = json.loads(line)
            for row in rec["rows"]:
                cells[(row["row"].split(":")[1], rec["batch"], rec["threads"], "torch")] = row["samples_per_s"]
    print(open(os.path.join(out, "machine.txt")).read().strip())
    print()
    print("| network | batch | threads | " + " | ".join(c[1] for c in COLUMNS)
          + " | QAT 8b / DL4J | QAT 8b / PyTorch | QAT 8b / ORT fp32 |")
    print("|" + "---|" * (3 + len(COLUMNS) + 3))
    for net in ("lenet5", "resnet8", "mlp300"):
        for b in (1, 128):
            for t in (1, 2):
                v = [cells.get((net, b, t, c)) for c, _ in COLUMNS]
                if not any(v):
                    continue
                q = cells.get((net, b, t, "qat"))

                def ratio(other):
                    o = cells.get((net, b, t, other))
                    return f"{q / o:.2f}×" if q and o else "–"
                print(f"| {net} | {b} | {t} | " + " | ".join(f"{x:,.0f}" if x else "–" for x in v)
                      + f" | {ratio('dl4j')} | {ratio('torch')} | {ratio('fp32')} |")
    print()
    print("Operators ONNX Runtime runs each file with (after its graph optimizations):")
    print()
    for (net, k), ops in sorted(kernels.items()):
        print(f"- {net} {k}: " + ", ".join(f"{op.split(':')[-1]}×{n}" for op, n in ops.items()
                                           if op.split(':')[-1] not in ("Reshape", "Flatten", "Identity")))


if __name__ == "__main__":
    main(sys.argv[1])
