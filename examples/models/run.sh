#!/usr/bin/env bash
# The Fashion-MNIST MLP (examples/models/fashion_mlp.onnx) end to end with
# qforge's tools: import from ONNX, calibrate on 512 training images,
# quantize several ways, compile for this CPU, and measure top-1 accuracy on
# the 10,000 test images. Usage: examples/models/run.sh [BUILD_DIR]
# (part of `make demo`). Needs python3-numpy and dataset-fashion-mnist
# (scripts/setup.sh installs both).
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
build="$(cd "${1:-$here/../../build}" && pwd)"
bin="$build/bin"
out="$build/examples/models"
python=/usr/bin/python3
mkdir -p "$out/cal"

echo "qforge end to end: Fashion-MNIST MLP 784 -> 256 -> 128 -> 10 from ONNX"
echo "[1/5] data       fashion_data.py            -> $out/data"
"$python" "$here/fashion_data.py" "$out/data" >/dev/null

echo "[2/5] import     qforge-import              -> $out/mlp.mlir"
"$bin/qforge-import" "$here/fashion_mlp.onnx" --batch 10000 --mlir-print-debuginfo -o "$out/mlp.mlir"
"$bin/qforge-import" "$here/fashion_mlp.onnx" --batch 512 --mlir-print-debuginfo -o "$out/mlp512.mlir"

echo "[3/5] calibrate  qf-instrument, qf-expose-observed, qforge-run on 512 images -> $out/cal"
"$bin/qforge-opt" "$out/mlp512.mlir" -qf-instrument -qf-expose-observed -o "$out/calib.mlir"
"$bin/qforge-run" "$out/calib.mlir" --input "$out/data/calib_x.npy" \
  --output "$out/cal/logits.npy,$out/cal/fc1.input.npy,$out/cal/fc2.input.npy,$out/cal/fc3.input.npy"

# name|passes after -qf-instrument, separated by ';'
variants=(
  "fp32|"
  "w8a8|-qf-quantize-weights=bits=8;-qf-quantize-activations=calibration=$out/cal;-qf-round"
  "w4-rtn|-qf-quantize-weights=bits=4;-qf-round"
  "w3-gptq|-qf-quantize-weights=bits=3;-qf-round=method=gptq calibration=$out/cal"
  "w2-rtn|-qf-quantize-weights=bits=2;-qf-round"
  "w2-gptq|-qf-quantize-weights=bits=2;-qf-round=method=gptq calibration=$out/cal"
  "mixed2.5-gptq|-qf-quantize-weights;-qf-allocate-bits=budget=2.5;-qf-round=method=gptq calibration=$out/cal"
)

echo "[4/5] quantize   qforge-opt, one module per variant"
echo "[5/5] run        qforge-run (JIT for this CPU) on the 10,000 test images"
echo
printf "  %-15s %10s   %s\n" "variant" "top-1" "passes"
for v in "${variants[@]}"; do
  name="${v%%|*}"
  passes="${v#*|}"
  args=()
  [[ -n "$passes" ]] && IFS=';' read -r -a args <<<"$passes"
  "$bin/qforge-opt" "$out/mlp.mlir" -qf-instrument "${args[@]}" -o "$out/$name.mlir"
  "$bin/qforge-run" "$out/$name.mlir" --input "$out/data/test_x.npy" --output "$out/$name.npy"
  acc=$("$python" -c "import numpy as np; print(f'{(np.load(\"$out/$name.npy\").argmax(1) == np.load(\"$out/data/test_y.npy\")).mean() * 100:.2f}%')")
  shown="${passes//$out/\$out}"
  printf "  %-15s %10s   %s\n" "$name" "$acc" "${shown//;/ }"
done
echo
echo "Weight-only unless noted; per-output-column f32 scales. See README.md."
