"""The whole models of the model benchmark, and their multiply-accumulate counts.

R18, MV2 and GAN are the models of the round-trip tests (tests/models/gen.py) at full
size; UNET is the classic 4-level U-Net (32 base channels, bilinear up-sampling, skip
connections concatenated), larger than the test's 2-level one.
"""
import os
import sys

import torch
import torch.nn as nn
import torchvision

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
sys.path.insert(0, os.path.join(ROOT, "tests", "models"))
from gen import DCGANGenerator, DoubleConv  # noqa: E402


class UpCat(nn.Module):
    """Bilinear x2 up-sampling, the skip connection concatenated in front, two 3x3 convolutions."""

    def __init__(self, cin, cout):
        super().__init__()
        self.up = nn.Upsample(scale_factor=2, mode="bilinear", align_corners=False)
        self.conv = DoubleConv(cin, cout)

    def forward(self, x, skip):
        return self.conv(torch.cat([skip, self.up(x)], dim=1))


class UNet4(nn.Module):
    """Four down-sampling levels (128 -> 8 pixels), channels 32, 64, 128, 256, 256."""

    def __init__(self, cin=3, classes=2, w=32):
        super().__init__()
        self.inc = DoubleConv(cin, w)
        self.down1 = nn.Sequential(nn.MaxPool2d(2), DoubleConv(w, 2 * w))
        self.down2 = nn.Sequential(nn.MaxPool2d(2), DoubleConv(2 * w, 4 * w))
        self.down3 = nn.Sequential(nn.MaxPool2d(2), DoubleConv(4 * w, 8 * w))
        # With bilinear up-sampling the bottom level keeps 8w channels (no transposed
        # convolution halves them), as in the widely used PyTorch U-Net.
        self.down4 = nn.Sequential(nn.MaxPool2d(2), DoubleConv(8 * w, 8 * w))
        self.up1 = UpCat(16 * w, 4 * w)
        self.up2 = UpCat(8 * w, 2 * w)
        self.up3 = UpCat(4 * w, w)
        self.up4 = UpCat(2 * w, w)
        self.outc = nn.Conv2d(w, classes, 1)

    def forward(self, x):
        x1 = self.inc(x)
        x2 = self.down1(x1)
        x3 = self.down2(x2)
        x4 = self.down3(x3)
        x5 = self.down4(x4)
        x = self.up1(x5, x4)
        x = self.up2(x, x3)
        x = self.up3(x, x2)
        x = self.up4(x, x1)
        return self.outc(x)


# id -> (factory, input shape, description); the ids and shapes of the benchmark's table.
MODELS = {
    "R18": (lambda: torchvision.models.resnet18(), (1, 3, 224, 224), "torchvision resnet18()"),
    "MV2": (lambda: torchvision.models.mobilenet_v2(), (1, 3, 224, 224), "torchvision mobilenet_v2()"),
    "GAN": (lambda: DCGANGenerator(nz=100, ngf=64), (1, 100, 1, 1), "DCGAN generator, nz 100, ngf 64, 64x64 output"),
    "UNET": (lambda: UNet4(), (1, 3, 128, 128), "U-Net, 4 levels, 32 base channels, bilinear up + skip cat"),
}


def count_macs(model, x):
    """Multiply-accumulates of one forward pass, from the shapes each Conv, ConvTranspose and
    Linear sees (forward hooks). Direct-method counts: Winograd or FFT would need fewer."""
    total = [0]

    def conv(m, inputs, out):
        k = 1
        for s in m.kernel_size:
            k *= s
        total[0] += out.numel() * (m.in_channels // m.groups) * k

    def conv_transpose(m, inputs, out):
        # Every input element is scattered into (out_channels / groups) x kernel outputs.
        k = 1
        for s in m.kernel_size:
            k *= s
        total[0] += inputs[0].numel() * (m.out_channels // m.groups) * k

    def linear(m, inputs, out):
        total[0] += out.numel() * m.in_features

    hooks = []
    for m in model.modules():
        if isinstance(m, nn.modules.conv._ConvTransposeNd):
            hooks.append(m.register_forward_hook(conv_transpose))
        elif isinstance(m, nn.modules.conv._ConvNd):
            hooks.append(m.register_forward_hook(conv))
        elif isinstance(m, nn.Linear):
            hooks.append(m.register_forward_hook(linear))
    try:
        with torch.no_grad():
            model(x)
    finally:
        for h in hooks:
            h.remove()
    return total[0]
