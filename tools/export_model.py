#!/usr/bin/env python3
"""Exports a PyTorch model for wasm-nn: a JSON graph plus its weights as safetensors.

Needs only PyTorch 1.13 or later (Debian: apt-get install python3-torch). From Python:

    import sys; sys.path.insert(0, "tools")
    from export_model import export
    export(model, torch.randn(1, 3, 224, 224), "out/resnet18")   # out/resnet18.json + .safetensors

From the command line, with a factory function that returns the model:

    python3 tools/export_model.py models.py:make_net out/net --input-shape 1,3,224,224

Then in JavaScript: `const net = nn.loadModel(graphJson, safetensorsBytes)` (or
`await loadModelFile("out/net")` from "wasm-nn/node") and `net.forward(x)`.

The model is traced in eval mode with torch.fx. The tracer runs the example input
alongside, so a forward that computes with sizes (x.size(), x.shape, unpacking, chunk,
view with computed sizes, even `if` on a size) exports: those sizes become constants, and
the graph is specialised to the example input's shape wherever the forward used one.
Every op that has no wasm-nn equivalent is collected, and export fails with one error
listing all of them. The format is described in docs/model-format.md.
"""
import argparse
import importlib.util
import json
import math
import operator
import os
import sys

import torch
import torch.fx
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from export_safetensors import to_bytes  # noqa: E402

FORMAT = "wasm-nn-graph"
VERSION = 1


class UnsupportedOpsError(Exception):
    """Raised by export() with every op the graph uses that wasm-nn cannot run."""

    def __init__(self, ops):
        self.ops = ops
        lines = "\n".join(f"  - {op}" for op in ops)
        super().__init__(
            f"export_model: the model uses {len(ops)} op(s) wasm-nn cannot run:\n{lines}\n"
            "Rewrite that part of forward with supported ops, or keep it outside the exported module "
            "(see docs/model-format.md)."
        )


# ---------------------------------------------------------------- tracing with sizes


class _ValueProxy(torch.fx.Proxy):
    """A proxy that also knows the value the example input gives it.

    Sizes, ranks, lengths and iteration are answered from that value, so the forward's
    Python code computes with plain ints and only tensor work becomes graph nodes.
    """

    _CONCRETE = ("shape", "size", "dim", "ndim", "numel", "dtype", "device", "is_cuda", "nelement")

    def __getattr__(self, k):
        if k in _ValueProxy._CONCRETE:
            return getattr(self.node.meta["value"], k)
        return super().__getattr__(k)

    def __len__(self):
        return len(self.node.meta["value"])

    def __iter__(self):
        return iter([self[i] for i in range(len(self.node.meta["value"]))])

    def __bool__(self):
        value = self.node.meta["value"]
        if isinstance(value, torch.Tensor):
            return super().__bool__()  # data-dependent control flow stays an error
        return bool(value)


def _value(a):
    return torch.fx.node.map_aggregate(a, lambda v: v.node.meta["value"] if isinstance(v, torch.fx.Proxy) else v)


class _SizeTracer(torch.fx.Tracer):
    def __init__(self, example_inputs):
        super().__init__()
        self.examples = list(example_inputs)

        # While the example values are computed, modules run as plain PyTorch: the tracer's
        # patched Module.__call__ and __getattr__ pass straight through.
        self._running = False

    def proxy(self, node):
        return _ValueProxy(node, self)

    def call_module(self, m, forward, args, kwargs):
        if self._running:
            return forward(*args, **kwargs)
        return super().call_module(m, forward, args, kwargs)

    def getattr(self, attr, attr_val, parameter_proxy_cache):
        if self._running:
            return attr_val
        return super().getattr(attr, attr_val, parameter_proxy_cache)

    def _run(self, fn):
        self._running = True
        try:
            return fn()
        finally:
            self._running = False

    def create_proxy(self, kind, target, args, kwargs, name=None, type_expr=None, proxy_factory_fn=None):
        proxy = super().create_proxy(kind, target, args, kwargs, name, type_expr, proxy_factory_fn)
        proxy.node.meta["value"] = self._run(lambda: self._compute(proxy, kind, target, _value(args), _value(kwargs)))
        return proxy

    def _compute(self, proxy, kind, target, a, kw):
        if kind == "placeholder":
            index = sum(1 for n in proxy.node.graph.nodes if n.op == "placeholder") - 1
            value = self.examples[index] if index < len(self.examples) else (a[0] if a else None)
        elif kind == "call_module":
            value = self.root.get_submodule(target)(*a, **kw)
        elif kind == "call_function":
            value = target(*a, **kw)
        elif kind == "call_method":
            value = getattr(a[0], target)(*a[1:], **kw)
        elif kind == "get_attr":
            value = operator.attrgetter(target)(self.root)
        else:
            value = None
        return value


