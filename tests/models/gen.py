#!/usr/bin/env python3
"""Round-trip fixtures for nn.loadModel: real models exported with tools/export_model.py.

    /usr/bin/python3 tests/models/gen.py            # every model
    /usr/bin/python3 tests/models/gen.py resnet18   # some

Weights are not committed: every parameter and buffer is filled by fill(), a tiny
deterministic generator that tests/helpers/model-fill.ts implements identically, so a
fixture is only the graph (<name>.json), the state dict's keys and shapes plus the input
shape (<name>.meta.json) and PyTorch's output (<name>.out.bin, float32 little-endian),
computed in float64 from the float32 weights and input, then rounded.
"""
import copy
import json
import math
import os
import sys
import zlib

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import torchvision

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "tools"))
from export_model import UnsupportedOpsError, dumps, to_graph, trace  # noqa: E402

OUT = os.path.join(HERE, "fixtures")


def uniform(key, n):
    """n values in [0, 1) from xorshift32 seeded by crc32(key) (0 becomes 1), as float64."""
    x = zlib.crc32(key.encode()) or 1
    out = np.empty(n, dtype=np.float64)
    for i in range(n):
        x ^= (x << 13) & 0xFFFFFFFF
        x ^= x >> 17
        x ^= (x << 5) & 0xFFFFFFFF
        out[i] = x / 4294967296.0
    return out


def fill_values(key, shape):
    """The value of state dict entry `key`, as float32 (or the int for num_batches_tracked)."""
    n = int(np.prod(shape)) if len(shape) else 1
    if key.endswith("num_batches_tracked"):
        return np.full(shape, 7, dtype=np.int64)
    u = uniform(key, n)
    if key.endswith("running_var"):
        v = 0.5 + u
    elif key.endswith("running_mean"):
        v = (2 * u - 1) * 0.2
    elif len(shape) <= 1 and key.endswith("weight"):
        v = 0.5 + u  # norm scales (and PReLU slopes)
    elif len(shape) <= 1:
        v = (2 * u - 1) * 0.1
    else:
        fan_in = n // shape[0]
        v = (2 * u - 1) * math.sqrt(6.0 / fan_in)
    return v.astype(np.float32).reshape(shape)


def fill(model):
    with torch.no_grad():
        for key, t in model.state_dict().items():
            t.copy_(torch.from_numpy(fill_values(key, list(t.shape))))


def make_input(name, shape):
    return torch.from_numpy(((2 * uniform(f"input:{name}", int(np.prod(shape))) - 1)).astype(np.float32).reshape(shape))


# ---------------------------------------------------------------- the models


class DCGANGenerator(nn.Module):
    """The DCGAN tutorial's generator: nz 100, ngf 64, 3 x 64 x 64 images."""

    def __init__(self, nz=100, ngf=64, nc=3):
        super().__init__()
        self.main = nn.Sequential(
            nn.ConvTranspose2d(nz, ngf * 8, 4, 1, 0, bias=False), nn.BatchNorm2d(ngf * 8), nn.ReLU(True),
            nn.ConvTranspose2d(ngf * 8, ngf * 4, 4, 2, 1, bias=False), nn.BatchNorm2d(ngf * 4), nn.ReLU(True),
            nn.ConvTranspose2d(ngf * 4, ngf * 2, 4, 2, 1, bias=False), nn.BatchNorm2d(ngf * 2), nn.ReLU(True),
            nn.ConvTranspose2d(ngf * 2, ngf, 4, 2, 1, bias=False), nn.BatchNorm2d(ngf), nn.ReLU(True),
            nn.ConvTranspose2d(ngf, nc, 4, 2, 1, bias=False), nn.Tanh(),
        )

    def forward(self, x):
        return self.main(x)


class DoubleConv(nn.Sequential):
    def __init__(self, cin, cout):
        super().__init__(nn.Conv2d(cin, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout), nn.ReLU(inplace=True),
                         nn.Conv2d(cout, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout), nn.ReLU(inplace=True))


