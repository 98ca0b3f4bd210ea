// RUN: qforge-opt %s -split-input-file -qf-quantize-weights | FileCheck %s
// RUN: qforge-opt %s -split-input-file -verify-diagnostics -qf-quantize-weights="bits=4 group=8" | FileCheck %s --check-prefix=G8
// RUN: not qforge-opt %s -qf-quantize-weights="bits=9" 2>&1 | FileCheck %s --check-prefix=BITS
// RUN: not qforge-opt %s -qf-quantize-weights="group=-1" 2>&1 | FileCheck %s --check-prefix=GROUP
// BITS: qf-quantize-weights: bits must be 1..8, got 9
// GROUP: qf-quantize-weights: group must be >= 0, got -1

// A float matmul with constant weights and a zero init becomes a weight-only
// qf.matmul; the weights are marked for quantization, not rounded.
// CHECK-LABEL: func.func @dense_layer
//  CHECK-SAME: (%[[X:.*]]: tensor<4x16xf32>)
//       CHECK:   %[[W:.*]] = arith.constant dense<2.500000e-01> : tensor<16x8xf32>
//       CHECK:   %[[Q:.*]] = qf.quantize %[[W]] : tensor<16x8xf32> -> !qf.qtensor<16x8xf32, #qf.scheme<i8, axis = 1>>
//       CHECK:   %[[Y:.*]] = qf.matmul %[[X]], %[[Q]] acc(f32) : tensor<4x16xf32>, !qf.qtensor<16x8xf32, #qf.scheme<i8, axis = 1>> -> tensor<4x8xf32>
//       CHECK:   return %[[Y]]
//   G8-LABEL: func.func @dense_layer
//         G8:   qf.quantize {{.*}} -> !qf.qtensor<16x8xf32, #qf.scheme<i4, axis = 0, group = 8>>
func.func @dense_layer(%x: tensor<4x16xf32>) -> tensor<4x8xf32> {
  %w = arith.constant dense<0.25> : tensor<16x8xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x8xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<4x8xf32>) -> tensor<4x8xf32>
  %y = linalg.matmul ins(%x, %w : tensor<4x16xf32>, tensor<16x8xf32>) outs(%init : tensor<4x8xf32>) -> tensor<4x8xf32>
  return %y : tensor<4x8xf32>
}

// -----

// K = 12 is not a multiple of the group: per-column scales and a warning.
// CHECK-LABEL: func.func @ragged_k
//       CHECK:   qf.quantize {{.*}} #qf.scheme<i8, axis = 1>>
//   G8-LABEL: func.func @ragged_k
//         G8:   qf.quantize {{.*}} #qf.scheme<i4, axis = 1>>
func.func @ragged_k(%x: tensor<4x12xf32>) -> tensor<4x8xf32> {
  %w = arith.constant dense<0.25> : tensor<12x8xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x8xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<4x8xf32>) -> tensor<4x8xf32>
  // expected-warning@+1 {{qf-quantize-weights: K = 12 is not a multiple of group = 8; using one scale per output column}}
  %y = linalg.matmul ins(%x, %w : tensor<4x12xf32>, tensor<12x8xf32>) outs(%init : tensor<4x8xf32>) -> tensor<4x8xf32>
  return %y : tensor<4x8xf32>
}

// -----

// Left alone: runtime weights, a non-zero init (an accumulation), and
// -0.0 (the sum would differ in the sign of zero results).
// CHECK-LABEL: func.func @negative
//   CHECK-NOT:   qf.
//       CHECK:   return
func.func @negative(%x: tensor<4x16xf32>, %w: tensor<16x8xf32>, %acc: tensor<4x8xf32>) -> (tensor<4x8xf32>, tensor<4x8xf32>, tensor<4x8xf32>) {
  %c = arith.constant dense<0.25> : tensor<16x8xf32>
  %negzero = arith.constant -0.0 : f32
  %e = tensor.empty() : tensor<4x8xf32>
  %init = linalg.fill ins(%negzero : f32) outs(%e : tensor<4x8xf32>) -> tensor<4x8xf32>
  %y0 = linalg.matmul ins(%x, %w : tensor<4x16xf32>, tensor<16x8xf32>) outs(%init : tensor<4x8xf32>) -> tensor<4x8xf32>
  %y1 = linalg.matmul ins(%x, %c : tensor<4x16xf32>, tensor<16x8xf32>) outs(%acc : tensor<4x8xf32>) -> tensor<4x8xf32>
  %y2 = linalg.matmul ins(%x, %c : tensor<4x16xf32>, tensor<16x8xf32>) outs(%init : tensor<4x8xf32>) -> tensor<4x8xf32>
  return %y0, %y1, %y2 : tensor<4x8xf32>, tensor<4x8xf32>, tensor<4x8xf32>
}
