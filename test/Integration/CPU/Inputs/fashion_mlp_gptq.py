# Top-1 accuracies of the GPTQ, RTN and AWQ+RTN 2-bit runs and of W8A8 (see fashion-mlp-gptq.mlir).
import sys

from fashion_eval import accuracies

fp32, top1 = accuracies(sys.argv[1], sys.argv[2], ['gptq', 'rtn', 'w8a8', 'awq'])
gptq, rtn, w8a8, awq = top1['gptq'], top1['rtn'], top1['w8a8'], top1['awq']
print(f"fp32 {fp32:.2f}% gptq-w2 {gptq:.2f}% rtn-w2 {rtn:.2f}% w8a8 {w8a8:.2f}% awq-rtn-w2 {awq:.2f}%")
assert fp32 - gptq <= 1.5, ("GPTQ 2-bit loses too much", fp32, gptq)
assert gptq - rtn >= 2.0, ("GPTQ does not beat RTN at 2 bits", gptq, rtn)
assert fp32 - w8a8 <= 0.5, ("W8A8 loses too much", fp32, w8a8)
assert awq - rtn >= 0.5, ("AWQ does not help 2-bit RTN", awq, rtn)
print("ok")
