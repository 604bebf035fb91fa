#!/usr/bin/env python3
"""The first step of `npm run bench:models`: exports the models (when not cached).

    /usr/bin/python3 bench/models/export.py [--only R18,GAN] [--out DIR]

For each model of zoo.py: seeded weights (tests/models/gen.py's fill(): the round-trip
tests' generator, with non-trivial BatchNorm statistics), eval mode, then into DIR
(default bench/.models, not committed):

    <id>.json + <id>.safetensors   the wasm-nn graph and weights (tools/export_model.py)
    <id>.onnx                      the same model through torch.onnx.export, for onnxruntime-web
    <id>.pt                        the state dict, for timing PyTorch native (native.py)
    <id>.input.bin                 the input, float32 little-endian
    <id>.output.bin                PyTorch's answer, computed in float64 from the float32
                                   weights and input, rounded to float32
    <id>.meta.json                 shapes, MACs, and the hash the files were made with

A model is exported again only when one of its files is missing or the scripts that make
them (this one, zoo.py, gen.py, tools/export_model*.py) or torch changed.
"""
import argparse
import copy
import hashlib
import json
import os
import sys
import time
import warnings

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..", "..")
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(ROOT, "tools"))
from zoo import MODELS, count_macs  # noqa: E402
from gen import fill, make_input  # noqa: E402  (zoo put tests/models on the path)
from export_model import export  # noqa: E402

ONNX_OPSET = 17  # the newest torch 1.13 writes; onnxruntime-web 1.30 reads it
SOURCES = [
    os.path.join(HERE, "export.py"),
    os.path.join(HERE, "zoo.py"),
    os.path.join(ROOT, "tests", "models", "gen.py"),
    os.path.join(ROOT, "tools", "export_model.py"),
    os.path.join(ROOT, "tools", "export_model_ops.py"),
    os.path.join(ROOT, "tools", "export_safetensors.py"),
]
FILES = (".json", ".safetensors", ".onnx", ".pt", ".input.bin", ".output.bin", ".meta.json")
RTOL, ATOL = 1e-3, 1e-4


def source_hash():
    h = hashlib.sha256(torch.__version__.encode())
    for path in SOURCES:
        with open(path, "rb") as f:
            h.update(f.read())
    return h.hexdigest()[:16]


def build(mid):
    """The model in eval mode with its seeded weights, and its seeded input."""
    factory, shape, _ = MODELS[mid]
    torch.manual_seed(0)  # fill() overwrites every weight; this only fixes anything left over
    model = factory().eval()
    fill(model)
    return model, make_input(mid, shape)


def worst_over_tolerance(got, want):
    """max |got - want| / (atol + rtol |want|): at most 1 is within tolerance."""
    got, want = got.astype(np.float64), want.astype(np.float64)
    return float(np.max(np.abs(got - want) / (ATOL + RTOL * np.abs(want))))


def write_f32(path, t):
    with open(path, "wb") as f:
        f.write(t.detach().to(torch.float32).contiguous().numpy().astype("<f4").tobytes())


def export_model(mid, out_dir, digest):
    import onnx  # only needed when exporting

    t0 = time.perf_counter()
    model, x = build(mid)
    prefix = os.path.join(out_dir, mid)
    graph = export(model, x, prefix)
    # torch.onnx warns that it cannot type the up-sampling's constant scales; the file is
    # checked by onnx.checker below and its output by the benchmark.
    warnings.filterwarnings("ignore", message="The shape inference of prim::Constant")
    torch.onnx.export(model, (x,), prefix + ".onnx", opset_version=ONNX_OPSET, input_names=["input"],
                      output_names=["output"], do_constant_folding=True)
    onnx.checker.check_model(onnx.load(prefix + ".onnx"))
    with torch.no_grad():
        want = copy.deepcopy(model).double()(x.double()).to(torch.float32)
        got32 = model(x)
    torch.save(model.state_dict(), prefix + ".pt")  # for the PyTorch timing (native.py)
    write_f32(prefix + ".input.bin", x)
    write_f32(prefix + ".output.bin", want)
    meta = {
        "id": mid,
        "model": MODELS[mid][2],
        "input": list(x.shape),
        "output": list(want.shape),
        "macs": count_macs(model, x),
        "params": sum(p.numel() for p in model.parameters()),
        "graphNodes": len(graph["nodes"]),
        # PyTorch's own float32 forward against the float64 answer: the check's tolerance
        # is one float32 PyTorch meets.
        "pytorchFloat32WorstOverTol": worst_over_tolerance(got32.numpy(), want.numpy()),
        "onnxOpset": ONNX_OPSET,
        "torch": torch.__version__,
        "hash": digest,
    }
    with open(prefix + ".meta.json", "w") as f:
        json.dump(meta, f, indent=1)
        f.write("\n")
    print(f"{mid}: exported in {time.perf_counter() - t0:.1f} s ({meta['params']} parameters, "
          f"{meta['macs'] / 1e9:.3f} GMAC, {meta['graphNodes']} graph nodes)", flush=True)
    return meta


def cached_meta(mid, out_dir, digest):
    prefix = os.path.join(out_dir, mid)
    if not all(os.path.exists(prefix + ext) for ext in FILES):
        return None
    with open(prefix + ".meta.json") as f:
        meta = json.load(f)
    return meta if meta.get("hash") == digest else None


def main(argv=None):
    p = argparse.ArgumentParser(description="Export the benchmark's whole models for wasm-nn and onnxruntime-web.")
    p.add_argument("--only", help="comma-separated model ids (default: all of " + ",".join(MODELS) + ")")
    p.add_argument("--out", default=os.path.join(ROOT, "bench", ".models"), help="cache directory")
    a = p.parse_args(argv)
    ids = a.only.split(",") if a.only else list(MODELS)
    unknown = [i for i in ids if i not in MODELS]
    if unknown:
        p.error(f"unknown model id(s) {', '.join(unknown)} (known: {', '.join(MODELS)})")
    os.makedirs(a.out, exist_ok=True)
    digest = source_hash()
    for mid in ids:
        if cached_meta(mid, a.out, digest) is None:
            export_model(mid, a.out, digest)
        else:
            print(f"{mid}: cached export", flush=True)


if __name__ == "__main__":
    main()
