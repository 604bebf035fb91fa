"""F.embedding and nn.Embedding (with loaded weights): gathers by int32 indices."""
import torch


def generate(w):
    for rows, dim, shape, padding_idx in [(10, 3, [4], None), (9, 4, [2, 3], 2), (5, 1, [2, 2, 2], -1), (7, 16, [], None), (6, 5, [0, 3], None), (3, 8, [20], 0)]:
        weight = torch.randn(rows, dim)
        idx = torch.randint(0, rows, shape, dtype=torch.int64)
        y = torch.nn.functional.embedding(idx, weight, padding_idx=padding_idx)
        w.add({"rows": rows, "dim": dim, "paddingIdx": padding_idx, "input": w.tensor(idx), "weight": w.tensor(weight), "expected": w.tensor(y)})
