"""Pooling and unpooling: max (values and indices), average, power-average, adaptive
average / max and max unpooling, 1-D to 3-D, with the options and edge cases PyTorch
defines (ceil mode, dilation with padding, NaN, -inf, ties, windows in padding).

Every case is a call of the F function with these arguments; tests/pool.test.ts also
replays each through the module class. Expected values are computed in float64 from the
float32 inputs and rounded to float32; max values, indices and unpooling are exact.
"""
import math

import torch
import torch.nn.functional as F

from fixtures import f64

NAN = float("nan")
INF = float("inf")


def rand(w, shape, kind="normal"):
    """Float32 inputs: normal, positive, a few integer levels (many ties), or with NaN / -inf."""
    if kind == "normal":
        t = torch.randn(shape)
    elif kind == "positive":
        t = torch.rand(shape) * 2 + 0.05
    elif kind == "ties":
        t = torch.randint(-2, 3, shape).float()
    elif kind == "nan":
        t = torch.randn(shape)
        flat = t.view(-1)
        for i in range(0, flat.numel(), 7):
            flat[i] = NAN
    elif kind == "neginf":
        t = torch.randn(shape)
        flat = t.view(-1)
        for i in range(flat.numel()):
            if i % 3 != 1:
                flat[i] = -INF
    elif kind == "allneginf":
        t = torch.full(shape, -INF)
    else:
        raise ValueError(kind)
    return t.to(torch.float32)


def js_options(opts):
    """PyTorch keyword names -> the API's camelCase option names."""
    names = {"return_indices": "returnIndices", "ceil_mode": "ceilMode", "count_include_pad": "countIncludePad",
             "divisor_override": "divisorOverride", "output_size": "outputSize"}
    return {names.get(k, k): v for k, v in opts.items()}


def sum_bound(t):
    """1e-5 times the largest output of the same pooling applied to |x|: the scale of the
    float32 rounding of a window sum (averages with signed terms can cancel)."""
    m = t.abs().max().item() if t.numel() else 0.0
    return max(1e-5, 1e-5 * m) if math.isfinite(m) else 1e-5


