# Top-1 accuracies of the quantized Fashion-MNIST MLP runs (see the .mlir).
import sys

from fashion_eval import accuracies

fp32, top1 = accuracies(sys.argv[1], sys.argv[2], ['w8', 'w4', 'mixed4'])
w8, w4, mixed = top1['w8'], top1['w4'], top1['mixed4']
print(f"fp32 {fp32:.2f}% w8 {w8:.2f}% w4 {w4:.2f}% mixed@4.0 {mixed:.2f}%")
assert fp32 - w8 <= 0.2, ("8-bit weights lose too much", fp32, w8)
assert fp32 - w4 <= 1.0, ("4-bit weights lose too much", fp32, w4)
assert mixed >= w4, ("mixed 4.0 bits below uniform 4-bit", mixed, w4)
print("ok")
