"""Vulkan matmul kernels against the CPU reference, bit for bit.

For every weight width in 2, 3, 4 and 8 bits, one module holds six quantized
matmuls: weights per tensor, per column and in groups along K, symmetric and
asymmetric, N x K (transpose_rhs) or K x N, with 8-bit activations of four
schemes (u8/i8, per tensor/per row, sym/asym) and shapes that are not
multiples of the kernel tiles (GEMV included); and two weight-only matmuls
(f32 activations). The 8-bit module also has a matmul with a raw i32
result. For each module the script checks that every
matmul became a Vulkan kernel, that every SPIR-V module of every target
environment passes spirv-val, and that qforge-run --target vulkan gives
exactly the bits of the CPU run in each target environment.

Usage: matmul_cases.py OUTDIR QFORGE_OPT QFORGE_RUN
"""
import os
import subprocess
import sys

import numpy as np

out, qforge_opt, qforge_run = sys.argv[1:4]
os.makedirs(out, exist_ok=True)
ENVS = ["vulkan-dot", "vulkan-int8", "vulkan-basic"]
SHAPES = [(5, 40, 21, 8), (1, 96, 130, 32), (9, 36, 17, 12), (16, 64, 33, 16),
          (3, 24, 7, 8), (2, 120, 70, 24)]
ACTIVATIONS = ["u8, asym", "i8", "i8, axis = 0", "u8, axis = 0, asym"]


def run(cmd):
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        print("FAIL:", " ".join(cmd))
        print(r.stdout + r.stderr)
        sys.exit(1)
    return r.stdout


def dense(a):
    return "dense<[" + ",".join(
        "[" + ",".join("%.7g" % v for v in row) + "]" for row in a) + "]>"


def module(bits, rng, path):
    args, results, body, inputs = [], [], [], []
    cases = [(g, s) for g in ("tensor", "axis", "group") for s in ("sym", "asym")]
    for i, (gran, sym) in enumerate(cases):
        m, k, n, group = SHAPES[i]
        transpose = i % 2 == 1
        wshape = (n, k) if transpose else (k, n)
        kaxis, naxis = (1, 0) if transpose else (0, 1)
        ws = ("i%d" % bits) if sym == "sym" else ("u%d" % bits)
        if gran == "axis":
            ws += ", axis = %d" % naxis
        elif gran == "group":
            ws += ", axis = %d, group = %d" % (kaxis, group)
        if sym == "asym":
            ws += ", asym"
        acts = ACTIVATIONS[(i + bits) % len(ACTIVATIONS)]
        w = rng.normal(size=wshape).astype(np.float32)
        # Columns of different magnitude, and a few outliers.
        w *= rng.uniform(0.1, 3.0, size=(1, wshape[1])).astype(np.float32)
        x = rng.normal(size=(m, k)).astype(np.float32) + 0.3
        np.save(os.path.join(out, "b%d_x%d.npy" % (bits, i)), x)
        inputs.append(os.path.join(out, "b%d_x%d.npy" % (bits, i)))
        wt = "%dx%dxf32" % wshape
        qw = "!qf.qtensor<%s, #qf.scheme<%s>>" % (wt, ws)
        qx = "!qf.qtensor<%dx%dxf32, #qf.scheme<%s>>" % (m, k, acts)
        args.append("%%x%d: tensor<%dx%dxf32>" % (i, m, k))
        results.append("tensor<%dx%dxf32>" % (m, n))
        body += [
            "  %%wf%d = arith.constant %s : tensor<%s>" % (i, dense(w), wt),
            "  %%w%d = qf.quantize %%wf%d : tensor<%s> -> %s" % (i, i, wt, qw),
            "  %%q%d = qf.quantize %%x%d : tensor<%dx%dxf32> -> %s" % (i, i, m, k, qx),
            "  %%y%d = qf.matmul %%q%d, %%w%d%s acc(i32) : %s, %s -> tensor<%dx%dxf32>"
            % (i, i, i, " transpose_rhs" if transpose else "", qx, qw, m, n),
        ]
    count = len(cases)
    # Weight-only: f32 activations, weights in groups along K (symmetric) and
    # per column (asymmetric); the kernel dequantizes and accumulates in the
    # reference's order.
    for j, (m, k, n, ws, transpose) in enumerate(
            [(6, 48, 19, "i%d, axis = 0, group = 16" % bits, False),
             (1, 72, 45, "u%d, axis = 0, asym" % bits, True)]):
        wshape = (n, k) if transpose else (k, n)
        w = rng.normal(size=wshape).astype(np.float32)
        x = rng.normal(size=(m, k)).astype(np.float32)
        name = os.path.join(out, "b%d_xf%d.npy" % (bits, j))
        np.save(name, x)
        inputs.append(name)
        wt = "%dx%dxf32" % wshape
        qw = "!qf.qtensor<%s, #qf.scheme<%s>>" % (wt, ws)
        args.append("%%xf%d: tensor<%dx%dxf32>" % (j, m, k))
        results.append("tensor<%dx%dxf32>" % (m, n))
        body += [
            "  %%wff%d = arith.constant %s : tensor<%s>" % (j, dense(w), wt),
            "  %%wq%d = qf.quantize %%wff%d : tensor<%s> -> %s" % (j, j, wt, qw),
            "  %%yf%d = qf.matmul %%xf%d, %%wq%d%s acc(f32) : tensor<%dx%dxf32>, %s -> tensor<%dx%dxf32>"
            % (j, j, j, " transpose_rhs" if transpose else "", m, k, qw, m, n),
        ]
    count += 2
    if bits == 8:
        # A raw i32 result: the kernel's sums, corrected for both zero points.
        m, k, n = 7, 52, 19
        x = rng.normal(size=(m, k)).astype(np.float32)
        w = rng.normal(size=(k, n)).astype(np.float32)
        np.save(os.path.join(out, "b8_xraw.npy"), x)
        inputs.append(os.path.join(out, "b8_xraw.npy"))
        qx = "!qf.qtensor<%dx%dxf32, #qf.scheme<u8, asym>>" % (m, k)
        qw = "!qf.qtensor<%dx%dxf32, #qf.scheme<u8, axis = 1, asym>>" % (k, n)
        args.append("%%xr: tensor<%dx%dxf32>" % (m, k))
        results.append("tensor<%dx%dxi32>" % (m, n))
        body += [
            "  %%wfr = arith.constant %s : tensor<%dx%dxf32>" % (dense(w), k, n),
            "  %%wr = qf.quantize %%wfr : tensor<%dx%dxf32> -> %s" % (k, n, qw),
            "  %%qr = qf.quantize %%xr : tensor<%dx%dxf32> -> %s" % (m, k, qx),
            "  %%yr = qf.matmul %%qr, %%wr acc(i32) : %s, %s -> tensor<%dx%dxi32>"
            % (qx, qw, m, n),
        ]
        count += 1
    names = (["%%y%d" % i for i in range(len(cases))] + ["%yf0", "%yf1"] +
             (["%yr"] if bits == 8 else []))
    text = "func.func @main(%s) -> (%s) {\n%s\n  return %s : %s\n}\n" % (
        ", ".join(args), ", ".join(results), "\n".join(body), ", ".join(names),
        ", ".join(results))
    with open(path, "w") as f:
        f.write(text)
    return inputs, count