# (fn, input shape, input kind, kernel_size, options)
MAX_POOL = [
    ("max_pool1d", [2, 3, 17], "normal", 3, {}),
    ("max_pool1d", [2, 3, 17], "normal", 3, {"stride": 2, "padding": 1, "return_indices": True}),
    ("max_pool1d", [1, 4, 26], "normal", 2, {"stride": 2, "return_indices": True}),
    ("max_pool1d", [2, 2, 20], "normal", 4, {"stride": 3, "padding": 2, "dilation": 2, "return_indices": True}),
    ("max_pool1d", [1, 3, 14], "normal", 3, {"stride": 2, "ceil_mode": True, "return_indices": True}),
    ("max_pool1d", [1, 2, 10], "normal", 4, {"stride": 3, "padding": 1, "ceil_mode": True, "return_indices": True}),
    ("max_pool1d", [1, 2, 3], "normal", 2, {"stride": 1, "padding": 1, "dilation": 4, "return_indices": True}),
    ("max_pool1d", [3, 19], "normal", 5, {"stride": 2, "padding": 2, "return_indices": True}),
    ("max_pool1d", [2, 3, 21], "nan", 3, {"stride": 2, "padding": 1, "return_indices": True}),
    ("max_pool1d", [2, 3, 21], "neginf", 4, {"stride": 1, "padding": 2, "return_indices": True}),
    ("max_pool1d", [2, 3, 16], "ties", 3, {"stride": 1, "padding": 1, "return_indices": True}),
    ("max_pool1d", [1, 2, 33], "normal", 1, {"stride": 4, "return_indices": True}),
    ("max_pool1d", [2, 2, 9], "allneginf", 3, {"stride": 2, "padding": 1, "return_indices": True}),
    ("max_pool2d", [1, 2, 12, 24], "normal", 3, {"stride": 2, "padding": 1}),
    ("max_pool2d", [1, 2, 12, 24], "normal", 3, {"stride": 2, "padding": 1, "return_indices": True}),
    ("max_pool2d", [2, 3, 9, 23], "normal", 3, {"stride": 2}),
    ("max_pool2d", [2, 3, 9, 23], "normal", 3, {"stride": 2, "return_indices": True}),
    ("max_pool2d", [1, 3, 11, 25], "normal", 3, {"stride": 2, "padding": 1, "ceil_mode": True, "return_indices": True}),
    ("max_pool2d", [2, 2, 10, 18], "normal", 2, {}),
    ("max_pool2d", [2, 2, 11, 19], "normal", 2, {"stride": 2, "padding": 1, "return_indices": True}),
    ("max_pool2d", [1, 2, 11, 19], "normal", 2, {"ceil_mode": True}),
    ("max_pool2d", [1, 2, 8, 20], "normal", [3, 2], {"stride": [1, 2], "padding": [1, 0]}),
    ("max_pool2d", [1, 2, 9, 21], "normal", 3, {"stride": 1, "padding": 1, "return_indices": True}),
    ("max_pool2d", [1, 2, 9, 21], "normal", 3, {"stride": 1, "padding": 1}),
    ("max_pool2d", [1, 2, 13, 22], "normal", [2, 3], {"stride": [2, 3], "padding": [1, 1], "dilation": [2, 3], "return_indices": True}),
    ("max_pool2d", [1, 2, 13, 22], "normal", 3, {"stride": 2, "padding": 1, "dilation": 2}),
    ("max_pool2d", [1, 1, 7, 7], "normal", 4, {"stride": 3, "padding": 2, "ceil_mode": True, "return_indices": True}),
    ("max_pool2d", [1, 1, 6, 6], "normal", 3, {"stride": 2, "padding": 1, "ceil_mode": True}),
    ("max_pool2d", [1, 1, 5, 5], "normal", 2, {"stride": 2, "padding": 1, "ceil_mode": True, "return_indices": True}),
    ("max_pool2d", [2, 3, 10, 17], "nan", 3, {"stride": 2, "padding": 1}),
    ("max_pool2d", [2, 3, 10, 17], "nan", 3, {"stride": 2, "padding": 1, "return_indices": True}),
    ("max_pool2d", [1, 3, 8, 19], "nan", 2, {"stride": 1}),
    ("max_pool2d", [1, 3, 9, 18], "neginf", 3, {"stride": 2, "padding": 1, "return_indices": True}),
    ("max_pool2d", [1, 3, 9, 18], "neginf", 3, {"stride": 2, "padding": 1}),
    ("max_pool2d", [1, 2, 9, 18], "allneginf", 3, {"stride": 2, "padding": 1, "return_indices": True}),
    ("max_pool2d", [2, 2, 8, 16], "ties", 3, {"stride": 2, "padding": 1, "return_indices": True}),
    ("max_pool2d", [2, 2, 8, 16], "ties", [2, 3], {"stride": 1, "return_indices": True}),
    ("max_pool2d", [3, 8, 11], "normal", 3, {"stride": 2, "return_indices": True}),
    ("max_pool2d", [2, 9, 27], "normal", [3, 5], {"stride": [3, 4], "padding": [1, 2], "return_indices": True}),
    ("max_pool2d", [1, 2, 3, 9], "normal", [2, 1], {"stride": 1, "padding": [1, 0], "dilation": [4, 1], "return_indices": True}),
    ("max_pool2d", [1, 4, 6, 40], "normal", [1, 3], {"stride": [1, 2], "padding": [0, 1]}),
    ("max_pool3d", [1, 2, 5, 6, 7], "normal", 2, {"return_indices": True}),
    ("max_pool3d", [1, 2, 5, 6, 17], "normal", 3, {"stride": 2, "padding": 1}),
    ("max_pool3d", [1, 2, 5, 6, 17], "normal", 3, {"stride": 2, "padding": 1, "return_indices": True}),
    ("max_pool3d", [2, 1, 6, 5, 9], "normal", [2, 3, 2], {"stride": [1, 2, 3], "padding": [1, 1, 0], "dilation": [2, 1, 2], "return_indices": True}),
    ("max_pool3d", [1, 2, 5, 5, 5], "normal", 3, {"stride": 2, "ceil_mode": True, "return_indices": True}),
    ("max_pool3d", [1, 2, 4, 5, 6], "nan", 2, {"stride": 1, "return_indices": True}),
    ("max_pool3d", [1, 2, 4, 5, 6], "nan", 2, {"stride": 1}),
    ("max_pool3d", [1, 2, 4, 5, 6], "neginf", 2, {"stride": 2, "padding": 1, "return_indices": True}),
    ("max_pool3d", [1, 1, 4, 4, 4], "allneginf", 2, {"padding": 1, "return_indices": True}),
    ("max_pool3d", [2, 4, 5, 6], "normal", [1, 2, 2], {"return_indices": True}),
    ("max_pool3d", [1, 2, 4, 6, 6], "ties", 3, {"stride": 1, "padding": 1, "return_indices": True}),
    ("max_pool3d", [1, 1, 3, 3, 3], "normal", [2, 2, 2], {"stride": 1, "padding": 1, "dilation": 3, "return_indices": True}),
]

