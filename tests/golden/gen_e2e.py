"""End to end: a small CNN built in PyTorch (Conv2d, ReLU, MaxPool2d, Flatten, Linear,
Softmax), its weights exported with tools/export_safetensors.py, and its outputs."""
import os
import sys

import torch
from torch import nn

from fixtures import HERE

sys.path.insert(0, os.path.join(HERE, "..", "..", "tools"))
from export_safetensors import save_file  # noqa: E402


def generate(w):
    model = nn.Sequential(
        nn.Conv2d(3, 8, 3, padding=1),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Conv2d(8, 16, 3, stride=1, padding=1),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Linear(16 * 4 * 4, 10),
        nn.Softmax(dim=1),
    )
    model.eval()
    save_file(model, os.path.join(HERE, "fixtures", "e2e_cnn.safetensors"))
    x = torch.rand(4, 3, 16, 16)
    with torch.no_grad():
        expected = model.double()(x.double())
        logits = model[:-1](x.double())
    w.add({"file": "e2e_cnn.safetensors", "keys": list(model.state_dict().keys()),
           "input": w.tensor(x), "expected": w.tensor(expected), "logits": w.tensor(logits)})
