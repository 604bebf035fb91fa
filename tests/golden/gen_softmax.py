"""softmax, logSoftmax and softmin over every dim (negative too), including magnitudes
that would overflow a naive exp, -Infinity entries (masked positions), and rows holding
NaN, +Infinity or only -Infinity."""
import math

import torch
import torch.nn.functional as F

from fixtures import f64

FUNCTIONS = {
    "softmax": ("Softmax", F.softmax),
    "logSoftmax": ("LogSoftmax", F.log_softmax),
    "softmin": ("Softmin", F.softmin),
}

SHAPES = [[10], [4, 7], [3, 4, 5], [2, 3, 4, 5], [2, 300], [3, 20, 9], [6, 2, 3], [1, 1], [5, 1, 4]]


def generate(w):
    for shape in SHAPES:
        x = torch.from_numpy(w.rng.normal(0.0, 3.0, shape)).to(torch.float32)
        xref = w.tensor(x)
        for d in range(-len(shape), len(shape)):
            for name, (module, fn) in FUNCTIONS.items():
                w.add({"kind": "softmax", "fn": name, "module": module, "dim": d, "input": xref,
                       "expected": w.tensor(fn(f64(x), dim=d))})

    # Large magnitudes: exp(1000) overflows without the max subtraction.
    big = torch.from_numpy(w.rng.uniform(-1000.0, 1000.0, [3, 6, 5])).to(torch.float32)
    big[0, 0, 0] = 80.0
    big[0, 1, 0] = -80.0
    big_ref = w.tensor(big)
    for d in (0, 1, 2):
        for name, (module, fn) in FUNCTIONS.items():
            w.add({"kind": "softmax", "fn": name, "module": module, "dim": d, "input": big_ref,
                   "expected": w.tensor(fn(f64(big), dim=d))})

    # Special rows along the last dim (contiguous rows) and along dim 0 (strided columns).
    inf, nan = math.inf, math.nan
    special = torch.tensor([
        [1.0, -inf, 2.0, -inf, 0.5],    # masked positions give exactly 0
        [-inf, -inf, -inf, -inf, -inf],  # nothing left: NaN, as in PyTorch
        [1.0, nan, 2.0, 3.0, 4.0],       # NaN spreads over the row
        [1.0, inf, 2.0, 3.0, 4.0],       # +Infinity: Inf - Inf is NaN
        [3.4e38, -3.4e38, 0.0, 1e30, -1e30],
        [-0.0, 0.0, -0.0, 0.0, 0.0],
    ], dtype=torch.float32)
    special_ref = w.tensor(special)
    for d in (-1, 0):
        for name, (module, fn) in FUNCTIONS.items():
            w.add({"kind": "softmax", "fn": name, "module": module, "dim": d, "input": special_ref,
                   "expected": w.tensor(fn(f64(special), dim=d))})

    # 0-D input: a single element normalises to 1 (log: 0).
    scalar = torch.tensor(2.5)
    scalar_ref = w.tensor(scalar)
    for d in (0, -1):
        for name, (module, fn) in FUNCTIONS.items():
            w.add({"kind": "softmax", "fn": name, "module": module, "dim": d, "input": scalar_ref,
                   "expected": w.tensor(fn(f64(scalar), dim=d))})
