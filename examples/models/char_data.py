#!/usr/bin/python3
"""The fortunes corpus as token windows (.npy) for calibration and evaluation.

Reads the text files that Debian's fortunes and fortunes-min packages
install under /usr/share/games/fortunes/ (the 43 files of CORPUS, in name
order; the *.dat indexes and *.u8 links are not read) and splits them
into fortunes at the lines that hold only '%'. Every 10th fortune (global
index 9, 19, 29, ... in that order) is held out as test text, the others are
training text; each fortune is followed by a "%\\n" line in both streams.

Byte-level vocabulary of VOCAB = 97 ids: '\\n' -> 0, the printable ASCII
bytes 32..126 -> 1..95, any other byte (mostly tabs) -> 96.

Writes, into the directory given on the command line:

  calib_x.npy  int64 [512, 64]  windows of the training text at evenly spaced
                                starts, from the first to the last full one
  test_x.npy   int64 [N, 64]    non-overlapping windows of the held-out text
  test_y.npy   int64 [N, 64]    test_x shifted by one: the next-character labels

N is the number of full windows of the held-out text, capped at 1024; when
capped, 1024 of them are taken at evenly spaced window indices.

Usage: char_data.py OUT_DIR [--calib N]
The files are generated (tests run this script); they are not committed.
"""

import os
import sys

import numpy as np

DATA_DIR = "/usr/share/games/fortunes"
VOCAB = 97
CONTEXT = 64
TEST_EVERY = 10
MAX_TEST = 1024


# The text files of Debian bookworm's fortunes and fortunes-min packages
# (1:1.99.1-7.3), in name order. A fixed list: fortune files other packages
# add to the same directory (offensive or translated sets) must not change
# the corpus the recorded figures were measured on.
CORPUS = [
    "art", "ascii-art", "computers", "cookie", "debian", "definitions",
    "disclaimer", "drugs", "education", "ethnic", "food", "fortunes",
    "goedel", "humorists", "kids", "knghtbrd", "law", "linux", "linuxcookie",
    "literature", "love", "magic", "medicine", "men-women", "miscellaneous",
    "news", "paradoxum", "people", "perl", "pets", "platitudes", "politics",
    "pratchett", "riddles", "science", "songs-poems", "sports", "startrek",
    "tao", "translate-me", "wisdom", "work", "zippy",
]


def corpus_files():
    """The paths of the fortune text files of CORPUS."""
    paths = [os.path.join(DATA_DIR, name) for name in CORPUS]
    missing = [p for p in paths if not os.path.isfile(p)]
    if missing:
        raise FileNotFoundError(
            f"{len(missing)} fortune files missing, e.g. {missing[0]} "
            "(install Debian's fortunes package)")
    return paths


def split_fortunes(data):
    """Splits the bytes of one fortune file at lines holding only '%'."""
    fortunes, lines = [], []
    for line in data.split(b"\n"):
        if line.rstrip(b"\r") == b"%":
            fortunes.append(b"\n".join(lines) + b"\n")
            lines = []
        else:
            lines.append(line)
    rest = b"\n".join(lines).strip(b"\n")
    if rest:
        fortunes.append(rest + b"\n")
    return [f for f in fortunes if f.strip()]


def load_corpus():
    """Returns (training bytes, held-out test bytes)."""
    train, test, index = [], [], 0
    for path in corpus_files():
        with open(path, "rb") as f:
            for fortune in split_fortunes(f.read()):
                dest = test if index % TEST_EVERY == TEST_EVERY - 1 else train
                dest.append(fortune + b"%\n")
                index += 1
    return b"".join(train), b"".join(test)


def encode(data):
    """Maps bytes to token ids int64 [len(data)] with the scheme above."""
    b = np.frombuffer(data, dtype=np.uint8).astype(np.int64)
    ids = np.full(b.shape, VOCAB - 1, dtype=np.int64)
    printable = (b >= 32) & (b <= 126)
    ids[printable] = b[printable] - 31
    ids[b == 10] = 0
    return ids


def decode(ids):
    """Maps token ids back to text (id 96 shows as '?')."""
    out = []
    for i in np.asarray(ids).reshape(-1):
        i = int(i)
        out.append("\n" if i == 0 else chr(i + 31) if i < VOCAB - 1 else "?")
    return "".join(out)


def windows(ids, starts, length=CONTEXT):
    """Stacks ids[s:s + length] for every s in starts: int64 [len(starts), length]."""
    starts = np.asarray(starts, dtype=np.int64)
    return ids[starts[:, None] + np.arange(length, dtype=np.int64)[None, :]]


def calib_windows(train_ids, count=512):
    """`count` training windows at evenly spaced starts."""
    last = len(train_ids) - CONTEXT
    starts = np.linspace(0, last, count).round().astype(np.int64)
    return windows(train_ids, starts)


def test_windows(test_ids, cap=MAX_TEST):
    """(x, y): non-overlapping windows of the test text and next-char labels."""
    n = (len(test_ids) - 1) // CONTEXT
    picked = np.arange(n, dtype=np.int64)
    if n > cap:
        picked = np.linspace(0, n - 1, cap).round().astype(np.int64)
    starts = picked * CONTEXT
    return windows(test_ids, starts), windows(test_ids, starts + 1)


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
    train, test = load_corpus()
    test_x, test_y = test_windows(encode(test))
    np.save(os.path.join(out, "calib_x.npy"), calib_windows(encode(train), calib))
    np.save(os.path.join(out, "test_x.npy"), test_x)
    np.save(os.path.join(out, "test_y.npy"), test_y)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
