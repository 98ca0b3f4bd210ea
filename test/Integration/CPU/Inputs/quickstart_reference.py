"""Independent numpy model of examples/quickstart/mlp.mlir.

Reads the float weights from the MLIR file, quantizes them (and, for w8a8,
the activations) with the semantics of docs/Semantics.md written out again
here in numpy, and saves an input and the expected output of every version.
usage: quickstart_reference.py MLP.mlir OUTDIR
"""
import os
import re
import sys

import numpy as np

src = open(sys.argv[1]).read()
out = sys.argv[2]
os.makedirs(out, exist_ok=True)


def weight(name, shape):
    m = re.search(r"%" + name + r" = arith.constant dense<(.*?)> : tensor", src)
    return np.array(eval(m.group(1)), dtype=np.float32).reshape(shape)


w1, w2 = weight("w1", (16, 32)), weight("w2", (32, 10))
rng = np.random.default_rng(3)
x = rng.uniform(-2, 2, size=(8, 16)).astype(np.float32)
np.save(os.path.join(out, "x.npy"), x)


def sym_scale(absmax, qmax):
    s = (absmax.astype(np.float64) / qmax).astype(np.float32)
    return np.where(s > 0, s, np.float32(1))


def fake_quant_per_column(w, bits):
    qmax = 2 ** (bits - 1) - 1
    s = sym_scale(np.abs(w).max(axis=0, keepdims=True), qmax)
    q = np.clip(np.round(w / s), -qmax - 1, qmax)  # np.round: ties to even
    return (q * s).astype(np.float32)


def fake_quant_groups_along_k(w, bits, g):
    qmax = 2 ** (bits - 1) - 1
    k, n = w.shape
    wg = w.reshape(k // g, g, n)
    s = sym_scale(np.abs(wg).max(axis=1, keepdims=True), qmax)
    q = np.clip(np.round(wg / s), -qmax - 1, qmax)
    return (q * s).astype(np.float32).reshape(k, n)


def mlp(a, b, c):
    return np.maximum(a @ b, 0) @ c


def w8a8_layer(a, w):
    """Rows of a and columns of w quantized to i8; integer products; scales."""
    sa = sym_scale(np.abs(a).max(axis=1, keepdims=True), 127)
    qa = np.clip(np.round(a / sa), -128, 127).astype(np.int64)
    sw = sym_scale(np.abs(w).max(axis=0, keepdims=True), 127)
    qw = np.clip(np.round(w / sw), -128, 127).astype(np.int64)
    acc = (qa @ qw).astype(np.float32)  # exact integers, then f32
    return (sa * (sw * acc)).astype(np.float32)


np.save(os.path.join(out, "float_mlp.npy"), mlp(x, w1, w2))
np.save(os.path.join(out, "w8_per_channel.npy"),
        mlp(x, fake_quant_per_column(w1, 8), fake_quant_per_column(w2, 8)))
np.save(os.path.join(out, "w4_group8.npy"),
        mlp(x, fake_quant_groups_along_k(w1, 4, 8), fake_quant_groups_along_k(w2, 4, 8)))
h = np.maximum(w8a8_layer(x, w1), 0)
np.save(os.path.join(out, "w8a8_dynamic.npy"), w8a8_layer(h, w2))
