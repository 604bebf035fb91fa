#!/usr/bin/env python3
"""Trains the two small models of examples/digits/ on scikit-learn's 8x8 handwritten digits.

    /usr/bin/python3 tools/train_digits.py            # writes examples/digits/
    /usr/bin/python3 tools/train_digits.py --out DIR  # somewhere else

Needs PyTorch and scikit-learn (Debian: python3-torch, python3-sklearn; the digits ship
with scikit-learn, nothing is downloaded). Runs on the CPU, one thread, in about three minutes.

The data: `sklearn.datasets.load_digits()`, 1797 images of 8x8 pixels, each pixel the
number of ink pixels (0..16) in a 4x4 block of a 32x32 bitmap. The split is
`train_test_split(X, y, test_size=0.2, random_state=0, stratify=y)`: 1437 training
images, 360 held out. Nothing of the held-out split is seen in training.

Input scaling (the JavaScript side does exactly the same):
- the classifier reads pixel / 16, values in [0, 1];
- the generator writes pixel / 8 - 1, values in [-1, 1] (its Tanh range).
Both are divisions by powers of two, so float32 gives the same inputs in every language.

What it writes (all loaded by examples/digits.mjs, tests/digits.test.ts and the gallery):
- digits-cnn.json + .safetensors: the classifier (logits; softmax is applied outside);
- digits-gan.json + .safetensors: the DCGAN generator, z [N, NZ, 1, 1] -> [N, 1, 8, 8];
- heldout.safetensors: the held-out inputs (raw 0..16, F16 holds them exactly), labels,
  and PyTorch's probabilities and predicted classes for them;
- gan-samples.safetensors: fixed z vectors and what PyTorch's generator makes of them;
- reference.json: the split, the scalings, PyTorch's held-out accuracy, sizes.
"""
import argparse
import json
import os
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from export_model import export  # noqa: E402
from export_safetensors import to_bytes  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
NZ = 16  # length of the generator's noise vector
SPLIT = {"test_size": 0.2, "random_state": 0, "stratify": "y"}


class DigitsCNN(nn.Module):
    """Three 3x3 convolutions with BatchNorm and ReLU, two max-pools, one Linear: 8x8 -> 10 logits."""

    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 16, 3, padding=1, bias=False), nn.BatchNorm2d(16), nn.ReLU(inplace=True),
            nn.Conv2d(16, 32, 3, padding=1, bias=False), nn.BatchNorm2d(32), nn.ReLU(inplace=True),
            nn.MaxPool2d(2),  # 4x4
            nn.Conv2d(32, 32, 3, padding=1, bias=False), nn.BatchNorm2d(32), nn.ReLU(inplace=True),
            nn.MaxPool2d(2),  # 2x2
        )
        self.classifier = nn.Sequential(nn.Flatten(), nn.Dropout(0.25), nn.Linear(32 * 2 * 2, 10))

    def forward(self, x):
        return self.classifier(self.features(x))


class DigitsGenerator(nn.Module):
    """The DCGAN generator scaled down to 8x8: transposed convolutions up-sample 1x1 -> 2x2 -> 4x4 -> 8x8."""

    def __init__(self, nz=NZ, ngf=16):
        super().__init__()
        self.main = nn.Sequential(
            nn.ConvTranspose2d(nz, ngf * 2, 2, 1, 0, bias=False), nn.BatchNorm2d(ngf * 2), nn.ReLU(True),
            nn.ConvTranspose2d(ngf * 2, ngf, 4, 2, 1, bias=False), nn.BatchNorm2d(ngf), nn.ReLU(True),
            nn.ConvTranspose2d(ngf, 1, 4, 2, 1, bias=False), nn.Tanh(),
        )

    def forward(self, z):
        return self.main(z)


class DigitsDiscriminator(nn.Module):
    """Mirror image of the generator: strided convolutions 8x8 -> 4x4 -> 2x2 -> one logit."""

    def __init__(self, ndf=32):
        super().__init__()
        self.main = nn.Sequential(
            nn.Conv2d(1, ndf, 4, 2, 1, bias=False), nn.LeakyReLU(0.2, True),
            nn.Conv2d(ndf, ndf * 2, 4, 2, 1, bias=False), nn.BatchNorm2d(ndf * 2), nn.LeakyReLU(0.2, True),
            nn.Conv2d(ndf * 2, 1, 2, 1, 0, bias=False),
        )

    def forward(self, x):
        return self.main(x).flatten()


def dcgan_init(m):
    """The DCGAN paper's initialisation: N(0, 0.02) convolutions, N(1, 0.02) BatchNorm scales."""
    if isinstance(m, (nn.Conv2d, nn.ConvTranspose2d)):
        nn.init.normal_(m.weight, 0.0, 0.02)
    elif isinstance(m, nn.BatchNorm2d):
        nn.init.normal_(m.weight, 1.0, 0.02)
        nn.init.zeros_(m.bias)


def load_split():
    digits = load_digits()
    X = digits.data.astype(np.float32).reshape(-1, 1, 8, 8)  # pixel values 0..16
    y = digits.target.astype(np.int64)
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, random_state=0, stratify=y)
    return torch.from_numpy(X_train), torch.from_numpy(y_train), torch.from_numpy(X_test), torch.from_numpy(y_test)


