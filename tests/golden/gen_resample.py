"""Resampling: F.interpolate in every mode PyTorch 1.13 has (nearest, nearest-exact,
linear, bilinear, bicubic, trilinear, area) with size or scale_factor, align_corners and
recompute_scale_factor, up and down, 1-D to 3-D; pixel shuffle and unshuffle.

Each case is one call: {"fn", "input", "options" (the API's camelCase names) or "factor",
"expected"}. tests/interpolate.test.ts replays each through F and through the module
(nn.Upsample, nn.PixelShuffle, nn.PixelUnshuffle). Expected values are computed in
float64 from the float32 inputs; the copies (nearest, pixel shuffle) are exact.
"""
import torch
import torch.nn.functional as F

from fixtures import f64

NAN = float("nan")
INF = float("inf")


def rand(shape, kind="normal"):
    t = torch.randn(shape)
    if kind == "special":
        flat = t.view(-1)
        for i, v in zip(range(0, flat.numel(), 5), [NAN, INF, -INF, -0.0, 1e30, -1e-40]):
            flat[i] = v
    return t.to(torch.float32)


def js(opts):
    names = {"scale_factor": "scaleFactor", "align_corners": "alignCorners", "recompute_scale_factor": "recomputeScaleFactor"}
    return {names.get(k, k): v for k, v in opts.items()}


# (input shape, options, kind)
INTERPOLATE = [
    # nearest, all ranks, size and scale (integer, fractional, per axis), up and down
    ([2, 3, 7], {"size": 12, "mode": "nearest"}, "normal"),
    ([2, 3, 9], {"scale_factor": 0.5, "mode": "nearest"}, "normal"),
    ([1, 2, 5], {"scale_factor": 2.5, "mode": "nearest"}, "normal"),
    ([2, 2, 5, 7], {"scale_factor": 2, "mode": "nearest"}, "special"),
    ([1, 3, 6, 9], {"size": [13, 5], "mode": "nearest"}, "normal"),
    ([1, 2, 5, 6], {"scale_factor": [1.5, 2.2], "mode": "nearest"}, "normal"),
    ([1, 2, 5, 6], {"scale_factor": [1.5, 2.2], "mode": "nearest", "recompute_scale_factor": True}, "normal"),
    ([1, 2, 5, 5], {"scale_factor": 2.1, "mode": "nearest"}, "normal"),
    # One channel: PyTorch runs its channels-last nearest kernel, whose index shortcuts
    # (same size copies, double size halves) ignore the scale factor; 3-D inputs never do.
    ([1, 1, 5, 5], {"scale_factor": 2.1, "mode": "nearest"}, "normal"),
    ([2, 1, 6, 4], {"scale_factor": [1.05, 2.2], "mode": "nearest"}, "normal"),
    ([1, 1, 6], {"scale_factor": 1.05, "mode": "nearest"}, "normal"),
    ([1, 1, 3, 5, 4], {"scale_factor": [2.1, 1.1, 1.9], "mode": "nearest"}, "normal"),
    ([1, 2, 3, 4, 5], {"size": [5, 3, 8], "mode": "nearest"}, "normal"),
    ([1, 1, 2, 3, 4], {"scale_factor": 2, "mode": "nearest"}, "special"),
    # nearest-exact
    ([2, 2, 9], {"scale_factor": 1.7, "mode": "nearest-exact"}, "normal"),
    ([1, 3, 5, 6], {"size": [11, 4], "mode": "nearest-exact"}, "normal"),
    ([1, 2, 8, 9], {"scale_factor": 0.3, "mode": "nearest-exact"}, "normal"),
    ([1, 1, 3, 4, 5], {"scale_factor": [2, 0.5, 1.5], "mode": "nearest-exact"}, "normal"),
    # linear (3-D input)
    ([2, 3, 6], {"size": 13, "mode": "linear"}, "normal"),
    ([2, 3, 6], {"size": 13, "mode": "linear", "align_corners": True}, "normal"),
    ([1, 2, 11], {"size": 4, "mode": "linear"}, "normal"),
    ([1, 2, 5], {"scale_factor": 1.3, "mode": "linear"}, "normal"),
    ([1, 2, 5], {"scale_factor": 1.3, "mode": "linear", "recompute_scale_factor": True}, "normal"),
    ([1, 2, 5], {"scale_factor": 1.1, "mode": "linear"}, "normal"),
    ([1, 2, 7], {"size": 1, "mode": "linear", "align_corners": True}, "normal"),
    ([1, 3, 9], {"scale_factor": 3, "mode": "linear"}, "special"),
    # bilinear (4-D)
    ([1, 3, 7, 9], {"scale_factor": 2, "mode": "bilinear"}, "normal"),
    ([1, 3, 7, 9], {"scale_factor": 2, "mode": "bilinear", "align_corners": True}, "normal"),
    ([2, 2, 6, 17], {"size": [13, 40], "mode": "bilinear"}, "normal"),
    ([1, 2, 12, 15], {"size": [5, 4], "mode": "bilinear"}, "normal"),
    ([1, 2, 12, 15], {"size": [5, 4], "mode": "bilinear", "align_corners": True}, "normal"),
    ([1, 2, 5, 6], {"scale_factor": [1.7, 3.3], "mode": "bilinear"}, "normal"),
    ([1, 2, 5, 6], {"scale_factor": [1.7, 3.3], "mode": "bilinear", "recompute_scale_factor": True}, "normal"),
    ([1, 2, 8, 8], {"scale_factor": 0.75, "mode": "bilinear"}, "normal"),
    ([1, 1, 1, 1], {"size": [3, 5], "mode": "bilinear"}, "normal"),
    ([1, 2, 4, 6], {"size": [4, 6], "mode": "bilinear"}, "special"),
    ([1, 2, 4, 5], {"scale_factor": 4, "mode": "bilinear"}, "special"),
    ([1, 1, 3, 3], {"size": [1, 1], "mode": "bilinear", "align_corners": True}, "normal"),
    # bicubic (4-D)
    ([1, 2, 5, 7], {"scale_factor": 2, "mode": "bicubic"}, "normal"),
    ([1, 2, 5, 7], {"scale_factor": 2, "mode": "bicubic", "align_corners": True}, "normal"),
    ([1, 2, 11, 13], {"size": [4, 6], "mode": "bicubic"}, "normal"),
    ([2, 1, 4, 6], {"size": [9, 17], "mode": "bicubic"}, "normal"),
    ([1, 1, 6, 6], {"scale_factor": [1.5, 0.7], "mode": "bicubic"}, "normal"),
    ([1, 1, 2, 2], {"size": [7, 5], "mode": "bicubic"}, "normal"),
    ([1, 2, 4, 4], {"scale_factor": 2.5, "mode": "bicubic"}, "special"),
    # trilinear (5-D)
    ([1, 2, 3, 4, 5], {"scale_factor": 2, "mode": "trilinear"}, "normal"),
    ([1, 2, 3, 4, 5], {"scale_factor": 2, "mode": "trilinear", "align_corners": True}, "normal"),
    ([1, 1, 6, 5, 7], {"size": [3, 8, 4], "mode": "trilinear"}, "normal"),
    ([2, 1, 2, 3, 3], {"scale_factor": [1.5, 2.5, 1.2], "mode": "trilinear"}, "normal"),
    ([1, 1, 2, 3, 4], {"scale_factor": 2, "mode": "trilinear"}, "special"),
    # area = adaptive average pooling
    ([2, 3, 10], {"size": 4, "mode": "area"}, "normal"),
    ([1, 2, 9, 11], {"size": [4, 3], "mode": "area"}, "normal"),
    ([1, 2, 4, 5], {"size": [7, 9], "mode": "area"}, "normal"),
    ([1, 2, 9, 10], {"scale_factor": 0.5, "mode": "area"}, "normal"),
    ([1, 1, 4, 6, 5], {"size": [2, 3, 2], "mode": "area"}, "normal"),
]

