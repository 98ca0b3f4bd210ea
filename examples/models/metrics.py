#!/usr/bin/python3
"""Quality figures of model outputs, and a small numpy ONNX evaluator.

  metrics.py accuracy LOGITS.npy LABELS.npy [--expect PERCENT --tol TOL]
      top-1 accuracy of logits [N, C] against int labels [N]; prints
      "accuracy: 0.8812" (a fraction). --expect compares in percent:
      `--expect 90.12 --tol 0.1` passes for 90.02 .. 90.22 %.
  metrics.py bpc LOGITS.npy LABELS.npy [--expect BPC --tol TOL]
      bits per character of logits [N, T, V] against int labels [N, T]: the
      mean over all positions of -log2 softmax(logits)[label]; prints
      "bits_per_char: 2.5103". --expect compares in bits (e.g. --tol 0.01).
  metrics.py run MODEL.onnx INPUT.npy OUTPUT.npy
      evaluates a single-input, single-output ONNX model with the reference
      evaluator below (float32), e.g. to get reference logits without qforge.

With --expect, exits 1 and says so on stderr when the measured figure is
further than TOL from the expected one. Log-softmax is computed in float64.

The evaluator (run_onnx) covers only the operators and attributes that the
example models of this directory use (fashion_mlp, fashion_cnn,
char_transformer); it raises NotImplementedError on anything else.
"""

import math
import os
import sys

import numpy as np


def log_softmax(logits):
    """Numerically stable log-softmax over the last axis, float64."""
    x = np.asarray(logits, dtype=np.float64)
    x = x - x.max(axis=-1, keepdims=True)
    return x - np.log(np.exp(x).sum(axis=-1, keepdims=True))


def accuracy(logits, labels):
    """Top-1 accuracy as a fraction."""
    logits = np.asarray(logits)
    labels = np.asarray(labels).reshape(-1)
    if logits.ndim != 2 or logits.shape[0] != labels.shape[0]:
        raise ValueError(f"accuracy: logits {logits.shape} vs labels {labels.shape}")
    return float((logits.argmax(axis=1) == labels).mean())


def bits_per_char(logits, labels):
    """Mean -log2 p(label) over all positions of logits [N, T, V]."""
    logits = np.asarray(logits)
    labels = np.asarray(labels).astype(np.int64)
    if logits.ndim != 3 or logits.shape[:2] != labels.shape:
        raise ValueError(f"bpc: logits {logits.shape} vs labels {labels.shape}")
    total, count = 0.0, 0
    for start in range(0, logits.shape[0], 256):  # bounded float64 memory
        lp = log_softmax(logits[start:start + 256])
        lab = labels[start:start + 256]
        picked = np.take_along_axis(lp, lab[..., None], axis=-1)
        total -= float(picked.sum())
        count += lab.size
    return total / count / math.log(2)


# ---------------------------------------------------------------------------
# Reference ONNX evaluator (numpy, float32).

def _attrs(node):
    from onnx import helper
    return {a.name: helper.get_attribute_value(a) for a in node.attribute}


def _erf(x):
    """erf in float64 from the Chebyshev-fitted erfc of Numerical Recipes
    (fractional error below 1.2e-7), returned as float32."""
    z = np.abs(np.asarray(x, dtype=np.float64))
    t = 1.0 / (1.0 + 0.5 * z)
    poly = -1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))
    poly = 0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * poly))
    poly = -1.26551223 + t * (1.00002368 + t * (0.37409196 + t * poly))
    erfc = t * np.exp(-z * z + poly)
    return np.where(np.asarray(x) >= 0, 1.0 - erfc, erfc - 1.0).astype(np.float32)


def _conv2d(x, w, b, pads, strides, dilations, group):
    if group != 1 or any(d != 1 for d in dilations):
        raise NotImplementedError("Conv: only group=1, dilation 1")
    n, c, h, wd = x.shape
    m, _, kh, kw = w.shape
    x = np.pad(x, ((0, 0), (0, 0), (pads[0], pads[2]), (pads[1], pads[3])))
    oh = (x.shape[2] - kh) // strides[0] + 1
    ow = (x.shape[3] - kw) // strides[1] + 1
    cols = np.empty((n, c, kh, kw, oh, ow), dtype=np.float32)
    for i in range(kh):
        for j in range(kw):
            cols[:, :, i, j] = x[:, :, i:i + strides[0] * oh:strides[0],
                                 j:j + strides[1] * ow:strides[1]]
    y = np.einsum("nkhw,mk->nmhw", cols.reshape(n, c * kh * kw, oh, ow),
                  w.reshape(m, -1), optimize=True)
    if b is not None:
        y += b.reshape(1, m, 1, 1)
    return y.astype(np.float32)


