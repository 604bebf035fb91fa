#!/usr/bin/env python3
"""Exports a PyTorch model's weights as a .safetensors file for wasm-nn.

Needs only PyTorch (Debian: apt-get install python3-torch); the safetensors format is
written here directly, so the `safetensors` pip package is not required.

From the command line, with a file written by torch.save (a state_dict, a whole
nn.Module, or a checkpoint dict holding a "state_dict" or "model" entry):

    /usr/bin/python3 tools/export_safetensors.py model.pt model.safetensors

From Python, with a module or a state_dict in hand:

    import sys; sys.path.insert(0, "tools")
    from export_safetensors import save_file
    save_file(model, "model.safetensors")            # model.state_dict() is saved
    save_file({"weight": w}, "w.safetensors", metadata={"format": "pt"})

Then in JavaScript:

    model.loadStateDict(loadSafetensors(bytes));

Keys stay PyTorch's ("0.weight", "features.3.bias", ...). float32, float16, bfloat16,
float64, int32 and int64 tensors are written as F32, F16, BF16, F64, I32 and I64;
wasm-nn reads floats as float32 and integers as int32.
"""
import json
import struct
import sys

import torch

DTYPES = {
    torch.float32: "F32",
    torch.float16: "F16",
    torch.bfloat16: "BF16",
    torch.float64: "F64",
    torch.int32: "I32",
    torch.int64: "I64",
}


def _tensor_bytes(t):
    t = t.detach().cpu().contiguous()
    if t.dtype == torch.bfloat16:
        # numpy has no bfloat16: reinterpret the 2-byte values as int16.
        t = t.view(torch.int16)
    arr = t.numpy()
    return arr.astype(arr.dtype.newbyteorder("<"), copy=False).tobytes()


def to_bytes(tensors, metadata=None):
    """The .safetensors encoding of a {name: tensor} mapping, as bytes."""
    header = {}
    if metadata:
        header["__metadata__"] = {str(k): str(v) for k, v in metadata.items()}
    chunks = []
    offset = 0
    for name, t in tensors.items():
        if not isinstance(name, str) or name == "__metadata__":
            raise ValueError(f"cannot store a tensor under the name {name!r}")
        if not isinstance(t, torch.Tensor):
            raise TypeError(f"{name}: expected a tensor, got {type(t).__name__}")
        if t.dtype not in DTYPES:
            raise TypeError(f"{name}: unsupported dtype {t.dtype}; supported are {', '.join(map(str, DTYPES))}")
        data = _tensor_bytes(t)
        header[name] = {"dtype": DTYPES[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        chunks.append(data)
        offset += len(data)
    head = json.dumps(header, separators=(",", ":")).encode("utf-8")
    head += b" " * (-len(head) % 8)  # data starts 8-byte aligned
    return struct.pack("<Q", len(head)) + head + b"".join(chunks)


def state_dict_of(obj):
    """A state_dict from a module, a state_dict, or a checkpoint dict that holds one."""
    if isinstance(obj, torch.nn.Module):
        return obj.state_dict()
    if isinstance(obj, dict):
        for key in ("state_dict", "model"):
            inner = obj.get(key)
            if isinstance(inner, torch.nn.Module):
                return inner.state_dict()
            if isinstance(inner, dict):
                return inner
        return obj
    raise TypeError(f"expected an nn.Module or a state_dict, got {type(obj).__name__}")


def save_file(obj, path, metadata=None):
    """Writes the tensors of a module or state_dict to `path` in the safetensors format."""
    tensors = {k: v for k, v in state_dict_of(obj).items() if isinstance(v, torch.Tensor)}
    with open(path, "wb") as f:
        f.write(to_bytes(tensors, metadata))
    return tensors


def main(argv):
    if len(argv) != 2 or argv[0] in ("-h", "--help"):
        print(__doc__)
        return 0 if argv and argv[0] in ("-h", "--help") else 2
    source, target = argv
    try:
        obj = torch.load(source, map_location="cpu", weights_only=False)
    except TypeError:  # PyTorch before 1.13 has no weights_only
        obj = torch.load(source, map_location="cpu")
    tensors = save_file(obj, target)
    print(f"{target}: {len(tensors)} tensors")
    for name, t in tensors.items():
        print(f"  {name}  {DTYPES[t.dtype]} {list(t.shape)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
