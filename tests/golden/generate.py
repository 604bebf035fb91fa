#!/usr/bin/env python3
"""Generates the golden fixtures with real PyTorch.

Run with Debian's PyTorch (apt-get install -y python3-torch python3-numpy):

    /usr/bin/python3 tests/golden/generate.py            # every family
    /usr/bin/python3 tests/golden/generate.py init conv  # some families

Each family lives in gen_<family>.py and defines generate(writer). Expected values are
computed in float64 from the float32 inputs and rounded to float32, which keeps
PyTorch's own float32 rounding out of the tolerance budget.
"""
import importlib
import os
import sys
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from fixtures import FixtureWriter  # noqa: E402

FAMILIES = sorted(f[4:-3] for f in os.listdir(HERE) if f.startswith("gen_") and f.endswith(".py"))


def main(argv):
    wanted = argv or FAMILIES
    unknown = [f for f in wanted if f not in FAMILIES]
    if unknown:
        sys.exit(f"unknown families {unknown}; known: {FAMILIES}")
    os.makedirs(os.path.join(HERE, "fixtures"), exist_ok=True)
    for family in wanted:
        module = importlib.import_module(f"gen_{family}")
        # A seed per family name, so adding a family leaves the others' fixtures unchanged.
        writer = FixtureWriter(family, seed=zlib.crc32(family.encode()) % 100000)
        module.generate(writer)
        writer.write()


if __name__ == "__main__":
    main(sys.argv[1:])
