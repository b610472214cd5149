#!/usr/bin/python3
"""Accuracy and file size of the deployment runs (configs/fashion-mnist/deploy/, committed under
experiments/official/deploy-*): for each network, the float model and each quantized variant, the test accuracy
distill4j measured, the accuracy ONNX Runtime gave on the exported file, their top-1 agreement, and the .onnx size.
Usage: /usr/bin/python3 bench/deploy_accuracy.py [experiments/official]"""
import json
import os
import re
import sys

VARIANTS = [("fp32", "fp32"), ("qat", "QAT + kd, 8-bit"), ("qat7", "QAT + kd, 7-bit"),
            ("qat4", "QAT + kd, 4-bit"),
            ("ptq", "PTQ static, 8-bit"), ("ptq4", "PTQ static, 4-bit"),
            ("ptq_dynamic", "PTQ dynamic, 8-bit"), ("ptq_dynamic4", "PTQ dynamic, 4-bit")]
FP32 = {"lenet5": "deploy-lenet5_from_cnn", "mlp300": "deploy-mlp300_from_cnn", "resnet8": "deploy-resnet8_fp32"}


def main(root):
    print("| network | model | distill4j test acc | ONNX Runtime test acc | top-1 agreement | .onnx bytes | vs fp32 |")
    print("|---|---|---|---|---|---|---|")
    for net in ("lenet5", "resnet8", "mlp300"):
        base = None
        for key, label in VARIANTS:
            d = os.path.join(root, FP32[net] if key == "fp32" else f"deploy-{net}_{key}")
            f = os.path.join(d, "summary.json")
            if not os.path.exists(f):
                log = os.path.join(d, "train.log")
                text = open(log).read() if os.path.exists(log) else ""
                m = re.search(r"test accuracy [0-9.]+ -> ([0-9.]+)", text)
                refused = re.search(r"would not stand for the \w+ in ONNX Runtime: (.*?); not written", text)
                if m and refused:
                    print(f"| {net} | {label} | {100 * float(m.group(1)):.2f} | refused by the export check: "
                          f"{refused.group(1)} | | | |")
                continue
            e = json.load(open(f))["stages"]["export"]
            size = e["onnx_bytes"]
            base = base or size
            print(f"| {net} | {label} | {100 * e['test_accuracy']:.2f} | {100 * e['onnx_test_accuracy']:.2f} | "
                  f"{100 * e['onnx_agreement']:.2f}% | {size:,} | {base / size:.1f}× smaller |")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "experiments/official")
