"""Builds the tiny ONNX models of the qforge-import tests.

case(prefix, nodes, inputs, outputs) writes PREFIX.onnx, one PREFIX.inI.npy
per graph input and one PREFIX.refI.npy per output (the numpy result the
test computed). Graph inputs and outputs get the shapes of the arrays given.
"""

import numpy as np
import onnx
from onnx import TensorProto, helper, mapping, numpy_helper

node = helper.make_node


def rnd(*shape, seed=0, lo=-2.0, hi=2.0):
    """A deterministic float32 array of `shape` in [lo, hi)."""
    rng = np.random.default_rng(seed + sum(shape) * 7 + len(shape))
    return rng.uniform(lo, hi, shape).astype(np.float32)


def const(name, array):
    """An initializer (TensorProto) holding `array`."""
    return numpy_helper.from_array(np.asarray(array), name)


def case(prefix, nodes, inputs, outputs, inits=(), opset=13,
         input_shapes=None):
    """Saves the model and the .npy inputs / references.

    inputs: dict name -> array (graph inputs), outputs: dict name -> array
    (numpy references), inits: initializers (TensorProto), input_shapes:
    optional dict name -> declared shape (symbolic dims as strings).
    """
    input_shapes = input_shapes or {}
    graph = helper.make_graph(
        nodes, "test",
        [helper.make_tensor_value_info(
            n, mapping.NP_TYPE_TO_TENSOR_TYPE[a.dtype],
            input_shapes.get(n, a.shape)) for n, a in inputs.items()],
        [helper.make_tensor_value_info(n, TensorProto.FLOAT, a.shape)
         for n, a in outputs.items()],
        initializer=list(inits))
    model = helper.make_model(graph,
                              opset_imports=[helper.make_opsetid("", opset)])
    model.ir_version = 8
    onnx.save(model, prefix + ".onnx")
    for i, a in enumerate(inputs.values()):
        # np.array, not np.ascontiguousarray: that makes a 0-d array 1-d.
        np.save(f"{prefix}.in{i}.npy", np.array(a, order="C"))
    for i, a in enumerate(outputs.values()):
        np.save(f"{prefix}.ref{i}.npy", np.array(a, np.float32, order="C"))


def _window_out(size, k, stride, dil, pb, pe, ceil=False):
    """Output size of a 1-D window (ONNX semantics, ceil_mode included)."""
    ext = (k - 1) * dil + 1
    span = size + pb + pe - ext
    out = (-(-span // stride) if ceil else span // stride) + 1
    if ceil and (out - 1) * stride >= size + pb:
        out -= 1
    return out


def conv_ref(x, w, b=None, strides=(1, 1), pads=(0, 0, 0, 0),
             dilations=(1, 1), group=1):
    """Direct NCHW convolution with ONNX's attributes, in float64."""
    n, c, h, wd = x.shape
    m, cg, kh, kw = w.shape
    oh = _window_out(h, kh, strides[0], dilations[0], pads[0], pads[2])
    ow = _window_out(wd, kw, strides[1], dilations[1], pads[1], pads[3])
    xp = np.zeros((n, c, h + pads[0] + pads[2], wd + pads[1] + pads[3]))
    xp[:, :, pads[0]:pads[0] + h, pads[1]:pads[1] + wd] = x
    y = np.zeros((n, m, oh, ow))
    mg = m // group
    for o in range(m):
        g = o // mg
        for i in range(oh):
            for j in range(ow):
                r = i * strides[0] + np.arange(kh) * dilations[0]
                q = j * strides[1] + np.arange(kw) * dilations[1]
                patch = xp[:, g * cg:(g + 1) * cg][:, :, r][:, :, :, q]
                y[:, o, i, j] = (patch * w[o]).sum(axis=(1, 2, 3))
    if b is not None:
        y += b.reshape(1, m, 1, 1)
    return y.astype(np.float32)


def pool_ref(x, kind, kernel, strides=(1, 1), pads=(0, 0, 0, 0),
             dilations=(1, 1), ceil=False, count_include_pad=False):
    """MaxPool / AveragePool on NCHW with ONNX's attributes."""
    n, c, h, wd = x.shape
    oh = _window_out(h, kernel[0], strides[0], dilations[0], pads[0], pads[2],
                     ceil)
    ow = _window_out(wd, kernel[1], strides[1], dilations[1], pads[1],
                     pads[3], ceil)
    y = np.zeros((n, c, oh, ow))
    for i in range(oh):
        for j in range(ow):
            vals, cnt = [], 0
            for a in range(kernel[0]):
                for b in range(kernel[1]):
                    r = i * strides[0] + a * dilations[0] - pads[0]
                    q = j * strides[1] + b * dilations[1] - pads[1]
                    inside = 0 <= r < h and 0 <= q < wd
                    if inside:
                        vals.append(x[:, :, r, q])
                    if inside or (count_include_pad and -pads[0] <= r < h + pads[2]
                                  and -pads[1] <= q < wd + pads[3]):
                        cnt += 1
            if kind == "max":
                y[:, :, i, j] = np.max(vals, axis=0)
            else:
                y[:, :, i, j] = np.sum(vals, axis=0) / cnt
    return y.astype(np.float32)


def quantize_ref(x, scale, zp, dtype, axis=1):
    """ONNX QuantizeLinear: saturate(round_half_even(x / scale) + zp)."""
    scale = np.asarray(scale, np.float32)
    zp = np.asarray(zp)
    if scale.ndim == 1 and scale.size > 1:
        shape = [1] * x.ndim
        shape[axis] = -1
        scale, zp = scale.reshape(shape), zp.reshape(shape)
    info = np.iinfo(dtype)
    q = np.rint(x.astype(np.float32) / scale) + zp.astype(np.float64)
    return np.clip(q, info.min, info.max).astype(dtype)


def dequantize_ref(q, scale, zp, axis=1):
    """ONNX DequantizeLinear: (q - zp) * scale in float32."""
    scale = np.asarray(scale, np.float32)
    zp = np.asarray(zp)
    if scale.ndim == 1 and scale.size > 1:
        shape = [1] * q.ndim
        shape[axis] = -1
        scale, zp = scale.reshape(shape), zp.reshape(shape)
    return ((q.astype(np.int32) - zp.astype(np.int32)).astype(np.float32) *
            scale).astype(np.float32)
