#!/usr/bin/env python3
"""PyTorch native on one thread (or `--threads N`), driven by bench/models/run.mjs so that
its timed calls fall in the same rounds as the other engines' (a slow spell of the machine
hits all alike).

One JSON request a line on stdin, one JSON answer a line on stdout:

    {"load": "R18", "dir": "bench/.models"}  -> {"ok": true}    model + state dict + input from export.py
    {"run": 3}                               -> {"ms": [..]}    3 forwards, each timed here
    {"free": true}                           -> {"ok": true}

The forward is the model in eval mode under torch.no_grad(), torch.set_num_threads(1 or N).
Exits at the end of stdin.
"""
import argparse
import json
import os
import sys
import time

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from zoo import MODELS  # noqa: E402


def load(mid, directory):
    with open(os.path.join(directory, f"{mid}.meta.json")) as f:
        meta = json.load(f)
    model = MODELS[mid][0]()
    model.load_state_dict(torch.load(os.path.join(directory, f"{mid}.pt")))
    model.eval()
    x = np.fromfile(os.path.join(directory, f"{mid}.input.bin"), dtype="<f4").reshape(meta["input"])
    return model, torch.from_numpy(x.copy())


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, default=1)
    torch.set_num_threads(parser.parse_args().threads)
    reply = lambda obj: print(json.dumps(obj), flush=True)
    reply({"torch": torch.__version__, "threads": torch.get_num_threads(), "mkldnn": torch.backends.mkldnn.is_available()})
    model = x = None
    for line in sys.stdin:
        req = json.loads(line)
        try:
            if "load" in req:
                model, x = load(req["load"], req["dir"])
                reply({"ok": True})
            elif "run" in req:
                times = []
                with torch.no_grad():
                    for _ in range(int(req["run"])):
                        t0 = time.perf_counter()
                        model(x)
                        times.append((time.perf_counter() - t0) * 1e3)
                reply({"ms": times})
            elif "free" in req:
                model = x = None
                reply({"ok": True})
            else:
                reply({"error": f"unknown request {line.strip()}"})
        except Exception as e:  # the driver reports it and leaves PyTorch out of that row
            reply({"error": f"{type(e).__name__}: {e}"})


if __name__ == "__main__":
    main()