def trace(model, example_inputs):
    """A torch.fx GraphModule of `model` whose nodes carry the example run's values in meta["value"]."""
    tracer = _SizeTracer(example_inputs)
    with torch.no_grad():
        graph = tracer.trace(model)
    return torch.fx.GraphModule(model, graph)


# ---------------------------------------------------------------- modules


def _list(v, n=None):
    if isinstance(v, (tuple, list)):
        return [_plain(x) for x in v]
    return [_plain(v)] * n if n else _plain(v)


def _plain(v):
    if isinstance(v, bool) or v is None or isinstance(v, str):
        return v
    if isinstance(v, int):
        return int(v)
    if isinstance(v, float):
        if not math.isfinite(v):
            raise _Unsupported(f"the non-finite constant {v}")
        return v
    if isinstance(v, (tuple, list, torch.Size)):
        return [_plain(x) for x in v]
    raise _Unsupported(f"the constant {v!r} ({type(v).__name__})")


class _Unsupported(Exception):
    pass


def _conv(m):
    dims = len(m.kernel_size)
    opts = {
        "stride": _list(m.stride), "padding": m.padding if isinstance(m.padding, str) else _list(m.padding),
        "dilation": _list(m.dilation), "groups": m.groups, "bias": m.bias is not None,
    }
    if isinstance(m, nn.modules.conv._ConvTransposeNd):
        opts["outputPadding"] = _list(m.output_padding)
        if m.padding_mode != "zeros":
            raise _Unsupported(f"{type(m).__name__} with padding_mode={m.padding_mode!r}")
    elif m.padding_mode != "zeros":
        opts["paddingMode"] = m.padding_mode
    return [m.in_channels, m.out_channels, _list(m.kernel_size)], opts, dims


def _max_pool(m):
    return [_plain(m.kernel_size)], {"stride": _plain(m.stride), "padding": _plain(m.padding), "dilation": _plain(m.dilation),
                                     "ceilMode": m.ceil_mode, "returnIndices": m.return_indices}


def _avg_pool(m):
    opts = {"stride": _plain(m.stride), "padding": _plain(m.padding), "ceilMode": m.ceil_mode, "countIncludePad": m.count_include_pad}
    if getattr(m, "divisor_override", None) is not None:
        opts["divisorOverride"] = m.divisor_override
    return [_plain(m.kernel_size)], opts


def _batch_norm(m):
    if m.momentum is None:
        raise _Unsupported(f"{type(m).__name__} with momentum=None")
    return [m.num_features], {"eps": m.eps, "momentum": m.momentum, "affine": m.affine, "trackRunningStats": m.track_running_stats}


def _embedding(m):
    if m.max_norm is not None or m.scale_grad_by_freq or m.sparse:
        raise _Unsupported("Embedding with max_norm, scale_grad_by_freq or sparse")
    opts = {} if m.padding_idx is None else {"paddingIdx": m.padding_idx}
    return [m.num_embeddings, m.embedding_dim], opts


def _upsample(m):
    opts = {"mode": m.mode}
    if m.size is not None:
        opts["size"] = _plain(m.size)
    if m.scale_factor is not None:
        opts["scaleFactor"] = _plain(m.scale_factor)
    if m.align_corners is not None:
        opts["alignCorners"] = m.align_corners
    return [], opts


def _activation(**fields):
    """Options read from the module's attributes: {wasmName: attrName}."""
    return lambda m: ([], {k: _plain(getattr(m, a)) for k, a in fields.items()})


def _none(m):
    return [], {}


