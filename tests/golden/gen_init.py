"""torch.nn.init: gains, fans, the std/bound each initialiser targets, eye_ and dirac_."""
import math

import torch
import torch.nn.init as init

WEIGHT_SHAPES = {
    "Linear(7,3)": [3, 7],
    "Linear(1,1)": [1, 1],
    "Conv1d(4,6,5)": [6, 4, 5],
    "Conv2d(3,64,3)": [64, 3, 3, 3],
    "Conv2d(6,8,[2,5],groups=2)": [8, 3, 2, 5],
    "Conv3d(2,4,[1,2,3])": [4, 2, 1, 2, 3],
    "ConvTranspose2d(3,1,3)": [3, 1, 3, 3],
    "ConvTranspose3d(4,6,2,groups=2)": [4, 3, 2, 2, 2],
    "Bilinear(3,5,2)": [2, 3, 5],
}

GAINS = [
    ("linear", None), ("conv1d", None), ("conv2d", None), ("conv3d", None),
    ("conv_transpose1d", None), ("conv_transpose2d", None), ("conv_transpose3d", None),
    ("sigmoid", None), ("tanh", None), ("relu", None), ("leaky_relu", None),
    ("leaky_relu", 0.2), ("leaky_relu", 1.0), ("leaky_relu", math.sqrt(5)), ("selu", None),
]


def generate(w):
    for name, param in GAINS:
        w.add({"kind": "gain", "nonlinearity": name, "param": param,
               "expected": init.calculate_gain(name, param)})
    for label, shape in WEIGHT_SHAPES.items():
        t = torch.empty(shape)
        fan_in, fan_out = init._calculate_fan_in_and_fan_out(t)
        w.add({"kind": "fan", "layer": label, "shape": shape, "fanIn": fan_in, "fanOut": fan_out})
        # What each random initialiser aims for, from PyTorch's own formulas.
        for gain in (1.0, init.calculate_gain("relu")):
            std = gain * math.sqrt(2.0 / float(fan_in + fan_out))
            w.add({"kind": "target", "fn": "xavierUniform_", "shape": shape, "options": {"gain": gain},
                   "bound": math.sqrt(3.0) * std})
            w.add({"kind": "target", "fn": "xavierNormal_", "shape": shape, "options": {"gain": gain},
                   "std": std})
        for a, mode, nl in ((0, "fan_in", "leaky_relu"), (math.sqrt(5), "fan_in", "leaky_relu"),
                            (0, "fan_out", "relu"), (0.1, "fan_out", "leaky_relu")):
            fan = init._calculate_correct_fan(t, mode)
            std = init.calculate_gain(nl, a) / math.sqrt(fan)
            opts = {"a": a, "mode": mode, "nonlinearity": nl}
            w.add({"kind": "target", "fn": "kaimingUniform_", "shape": shape, "options": opts,
                   "bound": math.sqrt(3.0) * std})
            w.add({"kind": "target", "fn": "kaimingNormal_", "shape": shape, "options": opts, "std": std})
    for shape in ([1], [5]):
        w.add({"kind": "fanError", "shape": shape})
    for shape in ([3, 3], [2, 5], [6, 4], [1, 1]):
        t = torch.empty(shape)
        init.eye_(t)
        w.add({"kind": "eye", "shape": shape, "expected": w.tensor(t)})
    for shape, groups in (([4, 4, 3], 1), ([6, 2, 3, 3], 1), ([4, 4, 2, 3], 2), ([8, 3, 3, 3, 3], 2), ([2, 5, 4], 1)):
        t = torch.empty(shape)
        init.dirac_(t, groups)
        w.add({"kind": "dirac", "shape": shape, "groups": groups, "expected": w.tensor(t)})
