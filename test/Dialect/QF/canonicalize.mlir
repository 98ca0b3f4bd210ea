// RUN: qforge-opt %s -canonicalize -split-input-file | FileCheck %s

// Quantizing a constant folds to a qf.constant holding the packed blob
// computed by the C++ reference: codes (0.5, -1, 2, 0) / 0.5 = (1, -2, 4, 0),
// padding to 16 bytes, then the f32 scale 0.5.
// CHECK-LABEL: func.func @fold_quantize_static
//       CHECK:   %[[W:.*]] = qf.constant dense<[1, -2, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 63, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]> : tensor<32xi8> -> !qf.qtensor<4xf32, #qf.scheme<i8>>
//       CHECK:   return %[[W]]
func.func @fold_quantize_static() -> !qf.qtensor<4xf32, #qf.scheme<i8>> {
  %x = arith.constant dense<[0.5, -1.0, 2.0, 0.0]> : tensor<4xf32>
  %s = arith.constant dense<0.5> : tensor<f32>
  %q = qf.quantize %x scales(%s : tensor<f32>) : tensor<4xf32> -> !qf.qtensor<4xf32, #qf.scheme<i8>>
  return %q : !qf.qtensor<4xf32, #qf.scheme<i8>>
}

// -----

// Ties go to even, then saturate: 0.5 -> 0, 1.5 -> 2, 2.5 -> 2, -2.5 -> -2,
// 300 -> 127, -300 -> -128.
// CHECK-LABEL: func.func @fold_ties_to_even
//       CHECK:   arith.constant dense<[0.000000e+00, 2.000000e+00, 2.000000e+00, -2.000000e+00, 1.270000e+02, -1.280000e+02]> : tensor<6xf32>
func.func @fold_ties_to_even() -> tensor<6xf32> {
  %x = arith.constant dense<[0.5, 1.5, 2.5, -2.5, 300.0, -300.0]> : tensor<6xf32>
  %s = arith.constant dense<1.0> : tensor<f32>
  %q = qf.quantize %x scales(%s : tensor<f32>) : tensor<6xf32> -> !qf.qtensor<6xf32, #qf.scheme<i8>>
  %d = qf.dequantize %q : !qf.qtensor<6xf32, #qf.scheme<i8>> -> tensor<6xf32>
  return %d : tensor<6xf32>
}

// -----

// Dynamic symmetric scale: absmax 127 / qmax 127 = 1.
// CHECK-LABEL: func.func @fold_dynamic
//       CHECK:   arith.constant dense<[-1.270000e+02, 4.000000e+00, 2.000000e+00, 1.270000e+02]> : tensor<4xf32>
func.func @fold_dynamic() -> tensor<4xf32> {
  %x = arith.constant dense<[-127.0, 3.5, 2.5, 127.0]> : tensor<4xf32>
  %q = qf.quantize %x : tensor<4xf32> -> !qf.qtensor<4xf32, #qf.scheme<i8>>
  %d = qf.dequantize %q : !qf.qtensor<4xf32, #qf.scheme<i8>> -> tensor<4xf32>
  return %d : tensor<4xf32>
}

// -----

// Asymmetric u4 per row with static scales and zero points:
// row 0: round(x / 0.5) + 3, row 1: round(x / 2) + 0, clamped to [0, 15];
// 29 / 2 = 14.5 rounds to the even 14.
// CHECK-LABEL: func.func @fold_asym_per_row
//       CHECK:   arith.constant dense<{{\[}}[-1.500000e+00, 0.000000e+00, 6.000000e+00], [0.000000e+00, 4.000000e+00, 2.800000e+01]]> : tensor<2x3xf32>
func.func @fold_asym_per_row() -> tensor<2x3xf32> {
  %x = arith.constant dense<[[-1.5, 0.1, 100.0], [-3.0, 4.0, 29.0]]> : tensor<2x3xf32>
  %s = arith.constant dense<[0.5, 2.0]> : tensor<2xf32>
  %z = arith.constant dense<[3, 0]> : tensor<2xi32>
  %q = qf.quantize %x scales(%s : tensor<2xf32>) zero_points(%z : tensor<2xi32>) : tensor<2x3xf32> -> !qf.qtensor<2x3xf32, #qf.scheme<u4, axis = 0, asym>>
  %d = qf.dequantize %q : !qf.qtensor<2x3xf32, #qf.scheme<u4, axis = 0, asym>> -> tensor<2x3xf32>
  return %d : tensor<2x3xf32>
}

// -----