# PyTorch class name -> (wasm-nn class name, (module -> (args, options))).
MODULES = {}
for _n in ("1d", "2d", "3d"):
    MODULES[f"Conv{_n}"] = (f"Conv{_n}", lambda m: _conv(m)[:2])
    MODULES[f"ConvTranspose{_n}"] = (f"ConvTranspose{_n}", lambda m: _conv(m)[:2])
    MODULES[f"MaxPool{_n}"] = (f"MaxPool{_n}", _max_pool)
    MODULES[f"AvgPool{_n}"] = (f"AvgPool{_n}", _avg_pool)
    MODULES[f"AdaptiveAvgPool{_n}"] = (f"AdaptiveAvgPool{_n}", lambda m: ([_plain(m.output_size)], {}))
    MODULES[f"AdaptiveMaxPool{_n}"] = (f"AdaptiveMaxPool{_n}", lambda m: ([_plain(m.output_size)], {"returnIndices": m.return_indices}))
    MODULES[f"BatchNorm{_n}"] = (f"BatchNorm{_n}", _batch_norm)
    MODULES[f"InstanceNorm{_n}"] = (f"InstanceNorm{_n}", _batch_norm)
    MODULES[f"ConstantPad{_n}"] = (f"ConstantPad{_n}", lambda m: ([_plain(m.padding), _plain(m.value)], {}))
    MODULES[f"ReflectionPad{_n}"] = (f"ReflectionPad{_n}", lambda m: ([_plain(m.padding)], {}))
    MODULES[f"ReplicationPad{_n}"] = (f"ReplicationPad{_n}", lambda m: ([_plain(m.padding)], {}))
    MODULES[f"ZeroPad{_n}"] = (f"ZeroPad{_n}", lambda m: ([_plain(m.padding)], {}))
    MODULES[f"CircularPad{_n}"] = (f"CircularPad{_n}", lambda m: ([_plain(m.padding)], {}))
for _n in ("1d", "2d"):
    MODULES[f"LPPool{_n}"] = (f"LPPool{_n}", lambda m: ([_plain(m.norm_type), _plain(m.kernel_size)], {"stride": _plain(m.stride), "ceilMode": m.ceil_mode}))
MODULES.update({
    "Linear": ("Linear", lambda m: ([m.in_features, m.out_features], {"bias": m.bias is not None})),
    "Bilinear": ("Bilinear", lambda m: ([m.in1_features, m.in2_features, m.out_features], {"bias": m.bias is not None})),
    "LayerNorm": ("LayerNorm", lambda m: ([_plain(m.normalized_shape)], {"eps": m.eps, "elementwiseAffine": m.elementwise_affine})),
    "GroupNorm": ("GroupNorm", lambda m: ([m.num_groups, m.num_channels], {"eps": m.eps, "affine": m.affine})),
    "Embedding": ("Embedding", _embedding),
    "Upsample": ("Upsample", _upsample),
    "UpsamplingNearest2d": ("Upsample", _upsample),
    "UpsamplingBilinear2d": ("Upsample", _upsample),
    "PixelShuffle": ("PixelShuffle", lambda m: ([m.upscale_factor], {})),
    "PixelUnshuffle": ("PixelUnshuffle", lambda m: ([m.downscale_factor], {})),
    "Flatten": ("Flatten", lambda m: ([], {"startDim": m.start_dim, "endDim": m.end_dim})),
    "Unflatten": ("Unflatten", lambda m: ([m.dim, _plain(m.unflattened_size)], {})),
    "Identity": ("Identity", _none),
    "ReLU": ("ReLU", _none),
    "ReLU6": ("ReLU6", _none),
    "SELU": ("SELU", _none),
    "SiLU": ("SiLU", _none),
    "Mish": ("Mish", _none),
    "Sigmoid": ("Sigmoid", _none),
    "Tanh": ("Tanh", _none),
    "Hardsigmoid": ("Hardsigmoid", _none),
    "Hardswish": ("Hardswish", _none),
    "Softsign": ("Softsign", _none),
    "Tanhshrink": ("Tanhshrink", _none),
    "LogSigmoid": ("LogSigmoid", _none),
    "LeakyReLU": ("LeakyReLU", _activation(negativeSlope="negative_slope")),
    "ELU": ("ELU", _activation(alpha="alpha")),
    "CELU": ("CELU", _activation(alpha="alpha")),
    "GELU": ("GELU", _activation(approximate="approximate")),
    "Hardtanh": ("Hardtanh", _activation(minVal="min_val", maxVal="max_val")),
    "Softplus": ("Softplus", _activation(beta="beta", threshold="threshold")),
    "Softshrink": ("Softshrink", _activation(lambd="lambd")),
    "Hardshrink": ("Hardshrink", _activation(lambd="lambd")),
    "PReLU": ("PReLU", lambda m: ([], {"numParameters": m.num_parameters})),
    "RReLU": ("RReLU", _activation(lower="lower", upper="upper")),
    "Threshold": ("Threshold", lambda m: ([_plain(m.threshold), _plain(m.value)], {})),
    "Softmax": ("Softmax", _activation(dim="dim")),
    "LogSoftmax": ("LogSoftmax", _activation(dim="dim")),
    "Softmin": ("Softmin", _activation(dim="dim")),
    "GLU": ("GLU", _activation(dim="dim")),
})
for _name in ("Dropout", "Dropout1d", "Dropout2d", "Dropout3d", "AlphaDropout", "FeatureAlphaDropout"):
    MODULES[_name] = (_name, lambda m: ([], {"p": m.p}))


