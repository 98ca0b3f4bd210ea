// RUN: qforge-opt %s -qf-round -split-input-file | FileCheck %s
// RUN: qforge-opt %s -qf-round="clip=none" -split-input-file | FileCheck %s --check-prefix=NONE
// RUN: not qforge-opt %s -qf-round="clip=max" 2>&1 | FileCheck %s --check-prefix=BAD

// The clipping search trades the outlier's error for the small values': a
// smaller scale and a lower total squared error than the absmax scale. Row
// 0: the absmax scale 1.0 / 3 gives squared error 0.0956; the search finds
// a smaller scale (0.3067) with the same codes and error 0.0785. The plain
// scale's result equals folding.
// CHECK-LABEL: func.func @clip
//       CHECK:   %[[W:.*]] = qf.constant dense<{{.*}}> : tensor<32xi8> {qf.round_error = 0.078488887896803472 : f64} -> !qf.qtensor<2x8xf32, #qf.scheme<i3, axis = 0>>
//       CHECK:   return %[[W]]
// NONE-LABEL: func.func @clip
//       NONE:   qf.constant {{.*}} {qf.round_error = 0.095555566516187962 : f64}
// BAD: qf-round: clip must be mse or none, got 'max'
func.func @clip() -> !qf.qtensor<2x8xf32, #qf.scheme<i3, axis = 0>> {
  %w = arith.constant dense<[[0.1, 0.2, 0.3, 0.1, 0.2, 0.3, 0.1, 1.0], [0.5, -0.5, 0.25, -0.25, 0.5, -0.5, 0.25, -0.25]]> : tensor<2x8xf32>
  %q = qf.quantize %w : tensor<2x8xf32> -> !qf.qtensor<2x8xf32, #qf.scheme<i3, axis = 0>>
  return %q : !qf.qtensor<2x8xf32, #qf.scheme<i3, axis = 0>>
}

// -----

// Runtime values and static scales are left alone.
// CHECK-LABEL: func.func @negative_not_constant
//       CHECK:   qf.quantize
func.func @negative_not_constant(%x: tensor<2x8xf32>) -> !qf.qtensor<2x8xf32, #qf.scheme<i4>> {
  %q = qf.quantize %x : tensor<2x8xf32> -> !qf.qtensor<2x8xf32, #qf.scheme<i4>>
  return %q : !qf.qtensor<2x8xf32, #qf.scheme<i4>>
}