rng = np.random.default_rng(7)
for bits in (2, 3, 4, 8):
    path = os.path.join(out, "w%d.mlir" % bits)
    inputs, count = module(bits, rng, path)
    converted = run([qforge_opt, path, "--canonicalize", "--convert-qf-to-spirv"])
    kernels = (converted.count("call @__qf_vk_gemm_") +
               converted.count("call @__qf_vk_wgemm_"))
    print("w%d: %d of %d matmuls on Vulkan kernels" % (bits, kernels, count))
    refs = [os.path.join(out, "w%d_ref%d.npy" % (bits, i)) for i in range(count)]
    # The reference lowering: a CPU without AVX-512 VNNI (whose weight-only
    # kernel rounds differently).
    run([qforge_run, path, "--cpu", "x86-64-v3", "--input", ",".join(inputs),
         "--output", ",".join(refs)])
    for env in ENVS:
        dump = os.path.join(out, "spv_w%d_%s" % (bits, env))
        run([qforge_opt, path, "--qf-lower-to-spirv=target-env=%s dump-dir=%s" % (env, dump),
             "-o", os.devnull])
        spvs = sorted(os.listdir(dump))
        dots = 0
        for spv in spvs:
            run(["spirv-val", "--target-env", "vulkan1.3", os.path.join(dump, spv)])
            words = np.fromfile(os.path.join(dump, spv), dtype=np.uint32)
            # OpSDot = 4450, OpSUDot = 4452: opcode in the low 16 bits.
            dots += int(np.isin(words & 0xFFFF, [4450, 4452]).sum() > 0)
        print("w%d %s: spirv-val ok on %d module(s), packed dot products: %s"
              % (bits, env, len(spvs), "yes" if dots else "no"))
        got = run([qforge_run, path, "--target", "vulkan", "--target-env", env,
                   "--input", ",".join(inputs), "--compare", ",".join(refs),
                   "--atol", "0", "--rtol", "0"])
        matched = got.count("matches")
        print("w%d %s: %d of %d results bit-exact" % (bits, env, matched, count))
