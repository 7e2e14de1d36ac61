#!/usr/bin/python3
"""Test accuracy of the Fashion-MNIST presets trained in PyTorch with the same
recipe (layers, optimizer, batch size, per-channel normalization from the
training set, shuffling), as a reference for bench/accuracy.sh.

    /usr/bin/python3 bench/pytorch_accuracy.py mlp-fashion 10
    /usr/bin/python3 bench/pytorch_accuracy.py cnn-fashion 5

Prints one line per epoch: "pytorch <preset> epoch <k> test-accuracy <pct> %".
"""
import gzip
import os
import sys
import time

for _v in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"):
    os.environ.pop(_v, None)
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn as nn  # noqa: E402

DIR = "/usr/share/datasets/fashion-mnist"


def idx(name):
    with gzip.open(os.path.join(DIR, name), "rb") as f:
        data = f.read()
    if name.find("images") >= 0:
        n, r, c = (int.from_bytes(data[i:i + 4], "big") for i in (4, 8, 12))
        return np.frombuffer(data, np.uint8, offset=16).reshape(n, 1, r, c)
    return np.frombuffer(data, np.uint8, offset=8)


def model(preset):
    if preset == "mlp-fashion":
        return nn.Sequential(nn.Flatten(), nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 128),
                             nn.ReLU(), nn.Linear(128, 10))
    return nn.Sequential(nn.Conv2d(1, 32, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(32, 64, 3),
                         nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(64, 64, 3), nn.ReLU(), nn.Flatten(),
                         nn.Linear(576, 64), nn.ReLU(), nn.Linear(64, 10))


def main():
    preset, epochs = sys.argv[1], int(sys.argv[2])
    torch.manual_seed(42)
    torch.set_num_threads(1)
    xtr = torch.tensor(idx("train-images-idx3-ubyte.gz"), dtype=torch.float32) / 255
    ytr = torch.tensor(idx("train-labels-idx1-ubyte.gz"), dtype=torch.long)
    xte = torch.tensor(idx("t10k-images-idx3-ubyte.gz"), dtype=torch.float32) / 255
    yte = torch.tensor(idx("t10k-labels-idx1-ubyte.gz"), dtype=torch.long)
    mean, std = xtr.mean(), xtr.std()
    xtr, xte = (xtr - mean) / std, (xte - mean) / std
    m = model(preset)
    opt = (torch.optim.SGD(m.parameters(), lr=0.05, momentum=0.9) if preset == "mlp-fashion"
           else torch.optim.Adam(m.parameters(), lr=1e-3))
    loss_fn = nn.CrossEntropyLoss()
    start = time.time()
    for e in range(epochs):
        m.train()
        perm = torch.randperm(len(xtr))
        for i in range(0, len(xtr), 64):
            b = perm[i:i + 64]
            opt.zero_grad(set_to_none=True)
            loss_fn(m(xtr[b]), ytr[b]).backward()
            opt.step()
        m.eval()
        with torch.no_grad():
            acc = (m(xte).argmax(1) == yte).float().mean().item()
        print(f"pytorch {preset} epoch {e + 1} test-accuracy {100 * acc:.2f} % "
              f"({time.time() - start:.0f} s)", flush=True)


if __name__ == "__main__":
    main()
