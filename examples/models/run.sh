#!/usr/bin/env bash
# The three example models end to end with qforge's tools: import from
# ONNX, a calibration run on 512 training samples (one calibration file per
# model), quantization several ways, JIT compilation for this CPU, and the
# quality of each variant on the held-out data (top-1 on the 10,000
# Fashion-MNIST test images; bits per character on held-out fortunes text).
# Usage: examples/models/run.sh [BUILD_DIR]   (part of `make demo`; about a
# minute and a half). Needs python3-numpy, dataset-fashion-mnist and fortunes
# (scripts/setup.sh installs them).
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
build="$(cd "${1:-$here/../../build}" && pwd)"
bin="$build/bin"
out="$build/examples/models"
python=/usr/bin/python3
mkdir -p "$out"

echo "[data] fashion_data.py, char_data.py -> $out/{fashion,char}"
"$python" "$here/fashion_data.py" "$out/fashion" >/dev/null
"$python" "$here/char_data.py" "$out/char" >/dev/null

# run_model NAME ONNX DATA METRIC CALIB_BATCH EVAL_BATCH IMPORT_FLAGS VARIANT...
# Each VARIANT is "label|passes after -qf-instrument -qf-attach-calibration,
# separated by ';'".
run_model() {
  local name=$1 onnx=$2 data=$3 metric=$4 cb=$5 eb=$6 flags=$7
  shift 7
  local dir="$out/$name"
  mkdir -p "$dir"
  echo
  echo "== $name ($(basename "$onnx"))"
  # shellcheck disable=SC2086
  "$bin/qforge-import" "$onnx" --batch "$cb" --mlir-print-debuginfo $flags -o "$dir/calib.mlir"
  # shellcheck disable=SC2086
  "$bin/qforge-import" "$onnx" --batch "$eb" --mlir-print-debuginfo $flags -o "$dir/model.mlir"
  printf "   "
  "$bin/qforge-run" "$dir/calib.mlir" --calibrate "$dir/cal.safetensors" \
    --input "$data/calib_x.npy" --progress off
  printf "   %-14s %14s   %s\n" "variant" "$metric" "passes"
  for v in "$@"; do
    local label="${v%%|*}" passes="${v#*|}" args=()
    [[ -n "$passes" ]] && IFS=';' read -r -a args <<<"$passes"
    "$bin/qforge-opt" "$dir/model.mlir" -qf-instrument \
      -qf-attach-calibration=file="$dir/cal.safetensors" "${args[@]}" -o "$dir/$label.mlir"
    "$bin/qforge-run" "$dir/$label.mlir" --input "$data/test_x.npy" --output "$dir/$label.npy"
    local figure
    figure=$("$python" "$here/metrics.py" "$metric" "$dir/$label.npy" "$data/test_y.npy")
    printf "   %-14s %14s   %s\n" "$label" "${figure#*: }" "${passes//;/ }"
  done
}

gptq="-qf-round=method=gptq"
run_model mlp "$here/fashion_mlp.onnx" "$out/fashion" accuracy 128 10000 "" \
  "fp32|" \
  "w8a8|-qf-quantize-weights=bits=8;-qf-quantize-activations;-qf-round" \
  "w4-rtn|-qf-quantize-weights=bits=4;-qf-round" \
  "w3-gptq|-qf-quantize-weights=bits=3;$gptq" \
  "w2-rtn|-qf-quantize-weights=bits=2;-qf-round" \
  "w2-gptq|-qf-quantize-weights=bits=2;$gptq" \
  "mixed2.5-gptq|-qf-quantize-weights;-qf-allocate-bits=budget=2.5;$gptq"
run_model cnn "$here/fashion_cnn.onnx" "$out/fashion" accuracy 256 10000 "--conv-as-matmul" \
  "fp32|" \
  "w8a8|-qf-quantize-weights=bits=8;-qf-quantize-activations;-qf-round" \
  "w4-gptq|-qf-quantize-weights=bits=4;$gptq" \
  "w2-rtn|-qf-quantize-weights=bits=2;-qf-round" \
  "w2-gptq|-qf-quantize-weights=bits=2;$gptq"
run_model transformer "$here/char_transformer.onnx" "$out/char" bpc 128 1024 "" \
  "fp32|" \
  "w8a8|-qf-quantize-weights=bits=8;-qf-quantize-activations;-qf-round" \
  "w4-rtn|-qf-quantize-weights=bits=4;-qf-round" \
  "w4-gptq|-qf-quantize-weights=bits=4;$gptq" \
  "w3-gptq|-qf-quantize-weights=bits=3;$gptq"
echo
echo "Weight-only unless noted (w8a8: static int8 activations from the"
echo "calibration file's ranges); per-output-column f32 scales."

# The driver in one command: the MLP at an average of 3 bits per weight
# (widths chosen by predicted output error, GPTQ), compiled for x86 and for
# Vulkan, with its report (report.json, report.html); then evaluated with
# the matmuls on the CPU and on the Vulkan device (lavapipe when there is no
# GPU).
echo
echo "== qforge quantize --budget 3 --target x86,vulkan (MLP), qforge eval on the 10,000 test images"
rm -rf "$out/mlp-q3"
"$bin/qforge" quantize "$here/fashion_mlp.onnx" --calib "$out/fashion/calib_x.npy" \
  --budget 3 --batch 10000 --target x86,vulkan -o "$out/mlp-q3" --quiet
fp32=$("$bin/qforge" eval "$here/fashion_mlp.onnx" --batch 10000 \
  --data "$out/fashion/test_x.npy" --labels "$out/fashion/test_y.npy")
q3=$("$bin/qforge" eval "$out/mlp-q3" \
  --data "$out/fashion/test_x.npy" --labels "$out/fashion/test_y.npy")
if ! q3vk=$("$bin/qforge" eval "$out/mlp-q3" --target vulkan \
       --data "$out/fashion/test_x.npy" --labels "$out/fashion/test_y.npy" 2>&1); then
  echo "   (no Vulkan row: $q3vk)"
  q3vk=""
fi
"$python" - "$out/mlp-q3/report.json" "$fp32" "$q3" "$q3vk" <<'PY'
import json, re, sys
report = json.load(open(sys.argv[1]))["total"]
def parse(text):
    acc = float(re.search(r"accuracy: ([0-9.]+)", text).group(1))
    ms = float(re.search(r"latency: ([0-9.]+) ms", text).group(1))
    return acc, ms
fp32_kib = report["weights"] * 4 / 1024
q_kib = report["bits"] / 8 / 1024
print(f"   {'model':<34} {'top-1':>8} {'weights':>12} {'latency/10k':>12}")
rows = [("fp32, x86", sys.argv[2], fp32_kib),
        ("mixed ~3 bits, GPTQ, x86", sys.argv[3], q_kib)]
if sys.argv[4]:
    rows.append(("mixed ~3 bits, GPTQ, Vulkan", sys.argv[4], q_kib))
for name, text, kib in rows:
    acc, ms = parse(text)
    print(f"   {name:<34} {acc * 100:7.2f}% {kib:9.1f} KiB {ms:9.1f} ms")
print(f"   ({report['average_bits_per_weight']:.2f} bits per weight, scales included;"
      " x86: the reference lowering on this CPU; Vulkan: the matmuls as SPIR-V"
      " kernels, bit-exact, on this machine's Vulkan device, the rest on the CPU)")
PY
echo "   report: $out/mlp-q3/report.html"
