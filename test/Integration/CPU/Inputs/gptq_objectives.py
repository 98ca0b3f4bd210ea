# For every weight rounded by qf-round{method=gptq} in the given modules,
# GPTQ's objective tr((W - Ŵ) H (W - Ŵ)ᵀ) (qf.round_error) must not exceed
# round-to-nearest's under the same H (qf.rtn_error). Prints one line per
# module: the objectives per layer.
import re
import sys

pattern = re.compile(r"qf\.round_error = ([0-9.e+-]+) : f64, qf\.rtn_error = ([0-9.e+-]+) : f64")
for path in sys.argv[1:]:
    pairs = [(float(a), float(b)) for a, b in pattern.findall(open(path).read())]
    assert pairs, f"{path}: no rounded weights with both objectives"
    for gptq, rtn in pairs:
        assert gptq <= rtn, f"{path}: GPTQ objective {gptq} above RTN's {rtn}"
    print(path.rsplit("/", 1)[-1], " ".join(f"{g:.3g}<={r:.3g}" for g, r in pairs))
print("ok")