def _maxpool(x, kernel, pads, strides, ceil_mode):
    if ceil_mode or any(pads):
        raise NotImplementedError("MaxPool: only ceil_mode=0, no padding")
    n, c, h, w = x.shape
    oh = (h - kernel[0]) // strides[0] + 1
    ow = (w - kernel[1]) // strides[1] + 1
    y = np.full((n, c, oh, ow), -np.inf, dtype=np.float32)
    for i in range(kernel[0]):
        for j in range(kernel[1]):
            y = np.maximum(y, x[:, :, i:i + strides[0] * oh:strides[0],
                                j:j + strides[1] * ow:strides[1]])
    return y


def _reshape(x, shape):
    shape = [int(s) for s in shape]
    shape = [x.shape[i] if s == 0 else s for i, s in enumerate(shape)]
    return x.reshape(shape)


def _layernorm(x, scale, bias, axis, eps):
    axes = tuple(range(axis % x.ndim, x.ndim))
    mean = x.mean(axis=axes, keepdims=True)
    var = ((x - mean) ** 2).mean(axis=axes, keepdims=True)
    y = (x - mean) / np.sqrt(var + np.float32(eps)) * scale
    return (y + bias if bias is not None else y).astype(np.float32)


def _softmax(x, axis):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return (e / e.sum(axis=axis, keepdims=True)).astype(np.float32)


def _node(node, ins):
    """Evaluates one node; returns its list of outputs."""
    op, a = node.op_type, _attrs(node)
    f32 = np.float32
    if op == "Constant":
        from onnx import numpy_helper
        return [numpy_helper.to_array(a["value"])]
    if op == "Identity":
        return [ins[0]]
    if op in ("Add", "Sub", "Mul", "Div", "Pow"):
        fn = {"Add": np.add, "Sub": np.subtract, "Mul": np.multiply,
              "Div": np.divide, "Pow": np.power}[op]
        return [fn(ins[0], ins[1]).astype(ins[0].dtype)]
    if op == "Relu":
        return [np.maximum(ins[0], f32(0))]
    if op == "Erf":
        return [_erf(ins[0])]
    if op == "Tanh":
        return [np.tanh(ins[0])]
    if op == "Sigmoid":
        return [(1 / (1 + np.exp(-ins[0]))).astype(f32)]
    if op == "Sqrt":
        return [np.sqrt(ins[0])]
    if op == "MatMul":
        return [np.matmul(ins[0], ins[1])]
    if op == "Gemm":
        x, w = ins[0], ins[1]
        if a.get("transA", 0):
            x = x.T
        if a.get("transB", 0):
            w = w.T
        y = a.get("alpha", 1.0) * (x @ w)
        if len(ins) > 2 and ins[2] is not None:
            y = y + a.get("beta", 1.0) * ins[2]
        return [y.astype(f32)]
    if op == "Reshape":
        return [_reshape(ins[0], ins[1])]
    if op == "Flatten":
        axis = a.get("axis", 1) % ins[0].ndim
        return [ins[0].reshape(int(np.prod(ins[0].shape[:axis])), -1)]
    if op == "Transpose":
        return [np.transpose(ins[0], a.get("perm"))]
    if op == "Softmax":
        return [_softmax(ins[0], a.get("axis", -1))]
    if op == "LayerNormalization":
        return [_layernorm(ins[0], ins[1], ins[2] if len(ins) > 2 else None,
                           a.get("axis", -1), a.get("epsilon", 1e-5))]
    if op == "ReduceMean":
        axes = a.get("axes", ins[1].tolist() if len(ins) > 1 else None)
        return [ins[0].mean(axis=tuple(axes) if axes is not None else None,
                            keepdims=bool(a.get("keepdims", 1)))]
    if op == "Gather":
        return [np.take(ins[0], ins[1], axis=a.get("axis", 0))]
    if op == "Conv":
        k = len(ins[1].shape) - 2
        return [_conv2d(ins[0], ins[1], ins[2] if len(ins) > 2 else None,
                        a.get("pads", [0] * 2 * k), a.get("strides", [1] * k),
                        a.get("dilations", [1] * k), a.get("group", 1))]
    if op == "MaxPool":
        k = a["kernel_shape"]
        return [_maxpool(ins[0], k, a.get("pads", [0] * 2 * len(k)),
                         a.get("strides", [1] * len(k)), a.get("ceil_mode", 0))]
    if op == "Shape":
        return [np.array(ins[0].shape, dtype=np.int64)]
    if op == "Cast":
        from onnx import helper
        return [ins[0].astype(helper.tensor_dtype_to_np_dtype(a["to"]))]
    if op == "Unsqueeze":
        out = ins[0]
        for ax in sorted(int(v) for v in ins[1]):
            out = np.expand_dims(out, ax)
        return [out]
    if op == "Squeeze":
        return [np.squeeze(ins[0], tuple(int(v) for v in ins[1]))]
    if op == "Concat":
        return [np.concatenate(ins, axis=a["axis"])]
    raise NotImplementedError(f"reference evaluator: no {op}")