AVG_POOL = [
    ("avg_pool1d", [2, 3, 17], "normal", 3, {}),
    ("avg_pool1d", [2, 3, 17], "normal", 3, {"stride": 2, "padding": 1}),
    ("avg_pool1d", [2, 3, 17], "normal", 3, {"stride": 2, "padding": 1, "count_include_pad": False}),
    ("avg_pool1d", [1, 2, 10], "normal", 4, {"stride": 3, "padding": 2, "ceil_mode": True}),
    ("avg_pool1d", [1, 2, 10], "normal", 4, {"stride": 3, "padding": 2, "ceil_mode": True, "count_include_pad": False}),
    ("avg_pool1d", [1, 2, 6], "normal", 3, {"stride": 2, "padding": 1, "ceil_mode": True}),
    ("avg_pool1d", [3, 20], "normal", 2, {}),
    ("avg_pool1d", [1, 2, 19], "nan", 2, {"stride": 1}),
    ("avg_pool2d", [1, 2, 12, 24], "normal", 2, {}),
    ("avg_pool2d", [2, 3, 11, 23], "normal", 2, {"stride": 2}),
    ("avg_pool2d", [2, 3, 11, 23], "normal", 3, {"stride": 2, "padding": 1}),
    ("avg_pool2d", [2, 3, 11, 23], "normal", 3, {"stride": 2, "padding": 1, "count_include_pad": False}),
    ("avg_pool2d", [1, 2, 11, 23], "normal", 3, {"stride": 2, "padding": 1, "ceil_mode": True}),
    ("avg_pool2d", [1, 2, 11, 23], "normal", 3, {"stride": 2, "padding": 1, "ceil_mode": True, "count_include_pad": False}),
    ("avg_pool2d", [1, 2, 10, 21], "normal", 2, {"stride": 2, "padding": 1, "ceil_mode": True}),
    ("avg_pool2d", [1, 2, 9, 19], "normal", [3, 2], {"stride": [1, 2], "padding": [1, 1]}),
    ("avg_pool2d", [1, 2, 9, 19], "normal", 3, {"stride": 1, "padding": 1}),
    ("avg_pool2d", [1, 2, 9, 19], "normal", 4, {"stride": 3, "padding": 2, "divisor_override": 5}),
    ("avg_pool2d", [1, 2, 9, 19], "normal", 2, {"divisor_override": -3}),
    ("avg_pool2d", [1, 1, 7, 7], "normal", 4, {"stride": 3, "padding": 2, "ceil_mode": True, "count_include_pad": False}),
    ("avg_pool2d", [2, 8, 15], "normal", 3, {"stride": 2, "count_include_pad": False, "padding": 1}),
    ("avg_pool2d", [1, 2, 8, 17], "nan", 2, {"stride": 2}),
    ("avg_pool2d", [1, 2, 6, 40], "normal", [1, 3], {"stride": [1, 2], "padding": [0, 1]}),
    ("avg_pool3d", [1, 2, 5, 6, 7], "normal", 2, {}),
    ("avg_pool3d", [1, 2, 5, 6, 17], "normal", 3, {"stride": 2, "padding": 1}),
    ("avg_pool3d", [1, 2, 5, 6, 17], "normal", 3, {"stride": 2, "padding": 1, "count_include_pad": False}),
    ("avg_pool3d", [1, 2, 5, 5, 5], "normal", 3, {"stride": 2, "ceil_mode": True, "padding": 1}),
    ("avg_pool3d", [1, 2, 5, 5, 5], "normal", 3, {"stride": 2, "ceil_mode": True, "padding": 1, "count_include_pad": False}),
    ("avg_pool3d", [2, 1, 6, 5, 9], "normal", [2, 3, 2], {"stride": [1, 2, 3], "padding": [1, 1, 0], "divisor_override": 7}),
    ("avg_pool3d", [2, 4, 5, 6], "normal", [1, 2, 2], {}),
]

