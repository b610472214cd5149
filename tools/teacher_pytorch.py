#!/usr/bin/python3
"""Trains a PyTorch CNN teacher on Fashion-MNIST and exports it to ONNX, with the fixtures distill4j's tests check.

Writes into --out:
  model.onnx     opset 13, input 'image' [batch, 1, 28, 28] (NCHW, normalized by --mean/--std), output 'logits'
  teacher.json   test accuracy in PyTorch, the normalization the model expects, the command that made it, and the
                 PyTorch logits of the first 32 test images of the bundled sample (datasets/fashion-mnist-sample),
                 which distill4j's tests compare with ONNX Runtime's inside distill4j (to 1e-4)

Uses Debian's python3-torch (no onnx package needed); run from the repository root:
  OMP_NUM_THREADS=1 /usr/bin/python3 tools/teacher_pytorch.py --out experiments/teachers/fashion_cnn_pytorch
"""
import argparse
import gzip
import json
import math
import os
import platform
import struct
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

MEAN, STD = 0.2860, 0.3530


def idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    magic, = struct.unpack(">I", data[:4])
    dims = magic & 0xFF
    shape = struct.unpack(">" + "I" * dims, data[4:4 + 4 * dims])
    t = torch.frombuffer(bytearray(data[4 + 4 * dims:]), dtype=torch.uint8)
    return t.reshape(shape)


def load(directory, split):
    prefix = "train" if split == "train" else "t10k"
    x = idx(os.path.join(directory, prefix + "-images-idx3-ubyte.gz")).float().div(255.0).unsqueeze(1)
    y = idx(os.path.join(directory, prefix + "-labels-idx1-ubyte.gz")).long()
    return x, y


class Cnn(nn.Module):
    """Two conv blocks (32, 64 filters, BN, ReLU, 2x2 max pool), a 128-unit dense layer, dropout, 10 logits."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 32, 3, padding=1)
        self.bn1 = nn.BatchNorm2d(32)
        self.conv2 = nn.Conv2d(32, 64, 3, padding=1)
        self.bn2 = nn.BatchNorm2d(64)
        self.fc1 = nn.Linear(64 * 7 * 7, 128)
        self.drop = nn.Dropout(0.3)
        self.fc2 = nn.Linear(128, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.bn1(self.conv1(x))), 2)
        x = F.max_pool2d(F.relu(self.bn2(self.conv2(x))), 2)
        x = self.drop(F.relu(self.fc1(torch.flatten(x, 1))))
        return self.fc2(x)


def accuracy(model, x, y, batch=1000):
    model.eval()
    hits = 0
    with torch.no_grad():
        for i in range(0, len(x), batch):
            hits += (model((x[i:i + batch] - MEAN) / STD).argmax(1) == y[i:i + batch]).sum().item()
    return hits / len(x)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
    p.add_argument("--sample", default="datasets/fashion-mnist-sample")
    p.add_argument("--out", required=True)
    p.add_argument("--epochs", type=int, default=8)
    p.add_argument("--batch", type=int, default=128)
    p.add_argument("--lr", type=float, default=2e-3)
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--threads", type=int, default=1)
    a = p.parse_args()
    torch.manual_seed(a.seed)
    torch.set_num_threads(a.threads)
    xtr, ytr = load(a.data, "train")
    xte, yte = load(a.data, "test")
    model = Cnn()
    opt = torch.optim.Adam(model.parameters(), lr=a.lr)
    steps = a.epochs * math.ceil(len(xtr) / a.batch)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: 0.5 * (1 + math.cos(math.pi * s / steps)))
    t0 = time.time()
    for epoch in range(a.epochs):
        model.train()
        order = torch.randperm(len(xtr))
        total = 0.0
        for i in range(0, len(xtr), a.batch):
            b = order[i:i + a.batch]
            x = (xtr[b] - MEAN) / STD
            flip = torch.rand(len(b)) < 0.5  # horizontal flip of half the batch
            x[flip] = x[flip].flip(3)
            loss = F.cross_entropy(model(x), ytr[b])
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            total += loss.item() * len(b)
        print(f"epoch {epoch + 1}/{a.epochs}: loss {total / len(xtr):.4f}, test acc {accuracy(model, xte, yte):.4f}, "
              f"{time.time() - t0:.0f} s", flush=True)
    model.eval()
    os.makedirs(a.out, exist_ok=True)
    onnx_path = os.path.join(a.out, "model.onnx")
    torch.onnx.export(model, torch.zeros(1, 1, 28, 28), onnx_path, input_names=["image"], output_names=["logits"],
                      dynamic_axes={"image": {0: "batch"}, "logits": {0: "batch"}}, opset_version=13)
    xs, ys = load(a.sample, "test")
    with torch.no_grad():
        fixture = model((xs[:32] - MEAN) / STD)
    info = {
        "model": "model.onnx",
        "architecture": "conv3x3(32)-BN-ReLU-maxpool2, conv3x3(64)-BN-ReLU-maxpool2, dense 128 ReLU, dropout 0.3, "
                        "dense 10 (PyTorch, eval mode)",
        "input": "image", "output": "logits", "layout": "nchw", "mean": [MEAN], "std": [STD],
        "params": sum(p.numel() for p in model.parameters()),
        "test_accuracy_pytorch": accuracy(model, xte, yte),
        "sample_test_accuracy_pytorch": accuracy(model, xs, ys),
        "training": {"epochs": a.epochs, "batch": a.batch, "optimizer": "Adam", "lr": a.lr, "schedule": "cosine",
                     "augment": "horizontal flip", "seed": a.seed, "threads": a.threads,
                     "seconds": round(time.time() - t0, 1)},
        "command": "OMP_NUM_THREADS=1 /usr/bin/python3 tools/teacher_pytorch.py " + " ".join(sys.argv[1:]),
        "torch": torch.__version__, "python": platform.python_version(),
        "fixture": {"images": a.sample + " t10k, first 32", "labels": ys[:32].tolist(),
                    "logits": [[round(v, 6) for v in row] for row in fixture.tolist()]},
    }
    with open(os.path.join(a.out, "teacher.json"), "w") as f:
        json.dump(info, f, indent=1)
        f.write("\n")
    print(f"test accuracy {info['test_accuracy_pytorch']:.4f}; wrote {onnx_path} "
          f"({os.path.getsize(onnx_path):,} bytes) and teacher.json")


if __name__ == "__main__":
    main()
