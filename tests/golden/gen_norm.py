"""Batch, layer, group and instance normalisation: every F function with every option
(eval and training, running estimates updated in place, momentum, eps, missing weight or
bias), inputs with a large mean against their spread (where a one-pass float32 variance
fails), NaN and infinities, and module sequences (train steps, eval, momentum=None,
affine=False, trackRunningStats=False, unbatched instance norm, loading a state dict with
num_batches_tracked).

F cases: {"fn", "input", "args", "options" (tensor options as {"$t": name}), "tensors",
"expected", "after" (running estimates after the call)}. Module cases: {"module",
"args", "options", "load" (a state dict to load first), "steps" ([{"train", "input",
"expected"}]), "state" (the state dict at the end)}.
Expected values are computed in float64 from the float32 inputs.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F

from fixtures import f64

NAN = float("nan")
INF = float("inf")


def data(w, shape, kind="normal"):
    if kind == "normal":
        t = torch.randn(shape)
    elif kind == "large_mean":
        t = torch.randn(shape) + 1e4  # mean 1e4, std 1
    elif kind == "mixed":
        # channels of very different scales and offsets
        t = torch.randn(shape)
        if len(shape) >= 2:
            for c in range(shape[1]):
                t[:, c] = t[:, c] * 10.0 ** (c % 5 - 2) + 50.0 * (c % 3)
    elif kind == "nan":
        t = torch.randn(shape)
        t.view(-1)[3] = NAN
    elif kind == "inf":
        t = torch.randn(shape)
        t.view(-1)[1] = INF
    elif kind == "outlier":
        t = torch.randn(shape)
        t.view(-1)[t.numel() // 2] = 1e8
    else:
        raise ValueError(kind)
    return t.to(torch.float32)


def positive(shape):
    return (torch.rand(shape) + 0.5).to(torch.float32)


class Case:
    """Collects the tensors of one F case; `opt` marks a tensor option."""

    def __init__(self, w):
        self.w = w
        self.tensors = {}

    def t(self, name, value):
        self.tensors[name] = value
        return {"$t": name}


def add_f(w, fn, x, args, options, tensors, expected, after=None, note=None):
    case = {"fn": fn, "input": w.tensor(x), "args": args, "options": options,
            "tensors": {k: w.tensor(v) for k, v in tensors.items()}, "expected": w.tensor(expected)}
    if after:
        case["after"] = {k: w.tensor(v) for k, v in after.items()}
    if note:
        case["note"] = note
    w.add(case)


# (input shape, kind, weight, bias, training, momentum, eps, running estimates given)
BATCH_NORM = [
    ([4, 3, 5, 5], "normal", True, True, False, None, None, True),
    ([6, 4], "normal", True, True, False, None, None, True),
    ([3, 4, 7], "normal", False, False, False, None, None, True),
    ([2, 2, 3, 4, 3], "normal", True, False, False, None, None, True),
    ([2, 3, 4, 4], "normal", False, True, False, None, 0.1, True),
    ([4, 3, 5, 5], "normal", True, True, True, 0.2, None, True),
    ([8, 5], "normal", False, False, True, None, 1e-3, True),
    ([16, 9], "normal", True, True, True, None, None, True),
    ([2, 3, 3, 4, 2], "normal", True, True, True, None, None, True),
    ([5, 3, 6], "normal", True, True, True, None, None, False),
    ([4, 3, 6, 6], "large_mean", False, False, True, None, None, True),
    ([4, 3, 6, 6], "large_mean", True, True, False, None, None, True),
    ([32, 6], "large_mean", True, True, True, 0.5, None, True),
    ([3, 5, 7, 9], "mixed", True, True, True, 1.0, None, True),
    ([3, 5, 33], "outlier", True, True, True, 0.0, None, True),
    ([2, 3, 4, 4], "nan", True, True, True, None, None, False),
    ([2, 3, 4, 4], "inf", True, True, False, None, None, True),
    ([1, 7, 1, 1], "normal", True, True, False, None, None, True),
    ([0, 3, 4], "normal", True, True, True, None, None, True),
    ([2, 17, 13], "normal", True, True, True, 0.3, None, True),
]

# (input shape, normalized shape, kind, weight, bias, eps)
LAYER_NORM = [
    ([4, 8], [8], "normal", True, True, None),
    ([2, 3, 4, 5], [4, 5], "normal", True, True, None),
    ([2, 3, 4, 5], [3, 4, 5], "normal", False, False, None),
    ([3, 10], 10, "normal", False, False, None),
    ([5, 6], [6], "normal", True, False, None),
    ([5, 6], [6], "normal", False, True, None),
    ([2, 3, 7], [7], "normal", True, True, 1e-3),
    ([6, 64], [64], "large_mean", False, False, None),
    ([3, 768], [768], "large_mean", True, True, None),
    ([4, 197, 33], [33], "mixed", True, True, None),
    ([3, 1000], [1000], "outlier", True, True, None),
    ([3, 9], [9], "nan", False, False, None),
    ([3, 9], [9], "inf", True, True, None),
    ([7], [7], "normal", True, True, None),
    ([4, 1], [1], "normal", True, True, None),
    ([2, 5, 3], [5, 3], "normal", True, True, 0.5),
]

# (input shape, groups, kind, affine, eps)
GROUP_NORM = [
    ([2, 6, 4, 4], 3, "normal", True, None),
    ([2, 8, 5], 4, "normal", True, None),
    ([3, 4, 3, 3], 2, "normal", False, None),
    ([2, 6, 7], 1, "normal", True, None),
    ([2, 6, 3, 3], 6, "normal", False, None),
    ([2, 4, 2, 3, 2], 2, "normal", True, None),
    ([2, 4, 5, 5], 2, "normal", True, 0.01),
    ([5, 6], 3, "normal", True, None),
    ([2, 8, 4, 4], 4, "large_mean", True, None),
    ([2, 10, 9], 5, "mixed", True, None),
    ([2, 4, 6], 2, "nan", False, None),
    ([1, 32, 7, 7], 8, "normal", True, None),
]

# (input shape, kind, weight, bias, running given, useInputStats, momentum, eps)
INSTANCE_NORM = [
    ([2, 3, 5, 5], "normal", False, False, False, True, None, None),
    ([2, 3, 5, 5], "normal", True, True, False, True, None, None),
    ([2, 4, 9], "normal", False, False, False, True, None, 1e-3),
    ([2, 3, 5, 5], "normal", True, True, True, False, None, None),
    ([2, 3, 5, 5], "normal", False, False, True, True, 0.2, None),
    ([3, 2, 3, 4, 5], "normal", True, True, True, True, None, None),
    ([2, 3, 6, 6], "large_mean", False, False, True, True, None, None),
    ([2, 5, 17], "mixed", True, True, False, True, None, None),
    ([2, 3], "normal", False, False, True, False, None, None),
]


def generate(w):
    for shape, kind, has_w, has_b, training, momentum, eps, running in BATCH_NORM:
        x = data(w, shape, kind)
        c = shape[1]
        tensors, options = {}, {}
        if has_w:
            tensors["w"] = torch.randn(c)
            options["weight"] = {"$t": "w"}
        if has_b:
            tensors["b"] = torch.randn(c)
            options["bias"] = {"$t": "b"}
        if training:
            options["training"] = True
        if momentum is not None:
            options["momentum"] = momentum
        if eps is not None:
            options["eps"] = eps
        rm = rv = None
        if running:
            tensors["rm"] = torch.randn(c) * 0.5
            tensors["rv"] = positive(c)
            rm, rv = f64(tensors["rm"]).clone(), f64(tensors["rv"]).clone()
        out = F.batch_norm(f64(x), rm, rv, f64(tensors["w"]) if has_w else None, f64(tensors["b"]) if has_b else None,
                           training=training, momentum=0.1 if momentum is None else momentum,
                           eps=1e-5 if eps is None else eps)
        after = {"rm": rm, "rv": rv} if running and training else None
        args = [{"$t": "rm"}, {"$t": "rv"}] if running else [None, None]
        add_f(w, "batchNorm", x, args, options, tensors, out, after, kind)

    for shape, ns, kind, has_w, has_b, eps in LAYER_NORM:
        x = data(w, shape, kind)
        nshape = [ns] if isinstance(ns, int) else ns
        tensors, options = {}, {}
        if has_w:
            tensors["w"] = torch.randn(nshape)
            options["weight"] = {"$t": "w"}
        if has_b:
            tensors["b"] = torch.randn(nshape)
            options["bias"] = {"$t": "b"}
        if eps is not None:
            options["eps"] = eps
        out = F.layer_norm(f64(x), nshape, f64(tensors["w"]) if has_w else None, f64(tensors["b"]) if has_b else None,
                           eps=1e-5 if eps is None else eps)
        add_f(w, "layerNorm", x, [ns], options, tensors, out, note=kind)

    for shape, groups, kind, affine, eps in GROUP_NORM:
        x = data(w, shape, kind)
        c = shape[1]
        tensors, options = {}, {}
        if affine:
            tensors["w"] = torch.randn(c)
            tensors["b"] = torch.randn(c)
            options = {"weight": {"$t": "w"}, "bias": {"$t": "b"}}
        if eps is not None:
            options["eps"] = eps
        out = F.group_norm(f64(x), groups, f64(tensors["w"]) if affine else None, f64(tensors["b"]) if affine else None,
                           eps=1e-5 if eps is None else eps)
        add_f(w, "groupNorm", x, [groups], options, tensors, out, note=kind)

    for shape, kind, has_w, has_b, running, use_input, momentum, eps in INSTANCE_NORM:
        x = data(w, shape, kind)
        c = shape[1]
        tensors, options = {}, {}
        if has_w:
            tensors["w"] = torch.randn(c)
            options["weight"] = {"$t": "w"}
        if has_b:
            tensors["b"] = torch.randn(c)
            options["bias"] = {"$t": "b"}
        rm = rv = None
        if running:
            tensors["rm"] = torch.randn(c) * 0.5
            tensors["rv"] = positive(c)
            rm, rv = f64(tensors["rm"]).clone(), f64(tensors["rv"]).clone()
            options["runningMean"] = {"$t": "rm"}
            options["runningVar"] = {"$t": "rv"}
        if not use_input:
            options["useInputStats"] = False
        if momentum is not None:
            options["momentum"] = momentum
        if eps is not None:
            options["eps"] = eps
        out = F.instance_norm(f64(x), rm, rv, f64(tensors["w"]) if has_w else None, f64(tensors["b"]) if has_b else None,
                              use_input_stats=use_input, momentum=0.1 if momentum is None else momentum,
                              eps=1e-5 if eps is None else eps)
        after = {"rm": rm, "rv": rv} if running and use_input else None
        add_f(w, "instanceNorm", x, [], options, tensors, out, after, kind)

    modules(w)
    model(w)


def js_opts(opts):
    names = {"track_running_stats": "trackRunningStats", "elementwise_affine": "elementwiseAffine"}
    return {names.get(k, k): v for k, v in opts.items()}


def state(w, m):
    out = {}
    for k, v in m.state_dict().items():
        out[k] = w.tensor(v if v.dtype == torch.int64 else v.to(torch.float32))
    return out


def add_module(w, cls, args, opts, plan, load=None, note=None):
    """plan: a list of ("train" | "eval", input shape, kind)."""
    torch_m = getattr(nn, cls)(*args, **opts)
    loaded = None
    if load:
        sd = torch_m.state_dict()
        for k in sd:
            if k == "num_batches_tracked":
                sd[k] = torch.tensor(load)
            elif k.startswith("running_var"):
                sd[k] = positive(sd[k].shape)
            else:
                sd[k] = torch.randn(sd[k].shape)
        torch_m.load_state_dict(sd)
        loaded = state(w, torch_m)
    torch_m = torch_m.double()
    steps = []
    for mode, shape, kind in plan:
        x = data(w, shape, kind)
        torch_m.train(mode == "train")
        y = torch_m(f64(x))
        steps.append({"train": mode == "train", "input": w.tensor(x), "expected": w.tensor(y)})
    case = {"module": cls, "args": args, "options": js_opts(opts), "steps": steps, "state": state(w, torch_m)}
    if loaded:
        case["load"] = loaded
    if note:
        case["note"] = note
    w.add(case)


def modules(w):
    add_module(w, "BatchNorm2d", [3], {}, [("train", [4, 3, 5, 5], "normal"), ("train", [4, 3, 5, 5], "normal"), ("eval", [2, 3, 5, 5], "normal")])
    add_module(w, "BatchNorm2d", [4], {"momentum": 0.3}, [("eval", [2, 4, 3, 3], "normal")], load=7)
    add_module(w, "BatchNorm1d", [5], {}, [("train", [6, 5], "normal"), ("eval", [3, 5], "normal")], load=2)
    add_module(w, "BatchNorm1d", [4], {"momentum": 0.3, "eps": 1e-3}, [("train", [3, 4, 6], "normal"), ("train", [3, 4, 6], "large_mean"), ("eval", [2, 4, 5], "large_mean")])
    add_module(w, "BatchNorm3d", [2], {}, [("eval", [2, 2, 3, 3, 3], "normal")], load=11)
    add_module(w, "BatchNorm3d", [3], {"momentum": 0.5}, [("train", [2, 3, 2, 3, 4], "normal")])
    add_module(w, "BatchNorm2d", [3], {"affine": False}, [("train", [2, 3, 4, 4], "normal"), ("eval", [2, 3, 4, 4], "normal")], load=4)
    add_module(w, "BatchNorm2d", [3], {"track_running_stats": False}, [("train", [3, 3, 4, 3], "normal"), ("eval", [3, 3, 4, 3], "normal")])
    add_module(w, "BatchNorm2d", [3], {"momentum": None}, [("train", [4, 3, 3, 3], "normal"), ("train", [4, 3, 3, 3], "normal"), ("eval", [1, 3, 3, 3], "normal")], load=3)
    add_module(w, "BatchNorm2d", [3], {"momentum": None}, [("train", [4, 3, 3, 3], "normal"), ("train", [2, 3, 3, 3], "normal")], note="fresh counter: 1/1 then 1/2")
    add_module(w, "BatchNorm1d", [6], {"affine": False, "momentum": None, "track_running_stats": True}, [("train", [10, 6], "mixed")])
    add_module(w, "LayerNorm", [8], {}, [("train", [4, 8], "normal")], load=True)
    add_module(w, "LayerNorm", [[3, 4]], {"elementwise_affine": False}, [("train", [2, 3, 4], "normal")])
    add_module(w, "LayerNorm", [[5]], {"eps": 1e-3}, [("eval", [2, 3, 5], "normal")], load=True)
    add_module(w, "GroupNorm", [2, 4], {}, [("train", [2, 4, 3, 3], "normal")], load=True)
    add_module(w, "GroupNorm", [3, 6], {"affine": False}, [("train", [2, 6, 5], "normal")])
    add_module(w, "GroupNorm", [1, 3], {"eps": 0.1}, [("train", [2, 3, 4, 4, 2], "normal")], load=True)
    add_module(w, "InstanceNorm1d", [3], {}, [("train", [2, 3, 7], "normal")])
    add_module(w, "InstanceNorm1d", [4], {"affine": True}, [("train", [4, 9], "normal")], load=True, note="unbatched [C, L]")
    add_module(w, "InstanceNorm2d", [3], {"affine": True}, [("train", [2, 3, 4, 4], "normal")], load=True)
    add_module(w, "InstanceNorm2d", [2], {"track_running_stats": True}, [("train", [3, 2, 4, 4], "normal"), ("eval", [2, 2, 4, 4], "normal")])
    add_module(w, "InstanceNorm2d", [2], {"track_running_stats": True, "momentum": 0.4, "affine": True}, [("train", [2, 4, 4], "normal"), ("eval", [2, 4, 4], "normal")], note="unbatched [C, H, W]")
    add_module(w, "InstanceNorm3d", [2], {}, [("train", [2, 2, 3, 3, 3], "normal"), ("eval", [2, 3, 3, 3], "normal")])


def model(w):
    """A small CNN with every normalisation, trained for a few batches so that its running
    estimates and num_batches_tracked (int64 in the file) are not the initial ones; its
    state dict goes to norm_model.safetensors and its eval output to the fixture."""
    import os
    import sys

    from fixtures import HERE
    sys.path.insert(0, os.path.join(HERE, "..", "..", "tools"))
    from export_safetensors import save_file

    net = nn.Sequential(
        nn.Conv2d(3, 8, 3, padding=1), nn.BatchNorm2d(8), nn.ReLU(),
        nn.Conv2d(8, 8, 3, padding=1), nn.GroupNorm(2, 8), nn.ReLU(),
        nn.InstanceNorm2d(8, affine=True, track_running_stats=True), nn.Dropout2d(0.3),
        nn.Flatten(2), nn.LayerNorm(36), nn.Dropout(0.5),
    )
    with torch.no_grad():
        for p in net.parameters():
            p.add_(torch.randn(p.shape) * 0.1)
        net.train()
        for _ in range(3):
            net(torch.randn(4, 3, 6, 6) * 2 + 1)
    net.eval()
    save_file(net, os.path.join(HERE, "fixtures", "norm_model.safetensors"))
    x = data(w, [2, 3, 6, 6])
    with torch.no_grad():
        y = net.double()(f64(x))
    w.add({"kind": "model", "file": "norm_model.safetensors", "keys": list(net.state_dict().keys()),
           "input": w.tensor(x), "expected": w.tensor(y)})