LP_POOL = [
    ("lp_pool1d", [2, 3, 17], "normal", 2, 3, {}),
    ("lp_pool1d", [2, 3, 17], "normal", 2, 3, {"stride": 2}),
    ("lp_pool1d", [1, 2, 16], "normal", 1, 2, {"stride": 1}),
    ("lp_pool1d", [1, 2, 16], "positive", 3, 3, {"stride": 2, "ceil_mode": True}),
    ("lp_pool1d", [1, 2, 16], "positive", 1.5, 4, {"stride": 3}),
    ("lp_pool1d", [3, 15], "normal", 2, 2, {}),
    ("lp_pool2d", [1, 2, 12, 24], "normal", 2, 2, {}),
    ("lp_pool2d", [2, 2, 11, 19], "normal", 2, 3, {"stride": 2}),
    ("lp_pool2d", [2, 2, 11, 19], "normal", 2, 3, {"stride": 2, "ceil_mode": True}),
    ("lp_pool2d", [1, 2, 9, 13], "normal", 1, [2, 3], {"stride": [1, 2]}),
    ("lp_pool2d", [1, 2, 9, 13], "positive", 3, 2, {"stride": 1}),
    ("lp_pool2d", [1, 2, 9, 13], "positive", 0.5, 3, {"stride": 2}),
    ("lp_pool2d", [1, 2, 9, 13], "normal", 1.5, 2, {}),
    ("lp_pool2d", [1, 2, 9, 13], "normal", INF, 2, {}),
    ("lp_pool2d", [2, 8, 9], "positive", 4, [3, 2], {"stride": [2, 1], "ceil_mode": True}),
]

