"""Compares two `qforge eval` outputs (fp32 and quantized).

Usage: compare_eval.py accuracy|bits_per_token FP32.txt QUANT.txt TOLERANCE
accuracy: the quantized model may lose at most TOLERANCE (a fraction);
bits_per_token: it may add at most TOLERANCE bits.
"""
import re
import sys

metric, fp32_path, quant_path, tol = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4])


def read(path):
    text = open(path).read()
    m = re.search(r"^%s: ([0-9.]+)$" % metric, text, re.M)
    if not m:
        sys.exit("%s: no '%s:' line in\n%s" % (path, metric, text))
    return float(m.group(1))


f, q = read(fp32_path), read(quant_path)
ok = q >= f - tol if metric == "accuracy" else q <= f + tol
print("%s fp32 %.4f quantized %.4f: %s" % (metric, f, q, "ok" if ok else "FAILED"))
sys.exit(0 if ok else 1)
