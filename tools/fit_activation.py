#!/usr/bin/env python3
"""Fits the polynomial coefficients used by assembly/vmath.ts.

Needs only numpy (Debian: python3-numpy). Each fit minimises the largest relative error
of the final function on a dense grid (Lawson's iteratively reweighted least squares, a
simple route to a near-minimax polynomial) and prints the coefficients with the error
they reach in float64; float32 evaluation adds a few ulp on top.

    /usr/bin/python3 tools/fit_activation.py
"""
import math

import numpy as np


def lawson(xs, target, powers, weight, iters=300):
    """Coefficients c minimising max |weight * (sum_k c_k * powers_k(xs) - target)|."""
    a = np.stack([p(xs) for p in powers], 1) * weight[:, None]
    y = target * weight
    w = np.full(len(xs), 1.0 / len(xs))
    for _ in range(iters):
        sw = np.sqrt(w)
        c, *_ = np.linalg.lstsq(a * sw[:, None], y * sw, rcond=None)
        e = np.abs(a @ c - y)
        w = w * e
        w /= w.sum()
    return c, float(np.max(np.abs(a @ c - y)))


def show(name, c, err):
    print(f"{name}: max error {err:.3g}")
    for k, v in enumerate(c):
        print(f"  c{k} = {float(v)!r}")


def monomials(deg, f=lambda v: v):
    return [lambda v, k=k: f(v) ** k for k in range(deg + 1)]


def main():
    # expm1(r) = r + r^2 * q(r) on the reduced range |r| <= ln2/2 (exp(x) = 2^n * (1 + that)).
    h = math.log(2) / 2
    r = np.linspace(-h, h, 40001)
    r = r[r != 0]
    c, e = lawson(r, (np.expm1(r) - r) / r**2, monomials(3), r**2 / np.expm1(r))
    show("expm1: q(r), relative error of expm1", c, e)

    # log1p(y) = 2s + s^3 * Q(s^2), s = y / (2 + y), for y in [0, 1] (s in [0, 1/3]).
    s = np.linspace(1e-6, 1 / 3, 40001)
    y = 2 * s / (1 - s)
    c, e = lawson(s, (np.log1p(y) - 2 * s) / s**3, monomials(3, lambda v: v * v), s**3 / np.log1p(y))
    show("log1p: Q(s^2), relative error of log1p", c, e)

    # erfc(z) = t * exp(-z^2 + P(t)), t = 1 / (1 + z/2), z >= 0: the error of P is the relative error of erfc.
    z = np.linspace(0, 15, 60001)
    t = 1 / (1 + 0.5 * z)
    target = np.array([math.log(math.erfc(v)) for v in z]) + z * z - np.log(t)
    c, e = lawson(t, target, monomials(9), np.ones_like(t))
    show("erfc: P(t), relative error of erfc", c, e)

    # x - tanh(x) = x^3 * R(x^2) for |x| <= 0.625, where the subtraction would cancel.
    x = np.linspace(1e-4, 0.625, 40001)
    target = (x - np.tanh(x)) / x**3
    c, e = lawson(x, target, monomials(5, lambda v: v * v), 1 / target)
    show("tanhshrink: R(x^2), relative error", c, e)


if __name__ == "__main__":
    main()
