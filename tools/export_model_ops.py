"""The op tables of tools/export_model.py: which PyTorch modules, functions and tensor
methods map to which wasm-nn module or function, and how their arguments translate
(PyTorch names to wasm-nn's camelCase options). Adding an op: a row here, and a row in
src/nn/graph-modules.ts or src/nn/graph-ops.ts (see docs/model-format.md)."""
import math
import operator

import torch
import torch.nn as nn
import torch.nn.functional as F

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
