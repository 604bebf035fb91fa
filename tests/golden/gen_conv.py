"""Convolution and transposed convolution in 1, 2 and 3 dimensions.

Random configurations (channels, non-square kernels, stride, padding incl. "same"/"valid",
dilation, groups incl. depthwise, padding modes, output padding, outputSize, unbatched
inputs) plus hand-picked edge cases. Expected outputs are PyTorch's, computed in float64
from the float32 inputs. Each case stores `atol` = 1e-5 x the largest sum of |terms| of
one output (the float32 accumulation error grows with that sum), at least 1e-5.
"""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

MODES = ["zeros", "reflect", "replicate", "circular"]


def tup(v, nd):
    return list(v) if isinstance(v, (list, tuple)) else [v] * nd


def js_value(v):
    return list(v) if isinstance(v, tuple) else v


def atol_for(out_abs):
    return max(1e-5, 1e-5 * float(out_abs.max()) if out_abs.numel() else 1e-5)


def conv_module(nd, cin, cout, k, opts, mode):
    cls = [nn.Conv1d, nn.Conv2d, nn.Conv3d][nd - 1]
    return cls(cin, cout, k, stride=opts.get("stride", 1), padding=opts.get("padding", 0),
               dilation=opts.get("dilation", 1), groups=opts.get("groups", 1),
               bias=opts.get("bias", True), padding_mode=mode)


