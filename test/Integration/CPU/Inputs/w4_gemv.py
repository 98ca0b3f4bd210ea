"""Writes a weight-only int4 matmul (N x K weights in groups of 128 along K)
as MLIR with float weights, an input, and the expected output computed with
numpy from the same quantization rules (symmetric, absmax / 7, ties to even).
usage: w4_gemv.py OUTDIR M N K GROUP
"""
import os
import sys

import numpy as np

out, m, n, k, g = sys.argv[1], *map(int, sys.argv[2:6])
rng = np.random.default_rng(11)
w = rng.normal(0, 0.5, size=(n, k)).astype(np.float32)
w[rng.integers(0, n, 5), rng.integers(0, k, 5)] *= 6
x = rng.uniform(-1, 1, size=(m, k)).astype(np.float32)

wg = w.reshape(n, k // g, g)
s = (np.abs(wg).max(axis=2, keepdims=True).astype(np.float64) / 7).astype(np.float32)
q = np.clip(np.round(wg / s), -8, 7)
deq = (q * s).astype(np.float32).reshape(n, k)
np.save(os.path.join(out, "x.npy"), x)
np.save(os.path.join(out, "y.npy"), (x.astype(np.float64) @ deq.T.astype(np.float64)).astype(np.float32))

hexw = "0x" + w.astype("<f4").tobytes().hex().upper()
qt = "!qf.qtensor<%dx%dxf32, #qf.scheme<i4, axis = 1, group = %d>>" % (n, k, g)
with open(os.path.join(out, "model.mlir"), "w") as f:
    f.write("""func.func @main(%%x: tensor<%dx%dxf32>) -> tensor<%dx%dxf32> {
  %%wf = arith.constant dense<"%s"> : tensor<%dx%dxf32>
  %%w = qf.quantize %%wf : tensor<%dx%dxf32> -> %s
  %%y = qf.matmul %%x, %%w transpose_rhs acc(f32) : tensor<%dx%dxf32>, %s -> tensor<%dx%dxf32>
  return %%y : tensor<%dx%dxf32>
}
""" % (m, k, m, n, hexw, n, k, n, k, qt, m, k, qt, m, n, m, n))