def _module_entry(m):
    name = type(m).__name__
    if name not in MODULES or not isinstance(m, nn.Module) or not type(m).__module__.startswith("torch.nn"):
        raise _Unsupported(f"module {type(m).__module__}.{name}")
    wasm_type, describe = MODULES[name]
    args, options = describe(m)
    if wasm_type in ("Softmax", "LogSoftmax", "Softmin") and options.get("dim") is None:
        raise _Unsupported(f"{name} without dim")
    return {"type": wasm_type, "args": args, "options": {k: v for k, v in options.items() if v is not None}}


# ---------------------------------------------------------------- functions and methods
#
# Each rule turns (positional args, keyword args) of the PyTorch call into the node's
# ("call_function" | "call_method", wasm-nn target, args, options). `spec` lists the
# PyTorch parameter names in order, so positional and keyword uses look alike.


def _bind(what, spec, args, kwargs):
    bound = {}
    names = [s.lstrip("*") for s in spec]
    for i, a in enumerate(args):
        if i < len(spec) and spec[i].startswith("*"):
            bound[names[i]] = list(args[i:])
            break
        if i >= len(spec):
            raise _Unsupported(f"{what} with {len(args)} positional arguments")
        bound[names[i]] = a
    for k, v in kwargs.items():
        if k not in names:
            raise _Unsupported(f"{what} with argument {k}=")
        bound[k] = v
    return bound


def _fn(target, spec, options=None, defaults=None, kind="call_function", positional=1, flatten_star=False):
    """A rule: the first `positional` parameters become args, the rest options (renamed by `options`)."""
    options = options or {}
    defaults = defaults or {}

    def rule(what, args, kwargs):
        b = _bind(what, spec, args, kwargs)
        names = [s.lstrip("*") for s in spec]
        pos = []
        for n in names[:positional]:
            v = b.get(n, defaults.get(n))
            if flatten_star and isinstance(v, list) and len(v) == 1 and isinstance(v[0], (list, tuple)):
                v = list(v[0])
            pos.append(v)
        opts = {}
        for n in names[positional:]:
            if n in b and b[n] is not None:
                if n.startswith("_"):
                    continue  # PyTorch's bookkeeping (softmax's _stacklevel), no effect on values
                if n in ("inplace", "out"):
                    if n == "out":
                        raise _Unsupported(f"{what} with out=")
                    continue
                if n not in options:
                    if b[n] == defaults.get(n, object()):
                        continue
                    raise _Unsupported(f"{what} with {n}={b[n]!r}")
                opts[options[n]] = b[n]
        return kind, target, pos, opts

    return rule


def _binary(target):
    return _fn(target, ["input", "other", "alpha"], {"alpha": "alpha"} if target in ("add", "sub") else {}, positional=2)


def _shape_method(target):
    # x.view(2, -1), x.view((2, -1)), x.permute(0, 2, 1): the sizes become one list argument.
    return _fn(target, ["input", "*shape"], kind="call_method", positional=2, flatten_star=True)


def _reduce(target):
    return _fn(target, ["input", "dim", "keepdim", "dtype"], {"dim": "dim", "keepdim": "keepdim"}, {"keepdim": False})


_ACT = {  # torch function name -> (wasm-nn F name, spec, option renames)
    "relu": ("F.relu", ["input", "inplace"], {}),
    "relu6": ("F.relu6", ["input", "inplace"], {}),
    "sigmoid": ("F.sigmoid", ["input"], {}),
    "tanh": ("F.tanh", ["input"], {}),
    "silu": ("F.silu", ["input", "inplace"], {}),
    "mish": ("F.mish", ["input", "inplace"], {}),
    "selu": ("F.selu", ["input", "inplace"], {}),
    "hardswish": ("F.hardswish", ["input", "inplace"], {}),
    "hardsigmoid": ("F.hardsigmoid", ["input", "inplace"], {}),
    "softsign": ("F.softsign", ["input"], {}),
    "logsigmoid": ("F.logsigmoid", ["input"], {}),
    "gelu": ("F.gelu", ["input", "approximate"], {"approximate": "approximate"}),
    "leaky_relu": ("F.leakyRelu", ["input", "negative_slope", "inplace"], {"negative_slope": "negativeSlope"}),
    "elu": ("F.elu", ["input", "alpha", "inplace"], {"alpha": "alpha"}),
    "celu": ("F.celu", ["input", "alpha", "inplace"], {"alpha": "alpha"}),
    "hardtanh": ("F.hardtanh", ["input", "min_val", "max_val", "inplace"], {"min_val": "minVal", "max_val": "maxVal"}),
    "softplus": ("F.softplus", ["input", "beta", "threshold"], {"beta": "beta", "threshold": "threshold"}),
    "softmax": ("F.softmax", ["input", "dim", "_stacklevel", "dtype"], {"dim": "dim"}),
    "log_softmax": ("F.logSoftmax", ["input", "dim", "_stacklevel", "dtype"], {"dim": "dim"}),
    "glu": ("F.glu", ["input", "dim"], {"dim": "dim"}),
}


