# Measures a quality figure of model outputs with examples/models/metrics.py
# and compares it with the figure the training script recorded.
# Usage: example_figure.py accuracy|bpc LOGITS.npy LABELS.npy RECORD.json KEY TOL [--max-loss L]
# Prints "<figure> measured M recorded R"; exits 1 when |M - R| > TOL, or,
# with --max-loss L, when the figure is worse than the recorded one by more
# than L (for quantized models: accuracy lower, bits per char higher).
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "..", "..",
                                "examples", "models"))
import numpy as np  # noqa: E402

import metrics  # noqa: E402

kind, logits, labels, record, key, tol = sys.argv[1:7]
max_loss = float(sys.argv[8]) if len(sys.argv) > 8 and sys.argv[7] == "--max-loss" else None
recorded = float(json.load(open(record))[key])
out, lab = np.load(logits), np.load(labels)
if kind == "accuracy":
    measured = metrics.accuracy(out, lab) * 100
    loss = recorded - measured
else:
    measured = metrics.bits_per_char(out, lab)
    loss = measured - recorded
print(f"{kind} measured {measured:.4f} recorded {recorded:.4f}")
if max_loss is not None:
    if loss > max_loss:
        sys.exit(f"{kind} {measured:.4f} is worse than the recorded {recorded:.4f} by more than {max_loss}")
elif abs(measured - recorded) > float(tol):
    sys.exit(f"{kind} {measured:.4f} differs from the recorded {recorded:.4f} by more than {tol}")
