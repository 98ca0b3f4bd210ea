"""Inputs and numpy references for model-ops.mlir. usage: model_ops.py OUTDIR"""
import math
import os
import sys

import numpy as np

out = sys.argv[1]
rng = np.random.default_rng(5)
x = rng.normal(0, 2, size=(4, 10)).astype(np.float32)
img = rng.normal(0, 1, size=(1, 1, 8, 8)).astype(np.float32)
filt = rng.normal(0, 1, size=(2, 1, 3, 3)).astype(np.float32)
save = lambda name, a: np.save(os.path.join(out, name + ".npy"), np.asarray(a, dtype=np.float32))
save("x", x)
save("img", img)
save("filt", filt)
x64 = x.astype(np.float64)
e = np.exp(x64 - x64.max(axis=1, keepdims=True))
save("softmax", e / e.sum(axis=1, keepdims=True))
mean = x64.mean(axis=1, keepdims=True)
var = ((x64 - mean) ** 2).mean(axis=1, keepdims=True)
save("layer_norm", (x64 - mean) / np.sqrt(var + 1e-5))
erf = np.vectorize(math.erf)
save("gelu_tanh", 0.5 * x64 * (1 + erf(x64 / math.sqrt(2))) + np.tanh(x64))
conv = np.zeros((1, 2, 6, 6))
for f in range(2):
    for i in range(6):
        for j in range(6):
            conv[0, f, i, j] = (img[0, 0, i:i + 3, j:j + 3].astype(np.float64) * filt[f, 0]).sum()
pool = conv.reshape(1, 2, 3, 2, 3, 2).max(axis=(3, 5))
save("conv_pool", pool)
