#!/usr/bin/env bash
# Quickstart: quantize the weights of a small MLP three ways, compile it for
# this CPU, run every version on the same input and check it against the
# float model. Usage: examples/quickstart/run.sh [BUILD_DIR] (`make demo`).
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
build="$(cd "${1:-$here/../../build}" && pwd)"
bin="$build/bin"
out="$build/examples/quickstart"
mkdir -p "$out"

# version, tolerance on max |y - y_float| (the outputs are O(1..10))
variants=("w8_per_channel 0.25" "w4_group8 1.5" "w8a8_dynamic 0.25")
weights=$(( (16 * 32 + 32 * 10) ))

echo "qforge quickstart: a 16 -> 32 -> 10 MLP (examples/quickstart/mlp.mlir)"

echo "[1/4] quantize  qforge-opt -canonicalize      -> $out/quantized.mlir"
# Folding runs the C++ reference: every qf.quantize of a constant weight
# becomes a packed qf.constant (codes + scales in one blob).
"$bin/qforge-opt" "$here/mlp.mlir" -canonicalize -o "$out/quantized.mlir"

echo "[2/4] compile   qforge-translate (x86 object + C header) -> $out/mlp.o, mlp.h"
"$bin/qforge-translate" "$out/quantized.mlir" --emit=object -o "$out/mlp.o"
"$bin/qforge-translate" "$out/quantized.mlir" --emit=header -o "$out/mlp.h"

echo "[3/4] run       qforge-run (JIT), the same random input (seed 7) for all"
"$bin/qforge-run" "$out/quantized.mlir" --entry float_mlp --seed 7 --output "$out/float.npy"

echo "[4/4] check     qforge-run --compare against the float model"
echo
printf "  %-16s %14s %12s %26s\n" "version" "weight bytes" "bits/weight" "max |y - y_float| (limit)"
printf "  %-16s %14d %12s %26s\n" "float_mlp" $((weights * 4)) "32" "-"
status=0
for v in "${variants[@]}"; do
  read -r name tol <<<"$v"
  # Bytes of this version's packed weights (qf.constant blobs).
  bytes=$(awk -v f="@$name" '
    /^ *func.func/ { infunc = index($0, f "(") > 0 }
    infunc && /qf.constant/ { if (match($0, /tensor<[0-9]+xi8>/)) { s = substr($0, RSTART + 7, RLENGTH - 11); total += s } }
    END { print total + 0 }' "$out/quantized.mlir")
  bits=$(awk -v b="$bytes" -v w="$weights" 'BEGIN { printf "%.2f", 8 * b / w }')
  if report=$("$bin/qforge-run" "$out/quantized.mlir" --entry "$name" --seed 7 \
                --compare "$out/float.npy" --rtol 0 --atol "$tol" 2>&1); then
    verdict="ok"
  else
    verdict="FAILED"
    status=1
  fi
  err=$(sed -n 's/.*max abs error \([^ ]*\).*/\1/p' <<<"$report" | head -n 1)
  printf "  %-16s %14d %12s %18s (%s) %s\n" "$name" "$bytes" "$bits" "${err:-?}" "$tol" "$verdict"
done
echo
echo "Blob sizes include scales and 16-byte section alignment (docs/BlobLayout.md)."
exit $status