// A relayout of a constant reorders its codes: 3x3 codes 1..9 in 2x2 tiles,
// edge tiles padded with the zero code.
// CHECK-LABEL: func.func @fold_relayout_constant
//       CHECK:   qf.constant dense<[1, 2, 4, 5, 3, 0, 6, 0, 7, 8, 0, 0, 9, 0, 0, 0, 0, 0, -128, 63, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]> : tensor<32xi8> -> !qf.qtensor<3x3xf32, #qf.scheme<i8>, #qf.layout<tile = [2, 2]>>
func.func @fold_relayout_constant() -> !qf.qtensor<3x3xf32, #qf.scheme<i8>, #qf.layout<tile = [2, 2]>> {
  %x = arith.constant dense<[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 9.0]]> : tensor<3x3xf32>
  %s = arith.constant dense<1.0> : tensor<f32>
  %q = qf.quantize %x scales(%s : tensor<f32>) : tensor<3x3xf32> -> !qf.qtensor<3x3xf32, #qf.scheme<i8>>
  %t = qf.requantize %q : !qf.qtensor<3x3xf32, #qf.scheme<i8>> -> !qf.qtensor<3x3xf32, #qf.scheme<i8>, #qf.layout<tile = [2, 2]>>
  return %t : !qf.qtensor<3x3xf32, #qf.scheme<i8>, #qf.layout<tile = [2, 2]>>
}

// -----

// Requantizing a constant to a narrower scheme: i8 codes (scale 1) to i4
// with scale 4: 9 / 4 = 2.25 -> 2, -13 / 4 = -3.25 -> -3, 30 / 4 = 7.5 -> 7
// (saturated at 7 after rounding to 8).
// CHECK-LABEL: func.func @fold_requantize_constant
//       CHECK:   arith.constant dense<[8.000000e+00, -1.200000e+01, 2.800000e+01]> : tensor<3xf32>
func.func @fold_requantize_constant() -> tensor<3xf32> {
  %x = arith.constant dense<[9.0, -13.0, 30.0]> : tensor<3xf32>
  %s = arith.constant dense<1.0> : tensor<f32>
  %s4 = arith.constant dense<4.0> : tensor<f32>
  %q = qf.quantize %x scales(%s : tensor<f32>) : tensor<3xf32> -> !qf.qtensor<3xf32, #qf.scheme<i8>>
  %r = qf.requantize %q scales(%s4 : tensor<f32>) : !qf.qtensor<3xf32, #qf.scheme<i8>> -> !qf.qtensor<3xf32, #qf.scheme<i4>>
  %d = qf.dequantize %r : !qf.qtensor<3xf32, #qf.scheme<i4>> -> tensor<3xf32>
  return %d : tensor<3xf32>
}

// -----

!a = !qf.qtensor<16x32xf32, #qf.scheme<i4, axis = 0>>
!b = !qf.qtensor<16x32xf32, #qf.scheme<i4, axis = 0>, #qf.layout<tile = [16, 4]>>

// A requantize to the same type is the identity.
// CHECK-LABEL: func.func @identity_requantize
//  CHECK-SAME:   (%[[Q:.*]]: !qf.qtensor
//   CHECK-NOT:   qf.requantize
//       CHECK:   return %[[Q]]
func.func @identity_requantize(%q: !a) -> !a {
  %0 = qf.requantize %q : !a -> !a
  return %0 : !a
}

// A relayout there and back is the identity.
// CHECK-LABEL: func.func @relayout_round_trip
//  CHECK-SAME:   (%[[Q:.*]]: !qf.qtensor
//   CHECK-NOT:   qf.requantize
//       CHECK:   return %[[Q]]
func.func @relayout_round_trip(%q: !a) -> !a {
  %0 = qf.requantize %q : !a -> !b
  %1 = qf.requantize %0 : !b -> !a
  return %1 : !a
}

// Dequantizing a relayout dequantizes the original.
// CHECK-LABEL: func.func @dequantize_of_relayout
//  CHECK-SAME:   (%[[Q:.*]]: !qf.qtensor
//       CHECK:   %[[D:.*]] = qf.dequantize %[[Q]] : !qf.qtensor<16x32xf32, #qf.scheme<i4, axis = 0>> -> tensor<16x32xf32>
//       CHECK:   return %[[D]]
func.func @dequantize_of_relayout(%q: !a) -> tensor<16x32xf32> {
  %0 = qf.requantize %q : !a -> !b
  %1 = qf.dequantize %0 : !b -> tensor<16x32xf32>
  return %1 : tensor<16x32xf32>
}

// Quantizing straight into the tiled layout gives the same codes.
// CHECK-LABEL: func.func @relayout_of_quantize
//       CHECK:   %[[T:.*]] = qf.quantize %{{.*}} : tensor<16x32xf32> -> !qf.qtensor<16x32xf32, #qf.scheme<i4, axis = 0>, #qf.layout<tile = [16, 4]>>
//   CHECK-NOT:   qf.requantize
//       CHECK:   return %[[T]]
func.func @relayout_of_quantize(%x: tensor<16x32xf32>) -> !b {
  %0 = qf.quantize %x : tensor<16x32xf32> -> !a
  %1 = qf.requantize %0 : !a -> !b
  return %1 : !b
}

// -----

// Rounding is not undone: dequantize(quantize(x)) of a non-constant x stays.
// CHECK-LABEL: func.func @negative_quantize_dequantize
//       CHECK:   qf.quantize
//       CHECK:   qf.dequantize
func.func @negative_quantize_dequantize(%x: tensor<4xf32>) -> tensor<4xf32> {
  %q = qf.quantize %x : tensor<4xf32> -> !qf.qtensor<4xf32, #qf.scheme<i4>>
  %d = qf.dequantize %q : !qf.qtensor<4xf32, #qf.scheme<i4>> -> tensor<4xf32>
  return %d : tensor<4xf32>
}

