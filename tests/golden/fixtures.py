"""Writes golden fixtures: one JSON index plus one binary blob per family.

Every tensor (input or expected output) is stored little-endian in <family>.bin and
described in <family>.json as {"shape", "dtype", "offset", "length"} (offset in bytes,
length in elements). Cases carry whatever parameters the family's test needs.
"""
import json
import os

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))


class FixtureWriter:
    def __init__(self, family, seed):
        self.family = family
        self.seed = seed
        self.blob = bytearray()
        self.cases = []
        torch.manual_seed(seed)
        self.rng = np.random.default_rng(seed)

    def tensor(self, t):
        """Stores a tensor (float32 or an integer dtype stored as int32) and returns its reference."""
        t = t.detach().cpu().contiguous()
        if t.dtype.is_floating_point:
            arr = t.to(torch.float32).numpy()
            dtype = "float32"
        else:
            arr = t.to(torch.int32).numpy()
            dtype = "int32"
        while len(self.blob) % 16:
            self.blob.append(0)
        ref = {"shape": list(t.shape), "dtype": dtype, "offset": len(self.blob), "length": int(arr.size)}
        self.blob += arr.astype("<f4" if dtype == "float32" else "<i4").tobytes()
        return ref

    def add(self, case):
        case.setdefault("id", f"{self.family}-{len(self.cases) + 1:03d}")
        self.cases.append(case)

    def write(self):
        index = {
            "family": self.family,
            "torch": torch.__version__,
            "seed": self.seed,
            "blob": f"{self.family}.bin",
            "cases": self.cases,
        }
        with open(os.path.join(HERE, "fixtures", f"{self.family}.json"), "w") as f:
            json.dump(index, f, separators=(",", ":"))
            f.write("\n")
        with open(os.path.join(HERE, "fixtures", f"{self.family}.bin"), "wb") as f:
            f.write(bytes(self.blob))
        print(f"{self.family}: {len(self.cases)} cases, {len(self.blob)} bytes")


def f32(t):
    """Rounds to float32 (inputs are float32 values; references are computed in float64 from them)."""
    return t.to(torch.float32)


def f64(t):
    return t.detach().to(torch.float64)
