"""Tensor view and shape operations, replayed as chains of method calls."""
import torch


def apply(x, op, args):
    if op == "reshape":
        return x.reshape(*args)
    if op == "view":
        return x.view(*args)
    if op == "permute":
        return x.permute(*args)
    if op == "transpose":
        return x.transpose(*args)
    if op == "flatten":
        return x.flatten(*args)
    if op == "unsqueeze":
        return x.unsqueeze(*args)
    if op == "squeeze":
        return x.squeeze(*args)
    if op == "t":
        return x.t()
    if op == "contiguous":
        return x.contiguous()
    if op == "clone":
        return x.clone()
    if op == "slice":
        dim, start, end, step = args
        index = [slice(None)] * x.dim()
        index[dim] = slice(start, end, step)
        return x[tuple(index)]
    if op == "select":
        return x.select(*args)
    if op == "narrow":
        return x.narrow(*args)
    raise ValueError(op)


CHAINS = [
    ([2, 3, 4], [["reshape", [6, 4]]]),
    ([2, 3, 4], [["reshape", [-1]]]),
    ([2, 3, 4], [["view", [4, -1, 2]]]),
    ([2, 3, 4], [["permute", [2, 0, 1]]]),
    ([2, 3, 4], [["permute", [2, 0, 1]], ["reshape", [4, 6]]]),
    ([2, 3, 4], [["transpose", [0, 2]]]),
    ([2, 3, 4], [["transpose", [-1, -2]], ["contiguous", []]]),
    ([5, 7], [["t", []]]),
    ([5, 7], [["t", []], ["clone", []]]),
    ([2, 3, 4, 5], [["flatten", []]]),
    ([2, 3, 4, 5], [["flatten", [1]]]),
    ([2, 3, 4, 5], [["flatten", [1, 2]]]),
    ([2, 3, 4, 5], [["flatten", [-3, -2]]]),
    ([3, 4], [["unsqueeze", [0]]]),
    ([3, 4], [["unsqueeze", [-1]]]),
    ([3, 4], [["unsqueeze", [1]], ["unsqueeze", [3]]]),
    ([1, 3, 1, 4], [["squeeze", []]]),
    ([1, 3, 1, 4], [["squeeze", [2]]]),
    ([1, 3, 1, 4], [["squeeze", [1]]]),
    ([6, 5], [["slice", [0, 1, 5, 2]]]),
    ([6, 5], [["slice", [1, -3, None, 1]]]),
    ([6, 5], [["slice", [1, 0, 100, 3]]]),
    ([4, 5, 6], [["slice", [2, 1, 5, 1]], ["permute", [1, 2, 0]], ["contiguous", []]]),
    ([4, 5, 6], [["select", [1, 2]]]),
    ([4, 5, 6], [["select", [-1, -1]]]),
    ([4, 5, 6], [["narrow", [2, 1, 3]]]),
    ([4, 5, 6], [["transpose", [0, 1]], ["narrow", [0, 1, 3]], ["reshape", [-1, 6]]]),
    ([2, 3, 4, 5], [["permute", [3, 1, 0, 2]], ["slice", [0, 0, 5, 2]], ["transpose", [1, 3]], ["flatten", [0, 1]]]),
    ([1, 3, 8, 8], [["select", [0, 0]], ["slice", [0, 0, 1, 1]], ["squeeze", [0]]]),
    ([3, 1, 5], [["permute", [2, 1, 0]], ["squeeze", []], ["t", []]]),
    ([6], [["reshape", [1, 2, 1, 3, 1]], ["squeeze", [0]], ["permute", [3, 2, 1, 0]], ["contiguous", []]]),
]


def generate(w):
    for shape, chain in CHAINS:
        x = torch.randn(shape)
        y = x
        for op, args in chain:
            y = apply(y, op, args)
        w.add({"shape": shape, "chain": chain, "input": w.tensor(x), "expected": w.tensor(y)})