def _interpolate(what, args, kwargs):
    spec = ["input", "size", "scale_factor", "mode", "align_corners", "recompute_scale_factor", "antialias"]
    b = _bind(what, spec, args, kwargs)
    if b.get("antialias"):
        raise _Unsupported(f"{what} with antialias=True")
    names = {"size": "size", "scale_factor": "scaleFactor", "mode": "mode", "align_corners": "alignCorners",
             "recompute_scale_factor": "recomputeScaleFactor"}
    opts = {names[k]: b[k] for k in names if b.get(k) is not None}
    opts.setdefault("mode", "nearest")
    return "call_function", "F.interpolate", [b["input"]], opts


def _adaptive(target):
    return _fn(target, ["input", "output_size", "return_indices"], {"return_indices": "returnIndices"}, {"return_indices": False}, positional=2)


def _pool(target, spec, renames):
    return _fn(target, spec, renames, {"return_indices": False, "ceil_mode": False, "count_include_pad": True}, positional=2)


_MAX_POOL = (["input", "kernel_size", "stride", "padding", "dilation", "ceil_mode", "return_indices"],
             {"stride": "stride", "padding": "padding", "dilation": "dilation", "ceil_mode": "ceilMode", "return_indices": "returnIndices"})
_AVG_POOL = (["input", "kernel_size", "stride", "padding", "ceil_mode", "count_include_pad", "divisor_override"],
             {"stride": "stride", "padding": "padding", "ceil_mode": "ceilMode", "count_include_pad": "countIncludePad",
              "divisor_override": "divisorOverride"})

# Dropout in eval mode is the identity: its node is dropped and its users read its input.
_IDENTITY = "identity"

