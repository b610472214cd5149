#!/usr/bin/python3
"""PyTorch fp32 inference throughput of the deployment table's networks (bench/deploy.sh).

The networks have the architectures of distill4j's students: LeNet-5 (6@5x5 same, max pool, 16@5x5, max pool,
120, 84, 10), the CIFAR-style ResNet-8 (16/32/64 channels, one basic block per stage, batch norm, projection
shortcuts) and the MLP 784-300-100-10. Weights are random (speed does not depend on them); eager mode, eval(),
torch.no_grad(), batches of real Fashion-MNIST test images cycled. One JSON line per run is appended to --results.

  /usr/bin/python3 bench/torch_peer.py --batch 128 --threads 2 --results out.jsonl
Needs: apt-get install python3-torch python3-numpy libopenblas0-openmp (without OpenBLAS, dense layers run on the
reference BLAS, 10-30x slower)
"""
import argparse
import gzip
import json
import os
import platform
import sys
import time


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--nets", default="lenet5,resnet8,mlp300")
    p.add_argument("--batch", type=int, default=128)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--warmup", type=int, default=5)
    p.add_argument("--iters", type=int, default=50)
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--data-dir", default="/usr/share/datasets/fashion-mnist")
    p.add_argument("--results", default="torch_peer.jsonl")
    return p.parse_args()


ARGS = parse_args()
if os.environ.get("TORCH_PEER_REEXEC") != "1":  # thread counts must be set before torch loads
    env = dict(os.environ, TORCH_PEER_REEXEC="1")
    # Debian's torch takes whatever libblas.so.3 is installed, the reference BLAS by default: use OpenBLAS when present
    for d in ("/usr/lib/x86_64-linux-gnu/openblas-openmp", "/usr/lib/x86_64-linux-gnu/openblas-pthread"):
        if os.path.exists(os.path.join(d, "libblas.so.3")):
            env["LD_LIBRARY_PATH"] = d + (":" + env["LD_LIBRARY_PATH"] if env.get("LD_LIBRARY_PATH") else "")
            break
    for k in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        env[k] = str(ARGS.threads)
    sys.stdout.flush()
    os.execve(sys.executable, [sys.executable] + sys.argv, env)

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402


class LeNet5(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 6, 5, padding=2)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.fc1 = nn.Linear(400, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2).flatten(1)
        return self.fc3(F.relu(self.fc2(F.relu(self.fc1(x)))))


class Block(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.shortcut = nn.Identity() if stride == 1 and cin == cout else nn.Sequential(
            nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))

    def forward(self, x):
        y = F.relu(self.bn1(self.conv1(x)))
        return F.relu(self.bn2(self.conv2(y)) + self.shortcut(x))


class ResNet8(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 16, 3, 1, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(16)
        self.layers = nn.Sequential(Block(16, 16, 1), Block(16, 32, 2), Block(32, 64, 2))
        self.fc = nn.Linear(64, 10)

    def forward(self, x):
        x = self.layers(F.relu(self.bn1(self.conv1(x))))
        return self.fc(F.adaptive_avg_pool2d(x, 1).flatten(1))


def mlp300():
    return nn.Sequential(nn.Flatten(), nn.Linear(784, 300), nn.ReLU(), nn.Linear(300, 100), nn.ReLU(),
                         nn.Linear(100, 10))


NETS = {"lenet5": LeNet5, "resnet8": ResNet8, "mlp300": mlp300}


def test_images(data_dir, n):
    path = os.path.join(data_dir, "t10k-images-idx3-ubyte.gz")
    if not os.path.exists(path):
        path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "datasets", "fashion-mnist-sample",
                            "t10k-images-idx3-ubyte.gz")
    with gzip.open(path, "rb") as f:
        raw = f.read()
    x = np.frombuffer(raw, dtype=np.uint8, offset=16).reshape(-1, 1, 28, 28)[:n]
    return torch.from_numpy(x.astype(np.float32) / 255.0)


def main():
    torch.set_num_threads(ARGS.threads)
    torch.manual_seed(0)
    bs = ARGS.batch
    images = test_images(ARGS.data_dir, 64 * bs)
    xs = [images[(i * bs) % len(images):(i * bs) % len(images) + bs] for i in range(64)]
    xs = [x for x in xs if len(x) == bs]
    rows = []
    for name in ARGS.nets.split(","):
        model = NETS[name]().eval()
        with torch.no_grad():
            for k in range(ARGS.warmup):
                model(xs[k % len(xs)])
            times = []
            for _ in range(ARGS.repeats):
                t0 = time.perf_counter()
                for k in range(ARGS.iters):
                    model(xs[k % len(xs)])
                times.append(time.perf_counter() - t0)
        med = sorted(times)[len(times) // 2]
        rows.append({"row": "infer-torch:" + name, "samples_per_s": round(bs * ARGS.iters / med, 1),
                     "best_samples_per_s": round(bs * ARGS.iters / min(times), 1),
                     "ms_per_iter": round(1e3 * med / ARGS.iters, 3), "repeat_s": [round(t, 4) for t in times]})
        print(f"infer-torch:{name:10s} batch {bs:4d} threads {ARGS.threads}: {rows[-1]['samples_per_s']:10.0f} "
              f"samples/s", flush=True)
    rec = {"kind": "torch-peer", "time": time.strftime("%Y-%m-%dT%H:%M:%S"), "batch": bs, "threads": ARGS.threads,
           "torch": torch.__version__, "python": platform.python_version(), "iters": ARGS.iters,
           "repeats": ARGS.repeats, "loadavg": open("/proc/loadavg").read().split()[:3], "rows": rows}
    with open(ARGS.results, "a") as f:
        f.write(json.dumps(rec) + "\n")


if __name__ == "__main__":
    main()
