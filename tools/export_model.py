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
import operator
import os
import sys

import torch
import torch.fx
import torch.nn as nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from export_safetensors import to_bytes  # noqa: E402
from export_model_ops import _IDENTITY, FUNCTIONS, METHODS, _module_entry, _plain, _qualified, _Unsupported  # noqa: E402

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