def run_onnx(model, feeds):
    """Evaluates an onnx ModelProto (or path) on a dict of numpy inputs and
    returns the list of graph outputs."""
    import onnx
    from onnx import numpy_helper
    if isinstance(model, str):
        model = onnx.load(model)
    env = {t.name: numpy_helper.to_array(t) for t in model.graph.initializer}
    env.update(feeds)
    env[""] = None
    for node in model.graph.node:
        outs = _node(node, [env[i] for i in node.input])
        env.update(zip(node.output, outs))
    return [env[o.name] for o in model.graph.output]


def run_onnx_batched(model, x, batch=500):
    """run_onnx on a single-input model, `batch` rows at a time."""
    import onnx
    if isinstance(model, str):
        model = onnx.load(model)
    name = model.graph.input[0].name
    parts = [run_onnx(model, {name: x[s:s + batch]})[0]
             for s in range(0, len(x), batch)]
    return np.concatenate(parts)


def op_histogram(model):
    """The number of nodes of each op type of an ONNX model, by op type."""
    hist = {}
    for node in model.graph.node:
        hist[node.op_type] = hist.get(node.op_type, 0) + 1
    return dict(sorted(hist.items()))


def report_export(path, model, seconds, limit=2 << 20):
    """Prints what a training script exported and returns its size and op
    histogram; exits when the file is not under `limit` bytes."""
    size = os.path.getsize(path)
    hist = op_histogram(model)
    print(f"trained in {seconds:.0f} s; exported {path}: {size} bytes, ops {hist}")
    if size >= limit:
        raise SystemExit(f"{os.path.basename(path)} is not under {limit >> 20} MB")
    return size, hist


def main(argv):
    args = argv[1:]
    expect = tol = None
    if "--expect" in args:
        i = args.index("--expect")
        expect = float(args[i + 1])
        del args[i:i + 2]
    if "--tol" in args:
        i = args.index("--tol")
        tol = float(args[i + 1])
        del args[i:i + 2]
    kind = args[0] if args else ""
    if (kind, len(args)) not in (("accuracy", 3), ("bpc", 3), ("run", 4)):
        print(__doc__, file=sys.stderr)
        return 2
    if kind == "run":
        np.save(args[3], run_onnx_batched(args[1], np.load(args[2])))
        return 0
    logits, labels = np.load(args[1]), np.load(args[2])
    if kind == "accuracy":
        value = accuracy(logits, labels)
        print(f"accuracy: {value:.4f}")
        measured, unit = value * 100, "%"
    else:
        value = bits_per_char(logits, labels)
        print(f"bits_per_char: {value:.4f}")
        measured, unit = value, " bits/char"
    if expect is not None:
        tol = 0.0 if tol is None else tol
        if abs(measured - expect) > tol:
            print(f"metrics.py: {kind} {measured:.4f}{unit} differs from the "
                  f"expected {expect}{unit} by more than {tol}", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