ADAPTIVE = [
    ("adaptive_avg_pool1d", [2, 3, 17], "normal", 5, False),
    ("adaptive_avg_pool1d", [2, 3, 17], "normal", 1, False),
    ("adaptive_avg_pool1d", [1, 2, 7], "normal", 12, False),
    ("adaptive_avg_pool1d", [3, 19], "normal", 4, False),
    ("adaptive_avg_pool2d", [2, 3, 11, 23], "normal", [3, 5], False),
    ("adaptive_avg_pool2d", [2, 3, 11, 23], "normal", 1, False),
    ("adaptive_avg_pool2d", [1, 2, 5, 7], "normal", [9, 11], False),
    ("adaptive_avg_pool2d", [1, 2, 9, 14], "normal", [None, 4], False),
    ("adaptive_avg_pool2d", [1, 2, 9, 14], "normal", [4, None], False),
    ("adaptive_avg_pool2d", [2, 10, 13], "normal", [3, 7], False),
    ("adaptive_avg_pool2d", [1, 2, 8, 30], "normal", [2, 3], False),
    ("adaptive_avg_pool3d", [1, 2, 5, 6, 7], "normal", [2, 3, 4], False),
    ("adaptive_avg_pool3d", [1, 2, 5, 6, 7], "normal", 1, False),
    ("adaptive_avg_pool3d", [2, 4, 5, 6], "normal", [3, None, 2], False),
    ("adaptive_max_pool1d", [2, 3, 17], "normal", 5, True),
    ("adaptive_max_pool1d", [2, 3, 17], "normal", 5, False),
    ("adaptive_max_pool1d", [1, 2, 30], "nan", 3, True),
    ("adaptive_max_pool1d", [1, 2, 7], "normal", 12, True),
    ("adaptive_max_pool1d", [3, 40], "ties", 2, True),
    ("adaptive_max_pool2d", [2, 3, 11, 23], "normal", [3, 5], True),
    ("adaptive_max_pool2d", [2, 3, 11, 23], "normal", [3, 5], False),
    ("adaptive_max_pool2d", [2, 3, 11, 23], "normal", 1, True),
    ("adaptive_max_pool2d", [1, 2, 9, 30], "nan", [2, 3], True),
    ("adaptive_max_pool2d", [1, 2, 9, 30], "nan", [2, 3], False),
    ("adaptive_max_pool2d", [1, 2, 9, 30], "neginf", [4, 2], True),
    ("adaptive_max_pool2d", [1, 2, 9, 30], "allneginf", [4, 2], True),
    ("adaptive_max_pool2d", [1, 2, 8, 20], "ties", [3, 2], True),
    ("adaptive_max_pool2d", [1, 2, 9, 14], "normal", [None, 4], True),
    ("adaptive_max_pool2d", [2, 10, 13], "normal", [12, 17], True),
    ("adaptive_max_pool3d", [1, 2, 5, 6, 7], "normal", [2, 3, 4], True),
    ("adaptive_max_pool3d", [1, 2, 5, 6, 7], "normal", 1, False),
    ("adaptive_max_pool3d", [1, 2, 4, 5, 20], "nan", [2, 2, 3], True),
    ("adaptive_max_pool3d", [2, 4, 5, 6], "allneginf", [3, None, 2], True),
]

# Unpooling fed with pooling indices: (dims, input shape, kernel, pool options, unpool output_size or None)
UNPOOL = [
    (1, [2, 3, 16], 2, {}, None),
    (1, [2, 3, 17], 2, {}, [17]),
    (1, [1, 2, 17], 3, {"stride": 2, "padding": 1}, None),
    (1, [1, 2, 18], 3, {"stride": 2, "padding": 1}, [18]),
    (1, [3, 12], 3, {"stride": 1}, None),
    (2, [1, 2, 11, 23], 3, {"stride": 2, "padding": 1}, None),
    (2, [1, 2, 12, 24], 3, {"stride": 2, "padding": 1}, [12, 24]),
    (2, [2, 2, 9, 11], 2, {}, [9, 11]),
    (2, [2, 2, 8, 10], 2, {}, None),
    (2, [1, 2, 9, 11], [3, 2], {"stride": [2, 1]}, [10, 11]),
    (2, [1, 3, 7, 9], 3, {"stride": 1, "padding": 1}, None),
    (2, [3, 8, 8], 2, {}, [1, 3, 9, 9]),
    (3, [1, 2, 4, 6, 8], 2, {}, None),
    (3, [1, 2, 5, 7, 9], 2, {}, [5, 7, 9]),
    (3, [1, 1, 5, 6, 7], 3, {"stride": 2, "padding": 1}, [5, 6, 7]),
    (3, [2, 4, 4, 6], [1, 2, 3], {"stride": [1, 2, 2]}, [4, 4, 6]),
    (3, [2, 4, 4, 7], [1, 2, 3], {"stride": [1, 2, 2]}, None),
]


