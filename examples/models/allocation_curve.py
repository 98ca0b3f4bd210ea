#!/usr/bin/python3
"""Accuracy against average bits per weight for bit allocation.

For one Fashion-MNIST example model (the MLP, or the CNN with its
convolutions as im2col + matmul), quantizes the weights

  * uniformly at 2, 3, 4 and 8 bits,
  * mixed, under budgets from 1.5 to 8 bits per weight (scales included),
    with qf-allocate-bits objective=local and objective=propagated,

all rounded to nearest (--rounding rtn, the default: what the predictions
describe) or by GPTQ (--rounding gptq), with statistics and layer gains
from a calibration run on 512 training images; runs each on the 10,000 test
images and writes a JSON report: per point the objective, budget, average
bits, top-1, the predicted output error (qf-analyze-error: sum of gain x
tr(ΔW H ΔWᵀ), for round to nearest) and the measured one (sum of squared
logit differences from fp32, per test image), and the rank correlation and
worst ratio of predicted against measured.

Usage: allocation_curve.py BUILD_DIR OUT.json [--model mlp|cnn] [--rounding rtn|gptq]
(a few minutes; uses qforge-import, qforge-run and qforge-opt from
BUILD_DIR/bin).
"""

import json
import os
import subprocess
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
BUDGETS = [1.5, 2.0, 2.5, 3.0, 3.5, 4.0, 5.0, 6.0, 8.0]
UNIFORM = [2, 3, 4, 8]
CANDIDATES = "1,2,3,4,8"


def run(*cmd):
    """Runs a qforge tool quietly; shows its output only when it fails."""
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if r.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed:\n{r.stdout}")


def rank(values):
    order = np.argsort(values, kind="stable")
    r = np.empty(len(values))
    r[order] = np.arange(len(values))
    return r


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    build, out = sys.argv[1], sys.argv[2]
    opts = dict(zip(sys.argv[3::2], sys.argv[4::2]))
    model = opts.get("--model", "mlp")
    rounding = opts.get("--rounding", "rtn")
    if model not in ("mlp", "cnn") or rounding not in ("rtn", "gptq"):
        sys.exit(__doc__)
    onnx = os.path.join(HERE, {"mlp": "fashion_mlp.onnx", "cnn": "fashion_cnn.onnx"}[model])
    flags = ["--conv-as-matmul"] if model == "cnn" else []
    work = out + ".work"
    os.makedirs(work, exist_ok=True)
    b = lambda tool: os.path.join(build, "bin", tool)  # noqa: E731
    run(sys.executable, os.path.join(HERE, "fashion_data.py"), f"{work}/data")
    run(b("qforge-import"), onnx, "--batch", "256", "--mlir-print-debuginfo", *flags, "-o", f"{work}/cal.mlir")
    run(b("qforge-import"), onnx, "--batch", "10000", "--mlir-print-debuginfo", *flags, "-o", f"{work}/m.mlir")
    run(b("qforge-run"), f"{work}/cal.mlir", "--calibrate", f"{work}/cal.safetensors",
        "--input", f"{work}/data/calib_x.npy", "--sensitivity", "--progress", "off")
    run(b("qforge-run"), f"{work}/m.mlir", "--input", f"{work}/data/test_x.npy", "--output", f"{work}/fp32.npy")
    labels = np.load(f"{work}/data/test_y.npy")
    fp32 = np.load(f"{work}/fp32.npy").astype(np.float64)
    prefix = ["-qf-instrument", f"-qf-attach-calibration=file={work}/cal.safetensors"]

    points = []
    configs = [("uniform", u, [f"-qf-quantize-weights=bits={u}"]) for u in UNIFORM]
    for objective in ["local", "propagated"]:
        for budget in BUDGETS:
            configs.append((objective, budget, [
                "-qf-quantize-weights",
                f"-qf-allocate-bits=budget={budget} objective={objective} candidates={CANDIDATES}"]))
    for kind, value, passes in configs:
        tag = f"{kind}-{value}"
        run(b("qforge-opt"), f"{work}/m.mlir", *prefix, *passes,
            f"-qf-analyze-error=report={work}/{tag}.json", f"-qf-round=method={rounding}",
            "-o", f"{work}/{tag}.mlir")
        run(b("qforge-run"), f"{work}/{tag}.mlir", "--input", f"{work}/data/test_x.npy",
            "--output", f"{work}/{tag}.npy")
        logits = np.load(f"{work}/{tag}.npy").astype(np.float64)
        report = json.load(open(f"{work}/{tag}.json"))["total"]
        point = {
            "kind": kind,
            ("bits" if kind == "uniform" else "budget"): value,
            "average_bits_per_weight": report["average_bits_per_weight"],
            "top1": float((logits.argmax(1) == labels).mean() * 100),
            "measured_output_error": float(((logits - fp32) ** 2).sum(1).mean()),
        }
        if "predicted_output_error" in report:
            point["predicted_output_error"] = report["predicted_output_error"]
        points.append(point)
        print(f"{kind:>10} {value:>4} {point['average_bits_per_weight']:6.3f} bits "
              f"{point['top1']:6.2f}%", flush=True)
    with_pred = [p for p in points if "predicted_output_error" in p]
    pred = np.array([p["predicted_output_error"] for p in with_pred])
    meas = np.array([p["measured_output_error"] for p in with_pred])
    result = {
        "model": os.path.basename(onnx),
        "fp32_top1": float((fp32.argmax(1) == labels).mean() * 100),
        "candidates": CANDIDATES,
        "rounding": rounding + ("" if rounding == "rtn" else " (predictions are for round to nearest)"),
        "points": points,
        "rank_correlation_predicted_measured": float(np.corrcoef(rank(pred), rank(meas))[0, 1]),
        "max_ratio_predicted_measured": float(max(np.maximum(pred / meas, meas / pred))),
    }
    with open(out, "w") as f:
        json.dump(result, f, indent=2)
    print(f"rank correlation {result['rank_correlation_predicted_measured']:.3f}, "
          f"worst ratio {result['max_ratio_predicted_measured']:.2f} -> {out}")


if __name__ == "__main__":
    main()
