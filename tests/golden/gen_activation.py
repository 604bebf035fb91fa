"""Elementwise activations, PReLU, RReLU (eval) and GLU, with default and non-default parameters.

Inputs span [-30, 30] densely plus large magnitudes, +-Infinity, NaN, -0, subnormals and
the points where piecewise definitions switch (thresholds, lambd, softplus's beta*x =
threshold). Expected values are PyTorch's float64 results on the float32 inputs.
"""
import math

import torch
import torch.nn.functional as F

from fixtures import f64

SPECIALS = [
    math.nan, math.inf, -math.inf, -0.0, 0.0, 1e-40, -1e-40, 1e-30, -1e-30, 1e-7, -1e-7,
    0.5, -0.5, 1.5, -1.5, 3.0, -3.0, 6.0, -6.0, 20.0, -20.0, 40.0, -40.0,
    80.0, -80.0, 88.5, -88.5, 100.0, -100.0, 1000.0, -1000.0, 1e4, -1e4, 1e30, -1e30, 3.4e38, -3.4e38,
]


def spanning_input(w):
    """A 1-D float32 input: specials, [-30, 30] in steps of 0.25, and random values, 400 elements in all."""
    grid = torch.arange(-120, 121, dtype=torch.float64) / 4.0
    rand = torch.from_numpy(w.rng.normal(0.0, 4.0, 400 - len(SPECIALS) - len(grid)))
    return torch.cat([torch.tensor(SPECIALS, dtype=torch.float64), grid, rand]).to(torch.float32)


def small_input(w, shape, scale=3.0):
    return torch.from_numpy(w.rng.normal(0.0, scale, shape)).to(torch.float32)


# (F name, nn name, F options, module positional args, torch reference on float64).
# Module options are the F options (RReLU takes lower/upper and is evaluated in eval()).
CASES = [
    ("relu", "ReLU", {}, [], lambda x: F.relu(x)),
    ("relu6", "ReLU6", {}, [], lambda x: F.relu6(x)),
    ("leakyRelu", "LeakyReLU", {}, [], lambda x: F.leaky_relu(x)),
    ("leakyRelu", "LeakyReLU", {"negativeSlope": 0.2}, [], lambda x: F.leaky_relu(x, 0.2)),
    ("leakyRelu", "LeakyReLU", {"negativeSlope": -0.5}, [], lambda x: F.leaky_relu(x, -0.5)),
    ("rrelu", "RReLU", {}, [], lambda x: F.rrelu(x, training=False)),
    ("rrelu", "RReLU", {"lower": 0.05, "upper": 0.45, "training": False}, [], lambda x: F.rrelu(x, 0.05, 0.45, training=False)),
    ("elu", "ELU", {}, [], lambda x: F.elu(x)),
    ("elu", "ELU", {"alpha": 0.5}, [], lambda x: F.elu(x, 0.5)),
    ("elu", "ELU", {"alpha": 2.5}, [], lambda x: F.elu(x, 2.5)),
    ("selu", "SELU", {}, [], lambda x: F.selu(x)),
    ("celu", "CELU", {}, [], lambda x: F.celu(x)),
    ("celu", "CELU", {"alpha": 0.7}, [], lambda x: F.celu(x, 0.7)),
    ("celu", "CELU", {"alpha": 3.0}, [], lambda x: F.celu(x, 3.0)),
    ("gelu", "GELU", {}, [], lambda x: F.gelu(x)),
    ("gelu", "GELU", {"approximate": "none"}, [], lambda x: F.gelu(x, approximate="none")),
    ("gelu", "GELU", {"approximate": "tanh"}, [], lambda x: F.gelu(x, approximate="tanh")),
    ("silu", "SiLU", {}, [], lambda x: F.silu(x)),
    ("mish", "Mish", {}, [], lambda x: F.mish(x)),
    ("sigmoid", "Sigmoid", {}, [], lambda x: torch.sigmoid(x)),
    ("tanh", "Tanh", {}, [], lambda x: torch.tanh(x)),
    ("hardtanh", "Hardtanh", {}, [], lambda x: F.hardtanh(x)),
    ("hardtanh", "Hardtanh", {"minVal": -2.0, "maxVal": 0.5}, [], lambda x: F.hardtanh(x, -2.0, 0.5)),
    ("hardtanh", "Hardtanh", {"minVal": 0.0, "maxVal": 6.0}, [], lambda x: F.hardtanh(x, 0.0, 6.0)),
    ("hardsigmoid", "Hardsigmoid", {}, [], lambda x: F.hardsigmoid(x)),
    ("hardswish", "Hardswish", {}, [], lambda x: F.hardswish(x)),
    ("softplus", "Softplus", {}, [], lambda x: F.softplus(x)),
    ("softplus", "Softplus", {"beta": 2.0, "threshold": 3.0}, [], lambda x: F.softplus(x, 2.0, 3.0)),
    ("softplus", "Softplus", {"beta": 0.5, "threshold": 30.0}, [], lambda x: F.softplus(x, 0.5, 30.0)),
    ("softplus", "Softplus", {"beta": -1.0, "threshold": 20.0}, [], lambda x: F.softplus(x, -1.0, 20.0)),
    ("softsign", "Softsign", {}, [], lambda x: F.softsign(x)),
    ("softshrink", "Softshrink", {}, [], lambda x: F.softshrink(x)),
    ("softshrink", "Softshrink", {"lambd": 1.5}, [], lambda x: F.softshrink(x, 1.5)),
    ("softshrink", "Softshrink", {"lambd": 0.0}, [], lambda x: F.softshrink(x, 0.0)),
    ("hardshrink", "Hardshrink", {}, [], lambda x: F.hardshrink(x)),
    ("hardshrink", "Hardshrink", {"lambd": 1.5}, [], lambda x: F.hardshrink(x, 1.5)),
    ("tanhshrink", "Tanhshrink", {}, [], lambda x: F.tanhshrink(x)),
    ("threshold", "Threshold", {}, [0.5, -2.0], lambda x: F.threshold(x, 0.5, -2.0)),
    ("threshold", "Threshold", {}, [-1.0, 20.0], lambda x: F.threshold(x, -1.0, 20.0)),
    ("threshold", "Threshold", {}, [0.0, 0.0], lambda x: F.threshold(x, 0.0, 0.0)),
    ("logsigmoid", "LogSigmoid", {}, [], lambda x: F.logsigmoid(x)),
]


