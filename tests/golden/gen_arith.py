"""Tensor arithmetic with broadcasting and numbers, matmul, cat and stack.

Each case: op, inputs (tensors, or {"number": v}), options, and for each input how it
is laid out in the test ("t": the stored tensor is transposed in its last two dimensions
so the test passes a non-contiguous view of the values PyTorch saw). Expected values are
computed in float64 from the float32 inputs.
"""
import torch

from fixtures import f64


def randn(*shape):
    return torch.randn(list(shape), dtype=torch.float32)


def positive(*shape):
    return torch.rand(list(shape), dtype=torch.float32) * 3 + 0.1


BINARY = {
    "add": lambda a, b, o: torch.add(a, b, alpha=o.get("alpha", 1)),
    "sub": lambda a, b, o: torch.sub(a, b, alpha=o.get("alpha", 1)),
    "mul": lambda a, b, o: torch.mul(a, b),
    "div": lambda a, b, o: torch.div(a, b),
    "pow": lambda a, b, o: torch.pow(a, b),
}


def value(w, x, layout=""):
    if isinstance(x, (int, float)):
        return {"number": x}
    # Layout "t": stored transposed, so the test's transpose(-1, -2) view holds x.
    return w.tensor(x.transpose(-1, -2).contiguous() if layout == "t" else x)


def as64(x):
    return x if isinstance(x, (int, float)) else f64(x)


def binary(w, op, a, b, options=None, layouts=None):
    options = options or {}
    layouts = layouts or ["", ""]
    y = BINARY[op](as64(a), as64(b), options)
    w.add({"op": op, "inputs": [value(w, a, layouts[0]), value(w, b, layouts[1])], "options": options, "layouts": layouts, "expected": [w.tensor(y)]})


def generate(w):
    shapes = [
        ([2, 3], [2, 3]),
        ([2, 3, 4], [4]),
        ([2, 1, 4], [3, 1]),
        ([1, 64, 5, 5], [1, 64, 1, 1]),
        ([5, 1, 7], [1, 6, 1]),
        ([], [3, 2]),
        ([17], [1]),
        ([0, 3], [3]),
    ]
    for op in ["add", "sub", "mul", "div"]:
        for sa, sb in shapes:
            b = positive(*sb) if op == "div" else randn(*sb)
            binary(w, op, randn(*sa), b)
        binary(w, op, randn(3, 5), 2.5)
        binary(w, op, -1.5, positive(3, 5) if op == "div" else randn(3, 5))
        # A transposed view on either side.
        binary(w, op, randn(4, 6), randn(4, 6) + 3, layouts=["", "t"])
        binary(w, op, randn(5, 4, 6), randn(4, 1) + 3, layouts=["t", ""])
    for alpha in [2, -0.5, 0]:
        binary(w, "add", randn(3, 4), randn(4), {"alpha": alpha})
        binary(w, "sub", randn(3, 4), randn(3, 1), {"alpha": alpha})
    binary(w, "add", 1.5, randn(2, 3), {"alpha": 3})
    # pow: numbers on either side, tensor exponents, negative bases with integer exponents.
    for e in [2, 0.5, -1, 3, -1.5, 0, 1, 2.5]:
        binary(w, "pow", positive(4, 5) if e % 1 else randn(4, 5), e)
    binary(w, "pow", 2, randn(3, 4))
    binary(w, "pow", positive(3, 4), randn(4) * 2)
    binary(w, "pow", torch.tensor([-2.0, -1.0, -0.0, 0.0, 1.0, 3.0]), torch.tensor([3.0, 0.5, -1.0, -2.0, float("nan"), 0.0]))
    for op in ["neg", "exp", "log", "sqrt"]:
        x = positive(5, 7) if op in ("log", "sqrt") else randn(5, 7)
        fn = getattr(torch, op)
        w.add({"op": op, "inputs": [w.tensor(x)], "options": {}, "layouts": [], "expected": [w.tensor(fn(f64(x)))]})
        w.add({"op": op, "inputs": [w.tensor(x.t().contiguous())], "options": {}, "layouts": ["t"], "expected": [w.tensor(fn(f64(x)))]})
    special = torch.tensor([0.0, -0.0, -1.0, float("inf"), float("-inf"), float("nan"), 1e-40, 1e30, -88.0, 89.0])
    for op in ["exp", "log", "sqrt", "neg"]:
        w.add({"op": op, "inputs": [w.tensor(special)], "options": {}, "layouts": [], "expected": [w.tensor(getattr(torch, op)(f64(special)))]})
    # matmul: every rank combination, broadcast batches, transposed operands.
    pairs = [
        ([4], [4]), ([3, 4], [4]), ([4], [4, 5]), ([3, 4], [4, 5]), ([2, 3, 4], [4, 5]),
        ([4], [2, 4, 5]), ([2, 3, 4], [4]), ([2, 1, 3, 4], [5, 4, 6]), ([1, 4], [4, 1]),
        ([0, 3], [3, 4]), ([3, 0], [0, 4]), ([33, 70], [70, 17]), ([3, 1, 5, 8], [2, 8, 9]),
    ]
    for sa, sb in pairs:
        a, b = randn(*sa), randn(*sb)
        w.add({"op": "matmul", "inputs": [w.tensor(a), w.tensor(b)], "options": {}, "layouts": [], "expected": [w.tensor(torch.matmul(f64(a), f64(b)))]})
    for la, lb in [("t", ""), ("", "t"), ("t", "t")]:
        a, b = randn(2, 6, 5), randn(2, 5, 7)
        sa = a.transpose(-1, -2).contiguous() if la else a
        sb = b.transpose(-1, -2).contiguous() if lb else b
        w.add({"op": "matmul", "inputs": [w.tensor(sa), w.tensor(sb)], "options": {}, "layouts": [la, lb], "expected": [w.tensor(torch.matmul(f64(a), f64(b)))]})
    # cat and stack.
    for op, dim, shapes_ in [
        ("cat", 0, [[2, 3], [4, 3]]), ("cat", 1, [[2, 3], [2, 1], [2, 5]]), ("cat", -1, [[2, 3, 4], [2, 3, 2]]),
        ("cat", 0, [[2, 3], [0]]), ("stack", 0, [[2, 3], [2, 3]]), ("stack", 2, [[2, 3], [2, 3], [2, 3]]),
        ("stack", -1, [[4], [4]]), ("stack", 0, [[], []]),
    ]:
        xs = [randn(*s) for s in shapes_]
        y = getattr(torch, op)(xs, dim)
        w.add({"op": op, "inputs": [w.tensor(x) for x in xs], "options": {"dim": dim}, "layouts": [], "expected": [w.tensor(y)]})
    ints = [torch.randint(-5, 5, (2, 3), dtype=torch.int32), torch.randint(-5, 5, (2, 3), dtype=torch.int32)]
    w.add({"op": "cat", "inputs": [w.tensor(x) for x in ints], "options": {"dim": 1}, "layouts": [], "expected": [w.tensor(torch.cat(ints, 1))]})
    w.add({"op": "stack", "inputs": [w.tensor(x) for x in ints], "options": {"dim": 0}, "layouts": [], "expected": [w.tensor(torch.stack(ints, 0))]})
    a, b = randn(3, 4), randn(2, 4)
    w.add({"op": "cat", "inputs": [w.tensor(a.t().contiguous()), w.tensor(b)], "options": {"dim": 0}, "layouts": ["t", ""],
           "expected": [w.tensor(torch.cat([a, b], 0))]})
