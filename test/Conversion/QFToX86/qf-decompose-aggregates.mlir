// RUN: qforge-opt %s -qf-decompose-aggregates | FileCheck %s

// linalg.softmax becomes max, exp(x - max), sum and division.
// CHECK-LABEL: func.func @softmax
//   CHECK-NOT:   linalg.softmax
//       CHECK:   linalg.generic
//       CHECK:     arith.maxnumf
//       CHECK:   linalg.generic
//       CHECK:     math.exp
//       CHECK:   linalg.generic
//       CHECK:     arith.addf
//       CHECK:   linalg.generic
//       CHECK:     arith.divf
func.func @softmax(%x: tensor<4x10xf32>) -> tensor<4x10xf32> {
  %e = tensor.empty() : tensor<4x10xf32>
  %y = linalg.softmax dimension(1) ins(%x : tensor<4x10xf32>) outs(%e : tensor<4x10xf32>) -> tensor<4x10xf32>
  return %y : tensor<4x10xf32>
}