def reference(fn, name, x):
    y = fn(f64(x))
    if name == "softshrink":
        # PyTorch 1.13 maps NaN to 0 here; wasm-nn propagates NaN, as PyTorch does since 2.6.
        y = torch.where(torch.isnan(f64(x)), f64(x), y)
    return y


def generate(w):
    x = spanning_input(w)
    multi = small_input(w, [3, 5, 7], scale=6.0)  # 105 elements: exercises the 1-15 element tail
    refs = [(x, w.tensor(x)), (multi, w.tensor(multi))]
    for name, module, options, args, fn in CASES:
        for inp, ref in refs:
            w.add({"kind": "elementwise", "fn": name, "module": module, "options": options, "args": args,
                   "input": ref, "expected": w.tensor(reference(fn, name, inp))})

    # PReLU: one weight, or one per channel (dim 1); 0-D and 1-D inputs have one channel.
    for shape, count in (([], 1), ([5], 1), ([3, 4], 4), ([7, 5], 5), ([3, 5], 1), ([2, 3, 5], 3),
                         ([2, 6, 3, 3], 6), ([2, 4, 4, 4], 1), ([2, 3, 16], 3), ([1, 2, 2, 2, 3], 2)):
        inp = small_input(w, shape)
        weight = torch.from_numpy(w.rng.uniform(-1.0, 1.0, [count])).to(torch.float32)
        w.add({"kind": "prelu", "input": w.tensor(inp), "weight": w.tensor(weight),
               "expected": w.tensor(F.prelu(f64(inp), f64(weight)))})
    inp = torch.tensor([math.nan, math.inf, -math.inf, -0.0, 0.0, -2.0, 3.0], dtype=torch.float32)
    weight = torch.tensor([0.3], dtype=torch.float32)
    w.add({"kind": "prelu", "input": w.tensor(inp), "weight": w.tensor(weight),
           "expected": w.tensor(F.prelu(f64(inp), f64(weight)))})

    # GLU along several dims, with halves that are and are not multiples of four.
    for shape, dim in (([3, 8], -1), ([4, 6, 3], 0), ([2, 4, 6], 1), ([2, 3, 2, 10], -1), ([6], -1),
                       ([2, 34], 1), ([5, 2, 7], -2), ([2, 40, 3], 1)):
        inp = small_input(w, shape, scale=4.0)
        w.add({"kind": "glu", "dim": dim, "input": w.tensor(inp), "expected": w.tensor(F.glu(f64(inp), dim))})
    inp = torch.tensor([[math.nan, 1.0, -math.inf, 2.0, 100.0, -100.0, math.inf, -math.inf]], dtype=torch.float32)
    w.add({"kind": "glu", "dim": -1, "input": w.tensor(inp), "expected": w.tensor(F.glu(f64(inp), -1))})
