"""Checks that a PNG screenshot is a real rendering: a valid PNG of the
expected width whose pixels are not all one colour (at least 2% of the
decoded bytes differ from the most common one).

Usage: check_png.py SHOT.png WIDTH
"""
import struct
import sys
import zlib

data = open(sys.argv[1], "rb").read()
assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
width, height = struct.unpack(">II", data[16:24])
assert width == int(sys.argv[2]), (width, sys.argv[2])
idat, pos = b"", 8
while pos < len(data):
    length, kind = struct.unpack(">I4s", data[pos:pos + 8])
    if kind == b"IDAT":
        idat += data[pos + 8:pos + 8 + length]
    pos += 12 + length
raw = zlib.decompress(idat)
counts = [0] * 256
for b in raw:
    counts[b] += 1
share = 1 - max(counts) / len(raw)
assert share > 0.02, "blank page (%.4f of the bytes differ)" % share
print("screenshot %dx%d, %.1f%% of the bytes differ from the background" % (width, height, 100 * share))
