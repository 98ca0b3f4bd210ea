# Top-1 accuracies of the quantized Fashion-MNIST MLP runs (see the .mlir).
import json
import sys

import numpy as np

recorded, tmp = sys.argv[1], sys.argv[2]
fp32 = json.load(open(recorded))["top1_accuracy_percent"]
labels = np.load(f"{tmp}/data/test_y.npy")


def top1(name):
    return float((np.load(f"{tmp}/{name}.npy").argmax(1) == labels).mean() * 100)


w8, w4, mixed = top1("w8"), top1("w4"), top1("mixed4")
print(f"fp32 {fp32:.2f}% w8 {w8:.2f}% w4 {w4:.2f}% mixed@4.0 {mixed:.2f}%")
assert fp32 - w8 <= 0.2, ("8-bit weights lose too much", fp32, w8)
assert fp32 - w4 <= 1.0, ("4-bit weights lose too much", fp32, w4)
assert mixed >= w4, ("mixed 4.0 bits below uniform 4-bit", mixed, w4)
print("ok")