FUNCTIONS = {
    operator.add: _binary("add"), operator.iadd: _binary("add"), torch.add: _binary("add"),
    operator.sub: _binary("sub"), operator.isub: _binary("sub"), torch.sub: _binary("sub"),
    operator.mul: _binary("mul"), operator.imul: _binary("mul"), torch.mul: _binary("mul"),
    operator.truediv: _binary("div"), operator.itruediv: _binary("div"), torch.div: _fn("div", ["input", "other"], positional=2),
    operator.pow: _binary("pow"), torch.pow: _fn("pow", ["input", "exponent"], positional=2),
    operator.matmul: _binary("matmul"), torch.matmul: _binary("matmul"),
    operator.neg: _fn("neg", ["input"]), torch.neg: _fn("neg", ["input"]),
    torch.exp: _fn("exp", ["input"]), torch.log: _fn("log", ["input"]), torch.sqrt: _fn("sqrt", ["input"]),
    torch.cat: _fn("cat", ["tensors", "dim"], defaults={"dim": 0}, positional=2),
    torch.concat: _fn("cat", ["tensors", "dim"], defaults={"dim": 0}, positional=2),
    torch.stack: _fn("stack", ["tensors", "dim"], defaults={"dim": 0}, positional=2),
    torch.sum: _reduce("sum"), torch.mean: _reduce("mean"), torch.amax: _reduce("amax"),
    torch.flatten: _fn("flatten", ["input", "start_dim", "end_dim"], defaults={"start_dim": 0, "end_dim": -1}, kind="call_method", positional=3),
    torch.reshape: _fn("reshape", ["input", "shape"], kind="call_method", positional=2),
    torch.permute: _fn("permute", ["input", "dims"], kind="call_method", positional=2),
    torch.transpose: _fn("transpose", ["input", "dim0", "dim1"], kind="call_method", positional=3),
    torch.unsqueeze: _fn("unsqueeze", ["input", "dim"], kind="call_method", positional=2),
    torch.squeeze: _fn("squeeze", ["input", "dim"], kind="call_method", positional=2),
    torch.chunk: _fn("chunk", ["input", "chunks", "dim"], defaults={"dim": 0}, kind="call_method", positional=3),
    torch.split: _fn("split", ["tensor", "split_size_or_sections", "dim"], defaults={"dim": 0}, kind="call_method", positional=3),
    F.interpolate: _interpolate,
    F.pad: _fn("F.pad", ["input", "pad", "mode", "value"], {"mode": "mode", "value": "value"}, positional=2),
    F.adaptive_avg_pool1d: _adaptive("F.adaptiveAvgPool1d"), F.adaptive_avg_pool2d: _adaptive("F.adaptiveAvgPool2d"),
    F.adaptive_avg_pool3d: _adaptive("F.adaptiveAvgPool3d"), F.adaptive_max_pool1d: _adaptive("F.adaptiveMaxPool1d"),
    F.adaptive_max_pool2d: _adaptive("F.adaptiveMaxPool2d"), F.adaptive_max_pool3d: _adaptive("F.adaptiveMaxPool3d"),
    F.max_pool1d: _pool("F.maxPool1d", *_MAX_POOL), F.max_pool2d: _pool("F.maxPool2d", *_MAX_POOL), F.max_pool3d: _pool("F.maxPool3d", *_MAX_POOL),
    F.avg_pool1d: _pool("F.avgPool1d", *_AVG_POOL), F.avg_pool2d: _pool("F.avgPool2d", *_AVG_POOL), F.avg_pool3d: _pool("F.avgPool3d", *_AVG_POOL),
    F.pixel_shuffle: _fn("F.pixelShuffle", ["input", "upscale_factor"], positional=2),
    F.pixel_unshuffle: _fn("F.pixelUnshuffle", ["input", "downscale_factor"], positional=2),
    torch.pixel_shuffle: _fn("F.pixelShuffle", ["input", "upscale_factor"], positional=2),
    torch.relu: _fn("F.relu", ["input"]), torch.sigmoid: _fn("F.sigmoid", ["input"]), torch.tanh: _fn("F.tanh", ["input"]),
    torch.softmax: _fn("F.softmax", ["input", "dim", "dtype"], {"dim": "dim"}),
    torch.log_softmax: _fn("F.logSoftmax", ["input", "dim", "dtype"], {"dim": "dim"}),
}
for _name, (_target, _spec, _renames) in _ACT.items():
    FUNCTIONS[getattr(F, _name)] = _fn(_target, _spec, _renames)
for _f in (F.dropout, F.dropout1d if hasattr(F, "dropout1d") else None, F.dropout2d, F.dropout3d, F.alpha_dropout, F.feature_alpha_dropout):
    if _f is not None:
        FUNCTIONS[_f] = _IDENTITY

METHODS = {
    "add": _binary("add"), "add_": _binary("add"), "sub": _binary("sub"), "sub_": _binary("sub"),
    "mul": _binary("mul"), "mul_": _binary("mul"), "div": _fn("div", ["input", "other"], positional=2),
    "div_": _fn("div", ["input", "other"], positional=2), "pow": _fn("pow", ["input", "exponent"], positional=2),
    "matmul": _binary("matmul"), "neg": _fn("neg", ["input"]), "exp": _fn("exp", ["input"]),
    "log": _fn("log", ["input"]), "sqrt": _fn("sqrt", ["input"]),
    "sum": _reduce("sum"), "mean": _reduce("mean"), "amax": _reduce("amax"),
    "relu": _fn("F.relu", ["input"]), "relu_": _fn("F.relu", ["input"]), "sigmoid": _fn("F.sigmoid", ["input"]),
    "tanh": _fn("F.tanh", ["input"]), "softmax": _fn("F.softmax", ["input", "dim", "dtype"], {"dim": "dim"}),
    "log_softmax": _fn("F.logSoftmax", ["input", "dim", "dtype"], {"dim": "dim"}),
    "view": _shape_method("view"), "reshape": _shape_method("reshape"), "permute": _shape_method("permute"),
    "flatten": _fn("flatten", ["input", "start_dim", "end_dim"], defaults={"start_dim": 0, "end_dim": -1}, kind="call_method", positional=3),
    "transpose": _fn("transpose", ["input", "dim0", "dim1"], kind="call_method", positional=3),
    "unsqueeze": _fn("unsqueeze", ["input", "dim"], kind="call_method", positional=2),
    "squeeze": _fn("squeeze", ["input", "dim"], kind="call_method", positional=2),
    "chunk": _fn("chunk", ["input", "chunks", "dim"], defaults={"dim": 0}, kind="call_method", positional=3),
    "split": _fn("split", ["input", "split_size", "dim"], defaults={"dim": 0}, kind="call_method", positional=3),
    "contiguous": _fn("contiguous", ["input"], kind="call_method"),
}