class Up(nn.Module):
    """Bilinear up-sampling, padding to the skip's size (computed from sizes), concatenation."""

    def __init__(self, cin, cout, module_upsample):
        super().__init__()
        self.up = nn.Upsample(scale_factor=2, mode="bilinear", align_corners=True) if module_upsample else None
        self.conv = DoubleConv(cin, cout)

    def forward(self, x1, x2):
        if self.up is not None:
            x1 = self.up(x1)
            dy = x2.size()[2] - x1.size()[2]
            dx = x2.size()[3] - x1.size()[3]
            x1 = F.pad(x1, [dx // 2, dx - dx // 2, dy // 2, dy - dy // 2])
        else:
            x1 = F.interpolate(x1, size=x2.shape[2:], mode="bilinear", align_corners=False)
        return self.conv(torch.cat([x2, x1], dim=1))


class UNet(nn.Module):
    def __init__(self, cin=3, classes=2, w=8):
        super().__init__()
        self.inc = DoubleConv(cin, w)
        self.down1 = nn.Sequential(nn.MaxPool2d(2), DoubleConv(w, 2 * w))
        self.down2 = nn.Sequential(nn.MaxPool2d(2), DoubleConv(2 * w, 4 * w))
        self.up1 = Up(6 * w, 2 * w, True)
        self.up2 = Up(3 * w, w, False)
        self.outc = nn.Conv2d(w, classes, 1)

    def forward(self, x):
        b, c, h, w = x.shape
        if h % 4 or w % 4:
            raise ValueError("the U-Net needs sizes divisible by 4")
        x1 = self.inc(x)
        x2 = self.down1(x1)
        x3 = self.down2(x2)
        x = self.up1(x3, x2)
        x = self.up2(x, x1)
        return self.outc(x).view(b, -1, h * w).softmax(dim=1).view(b, -1, h, w)


class MLP(nn.Module):
    """LayerNorm and GELU, a computed view, chunk, a gate, dropout, and a tuple result."""

    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(32, 64)
        self.norm = nn.LayerNorm(64)
        self.act = nn.GELU()
        self.fc2 = nn.Linear(32, 48)
        self.drop = nn.Dropout(0.1)
        self.head = nn.Linear(48, 10)

    def forward(self, x):
        n = x.size(0)
        h = self.act(self.norm(self.fc1(x.view(n, -1))))
        a, g = h.chunk(2, dim=1)
        h = a * torch.sigmoid(g) + a
        h = self.drop(F.gelu(self.fc2(h), approximate="tanh"))
        logits = self.head(h)
        return logits, logits.mean(dim=-1)


class OpsMix(nn.Module):
    """Functions, methods and indexing that the six models do not use; an unused module with weights."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(4, 8, 3, padding="same", padding_mode="reflect")
        self.pad = nn.ZeroPad2d(1)
        self.unused = nn.Embedding(10, 4)

    def forward(self, x):
        b = x.shape[0]
        y = self.conv(x)[:, None, 2:6, ..., ::2].squeeze(1)
        y = torch.concat([y, y * 2], 1).permute(0, 2, 3, 1).contiguous().permute(0, 3, 1, 2)
        y = F.max_pool2d(F.leaky_relu(y, 0.2), 2) - 1.5
        y = F.interpolate(y, scale_factor=2.0, mode="nearest")
        y = self.pad(y).mean((2, 3), keepdim=True) / 3
        z = torch.stack([y, -y.exp()], dim=0).sum(0)
        w1, w2 = z.split(4, dim=1)
        return F.softmax(w1.flatten(1), dim=-1) ** 2, torch.matmul(w2.reshape(b, 4), w2.reshape(4, b)).transpose(0, 1)


MODELS = {
    "resnet18": (lambda: torchvision.models.resnet18(), (1, 3, 224, 224)),
    "mobilenet_v2": (lambda: torchvision.models.mobilenet_v2(), (1, 3, 224, 224)),
    "squeezenet1_1": (lambda: torchvision.models.squeezenet1_1(), (1, 3, 224, 224)),
    "dcgan": (lambda: DCGANGenerator(), (1, 100, 1, 1)),
    "unet": (lambda: UNet(), (1, 3, 64, 64)),
    "mlp": (lambda: MLP(), (4, 4, 8)),
    "ops": (lambda: OpsMix(), (2, 4, 8, 8)),
}


class Refused(nn.Module):
    """Ops wasm-nn has no equivalent for: export must refuse all of them in one error."""

    def __init__(self):
        super().__init__()
        self.rnn = nn.LSTM(8, 8)
        self.fc = nn.Linear(8, 8)

    def forward(self, x):
        y = torch.cumsum(self.fc(x), dim=-1)
        return y.sort(dim=-1)[0] + torch.erf(y)


def check_refusal():
    try:
        model = Refused().eval()
        to_graph(trace(model, (torch.randn(2, 8),)), model)
    except UnsupportedOpsError as e:
        text = str(e)
        assert len(e.ops) == 4, e.ops
        for part in ("torch.cumsum", "Tensor.sort", "torch.erf", "LSTM (the unused module rnn)"):
            assert part in text, text
        print(text)
        return
    raise AssertionError("export accepted a model with unsupported ops")


def generate(name):
    factory, shape = MODELS[name]
    torch.manual_seed(0)
    model = factory().eval()
    fill(model)
    x = make_input(name, shape)
    graph = to_graph(trace(model, (x,)), model)
    ref = copy.deepcopy(model).double()
    with torch.no_grad():
        out = ref(x.double())
    outs = list(out) if isinstance(out, tuple) else [out]
    state = {k: {"shape": list(v.shape), "dtype": "int32" if k.endswith("num_batches_tracked") else "float32"} for k, v in model.state_dict().items()}
    meta = {"input": list(shape), "state": state, "outputs": [list(o.shape) for o in outs], "tuple": isinstance(out, tuple), "torch": torch.__version__}
    with open(os.path.join(OUT, f"{name}.json"), "w") as f:
        f.write(dumps(graph))
    with open(os.path.join(OUT, f"{name}.meta.json"), "w") as f:
        json.dump(meta, f, separators=(",", ":"))
        f.write("\n")
    blob = b"".join(o.to(torch.float32).contiguous().numpy().astype("<f4").tobytes() for o in outs)
    with open(os.path.join(OUT, f"{name}.out.bin"), "wb") as f:
        f.write(blob)
    print(f"{name}: {len(graph['nodes'])} nodes, {len(graph['modules'])} modules, {len(state)} weights, output {meta['outputs']}")


def main(argv):
    os.makedirs(OUT, exist_ok=True)
    check_refusal()
    for name in argv or MODELS:
        generate(name)


if __name__ == "__main__":
    main(sys.argv[1:])
