#!/usr/bin/env bash
# Quickstart: quantize the weights of a small MLP with qforge, lower it with
# upstream MLIR, run it with the MLIR JIT and compare with the float model.
# Usage: examples/quickstart/run.sh [BUILD_DIR]   (run by `make demo`)
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
build="$(cd "${1:-$here/../../build}" && pwd)"
llvm=/usr/lib/llvm-22
out="$build/examples/quickstart"
mkdir -p "$out"

echo "qforge quickstart: a 16 -> 32 -> 10 MLP, weights quantized four ways"
echo "[1/3] quantize   qforge-opt -canonicalize        -> $out/quantized.mlir"
# Folding runs qforge's C++ reference: qf.quantize of a constant becomes a
# packed qf.constant, and its qf.dequantize becomes the float constant that
# the quantized weights stand for.
"$build/bin/qforge-opt" "$here/mlp.mlir" -canonicalize -o "$out/quantized.mlir"
if grep -q "qf\." "$out/quantized.mlir"; then
  echo "error: qf ops left after folding (see $out/quantized.mlir)" >&2
  exit 1
fi

echo "[2/3] lower      mlir-opt (bufferize, loops, LLVM) -> $out/lowered.mlir"
"$llvm/bin/mlir-opt" "$out/quantized.mlir" \
  --one-shot-bufferize="bufferize-function-boundaries" \
  --convert-linalg-to-loops --convert-scf-to-cf --expand-strided-metadata \
  --finalize-memref-to-llvm --convert-math-to-llvm --convert-arith-to-llvm \
  --convert-func-to-llvm --convert-cf-to-llvm --reconcile-unrealized-casts \
  -o "$out/lowered.mlir"

echo "[3/3] run        mlir-runner (JIT)                 -> $out/run.txt"
"$llvm/bin/mlir-runner" "$out/lowered.mlir" -e main -entry-point-result=void \
  -shared-libs="$llvm/lib/libmlir_runner_utils.so,$llvm/lib/libmlir_c_runner_utils.so" \
  > "$out/run.txt"

# The run prints the float outputs, then one max |y_quantized - y_float| per
# scheme (rank-0 memrefs), in the order gen.py lists the schemes.
schemes=("i8 per output channel" "i4 per output channel" "i4 groups of 8 along K" \
         "i3 groups of 8 along K, asymmetric")
mapfile -t errors < <(awk '/rank = 0/ { getline; gsub(/[][]/, ""); print }' "$out/run.txt")
if [ "${#errors[@]}" -ne "${#schemes[@]}" ]; then
  echo "error: expected ${#schemes[@]} results in $out/run.txt, got ${#errors[@]}" >&2
  exit 1
fi
echo
echo "float outputs (first row):"
awk '/rank = 2/ { getline; print "  " $0; exit }' "$out/run.txt"
echo
printf "  %-38s %s\n" "weights" "max |y_quantized - y_float|"
for i in "${!schemes[@]}"; do
  printf "  %-38s %s\n" "${schemes[$i]}" "${errors[$i]}"
done