def _qualified(f):
    mod = getattr(f, "__module__", None) or ""
    return f"{mod + '.' if mod else ''}{getattr(f, '__name__', repr(f))}"


# ---------------------------------------------------------------- graph conversion


def _is_tensor_value(v):
    if isinstance(v, torch.Tensor):
        return True
    return isinstance(v, (tuple, list)) and len(v) > 0 and all(isinstance(x, torch.Tensor) for x in v)


def _index_spec(index):
    """A tensor subscript (ints, slices, None, Ellipsis) as JSON, or _Unsupported."""
    items = index if isinstance(index, tuple) else (index,)
    out = []
    for it in items:
        if it is Ellipsis:
            out.append("...")
        elif it is None:
            out.append(None)
        elif isinstance(it, bool):
            raise _Unsupported("tensor indexing with a bool")
        elif isinstance(it, int):
            out.append(it)
        elif isinstance(it, slice):
            out.append({"slice": [_plain(it.start), _plain(it.stop), _plain(it.step)]})
        else:
            raise _Unsupported(f"tensor indexing with {type(it).__name__}")
    return out


def to_graph(gm, root=None):
    """The wasm-nn graph (a dict) of a traced GraphModule; raises UnsupportedOpsError.

    `root` is the traced model (default: the GraphModule, which keeps only the modules
    forward calls): its other modules with weights are listed too, as its state dict has them."""
    problems = []
    modules = {}
    nodes = []
    refs = {}  # fx node -> what its users read: {"node": name}, or a constant folded in its place
    inputs = []

    def arg(a):
        if isinstance(a, torch.fx.Node):
            if a not in refs:
                raise _Unsupported(f"a value from {a.op} {a.target}")
            return refs[a]
        if isinstance(a, (tuple, list)):
            return [arg(x) for x in a]
        if isinstance(a, torch.fx.immutable_collections.immutable_dict) or isinstance(a, dict):
            raise _Unsupported("a dict argument")
        return _plain(a)

    for node in gm.graph.nodes:
        value = node.meta.get("value")
        try:
            if node.op == "placeholder":
                shape = list(value.shape) if isinstance(value, torch.Tensor) else None
                if shape is None:
                    if value is None or isinstance(value, (int, float, bool)):
                        refs[node] = value  # an optional argument left at its default
                        continue
                    raise _Unsupported(f"the input {node.target} of type {type(value).__name__}")
                dtype = "int32" if not value.dtype.is_floating_point else "float32"
                inputs.append({"name": node.name, "shape": shape, "dtype": dtype})
                refs[node] = {"node": node.name}
                continue
            if node.op == "output":
                outputs = arg(node.args[0])
                continue
            if not _is_tensor_value(value) and node.op != "call_module":
                # Sizes and other Python values the forward computed: constants from the example run.
                refs[node] = _plain(value)
                continue
            if node.op == "get_attr":
                raise _Unsupported(f"the attribute {node.target} read in forward (a bare parameter or buffer)")
            if node.op == "call_module":
                sub = gm.get_submodule(node.target)
                if isinstance(sub, (nn.Dropout, nn.Dropout1d, nn.Dropout2d, nn.Dropout3d, nn.AlphaDropout, nn.FeatureAlphaDropout, nn.Identity)) \
                        and type(sub).__module__.startswith("torch.nn"):
                    refs[node] = arg(node.args[0])
                    modules[node.target] = _module_entry(sub)  # kept so the module tree matches PyTorch's
                    continue
                modules[node.target] = _module_entry(sub)
                entry = {"name": node.name, "op": "call_module", "target": node.target, "args": arg(list(node.args))}
                if node.kwargs:
                    raise _Unsupported(f"calling module {node.target} with keyword arguments")
            elif node.op == "call_function" and node.target is operator.getitem:
                base, index = node.args
                if isinstance(base, torch.fx.Node) and isinstance(base.meta.get("value"), torch.Tensor):
                    entry = {"name": node.name, "op": "getitem", "args": [arg(base), _index_spec(index)]}
                else:
                    if not isinstance(index, int):
                        raise _Unsupported("getitem with a non-integer index on a tuple")
                    entry = {"name": node.name, "op": "getitem", "args": [arg(base), index]}
            else:
                table = FUNCTIONS if node.op == "call_function" else METHODS
                key = node.target
                what = _qualified(key) if node.op == "call_function" else f"Tensor.{key}"
                rule = table.get(key) if node.op in ("call_function", "call_method") else None
                if rule is None:
                    raise _Unsupported(what)
                if rule is _IDENTITY:
                    refs[node] = arg(node.args[0])
                    continue
                kind, target, pos, opts = rule(what, node.args, node.kwargs)
                entry = {"name": node.name, "op": kind, "target": target, "args": arg(pos)}
                if opts:
                    entry["options"] = {k: arg(v) for k, v in opts.items()}
            refs[node] = {"node": node.name}
            nodes.append(entry)
        except _Unsupported as e:
            problems.append(str(e))
            refs[node] = {"node": node.name}
    # Modules the forward never calls still own weights (and PyTorch's state dict has them).
    root = gm if root is None else root
    for name, sub in root.named_modules():
        if name and name not in modules and not list(sub.children()) and (list(sub.parameters(recurse=False)) or list(sub.buffers(recurse=False))):
            try:
                modules[name] = _module_entry(sub)
            except _Unsupported as e:
                problems.append(f"{e} (the unused module {name})")
    if problems:
        raise UnsupportedOpsError(sorted(set(problems)))
    order = {name: i for i, (name, _) in enumerate(root.named_modules())}
    modules = dict(sorted(modules.items(), key=lambda kv: order.get(kv[0], len(order))))
    return {"format": FORMAT, "version": VERSION, "inputs": inputs, "outputs": outputs, "modules": modules, "nodes": nodes}