def add_case(w, fn, x, extra, out, indices=None, tol=None, note=None):
    case = {"fn": fn, "input": w.tensor(x), **extra, "expected": w.tensor(out)}
    if indices is not None:
        case["indices"] = w.tensor(indices)
    if tol is not None:
        case["tol"] = tol
    if note:
        case["note"] = note
    w.add(case)


def generate(w):
    for fn, shape, kind, k, opts in MAX_POOL:
        x = rand(w, shape, kind)
        r = getattr(F, fn)(f64(x), k, **opts)
        out, idx = r if opts.get("return_indices") else (r, None)
        add_case(w, fn, x, {"kernelSize": k, "options": js_options(opts), "kind": kind}, out, idx)

    for fn, shape, kind, k, opts in AVG_POOL:
        x = rand(w, shape, kind)
        out = getattr(F, fn)(f64(x), k, **opts)
        bound = sum_bound(getattr(F, fn)(f64(x).abs().nan_to_num(0.0), k, **opts))
        # Window sums of signed values can cancel: atol scales with the sum of |terms|.
        add_case(w, fn, x, {"kernelSize": k, "options": js_options(opts), "kind": kind}, out,
                 tol={"atol": bound, "rtol": 1e-4})

    for fn, shape, kind, p, k, opts in LP_POOL:
        x = rand(w, shape, kind)
        out = getattr(F, fn)(f64(x), p, k, **opts)
        ref = getattr(F, fn)(f64(x).abs(), p if math.isfinite(p) else 1.0, k, **opts)
        add_case(w, fn, x, {"normType": p if math.isfinite(p) else "Infinity", "kernelSize": k,
                            "options": js_options(opts), "kind": kind}, out,
                 tol={"atol": sum_bound(ref), "rtol": 1e-4})

    for fn, shape, kind, size, indices in ADAPTIVE:
        x = rand(w, shape, kind)
        if fn.startswith("adaptive_max"):
            r = getattr(F, fn)(f64(x), size, return_indices=indices)
            out, idx = r if indices else (r, None)
            add_case(w, fn, x, {"outputSize": size, "options": {"returnIndices": True} if indices else {}, "kind": kind}, out, idx)
        else:
            out = getattr(F, fn)(f64(x), size)
            bound = sum_bound(getattr(F, fn)(f64(x).abs(), size))
            add_case(w, fn, x, {"outputSize": size, "options": {}, "kind": kind}, out, tol={"atol": bound, "rtol": 1e-4})

    for dims, shape, k, opts, size in UNPOOL:
        x = rand(w, shape, "normal")
        pool = getattr(F, f"max_pool{dims}d")
        unpool = getattr(F, f"max_unpool{dims}d")
        pooled, idx = pool(f64(x), k, return_indices=True, **opts)
        uopts = {key: v for key, v in opts.items() if key in ("stride", "padding")}
        out = unpool(pooled, idx, k, output_size=size, **uopts)
        case_opts = js_options(uopts)
        if size is not None:
            case_opts["outputSize"] = size
        w.add({"fn": f"max_unpool{dims}d", "input": w.tensor(pooled), "indices": w.tensor(idx), "kernelSize": k,
               "options": case_opts, "expected": w.tensor(out), "poolInput": w.tensor(x), "poolOptions": js_options(opts)})

    # Duplicate indices: the value written last wins (PyTorch's sequential loop on CPU).
    vals = torch.tensor([[[[1.5, -2.0, 3.25], [4.0, 0.5, -1.0]]]])
    idx = torch.tensor([[[[5, 5, 0], [7, 5, 7]]]])
    out = F.max_unpool2d(f64(vals), idx, 2, output_size=[3, 5])
    w.add({"fn": "max_unpool2d", "input": w.tensor(vals), "indices": w.tensor(idx), "kernelSize": 2,
           "options": {"outputSize": [3, 5]}, "expected": w.tensor(out), "note": "duplicate indices: last write wins"})
