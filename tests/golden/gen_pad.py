"""Padding: F.pad in every mode (constant with a value and with negative amounts that
crop, reflect, replicate, circular), 1 to 3 padded dimensions, batched and unbatched
inputs, and the pad modules (ZeroPad*, ConstantPad*, ReflectionPad*, ReplicationPad*;
CircularPad* is F.pad's circular mode, which PyTorch 1.13 has no module for).

Each case: {"fn": "pad", "input", "pad", "options", "expected"} or {"module", "args",
"input", "expected"}; tests/pad.test.ts replays them. Padding copies values: exact.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F

NAN = float("nan")
INF = float("inf")


def rand(shape, special=False):
    t = torch.randn(shape)
    if special:
        flat = t.view(-1)
        for i, v in zip(range(0, flat.numel(), 3), [NAN, INF, -INF, -0.0, 1e-40]):
            flat[i] = v
    return t.to(torch.float32)


# (input shape, pad, options)
PAD = [
    ([2, 3, 5], [1, 2], {}),
    ([1, 2, 3, 4], [1, 0, 2, 3], {"value": 1.5}),
    ([1, 2, 2, 3, 3], [1, 1, 0, 2, 1, 0], {"mode": "constant", "value": -0.5}),
    ([2, 3, 4, 5], [-1, 2, 0, -1], {}),
    ([2, 3, 4], [1, 1, 2, 0, 1, 1], {"value": 2}),
    ([2, 3, 4, 5], [1, 0, 0, 1, 1, 1, 1, 0], {"value": 3}),
    ([2, 3, 4, 5], [-1, 1, 0, 0, 0, -1, 2, 0], {}),
    ([3, 5], [2, 2, -1, 0], {"value": INF}),
    ([4], [3, 1], {}),
    ([2, 3, 6], [2, 3], {"mode": "reflect"}),
    ([1, 2, 5, 6], [1, 2, 3, 0], {"mode": "reflect"}),
    ([1, 1, 3, 4, 5], [1, 1, 2, 0, 1, 2], {"mode": "reflect"}),
    ([3, 5], [2, 2], {"mode": "reflect"}),
    ([2, 4, 5], [1, 3, 2, 2], {"mode": "reflect"}),
    ([2, 3, 4, 5], [2, 2, 1, 3, 1, 1], {"mode": "reflect"}),
    ([1, 2, 6], [-2, 3], {"mode": "reflect"}),
    ([2, 3, 4], [3, 1], {"mode": "replicate"}),
    ([1, 2, 3, 4], [2, 0, 1, 3], {"mode": "replicate"}),
    ([1, 2, 2, 3, 4], [1, 2, 1, 1, 0, 2], {"mode": "replicate"}),
    ([2, 3, 4], [5, 6, 0, 1], {"mode": "replicate"}),
    ([2, 5], [-1, 3], {"mode": "replicate"}),
    ([2, 2, 5], [2, 3], {"mode": "circular"}),
    ([1, 2, 4, 5], [1, 2, 3, 1], {"mode": "circular"}),
    ([1, 1, 3, 3, 4], [1, 0, 1, 2, 2, 1], {"mode": "circular"}),
    # Negative circular amounts crop first, then the cropped block wraps.
    ([1, 2, 6], [3, -1], {"mode": "circular"}),
    ([1, 2, 5, 4], [-1, 3, 2, -2], {"mode": "circular"}),
    ([1, 3, 7, 9], [1, 1, 1, 1], {"mode": "reflect"}),
]

# (module, args, input shape, special values)
MODULES = [
    ("ZeroPad2d", [[1, 2, 0, 3]], [1, 2, 3, 4], True),
    ("ZeroPad2d", [2], [2, 3, 3], False),
    ("ConstantPad1d", [[1, 3], 2.5], [2, 2, 4], False),
    ("ConstantPad2d", [1, -1.0], [1, 2, 3, 3], True),
    ("ConstantPad3d", [[1, 0, 0, 1, 2, 1], 0.5], [1, 2, 2, 2, 3], False),
    ("ReflectionPad1d", [2], [2, 3, 5], True),
    ("ReflectionPad2d", [[1, 2, 2, 0]], [1, 2, 4, 5], False),
    ("ReflectionPad3d", [1], [1, 1, 3, 3, 3], False),
    ("ReplicationPad1d", [[0, 3]], [2, 2, 4], True),
    ("ReplicationPad2d", [2], [2, 3, 3], False),
    ("ReplicationPad3d", [[1, 1, 0, 2, 1, 0]], [1, 2, 2, 3, 3], False),
]


def generate(w):
    for shape, pad, opts in PAD:
        x = rand(shape, special=len(w.cases) % 3 == 0)
        out = F.pad(x, pad, **opts)
        js_opts = dict(opts)
        if js_opts.get("value") == INF:
            js_opts["value"] = "Infinity"
        w.add({"fn": "pad", "input": w.tensor(x), "pad": pad, "options": js_opts, "expected": w.tensor(out)})
    for name, args, shape, special in MODULES:
        x = rand(shape, special)
        out = getattr(nn, name)(*args)(x)
        w.add({"module": name, "args": args, "input": w.tensor(x), "expected": w.tensor(out)})