// A change of scheme rounds again: requantize chains are not merged.
// CHECK-LABEL: func.func @negative_requantize_chain
//       CHECK:   qf.requantize
//       CHECK:   qf.requantize
func.func @negative_requantize_chain(%q: !qf.qtensor<4xf32, #qf.scheme<i8>>) -> !qf.qtensor<4xf32, #qf.scheme<i2>> {
  %0 = qf.requantize %q : !qf.qtensor<4xf32, #qf.scheme<i8>> -> !qf.qtensor<4xf32, #qf.scheme<i4>>
  %1 = qf.requantize %0 : !qf.qtensor<4xf32, #qf.scheme<i4>> -> !qf.qtensor<4xf32, #qf.scheme<i2>>
  return %1 : !qf.qtensor<4xf32, #qf.scheme<i2>>
}

// -----

// f16 expressed type: codes round(x * 64) = (64, -21, 128 -> 127), and the
// dequantized values are exact in f16.
// CHECK-LABEL: func.func @fold_f16
//       CHECK:   arith.constant dense<[1.000000e+00, -3.281250e-01, 1.984380e+00]> : tensor<3xf16>
func.func @fold_f16() -> tensor<3xf16> {
  %x = arith.constant dense<[1.0, -0.3333, 2.0]> : tensor<3xf16>
  %s = arith.constant dense<0.015625> : tensor<f32>
  %q = qf.quantize %x scales(%s : tensor<f32>) : tensor<3xf16> -> !qf.qtensor<3xf16, #qf.scheme<i8>>
  %d = qf.dequantize %q : !qf.qtensor<3xf16, #qf.scheme<i8>> -> tensor<3xf16>
  return %d : tensor<3xf16>
}

// -----

// A splat constant of 10^10 elements is not expanded by folding.
// CHECK-LABEL: func.func @negative_fold_huge_splat
//       CHECK:   qf.quantize
func.func @negative_fold_huge_splat() -> !qf.qtensor<100000x100000xf32, #qf.scheme<i8>> {
  %x = arith.constant dense<1.0> : tensor<100000x100000xf32>
  %q = qf.quantize %x : tensor<100000x100000xf32> -> !qf.qtensor<100000x100000xf32, #qf.scheme<i8>>
  return %q : !qf.qtensor<100000x100000xf32, #qf.scheme<i8>>
}

// -----

// qf.blob and qf.from_blob are inverses; valid constant bytes become a
// qf.constant, invalid ones (a zero scale) are left alone.
// CHECK-LABEL: func.func @blob_round_trip
//  CHECK-SAME:   (%[[Q:.*]]: !qf.qtensor<4xf32, #qf.scheme<i8>>, %[[B:.*]]: tensor<32xi8>)
//       CHECK:   return %[[Q]], %[[B]]
func.func @blob_round_trip(%q: !qf.qtensor<4xf32, #qf.scheme<i8>>, %b: tensor<32xi8>) -> (!qf.qtensor<4xf32, #qf.scheme<i8>>, tensor<32xi8>) {
  %0 = qf.blob %q : !qf.qtensor<4xf32, #qf.scheme<i8>> -> tensor<32xi8>
  %1 = qf.from_blob %0 : tensor<32xi8> -> !qf.qtensor<4xf32, #qf.scheme<i8>>
  %2 = qf.from_blob %b : tensor<32xi8> -> !qf.qtensor<4xf32, #qf.scheme<i8>>
  %3 = qf.blob %2 : !qf.qtensor<4xf32, #qf.scheme<i8>> -> tensor<32xi8>
  return %1, %3 : !qf.qtensor<4xf32, #qf.scheme<i8>>, tensor<32xi8>
}

// CHECK-LABEL: func.func @from_constant_bytes
//       CHECK:   qf.constant dense<{{.*}}> : tensor<32xi8> -> !qf.qtensor<4xf32, #qf.scheme<i8>>
//       CHECK:   qf.from_blob
func.func @from_constant_bytes() -> (!qf.qtensor<4xf32, #qf.scheme<i8>>, !qf.qtensor<4xf32, #qf.scheme<i8>>) {
  %good = arith.constant dense<[1, 2, 3, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -128, 63, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]> : tensor<32xi8>
  %bad = arith.constant dense<[1, 2, 3, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]> : tensor<32xi8>
  %0 = qf.from_blob %good : tensor<32xi8> -> !qf.qtensor<4xf32, #qf.scheme<i8>>
  %1 = qf.from_blob %bad : tensor<32xi8> -> !qf.qtensor<4xf32, #qf.scheme<i8>>
  return %0, %1 : !qf.qtensor<4xf32, #qf.scheme<i8>>, !qf.qtensor<4xf32, #qf.scheme<i8>>
}
