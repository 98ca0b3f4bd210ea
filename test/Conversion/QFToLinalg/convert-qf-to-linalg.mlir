// RUN: qforge-opt %s -convert-qf-to-linalg -split-input-file | FileCheck %s
// The numbers are checked bit for bit in test/Integration/CPU/reference-*;
// this test shows the shape of the lowered IR.

// A quantized tensor becomes its blob, in function signatures too; the
// codes are unpacked with byte gathers, the scales decoded, and the values
// computed elementwise.
// CHECK-LABEL: func.func @dequantize
//  CHECK-SAME:   (%[[BLOB:.*]]: tensor<48xi8>) -> tensor<4x8xf32>
//       CHECK:   linalg.generic {{.*}} outs(%{{.*}} : tensor<4x8xi32>)
//       CHECK:     tensor.extract %[[BLOB]]
//       CHECK:   linalg.generic {{.*}} outs(%{{.*}} : tensor<4xf32>)
//       CHECK:   linalg.generic {{.*}} outs(%{{.*}} : tensor<4x8xf32>)
//       CHECK:     arith.subi
//       CHECK:     arith.sitofp
//       CHECK:     arith.mulf
//   CHECK-NOT:   qf.
func.func @dequantize(%q: !qf.qtensor<4x8xf32, #qf.scheme<u3, axis = 0, asym>>) -> tensor<4x8xf32> {
  %x = qf.dequantize %q : !qf.qtensor<4x8xf32, #qf.scheme<u3, axis = 0, asym>> -> tensor<4x8xf32>
  return %x : tensor<4x8xf32>
}

// -----

// Quantizing rounds half to even and assembles the blob section by section.
// CHECK-LABEL: func.func @quantize
//  CHECK-SAME:   -> tensor<32xi8>
//       CHECK:   math.roundeven
//       CHECK:   tensor.insert_slice {{.*}}[0] [16] [1] : tensor<16xi8> into tensor<32xi8>
//       CHECK:   tensor.insert_slice {{.*}}[16] [4] [1] : tensor<4xi8> into tensor<32xi8>
func.func @quantize(%x: tensor<4x8xf32>) -> !qf.qtensor<4x8xf32, #qf.scheme<i4>> {
  %q = qf.quantize %x : tensor<4x8xf32> -> !qf.qtensor<4x8xf32, #qf.scheme<i4>>
  return %q : !qf.qtensor<4x8xf32, #qf.scheme<i4>>
}

// -----

// Constants keep their blob; qf.blob / qf.from_blob / qf.observe vanish.
// CHECK-LABEL: func.func @views
//  CHECK-SAME:   (%[[X:.*]]: tensor<4xf32>)
//       CHECK:   %[[C:.*]] = arith.constant dense<[1, 2, 3, 4, {{.*}}]> : tensor<32xi8>
//       CHECK:   return %{{.*}}, %[[X]] : tensor<32xi8>, tensor<4xf32>
func.func @views(%x: tensor<4xf32>) -> (tensor<32xi8>, tensor<4xf32>) {
  %w = qf.constant dense<"0x010203040000000000000000000000000000803F000000000000000000000000"> : tensor<32xi8> -> !qf.qtensor<4xf32, #qf.scheme<i8>>
  %b = qf.blob %w : !qf.qtensor<4xf32, #qf.scheme<i8>> -> tensor<32xi8>
  %o = qf.observe %x {name = "x"} : tensor<4xf32>
  return %b, %o : tensor<32xi8>, tensor<4xf32>
}

// -----

// A weight-only matmul dequantizes the weights and contracts in f32.
// CHECK-LABEL: func.func @weight_only
//       CHECK:   linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "reduction"]
//  CHECK-SAME:     ins(%{{.*}}, %{{.*}} : tensor<2x16xf32>, tensor<16x4xf32>)
//       CHECK:     arith.mulf
//       CHECK:     arith.addf
func.func @weight_only(%x: tensor<2x16xf32>, %w: !qf.qtensor<16x4xf32, #qf.scheme<i4, axis = 0, group = 8>>) -> tensor<2x4xf32> {
  %y = qf.matmul %x, %w acc(f32) : tensor<2x16xf32>, !qf.qtensor<16x4xf32, #qf.scheme<i4, axis = 0, group = 8>> -> tensor<2x4xf32>
  return %y : tensor<2x4xf32>
}

// -----

// Quantized activations: integer products per K-group (here 2 groups of 8),
// then the scales.
// CHECK-LABEL: func.func @int8
//       CHECK:   linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "parallel", "reduction"]
//  CHECK-SAME:     outs(%{{.*}} : tensor<2x4x2xi32>)
//       CHECK:     arith.muli
//       CHECK:     arith.addi
//       CHECK:   linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "reduction"]
//       CHECK:     arith.sitofp
func.func @int8(%a: !qf.qtensor<2x16xf32, #qf.scheme<i8, axis = 0>>, %w: !qf.qtensor<16x4xf32, #qf.scheme<i4, axis = 0, group = 8>>) -> tensor<2x4xf32> {
  %y = qf.matmul %a, %w acc(i32) : !qf.qtensor<2x16xf32, #qf.scheme<i8, axis = 0>>, !qf.qtensor<16x4xf32, #qf.scheme<i4, axis = 0, group = 8>> -> tensor<2x4xf32>
  return %y : tensor<2x4xf32>
}
