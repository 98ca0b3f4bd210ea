// The quickstart example end to end: qforge-opt folds the weight
// quantization with the C++ reference, upstream MLIR lowers and runs it.
// The expected errors were checked against an independent numpy model of the
// same semantics (symmetric absmax scales, ties to even).
// RUN: qforge-opt %S/../../../examples/quickstart/mlp.mlir -canonicalize \
// RUN:   | mlir-opt --one-shot-bufferize="bufferize-function-boundaries" \
// RUN:       --convert-linalg-to-loops --convert-scf-to-cf --expand-strided-metadata \
// RUN:       --finalize-memref-to-llvm --convert-math-to-llvm --convert-arith-to-llvm \
// RUN:       --convert-func-to-llvm --convert-cf-to-llvm --reconcile-unrealized-casts \
// RUN:   | mlir-runner -e main -entry-point-result=void \
// RUN:       -shared-libs=%mlir_lib_dir/libmlir_runner_utils.so,%mlir_lib_dir/libmlir_c_runner_utils.so \
// RUN:   | FileCheck %s

// Float model, first row.
// CHECK: rank = 2
// CHECK-NEXT: [-2.13104, -2.71101, 0.781144, 1.82206, -0.354784, 7.67007, 0.461079, 0.281392, 1.28739, -0.603483]
// i8 per output channel
// CHECK: rank = 0
// CHECK-NEXT: [0.0336914]
// i4 per output channel
// CHECK: rank = 0
// CHECK-NEXT: [0.44423]
// i4 groups of 8 along K
// CHECK: rank = 0
// CHECK-NEXT: [0.814173]
// i3 groups of 8 along K, asymmetric
// CHECK: rank = 0
// CHECK-NEXT: [1.36352]
