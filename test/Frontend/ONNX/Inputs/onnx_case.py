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
