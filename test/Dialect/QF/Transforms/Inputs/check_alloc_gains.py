"""Checks that two qf-allocate-bits results differ only by a gain.

Usage: check_alloc_gains.py ATTACHED.mlir BASE.mlir OTHER.mlir GAIN BASE_GAIN

For every qf.quantize (in order) with the same scheme in BASE and OTHER,
qf.alloc_error(OTHER) / qf.alloc_error(BASE) must equal GAIN / BASE_GAIN of
the corresponding observed input's qf.calibration in ATTACHED (relative
tolerance 1e-6). Prints "N layers priced with GAIN / BASE_GAIN"; exits 1
with a message otherwise.
"""
import re
import sys


def allocs(path):
    text = open(path).read()
    return re.findall(r"qf.alloc_bits = ([0-9.eE+-]+) : f64, "
                      r"qf.alloc_error = ([0-9.eE+-]+) : f64.*-> (!qf.qtensor<.*>)",
                      text)


def gains(path, key):
    text = open(path).read()
    return [float(v) for v in re.findall(r"\b%s = ([0-9.eE+-]+) : f64" % key, text)]


def main():
    attached, base, other, key, base_key = sys.argv[1:6]
    a, b = allocs(base), allocs(other)
    g, g0 = gains(attached, key), gains(attached, base_key)
    if not a or len(a) != len(b) or len(g) != len(a) or len(g0) != len(a):
        sys.exit(f"expected one allocation and one gain per layer: {len(a)}, {len(b)}, {len(g)}, {len(g0)}")
    for i, ((bits_a, err_a, type_a), (bits_b, err_b, type_b)) in enumerate(zip(a, b)):
        if type_a != type_b or bits_a != bits_b:
            sys.exit(f"layer {i}: different choices: {type_a} vs {type_b}")
        want = float(err_a) * g[i] / g0[i]
        if abs(float(err_b) - want) > 1e-6 * max(abs(want), 1e-30):
            sys.exit(f"layer {i}: alloc_error {err_b}, expected {want}")
    print(f"{len(a)} layers priced with {key} / {base_key}")


main()
