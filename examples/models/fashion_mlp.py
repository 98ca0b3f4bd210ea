#!/usr/bin/python3
"""Trains the Fashion-MNIST MLP example and exports it as ONNX.

A 784-256-128-10 ReLU MLP trained with plain numpy (Adam, mini-batches of
128, cross-entropy) on the 60k Fashion-MNIST training images that Debian's
dataset-fashion-mnist package ships. Deterministic: fixed seed, float32.

Writes next to this script:
  fashion_mlp.onnx  opset 13: Gemm, Relu, Gemm, Relu, Gemm; input "input"
                    [N, 784] float32 in [0, 1], output "logits" [N, 10]
  fashion_mlp.json  the fp32 top-1 accuracy on the 10k test images

Usage: fashion_mlp.py [--epochs N]   (about half a minute on 2 cores)
"""

import json
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fashion_data  # noqa: E402

SIZES = [784, 256, 128, 10]
SEED = 0


def init_params(rng):
    """He-initialized weights [in, out] and zero biases, float32."""
    params = []
    for fan_in, fan_out in zip(SIZES[:-1], SIZES[1:]):
        w = rng.standard_normal((fan_in, fan_out)) * np.sqrt(2.0 / fan_in)
        params += [w.astype(np.float32), np.zeros(fan_out, np.float32)]
    return params


def forward(params, x):
    """Returns the logits and the activations of every layer."""
    acts = [x]
    h = x
    for i in range(0, len(params), 2):
        h = h @ params[i] + params[i + 1]
        if i + 2 < len(params):
            h = np.maximum(h, 0)
        acts.append(h)
    return h, acts


def backward(params, acts, labels):
    """Gradients of the mean cross-entropy for the given activations."""
    logits = acts[-1]
    p = np.exp(logits - logits.max(axis=1, keepdims=True))
    p /= p.sum(axis=1, keepdims=True)
    p[np.arange(len(labels)), labels] -= 1
    g = p / len(labels)
    grads = [None] * len(params)
    for i in range(len(params) - 2, -1, -2):
        grads[i] = acts[i // 2].T @ g
        grads[i + 1] = g.sum(axis=0)
        if i > 0:
            g = (g @ params[i].T) * (acts[i // 2] > 0)
    return grads


def accuracy(params, x, y):
    """Top-1 accuracy in percent."""
    logits, _ = forward(params, x)
    return float((logits.argmax(axis=1) == y).mean() * 100)


def train(epochs):
    rng = np.random.default_rng(SEED)
    train_x, train_y = fashion_data.load("train")
    params = init_params(rng)
    m = [np.zeros_like(p) for p in params]
    v = [np.zeros_like(p) for p in params]
    lr, b1, b2, eps, step = 1e-3, 0.9, 0.999, 1e-8, 0
    for epoch in range(epochs):
        order = rng.permutation(len(train_x))
        for start in range(0, len(order), 128):
            idx = order[start:start + 128]
            _, acts = forward(params, train_x[idx])
            grads = backward(params, acts, train_y[idx])
            step += 1
            for p, g, mi, vi in zip(params, grads, m, v):
                mi *= b1
                mi += (1 - b1) * g
                vi *= b2
                vi += (1 - b2) * g * g
                mhat = mi / (1 - b1 ** step)
                vhat = vi / (1 - b2 ** step)
                p -= (lr * mhat / (np.sqrt(vhat) + eps)).astype(np.float32)
        print(f"epoch {epoch + 1}: train accuracy "
              f"{accuracy(params, train_x[:10000], train_y[:10000]):.2f}%")
    return params


def export(params, path):
    """Writes the MLP as an opset-13 ONNX model of Gemm and Relu nodes."""
    inits, nodes = [], []
    h = "input"
    for layer, i in enumerate(range(0, len(params), 2)):
        w, b = f"fc{layer + 1}.weight", f"fc{layer + 1}.bias"
        inits += [numpy_helper.from_array(params[i], w),
                  numpy_helper.from_array(params[i + 1], b)]
        last = i + 2 == len(params)
        out = "logits" if last else f"fc{layer + 1}"
        nodes.append(helper.make_node("Gemm", [h, w, b], [out],
                                      name=f"fc{layer + 1}"))
        if not last:
            nodes.append(helper.make_node("Relu", [out], [f"relu{layer + 1}"],
                                          name=f"relu{layer + 1}"))
            h = f"relu{layer + 1}"
    graph = helper.make_graph(
        nodes, "fashion_mlp",
        [helper.make_tensor_value_info("input", TensorProto.FLOAT, ["N", 784])],
        [helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["N", 10])],
        initializer=inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)],
                              producer_name="qforge examples/models/fashion_mlp.py")
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, path)


def main(argv):
    epochs = 10
    if len(argv) == 3 and argv[1] == "--epochs":
        epochs = int(argv[2])
    here = os.path.dirname(os.path.abspath(__file__))
    params = train(epochs)
    test_x, test_y = fashion_data.load("test")
    acc = accuracy(params, test_x, test_y)
    print(f"test accuracy (fp32, 10k images): {acc:.2f}%")
    export(params, os.path.join(here, "fashion_mlp.onnx"))
    with open(os.path.join(here, "fashion_mlp.json"), "w") as f:
        json.dump({"model": "fashion_mlp.onnx", "dataset": "fashion-mnist test (10000)",
                   "epochs": epochs, "seed": SEED,
                   "top1_accuracy_percent": round(acc, 2)}, f, indent=2)
        f.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
