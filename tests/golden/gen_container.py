"""Containers and weights: PyTorch models whose state_dicts are exported with
tools/export_safetensors.py, their outputs, their state_dict keys, and safetensors files
in every dtype the loader reads."""
import os
import sys

import torch
from torch import nn

from fixtures import HERE

sys.path.insert(0, os.path.join(HERE, "..", "..", "tools"))
from export_safetensors import save_file  # noqa: E402

FIXTURES = os.path.join(HERE, "fixtures")


def uniform(w, shape, lo=-1.0, hi=1.0):
    return torch.from_numpy(w.rng.uniform(lo, hi, shape)).to(torch.float32)


def model_case(w, name, model, x):
    """Saves the model's state_dict as <name>.safetensors and records its output on x."""
    model.eval()
    save_file(model, os.path.join(FIXTURES, f"{name}.safetensors"))
    with torch.no_grad():
        expected = model.double()(x.double())
    w.add({"kind": "model", "name": name, "file": f"{name}.safetensors", "keys": list(model.state_dict().keys()),
           "input": w.tensor(x), "expected": w.tensor(expected)})


def generate(w):
    # Sequential with per-channel and single PReLU, nested Sequential, Flatten and a softmax.
    model = nn.Sequential(
        nn.PReLU(4),
        nn.Softplus(beta=2.0, threshold=3.0),
        nn.Sequential(nn.PReLU(), nn.GELU(approximate="tanh")),
        nn.Flatten(),
        nn.LogSoftmax(dim=1),
    )
    with torch.no_grad():
        model[0].weight.copy_(uniform(w, [4]))
        model[2][0].weight.fill_(-0.3)
    model_case(w, "prelu_stack", model, torch.from_numpy(w.rng.normal(0.0, 2.0, [3, 4, 5])).to(torch.float32))

    # Reshaping modules around parameterised activations; Identity stands in for a layer.
    model = nn.Sequential(
        nn.Flatten(0, -1),
        nn.Unflatten(0, (-1, 6)),
        nn.PReLU(6, init=0.1),
        nn.Identity(),
        nn.Unflatten(1, (2, 3)),
        nn.Hardtanh(-0.5, 0.5),
        nn.Softmax(dim=-1),
    )
    with torch.no_grad():
        model[2].weight.copy_(uniform(w, [6], -2.0, 2.0))
    model_case(w, "reshape_stack", model, torch.from_numpy(w.rng.normal(0.0, 1.0, [2, 3, 4])).to(torch.float32))

    # State dict keys of nested containers, as PyTorch names them.
    nested = nn.Sequential(
        nn.PReLU(3),
        nn.ModuleList([nn.PReLU(), nn.Sequential(nn.Identity(), nn.PReLU(2)), nn.ReLU()]),
        nn.Sequential(nn.Sequential(nn.PReLU(5))),
        nn.Flatten(),
    )
    w.add({"kind": "keys", "keys": {k: list(v.shape) for k, v in nested.state_dict().items()}})

    # One file holding every dtype the loader reads, plus a 0-D and an empty tensor.
    tensors = {
        "f32": uniform(w, [2, 3], -10.0, 10.0),
        "f16": uniform(w, [5], -100.0, 100.0).to(torch.float16),
        "bf16": uniform(w, [2, 2], -1e5, 1e5).to(torch.bfloat16),
        "f64": torch.from_numpy(w.rng.normal(0.0, 1.0, [3, 1])),
        "i32": torch.tensor([[-2147483648, 0], [7, 2147483647]], dtype=torch.int32),
        "i64": torch.tensor([-5, 0, 2147483647, -2147483648], dtype=torch.int64),
        "scalar": torch.tensor(3.5),
        "empty": torch.zeros(0, 3),
        "f16_special": torch.tensor([float("inf"), float("-inf"), float("nan"), -0.0, 6e-8, 65504.0], dtype=torch.float16),
    }
    save_file(tensors, os.path.join(FIXTURES, "dtypes.safetensors"), metadata={"format": "pt", "note": "every dtype"})
    w.add({"kind": "dtypes", "file": "dtypes.safetensors",
           "tensors": {k: {"shape": list(v.shape), "expected": w.tensor(v.double() if v.is_floating_point() else v)}
                       for k, v in tensors.items()}})

    # An int64 value beyond int32: loading must fail, naming the tensor.
    save_file({"ok": torch.zeros(2), "big": torch.tensor([1, 2**40], dtype=torch.int64)},
              os.path.join(FIXTURES, "i64_overflow.safetensors"))
    w.add({"kind": "overflow", "file": "i64_overflow.safetensors"})
