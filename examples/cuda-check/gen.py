"""Writes an int8 GEMM module for scripts/gpu-check.sh:
  @gemm(x: f32 M x K) -> i32 M x N
x is quantized per row at run time (i8, or u8 with zero points when SIGN is
u); the N x K weights are constants (integers in [-127, 127], so each
quantizes exactly with scale 1... up to the per-channel absmax). The raw
integer accumulators are returned, so every backend must agree bit for bit.
usage: gen.py M N K s|u|h [i32|f32] [channel|tensor|gG] [8|4] > gemm.mlir
(f32: the scaled float result, computed by the host epilogue; tensor: one
weight scale for the whole matrix instead of one per output channel; 4:
4-bit weights, integers in [-7, 7]. h: weight-only W4A16 instead, x
rounded to f16 times f16 weights dequantized from i4 codes (scales per
channel, or per group of G along K with gG; f16 scales with a trailing h,
e.g. g128h), acc(f32), the f16 result
returned as f32; only the order of the f32 sums may differ between
backends.)
"""
import random
import struct
import sys

m, n, k = map(int, sys.argv[1:4])
sign = sys.argv[4]
result = sys.argv[5] if len(sys.argv) > 5 else "i32"
wscale = sys.argv[6] if len(sys.argv) > 6 else "channel"
wbits = int(sys.argv[7]) if len(sys.argv) > 7 else 8
wmax = 2 ** (wbits - 1) - 1
rng = random.Random(m * 1000003 + n * 101 + k)
w = struct.pack("<%df" % (n * k), *[float(rng.randint(-wmax, wmax)) for _ in range(n * k)])
if sign == "h":
    # Weights: random multiples of a per-row step, so that groups differ.
    vals = [rng.randint(-wmax, wmax) * (0.01 + 0.001 * (i // k % 7)) * (1 + (i % k) // 128)
            for i in range(n * k)]
    wh = struct.pack("<%de" % (n * k), *vals)
    # A trailing h (channelh, g128h): scales stored as f16.
    half = wscale.endswith("h")
    wscale = wscale.rstrip("h")
    ws = "i4, axis = 0" if wscale == "channel" else "i4, axis = 1, group = %s" % wscale[1:]
    ws += ", scale = f16" if half else ""
    wt = "!qf.qtensor<%dx%dxf16, #qf.scheme<%s>>" % (n, k, ws)

    def convert(dst, src, rows, cols, frm, to, op):
        """An elementwise float conversion of a rows x cols tensor."""
        return """  %%%s_init = tensor.empty() : tensor<%dx%dx%s>
  %%%s = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%%%s : tensor<%dx%dx%s>) outs(%%%s_init : tensor<%dx%dx%s>) {
  ^bb0(%%v: %s, %%o: %s):
    %%t = arith.%s %%v : %s to %s
    linalg.yield %%t : %s
  } -> tensor<%dx%dx%s>
""" % (dst, rows, cols, to, dst, src, rows, cols, frm, dst, rows, cols, to,
       frm, to, op, frm, to, to, rows, cols, to)

    print("#id = affine_map<(d0, d1) -> (d0, d1)>\n"
          "func.func @gemm(%%x: tensor<%dx%dxf32>) -> tensor<%dx%dxf32> {\n" % (m, k, m, n)
          + "  %%wf = arith.constant dense<\"0x%s\"> : tensor<%dx%dxf16>\n" % (wh.hex().upper(), n, k)
          + "  %%w = qf.quantize %%wf : tensor<%dx%dxf16> -> %s\n" % (n, k, wt)
          + convert("xh", "x", m, k, "f32", "f16", "truncf")
          + "  %%y = qf.matmul %%xh, %%w transpose_rhs acc(f32) : tensor<%dx%dxf16>, %s -> tensor<%dx%dxf16>\n"
          % (m, k, wt, m, n)
          + convert("yf", "y", m, n, "f16", "f32", "extf")
          + "  return %%yf : tensor<%dx%dxf32>\n}" % (m, n))
    sys.exit(0)
scheme = "i8, axis = 0" if sign == "s" else "u8, asym"
a = "!qf.qtensor<%dx%dxf32, #qf.scheme<%s>>" % (m, k, scheme)
wt = "!qf.qtensor<%dx%dxf32, #qf.scheme<i%d%s>>" % (n, k, wbits, ", axis = 0" if wscale == "channel" else "")
print(("""func.func @gemm(%%x: tensor<%dx%dxf32>) -> tensor<%dx%dxi32> {
  %%wf = arith.constant dense<"0x%s"> : tensor<%dx%dxf32>
  %%w = qf.quantize %%wf : tensor<%dx%dxf32> -> %s
  %%a = qf.quantize %%x : tensor<%dx%dxf32> -> %s
  %%y = qf.matmul %%a, %%w transpose_rhs acc(i32) : %s, %s -> tensor<%dx%dxi32>
  return %%y : tensor<%dx%dxi32>
}""" % (m, k, m, n, w.hex().upper(), n, k, n, k, wt, m, k, a, a, wt, m, n, m, n))
      .replace("xi32>", "x%s>" % result).replace("acc(%s)" % result, "acc(i32)"))
