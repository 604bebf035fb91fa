"""Dropout: what PyTorch fixes exactly. Outside training (and with p = 0) every variant
returns its input; with p = 1 it returns input * 0 (NaN stays NaN, -x gives -0), alpha
dropout too. In training the values a kept or dropped element can take are measured from
PyTorch itself for several p (standard: x / (1 - p) or x * 0; alpha: a x + alpha a p or
-alpha a (1 - p)); which elements are dropped is random and checked by statistics in
tests/dropout.test.ts.
"""
import torch
import torch.nn.functional as F

NAN = float("nan")
INF = float("inf")

# (F name, torch function, input shape, training default)
VARIANTS = [
    ("dropout", F.dropout, [4, 9], True),
    ("dropout1d", F.dropout1d, [2, 3, 5], True),
    ("dropout2d", F.dropout2d, [2, 3, 4, 4], True),
    ("dropout3d", F.dropout3d, [1, 2, 2, 3, 2], True),
    ("alphaDropout", F.alpha_dropout, [4, 6], False),
    ("featureAlphaDropout", F.feature_alpha_dropout, [2, 3, 4], False),
]


def special(shape):
    x = torch.randn(shape)
    flat = x.view(-1)
    flat[0] = NAN
    flat[1] = INF
    flat[2] = -2.5
    flat[3] = -0.0
    return x.to(torch.float32)


def generate(w):
    for name, fn, shape, default in VARIANTS:
        x = special(shape)
        ref = w.tensor(x)
        for opts in ({"training": False}, {"p": 0.9, "training": False}, {"p": 0.0, "training": True}, {"p": 1.0, "training": True}):
            torch_opts = {"p": opts.get("p", 0.5), "training": opts["training"]}
            out = fn(x.double(), **torch_opts)
            w.add({"fn": name, "input": ref, "options": opts, "expected": w.tensor(out), "trainingDefault": default})

    # Values of kept and dropped elements in training, measured on PyTorch's own output.
    n = 20000
    for p in (0.1, 0.3, 0.5, 0.8):
        ones = torch.ones(n, dtype=torch.float64)
        zeros = torch.zeros(n, dtype=torch.float64)
        kept = F.dropout(ones, p, True)
        keep_factor = kept[kept != 0][0].item()
        a_zero = F.alpha_dropout(zeros, p, True)
        a_one = F.alpha_dropout(ones, p, True)
        values = sorted(set(a_zero.tolist()))
        assert len(values) == 2
        drop_value, keep_add = values[0], values[1]  # the dropped value is the negative one
        keep_one = max(set(a_one.tolist()))
        w.add({"fn": "constants", "p": p, "keepFactor": keep_factor, "alphaKeepFactor": keep_one - keep_add,
               "alphaKeepAdd": keep_add, "alphaDropValue": drop_value})