def train_cnn(X, y, epochs=60, batch=64):
    torch.manual_seed(0)
    model = DigitsCNN()
    opt = torch.optim.Adam(model.parameters(), lr=3e-3, weight_decay=1e-4)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, epochs)
    inputs = X / 16
    for epoch in range(epochs):
        model.train()
        order = torch.randperm(len(inputs))
        for i in range(0, len(order), batch):
            idx = order[i:i + batch]
            # One-pixel random shifts (zero fill): people do not centre their digits exactly.
            x = shift(inputs[idx], torch.randint(-1, 2, (2,)).tolist())
            loss = F.cross_entropy(model(x), y[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
        sched.step()
    return model.eval()


def shift(x, offsets):
    dy, dx = offsets
    out = torch.zeros_like(x)
    h, w = x.shape[-2:]
    out[..., max(dy, 0):h + min(dy, 0), max(dx, 0):w + min(dx, 0)] = x[..., max(-dy, 0):h + min(-dy, 0), max(-dx, 0):w + min(-dx, 0)]
    return out


def train_gan(X, steps=5000, batch=64):
    torch.manual_seed(1)
    G, D = DigitsGenerator(), DigitsDiscriminator()
    G.apply(dcgan_init)
    D.apply(dcgan_init)
    opt_g = torch.optim.Adam(G.parameters(), lr=2e-3, betas=(0.5, 0.999))
    opt_d = torch.optim.Adam(D.parameters(), lr=2e-3, betas=(0.5, 0.999))
    real_all = X / 8 - 1
    bce = nn.BCEWithLogitsLoss()
    ones, zeros = torch.ones(batch), torch.zeros(batch)
    for step in range(steps):
        real = real_all[torch.randint(len(real_all), (batch,))]
        fake = G(torch.randn(batch, NZ, 1, 1))
        loss_d = bce(D(real), ones * 0.9) + bce(D(fake.detach()), zeros)  # one-sided label smoothing
        opt_d.zero_grad()
        loss_d.backward()
        opt_d.step()
        loss_g = bce(D(fake), ones)
        opt_g.zero_grad()
        loss_g.backward()
        opt_g.step()
    recalibrate_batch_norm(G)
    return G.eval()


@torch.no_grad()
def recalibrate_batch_norm(G, batches=50, batch=256):
    """Running statistics averaged over many batches of noise, not the last few training steps:
    the eval-mode generator then draws like the train-mode one."""
    for m in G.modules():
        if isinstance(m, nn.BatchNorm2d):
            m.reset_running_stats()
            m.momentum = None  # cumulative average
    G.train()
    for _ in range(batches):
        G(torch.randn(batch, NZ, 1, 1))
    for m in G.modules():
        if isinstance(m, nn.BatchNorm2d):
            m.momentum = 0.1


def write_safetensors(path, tensors):
    with open(path, "wb") as f:
        f.write(to_bytes(tensors, metadata={"format": "pt"}))


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--out", default=os.path.join(ROOT, "examples", "digits"))
    out = p.parse_args().out
    os.makedirs(out, exist_ok=True)
    torch.use_deterministic_algorithms(True)
    torch.set_num_threads(1)  # the same numbers on every machine, not just the same machine

    X_train, y_train, X_test, y_test = load_split()
    t0 = time.time()
    cnn = train_cnn(X_train, y_train)
    t_cnn = time.time() - t0
    with torch.no_grad():
        probs = F.softmax(cnn(X_test / 16), dim=1)
    pred = probs.argmax(1)
    correct = int((pred == y_test).sum())
    top2 = probs.topk(2, dim=1).values
    print(f"classifier: {correct}/{len(y_test)} held-out digits right ({correct / len(y_test):.4f}), "
          f"trained in {t_cnn:.1f} s; smallest top-2 probability gap {float((top2[:, 0] - top2[:, 1]).min()):.4f}")
    export(cnn, torch.zeros(1, 1, 8, 8), os.path.join(out, "digits-cnn"))

    t0 = time.time()
    G = train_gan(X_train)
    t_gan = time.time() - t0
    torch.manual_seed(2)
    z = torch.randn(8, NZ, 1, 1)
    with torch.no_grad():
        samples = G(z)
        many = G(torch.randn(1000, NZ, 1, 1))
        read = F.softmax(cnn((many + 1) / 2), dim=1)  # generator range [-1, 1] -> classifier range [0, 1]
    confident = float((read.max(1).values > 0.9).float().mean())
    classes = torch.bincount(read.argmax(1), minlength=10).tolist()
    print(f"generator: trained in {t_gan:.1f} s; the classifier is over 90% sure of {confident:.0%} of 1000 samples; "
          f"classes {classes}")
    export(G, torch.zeros(1, NZ, 1, 1), os.path.join(out, "digits-gan"))

    write_safetensors(os.path.join(out, "heldout.safetensors"), {
        "inputs": X_test.to(torch.float16),  # 0..16: exact in float16
        "labels": y_test.to(torch.int32),
        "probabilities": probs,
        "predictions": pred.to(torch.int32),
    })
    write_safetensors(os.path.join(out, "gan-samples.safetensors"), {"z": z, "images": samples})
    reference = {
        "dataset": "sklearn.datasets.load_digits()",
        "split": "train_test_split(X, y, test_size=0.2, random_state=0, stratify=y)",
        "train": len(y_train),
        "heldout": len(y_test),
        "cnnInput": "pixel / 16",
        "ganOutput": "pixel / 8 - 1",
        "nz": NZ,
        "pytorch": {"correct": correct, "accuracy": correct / len(y_test)},
        "generatorSamplesReadConfidently": confident,
    }
    with open(os.path.join(out, "reference.json"), "w") as f:
        f.write(json.dumps(reference, indent=2) + "\n")
    for name in sorted(os.listdir(out)):
        print(f"  {name}: {os.path.getsize(os.path.join(out, name))} bytes")


if __name__ == "__main__":
    main()
