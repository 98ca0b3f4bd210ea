"""Feeds truncated copies of an input file to a tool and checks that no run
crashes: every run exits with 0 (a cut that happens to leave valid text, e.g.
inside a comment) or with 1 and an error message, never with a signal or
another code. Truncated bytecode must always be rejected.

usage: truncate.py TOOL INPUT WORKDIR [--bytecode]
"""
import os
import subprocess
import sys

tool, source, workdir = sys.argv[1:4]
bytecode = "--bytecode" in sys.argv[4:]
os.makedirs(workdir, exist_ok=True)
if bytecode:
    data = subprocess.run([tool, source, "--emit-bytecode"], check=True,
                          capture_output=True).stdout
else:
    data = open(source, "rb").read()

# Cut points spread over the whole file, plus the first bytes.
cuts = sorted(set([1, 2, 3, 5, 8, 13] + [len(data) * i // 64 for i in range(1, 64)]))
failures = []
for n in cuts:
    path = os.path.join(workdir, "cut-%d" % n)
    with open(path, "wb") as f:
        f.write(data[:n])
    r = subprocess.run([tool, path, "-o", os.devnull], capture_output=True)
    valid = r.returncode == 0 and not bytecode
    rejected = r.returncode == 1 and b"error" in r.stderr
    if not (valid or rejected):
        failures.append("cut at %d of %d bytes: exit %d, stderr %r"
                        % (n, len(data), r.returncode, r.stderr[-200:]))
if failures:
    print("\n".join(failures))
    sys.exit(1)
print("ok: %d truncations, none crashed" % len(cuts))
