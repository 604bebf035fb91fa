"""Reductions (sum, mean, amax, argmax) and topk over dims, keepdim, views, NaN and ties."""
import torch

from fixtures import f64


def randn(*shape):
    return torch.randn(list(shape), dtype=torch.float32)


def case(w, op, x, options, outputs, layout=""):
    # Layout "t": stored transposed in its last two dimensions; the test transposes it back.
    stored = x.transpose(-1, -2).contiguous() if layout == "t" else x
    w.add({"op": op, "inputs": [w.tensor(stored)], "options": options, "layout": layout, "expected": [w.tensor(o) for o in outputs]})


def reduce(op, x, dim, keepdim):
    x = f64(x)
    if op == "sum":
        return torch.sum(x) if dim is None else torch.sum(x, dim=dim, keepdim=keepdim)
    if op == "mean":
        return torch.mean(x) if dim is None else torch.mean(x, dim=dim, keepdim=keepdim)
    return torch.amax(x, dim=() if dim is None else dim, keepdim=keepdim)


def generate(w):
    for op in ["sum", "mean", "amax"]:
        for shape, dim, keepdim in [
            ([3, 4], None, False), ([3, 4], 1, False), ([3, 4], 0, True), ([2, 3, 5], -1, True), ([2, 3, 5], [0, 2], False),
            ([2, 3, 5], [-2, -1], True), ([4, 37], 1, False), ([37, 6], 0, False), ([2, 3, 4, 5], [1, 3], False), ([7], 0, False),
            ([], None, False), ([1000], None, False), ([5, 1, 3], 1, False),
        ]:
            x = randn(*shape)
            options = {} if dim is None else {"dim": dim, "keepdim": keepdim}
            case(w, op, x, options, [reduce(op, x, dim, keepdim)])
        x = randn(6, 9)
        case(w, op, x, {"dim": 0}, [reduce(op, x, 0, False)], layout="t")
        case(w, op, x, {"dim": 1, "keepdim": True}, [reduce(op, x, 1, True)], layout="t")
    # A large mean: a float32 running sum would drift.
    x = randn(4, 5000) + 1e4
    case(w, "sum", x, {"dim": 1}, [reduce("sum", x, 1, False)])
    case(w, "mean", x, {"dim": 1}, [reduce("mean", x, 1, False)])
    nan = torch.tensor([[1.0, float("nan"), 3.0], [float("-inf"), -2.0, float("inf")]])
    for op in ["sum", "mean", "amax"]:
        case(w, op, nan, {"dim": 1}, [reduce(op, nan, 1, False)])
    # argmax: first maximum, NaN wins, ties.
    for shape, dim, keepdim in [([3, 4], None, False), ([3, 4], 0, False), ([3, 4], 1, True), ([2, 3, 5], -1, False), ([2, 3, 5], None, True), ([9], 0, False)]:
        x = randn(*shape)
        options = {} if dim is None else {"dim": dim, "keepdim": keepdim}
        if dim is None and keepdim:
            options = {"keepdim": True}
        y = torch.argmax(x, dim=dim, keepdim=keepdim)
        case(w, "argmax", x, options, [y])
    ties = torch.tensor([[1.0, 3.0, 3.0, 2.0], [float("nan"), 1.0, float("nan"), 5.0], [-1.0, -1.0, -1.0, -1.0]])
    case(w, "argmax", ties, {"dim": 1}, [torch.argmax(ties, dim=1)])
    x = randn(5, 7)
    case(w, "argmax", x, {"dim": 0}, [torch.argmax(x, dim=0)], layout="t")
    case(w, "argmax", x, {}, [torch.argmax(x)], layout="t")
    # topk: distinct values (PyTorch leaves the order of ties unspecified).
    for shape, k, dim, largest in [([8], 3, -1, True), ([3, 6], 2, 1, True), ([5, 4], 5, 0, False), ([2, 3, 7], 7, -1, True), ([2, 3, 7], 1, 1, False), ([4, 40], 10, 1, True), ([3, 5], 0, 1, True)]:
        x = torch.randperm(int(torch.tensor(shape).prod())).reshape(shape).to(torch.float32) / 4 - 3
        v, i = torch.topk(x, k, dim=dim, largest=largest)
        case(w, "topk", x, {"k": k, "dim": dim, "largest": largest}, [v, i])
    x = torch.randperm(30).reshape(5, 6).to(torch.float32)
    v, i = torch.topk(x, 3, dim=0)
    case(w, "topk", x, {"k": 3, "dim": 0, "largest": True}, [v, i], layout="t")
    nan = torch.tensor([1.0, float("nan"), 3.0, -1.0, float("-inf")])
    for largest in [True, False]:
        v, i = torch.topk(nan, 3, largest=largest)
        case(w, "topk", nan, {"k": 3, "dim": -1, "largest": largest}, [v, i])