# (fn, input shape, factor)
SHUFFLE = [
    ("pixel_shuffle", [1, 8, 3, 4], 2),
    ("pixel_shuffle", [2, 18, 2, 3], 3),
    ("pixel_shuffle", [12, 3, 2], 2),
    ("pixel_shuffle", [2, 2, 8, 2, 3], 2),
    ("pixel_shuffle", [1, 5, 3, 3], 1),
    ("pixel_unshuffle", [1, 2, 6, 4], 2),
    ("pixel_unshuffle", [2, 1, 9, 6], 3),
    ("pixel_unshuffle", [3, 4, 8], 2),
    ("pixel_unshuffle", [2, 2, 1, 4, 6], 2),
]


def generate(w):
    for shape, opts, kind in INTERPOLATE:
        x = rand(shape, kind)
        out = F.interpolate(f64(x), **opts)
        # Linear and cubic sums: the float32 rounding of the input scales with |x|; the
        # special inputs (1e30 next to 1) are compared as PyTorch computes them.
        w.add({"fn": "interpolate", "input": w.tensor(x), "options": js(opts), "kind": kind, "expected": w.tensor(out)})
    for fn, shape, r in SHUFFLE:
        x = rand(shape)
        out = getattr(F, fn)(x, r)
        w.add({"fn": fn, "input": w.tensor(x), "factor": r, "expected": w.tensor(out)})
