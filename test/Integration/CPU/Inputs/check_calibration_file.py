# Reads a qforge calibration file with a safetensors reader of its own
# (struct + json, per the format's spec) and checks the statistics of
# 'fc1.input' -- the MLP's input images themselves -- against numpy.
# Usage: check_calibration_file.py FILE.safetensors CALIB_X.npy
import json
import struct
import sys

import numpy as np

path, xpath = sys.argv[1], sys.argv[2]
data = open(path, "rb").read()
(n,) = struct.unpack("<Q", data[:8])
header = json.loads(data[8:8 + n])
body = data[8 + n:]
meta = header.pop("__metadata__")
assert meta["format"] == "qforge-calibration" and meta["format_version"] == "1", meta
assert meta["samples"] == "512", meta
assert meta["observed"].split("\n") == ["fc1.input", "fc2.input", "fc3.input"], meta
dtypes = {"F64": np.float64, "I64": np.int64}


def tensor(name):
    t = header[name]
    begin, end = t["data_offsets"]
    return np.frombuffer(body[begin:end], dtypes[t["dtype"]]).reshape(t["shape"])


x = np.load(xpath).astype(np.float64)
rows, k = x.shape
stats = tensor("fc1.input.stats")
assert stats[0] == rows and stats[1] == x.min() and stats[2] == x.max(), stats
gram = tensor("fc1.input.gram")
ref = x.T @ x
assert np.allclose(gram, ref, rtol=1e-12, atol=1e-9), abs(gram - ref).max()
assert np.array_equal(gram, gram.T)
assert np.allclose(tensor("fc1.input.mean_abs"), np.abs(x).mean(0), rtol=1e-12)
assert np.allclose(tensor("fc1.input.mean_sq"), (x * x).mean(0), rtol=1e-12)
assert np.array_equal(tensor("fc1.input.max_abs"), np.abs(x).max(0))
hist, upper = tensor("fc1.input.histogram"), stats[4]
# The range is the smallest power of two above max |x|.
assert hist.sum() == rows * k
assert upper > np.abs(x).max() >= upper / 2 and upper == 2.0 ** np.round(np.log2(upper)), upper
counts = np.bincount(np.minimum((np.abs(x) / upper * 2048).astype(np.int64), 2047).ravel(), minlength=2048)
assert np.array_equal(hist, counts)
# Every observed tensor has its six tensors; nothing else is stored.
names = meta["observed"].split("\n")
assert sorted(header) == sorted(f"{o}.{s}" for o in names for s in ["stats", "histogram", "mean_abs", "mean_sq", "max_abs", "gram"])
print("calibration file ok:", rows, "rows of", k, "channels")
