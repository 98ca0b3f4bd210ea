#!/usr/bin/python3
"""Fashion-MNIST as .npy files for calibration and evaluation.

Reads the IDX files that Debian's dataset-fashion-mnist package installs
under /usr/share/datasets/fashion-mnist/ and writes, into the directory given
on the command line:

  calib_x.npy  float32 [512, 784]   the first 512 training images, in [0, 1]
  calib_y.npy  int64   [512]        their labels
  test_x.npy   float32 [10000, 784] the test images, in [0, 1]
  test_y.npy   int64   [10000]      their labels

Usage: fashion_data.py OUT_DIR [--calib N]
The files are generated (tests run this script); they are not committed.
"""

import gzip
import os
import struct
import sys

import numpy as np

DATA_DIR = "/usr/share/datasets/fashion-mnist"


def read_idx(name):
    """Returns the array stored in the gzip'd IDX file `name` of DATA_DIR."""
    path = os.path.join(DATA_DIR, name)
    with gzip.open(path, "rb") as f:
        data = f.read()
    if len(data) < 4 or data[0] != 0 or data[1] != 0 or data[2] != 0x08:
        raise ValueError(f"{path}: not an unsigned-byte IDX file")
    ndim = data[3]
    dims = struct.unpack(">" + "I" * ndim, data[4:4 + 4 * ndim])
    body = np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim)
    if body.size != int(np.prod(dims)):
        raise ValueError(f"{path}: expected {dims}, found {body.size} bytes")
    return body.reshape(dims)


def load(split):
    """Returns (images float32 [N, 784] in [0, 1], labels int64 [N])."""
    prefix = "train" if split == "train" else "t10k"
    images = read_idx(f"{prefix}-images-idx3-ubyte.gz")
    labels = read_idx(f"{prefix}-labels-idx1-ubyte.gz")
    x = images.reshape(images.shape[0], -1).astype(np.float32) / np.float32(255)
    return x, labels.astype(np.int64)


def main(argv):
    if len(argv) > 1 and argv[1] in ("-h", "--help"):
        print(__doc__)
        return 0
    usage_ok = len(argv) == 2 or (len(argv) == 4 and argv[2] == "--calib")
    if not usage_ok or argv[1].startswith("-"):
        print(__doc__, file=sys.stderr)
        return 1
    out = argv[1]
    calib = 512
    if len(argv) == 4:
        if not argv[3].isdigit() or int(argv[3]) < 1:
            print("--calib takes a positive number of samples", file=sys.stderr)
            return 1
        calib = int(argv[3])
    os.makedirs(out, exist_ok=True)
    train_x, train_y = load("train")
    test_x, test_y = load("test")
    np.save(os.path.join(out, "calib_x.npy"), train_x[:calib])
    np.save(os.path.join(out, "calib_y.npy"), train_y[:calib])
    np.save(os.path.join(out, "test_x.npy"), test_x)
    np.save(os.path.join(out, "test_y.npy"), test_y)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