def add_conv(w, nd, n, cin, cout, size, k, opts, mode="zeros", api="F", unbatched=False, note=""):
    groups = opts.get("groups", 1)
    bias = opts.get("bias", True)
    x = torch.randn([n, cin] + size) if not unbatched else torch.randn([cin] + size)
    weight = torch.randn([cout, cin // groups] + tup(k, nd)) / math.sqrt(max(1, cin // groups * math.prod(tup(k, nd))))
    b = torch.randn(cout) * 0.5 if bias else None
    m = conv_module(nd, cin, cout, k, opts, mode).double()
    with torch.no_grad():
        m.weight.copy_(weight.double())
        if bias:
            m.bias.copy_(b.double())
        y = m(x.double())
        ma = conv_module(nd, cin, cout, k, opts, mode).double()
        ma.weight.copy_(weight.double().abs())
        if bias:
            ma.bias.copy_(b.double().abs())
        bound = ma(x.double().abs())
    f_opts = {key: js_value(v) for key, v in opts.items() if key in ("stride", "padding", "dilation", "groups")}
    w.add({
        "kind": "conv", "nd": nd, "api": api, "inChannels": cin, "outChannels": cout, "kernelSize": js_value(k),
        "options": f_opts, "bias": bias, "paddingMode": mode, "note": note,
        "input": w.tensor(x), "weight": w.tensor(weight), "biasValues": w.tensor(b) if bias else None,
        "expected": w.tensor(y.float()), "atol": atol_for(bound),
    })


def convt_module(nd, cin, cout, k, opts):
    cls = [nn.ConvTranspose1d, nn.ConvTranspose2d, nn.ConvTranspose3d][nd - 1]
    return cls(cin, cout, k, stride=opts.get("stride", 1), padding=opts.get("padding", 0),
               output_padding=opts.get("outputPadding", 0), groups=opts.get("groups", 1),
               bias=opts.get("bias", True), dilation=opts.get("dilation", 1))


def add_convt(w, nd, n, cin, cout, size, k, opts, api="F", unbatched=False, output_size=None, note=""):
    groups = opts.get("groups", 1)
    bias = opts.get("bias", True)
    x = torch.randn([n, cin] + size) if not unbatched else torch.randn([cin] + size)
    weight = torch.randn([cin, cout // groups] + tup(k, nd)) / math.sqrt(max(1, cin * math.prod(tup(k, nd)) // max(1, math.prod(tup(opts.get("stride", 1), nd)))))
    b = torch.randn(cout) * 0.5 if bias else None
    m = convt_module(nd, cin, cout, k, opts).double()
    with torch.no_grad():
        m.weight.copy_(weight.double())
        if bias:
            m.bias.copy_(b.double())
        y = m(x.double(), output_size) if output_size is not None else m(x.double())
        m.weight.copy_(weight.double().abs())
        if bias:
            m.bias.copy_(b.double().abs())
        bound = m(x.double().abs(), output_size) if output_size is not None else m(x.double().abs())
    f_opts = {key: js_value(v) for key, v in opts.items() if key in ("stride", "padding", "outputPadding", "groups", "dilation")}
    w.add({
        "kind": "convTranspose", "nd": nd, "api": api, "inChannels": cin, "outChannels": cout, "kernelSize": js_value(k),
        "options": f_opts, "bias": bias, "outputSize": output_size, "note": note,
        "input": w.tensor(x), "weight": w.tensor(weight), "biasValues": w.tensor(b) if bias else None,
        "expected": w.tensor(y.float()), "atol": atol_for(bound),
    })


def rand_conv(w, rng, nd):
    ri = lambda lo, hi: int(rng.integers(lo, hi + 1))  # noqa: E731
    kind = rng.choice(["plain", "groups", "depthwise"], p=[0.6, 0.25, 0.15])
    if kind == "plain":
        groups, cin, cout = 1, ri(1, 6), ri(1, 9)
    elif kind == "groups":
        groups = ri(2, 3)
        cin, cout = groups * ri(1, 3), groups * ri(1, 3)
    else:
        groups = ri(2, 6)
        cin, cout = groups, groups * ri(1, 2)
    kmax = [7, 5, 3][nd - 1]
    k = [ri(1, kmax) for _ in range(nd)]
    dil = [ri(1, 3) if rng.random() < 0.3 else 1 for _ in range(nd)]
    stride = [ri(1, 3) if rng.random() < 0.4 else 1 for _ in range(nd)]
    mode = str(rng.choice(MODES, p=[0.55, 0.15, 0.15, 0.15]))
    r = rng.random()
    if r < 0.12 and all(s == 1 for s in stride):
        padding = "same"
    elif r < 0.2:
        padding = "valid"
    else:
        padding = [ri(0, (dil[i] * (k[i] - 1) + 1) // 2 + 1) for i in range(nd)]
    smax = [40, 13, 7][nd - 1]
    size = []
    for i in range(nd):
        span = dil[i] * (k[i] - 1) + 1
        pads = 0 if padding in ("same", "valid") else 2 * padding[i]
        lo = max(1, span - pads)
        if mode == "reflect" and padding not in ("valid",):
            p = (span - 1) if padding == "same" else padding[i]
            lo = max(lo, p + 1)
        if mode == "circular" and padding not in ("valid",):
            p = (span - 1) if padding == "same" else padding[i]
            lo = max(lo, p)
        size.append(ri(lo, max(lo, smax)))
    opts = {"stride": stride[0] if len(set(stride)) == 1 and rng.random() < 0.5 else stride,
            "dilation": dil, "groups": groups, "bias": bool(rng.random() < 0.8)}
    if padding not in ("same", "valid") and len(set(padding)) == 1 and rng.random() < 0.5:
        padding = padding[0]
    opts["padding"] = padding
    api = "nn" if mode != "zeros" or rng.random() < 0.25 else "F"
    unbatched = bool(rng.random() < 0.1)
    n = ri(1, 3)
    add_conv(w, nd, n, cin, cout, size, k, opts, mode, api, unbatched, note=f"random {kind}")


def rand_convt(w, rng, nd):
    ri = lambda lo, hi: int(rng.integers(lo, hi + 1))  # noqa: E731
    groups = ri(2, 3) if rng.random() < 0.3 else 1
    if groups == 1 and rng.random() < 0.3:
        cin, cout = ri(9, 20), ri(1, 5)  # the GEMM + col2im path (more than 8 input channels)
    else:
        cin, cout = groups * ri(1, 4), groups * ri(1, 3)
    kmax = [6, 4, 3][nd - 1]
    k = [ri(1, kmax) for _ in range(nd)]
    stride = [ri(1, 3) for _ in range(nd)]
    dil = [ri(1, 2) if rng.random() < 0.3 else 1 for _ in range(nd)]
    padding = [ri(0, dil[i] * (k[i] - 1)) for i in range(nd)]
    out_pad = [ri(0, max(stride[i], dil[i]) - 1) if rng.random() < 0.4 else 0 for i in range(nd)]
    smax = [20, 9, 5][nd - 1]
    size = []
    for i in range(nd):
        # Output size must stay positive.
        lo = 1
        while (lo - 1) * stride[i] - 2 * padding[i] + dil[i] * (k[i] - 1) + out_pad[i] + 1 < 1:
            lo += 1
        size.append(ri(lo, max(lo, smax)))
    opts = {"stride": stride, "padding": padding, "outputPadding": out_pad, "groups": groups,
            "dilation": dil, "bias": bool(rng.random() < 0.8)}
    api = "nn" if rng.random() < 0.3 else "F"
    unbatched = bool(rng.random() < 0.1)
    output_size = None
    if api == "nn" and rng.random() < 0.4:
        opts["outputPadding"] = 0
        base = [(size[i] - 1) * stride[i] - 2 * padding[i] + dil[i] * (k[i] - 1) + 1 for i in range(nd)]
        output_size = [base[i] + ri(0, stride[i] - 1) for i in range(nd)]
        if min(base) < 1:
            output_size = None
    add_convt(w, nd, ri(1, 2), cin, cout, size, k, opts, api, unbatched, output_size, note="random")


def edge_cases(w):
    # kernel = input size, 1x1 inputs, stride > kernel, large dilation, odd sizes, 1x1 convs.
    add_conv(w, 2, 1, 3, 4, [5, 7], [5, 7], {}, note="kernel = input size")
    add_conv(w, 1, 2, 2, 3, [9], 9, {"padding": 0}, note="kernel = input size 1-D")
    add_conv(w, 3, 1, 2, 2, [3, 4, 2], [3, 4, 2], {}, note="kernel = input size 3-D")
    add_conv(w, 2, 2, 3, 5, [1, 1], 1, {}, note="1x1 input, 1x1 kernel")
    add_conv(w, 2, 1, 4, 3, [1, 1], 3, {"padding": 1}, note="1x1 input, padded 3x3 kernel")
    add_conv(w, 3, 1, 2, 3, [1, 1, 1], 1, {}, note="1x1x1 input")
    add_conv(w, 2, 1, 3, 4, [11, 13], 2, {"stride": 5}, note="stride larger than kernel")
    add_conv(w, 1, 1, 2, 2, [31], 3, {"stride": 7, "padding": 2}, note="stride larger than kernel 1-D")
    add_conv(w, 2, 1, 2, 3, [19, 21], 3, {"dilation": [6, 9]}, note="large dilation")
    add_conv(w, 1, 1, 3, 2, [50], 4, {"dilation": 15, "padding": 3}, note="large dilation 1-D")
    add_conv(w, 2, 3, 5, 7, [13, 17], [3, 5], {"padding": [1, 2]}, note="odd sizes")
    add_conv(w, 2, 1, 13, 17, [9, 11], 1, {}, note="pointwise, odd channels (GEMM edges)")
    add_conv(w, 2, 2, 20, 9, [6, 6], 1, {"groups": 1, "bias": False}, note="pointwise without bias")
    add_conv(w, 2, 1, 6, 9, [7, 5], 1, {"groups": 3}, note="grouped pointwise")
    add_conv(w, 2, 1, 8, 8, [7, 9], 1, {"stride": 2}, note="strided 1x1")
    add_conv(w, 2, 1, 7, 7, [10, 23], 3, {"groups": 7, "padding": 1}, note="depthwise 3x3")
    add_conv(w, 2, 2, 5, 10, [9, 18], [3, 5], {"groups": 5, "padding": [1, 2], "stride": [1, 2]}, note="depthwise multiplier 2, strided")
    add_conv(w, 1, 1, 6, 6, [37], 5, {"groups": 6, "padding": "same"}, note="depthwise 1-D same")
    add_conv(w, 3, 1, 4, 4, [5, 6, 7], 3, {"groups": 4, "padding": 1, "dilation": [1, 2, 1]}, note="depthwise 3-D")
    add_conv(w, 2, 1, 3, 4, [8, 8], [2, 4], {"padding": "same"}, note="same with even kernel (extra padding after)")
    add_conv(w, 2, 1, 3, 4, [8, 9], [4, 3], {"padding": "same", "dilation": [1, 2]}, mode="reflect", api="nn", note="same + reflect")
    add_conv(w, 2, 1, 2, 2, [5, 6], 3, {"padding": 2}, mode="circular", api="nn", note="circular padding = 2")
    add_conv(w, 2, 1, 2, 2, [3, 3], 3, {"padding": 3}, mode="circular", api="nn", note="circular padding = input size")
    add_conv(w, 2, 1, 2, 2, [4, 5], 3, {"padding": 3}, mode="reflect", api="nn", note="reflect padding = size - 1")
    add_conv(w, 2, 1, 2, 3, [4, 5], 3, {"padding": [4, 1]}, mode="replicate", api="nn", note="replicate padding larger than input")
    add_conv(w, 1, 3, 40, 36, [30], 3, {"padding": 1}, note="channels past the GEMM panels")
    add_conv(w, 2, 1, 30, 12, [9, 9], 3, {"padding": 1}, note="K = 270 crosses a K block")
    add_conv(w, 2, 1, 3, 3, [6, 6], 3, {"padding": 1}, api="F", unbatched=True, note="unbatched 2-D")
    add_conv(w, 1, 1, 3, 3, [8], 3, {}, api="nn", unbatched=True, note="unbatched 1-D module")
    add_conv(w, 3, 1, 2, 3, [4, 5, 6], 3, {"padding": 1}, api="F", unbatched=True, note="unbatched 3-D")
    add_conv(w, 2, 4, 2, 3, [5, 5], 3, {"padding": 1}, note="batch 4")
    add_convt(w, 2, 1, 3, 1, [9, 11], 3, {"stride": 2}, note="the tutorial's layer on a small image")
    add_convt(w, 2, 1, 3, 2, [3, 150], 3, {"stride": 2, "padding": 1, "outputPadding": 1}, note="long rows (direct method)")
    add_convt(w, 1, 2, 4, 3, [140], 4, {"stride": 3, "padding": 2, "dilation": 2}, note="long 1-D rows (direct method)")
    add_convt(w, 3, 1, 2, 2, [2, 2, 70], [2, 2, 3], {"stride": [1, 2, 1], "groups": 2}, note="long 3-D rows, grouped (direct method)")
    add_convt(w, 2, 1, 2, 8, [5, 6], 3, {"stride": 2, "padding": 1}, note="many outputs per input channel (direct method)")
    add_convt(w, 2, 1, 16, 8, [6, 5], 4, {"stride": 2, "padding": 1}, note="k4 s2 p1 up-sampling (GEMM path)")
    add_convt(w, 2, 1, 12, 4, [5, 7], [3, 2], {"stride": 1}, note="stride 1 (GEMM path)")
    add_convt(w, 1, 1, 10, 6, [13], 5, {"stride": 3, "padding": 2, "outputPadding": 2}, note="1-D GEMM path with output padding")
    add_convt(w, 3, 1, 10, 3, [3, 4, 3], 3, {"stride": 2, "padding": 1}, note="3-D GEMM path")
    add_convt(w, 2, 1, 2, 2, [1, 1], 3, {}, note="1x1 input")
    add_convt(w, 2, 1, 2, 3, [4, 4], 2, {"stride": 5}, note="stride larger than kernel (gaps)")
    add_convt(w, 2, 1, 18, 4, [4, 3], 2, {"stride": 4, "groups": 2}, note="stride larger than kernel, grouped GEMM path")
    add_convt(w, 2, 1, 4, 4, [5, 5], 3, {"dilation": 4, "padding": 2}, note="large dilation")
    add_convt(w, 2, 1, 4, 4, [5, 5], 3, {"stride": 2, "dilation": 3, "outputPadding": 2}, note="output padding < dilation")
    add_convt(w, 2, 1, 6, 6, [5, 6], 3, {"groups": 6, "stride": 2, "padding": 1}, note="depthwise transposed")
    add_convt(w, 2, 1, 3, 2, [4, 4], 3, {"stride": 2, "padding": 1}, api="nn", output_size=[8, 8], note="outputSize picks output padding")
    add_convt(w, 2, 1, 3, 2, [4, 4], 3, {"stride": 2, "padding": 1}, api="nn", output_size=[1, 2, 7, 8], note="outputSize with batch and channel")
    add_convt(w, 1, 1, 3, 2, [7], 3, {"stride": 2}, api="F", unbatched=True, note="unbatched 1-D")
    add_convt(w, 3, 1, 2, 2, [3, 3, 3], 2, {"stride": 2}, api="nn", unbatched=True, note="unbatched 3-D module")


def generate(w):
    rng = w.rng
    edge_cases(w)
    for nd, count in ((1, 30), (2, 40), (3, 18)):
        for _ in range(count):
            rand_conv(w, rng, nd)
    for nd, count in ((1, 15), (2, 20), (3, 10)):
        for _ in range(count):
            rand_convt(w, rng, nd)
    tutorial(w)
    winograd_cases(w)
    subpixel_cases(w)


def subpixel_cases(w):
    # Transposed convolutions with enough channels that wasm-nn computes them as one stacked
    # stride-1 convolution through the Winograd kernels (tests/subpixel.test.ts checks that
    # which shapes take that path), then interleaves the output phases.
    add_convt(w, 2, 1, 64, 32, [16, 16], 4, {"stride": 2, "padding": 1}, note="sub-pixel: k4 s2 p1 up-sampling")
    add_convt(w, 2, 2, 64, 16, [16, 16], 4, {"stride": 2, "padding": 1, "bias": False}, api="nn", note="sub-pixel: batch 2, no bias")
    add_convt(w, 2, 1, 64, 32, [16, 16], 4, {"stride": 2, "padding": 1}, api="nn", output_size=[33, 33],
              note="outputSize 33: a 17x17 stacked output would cost more, so the transposed method runs")
    add_convt(w, 2, 1, 64, 32, [16, 16], 3, {"stride": 1, "padding": 1}, note="sub-pixel: stride 1 (a flipped 3x3 convolution)")


def winograd_cases(w):
    # Shapes that take the Winograd paths (3x3 stride 1 with enough channels and pixels;
    # conv1d k5): odd sizes so the right and bottom tiles are partial, padding 0/1/2,
    # every padding mode, groups, batch 2, with and without bias, unbatched.
    add_conv(w, 2, 1, 16, 8, [11, 13], 3, {"padding": 1}, note="winograd 4x4: partial tiles on both edges")
    add_conv(w, 2, 1, 16, 8, [15, 14], 3, {"padding": 0, "bias": False}, note="winograd 4x4: no padding, no bias")
    add_conv(w, 2, 1, 12, 10, [12, 11], 3, {"padding": 2}, note="winograd 4x4: padding 2")
    add_conv(w, 2, 1, 32, 16, [12, 13], 3, {"padding": 1, "groups": 2}, note="winograd 4x4: groups 2")
    add_conv(w, 2, 2, 16, 8, [12, 13], 3, {"padding": 1}, note="winograd 4x4: batch 2")
    add_conv(w, 2, 1, 16, 8, [11, 13], 3, {"padding": 1}, mode="reflect", api="nn", note="winograd 4x4: reflect")
    add_conv(w, 2, 1, 16, 8, [9, 11], 3, {"padding": 2}, mode="circular", api="nn", note="winograd 4x4: circular padding 2")
    add_conv(w, 2, 1, 16, 8, [13, 12], 3, {"padding": 1, "bias": False}, mode="replicate", api="nn", note="winograd 4x4: replicate, no bias")
    add_conv(w, 2, 1, 16, 8, [13, 12], 3, {"padding": "same"}, unbatched=True, note="winograd 4x4: unbatched, same padding")
    add_conv(w, 2, 1, 32, 16, [4, 5], 3, {"padding": 1}, note="winograd 2x2: small image")
    add_conv(w, 2, 2, 32, 32, [5, 4], 3, {"padding": 1, "groups": 2, "bias": False}, note="winograd 2x2: groups 2, batch 2, no bias")
    add_conv(w, 2, 1, 32, 16, [6, 7], 3, {"padding": 0}, mode="reflect", api="nn", note="winograd 2x2: no padding")
    add_conv(w, 1, 1, 16, 8, [143], 5, {"padding": 2}, note="winograd 1-D F(4,5)")
    add_conv(w, 1, 1, 32, 16, [130], 5, {"padding": 0, "groups": 2, "bias": False}, note="winograd 1-D: groups 2, no bias")
    add_conv(w, 1, 2, 16, 8, [121], 5, {"padding": 3}, note="winograd 1-D: batch 2, padding 3")
    add_conv(w, 1, 1, 16, 8, [137], 5, {"padding": 2}, mode="reflect", api="nn", note="winograd 1-D: reflect")
    add_conv(w, 1, 1, 16, 8, [150], 5, {"padding": "same"}, mode="circular", api="nn", note="winograd 1-D: same, circular")
    add_conv(w, 2, 1, 16, 8, [5, 45], [1, 5], {"padding": [0, 2]}, note="winograd 1-D along the rows of a 2-D input")


def tutorial(w):
    # The tutorial's up-sampling layer: ConvTranspose2d(3, 1, 3, stride=2) with
    # xavier_normal_ weights on an RGB image in [0, 1]; a 24x136 crop keeps the fixture small
    # and its rows long like the real image's (the test also checks the full 512x512 size
    # against a plain reference).
    g = torch.Generator().manual_seed(1)
    img = torch.rand([1, 3, 24, 136], generator=g)
    conv = nn.ConvTranspose2d(3, 1, 3, stride=2)
    with torch.no_grad():
        torch.nn.init.xavier_normal_(conv.weight)
        m = nn.ConvTranspose2d(3, 1, 3, stride=2).double()
        m.weight.copy_(conv.weight.double())
        m.bias.copy_(conv.bias.double())
        y = m(img.double())
        m.weight.copy_(conv.weight.double().abs())
        m.bias.copy_(conv.bias.double().abs())
        bound = m(img.double())
    w.add({
        "kind": "tutorial", "input": w.tensor(img), "weight": w.tensor(conv.weight), "biasValues": w.tensor(conv.bias),
        "expected": w.tensor(y.float()), "atol": atol_for(bound),
    })