def dumps(graph):
    """The graph as JSON text, one module and one node a line (readable, diffable)."""
    c = lambda v: json.dumps(v, separators=(", ", ": "))
    head = ", ".join(f'"{k}": {c(graph[k])}' for k in ("format", "version", "inputs", "outputs"))
    mods = ",\n".join(f"  {c(k)}: {c(v)}" for k, v in graph["modules"].items())
    nodes = ",\n".join(f"  {c(n)}" for n in graph["nodes"])
    return f'{{{head},\n"modules": {{\n{mods}\n}},\n"nodes": [\n{nodes}\n]}}\n'


def export(model, example_input, prefix):
    """Traces `model` (in eval mode) on `example_input` (a tensor or a tuple of tensors) and
    writes prefix.json and prefix.safetensors. Returns the graph dict."""
    examples = example_input if isinstance(example_input, (tuple, list)) else (example_input,)
    was_training = model.training
    model.eval()
    try:
        gm = trace(model, examples)
        graph = to_graph(gm, model)
    finally:
        model.train(was_training)
    state = {k: v for k, v in model.state_dict().items()}
    directory = os.path.dirname(os.path.abspath(prefix))
    os.makedirs(directory, exist_ok=True)
    with open(prefix + ".json", "w") as f:
        f.write(dumps(graph))
    with open(prefix + ".safetensors", "wb") as f:
        f.write(to_bytes(state, metadata={"format": "pt"}))
    return graph


def _load_factory(spec):
    path, _, name = spec.rpartition(":")
    if not path or not name:
        raise SystemExit(f"expected module.py:factory, got {spec!r}")
    loader = importlib.util.spec_from_file_location("exported_model_module", path)
    mod = importlib.util.module_from_spec(loader)
    sys.path.insert(0, os.path.dirname(os.path.abspath(path)))
    loader.loader.exec_module(mod)
    return getattr(mod, name)


def main(argv=None):
    p = argparse.ArgumentParser(description="Export a PyTorch model as a wasm-nn graph (prefix.json) and weights (prefix.safetensors).")
    p.add_argument("factory", help="path/to/module.py:function returning the nn.Module")
    p.add_argument("prefix", help="output prefix: writes PREFIX.json and PREFIX.safetensors")
    p.add_argument("--input-shape", action="append", required=True,
                   help="example input shape, e.g. 1,3,224,224 (repeat for several inputs)")
    a = p.parse_args(argv)
    model = _load_factory(a.factory)()
    shapes = [[int(s) for s in shape.split(",")] for shape in a.input_shape]
    examples = tuple(torch.randn(*s) for s in shapes)
    try:
        graph = export(model, examples, a.prefix)
    except UnsupportedOpsError as e:
        print(e, file=sys.stderr)
        return 1
    print(f"wrote {a.prefix}.json ({len(graph['nodes'])} nodes, {len(graph['modules'])} modules) and {a.prefix}.safetensors")
    return 0


if __name__ == "__main__":
    sys.exit(main())
