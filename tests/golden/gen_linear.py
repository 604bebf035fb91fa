"""Linear and Bilinear: 1-D, 2-D and 3-D inputs, with and without bias, sizes around the
GEMM's panel edges (4 rows, 8 columns), K blocks (256) and the single-row kernel.
Expected values in float64 from the float32 inputs; `atol` = 1e-5 x the largest sum of
|terms| of one output (at least 1e-5)."""
import torch
import torch.nn.functional as F


def atol_for(bound):
    return max(1e-5, 1e-5 * float(bound.max()) if bound.numel() else 1e-5)


def add_linear(w, lead, fin, fout, bias, api="F"):
    x = torch.randn(lead + [fin])
    weight = torch.randn([fout, fin]) / max(1, fin) ** 0.5
    b = torch.randn(fout) * 0.5 if bias else None
    y = F.linear(x.double(), weight.double(), b.double() if bias else None)
    bound = F.linear(x.double().abs(), weight.double().abs(), b.double().abs() if bias else None)
    w.add({"kind": "linear", "api": api, "inFeatures": fin, "outFeatures": fout, "bias": bias,
           "input": w.tensor(x), "weight": w.tensor(weight), "biasValues": w.tensor(b) if bias else None,
           "expected": w.tensor(y.float()), "atol": atol_for(bound)})


def add_bilinear(w, lead, in1, in2, fout, bias, api="F"):
    x1 = torch.randn(lead + [in1])
    x2 = torch.randn(lead + [in2])
    weight = torch.randn([fout, in1, in2]) / max(1, in1 * in2) ** 0.5
    b = torch.randn(fout) * 0.5 if bias else None
    y = F.bilinear(x1.double(), x2.double(), weight.double(), b.double() if bias else None)
    bound = F.bilinear(x1.double().abs(), x2.double().abs(), weight.double().abs(), b.double().abs() if bias else None)
    w.add({"kind": "bilinear", "api": api, "in1Features": in1, "in2Features": in2, "outFeatures": fout, "bias": bias,
           "input1": w.tensor(x1), "input2": w.tensor(x2), "weight": w.tensor(weight),
           "biasValues": w.tensor(b) if bias else None, "expected": w.tensor(y.float()), "atol": atol_for(bound)})


def generate(w):
    rng = w.rng
    for lead, fin, fout in (([], 5, 3), ([], 1, 1), ([], 64, 33), ([], 300, 9),
                            ([1], 7, 4), ([2], 5, 3), ([4], 8, 8), ([5], 9, 17), ([13], 33, 19), ([64], 70, 40),
                            ([130], 20, 12), ([3], 260, 11), ([2, 3], 6, 5), ([3, 1, 4], 7, 2), ([2, 5, 3], 16, 9),
                            ([0], 4, 3), ([3], 1, 6)):
        for bias in (True, False):
            add_linear(w, lead, fin, fout, bias, api="F" if len(w.cases) % 3 else "nn")
    for _ in range(20):
        lead = [int(rng.integers(1, 6)) for _ in range(int(rng.integers(0, 3)))]
        add_linear(w, lead, int(rng.integers(1, 40)), int(rng.integers(1, 40)), bool(rng.random() < 0.7),
                   api="nn" if rng.random() < 0.4 else "F")
    for lead, in1, in2, fout in (([], 3, 5, 2), ([4], 3, 5, 2), ([2, 3], 4, 6, 3), ([7], 9, 11, 5), ([1], 1, 1, 1),
                                 ([17], 12, 20, 7), ([3, 2, 2], 5, 3, 4)):
        for bias in (True, False):
            add_bilinear(w, lead, in1, in2, fout, bias, api="nn" if len(w.cases) % 2 else "F")
