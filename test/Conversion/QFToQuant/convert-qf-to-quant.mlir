// RUN: qforge-opt %s -convert-qf-to-quant -split-input-file | FileCheck %s

// CHECK-LABEL: func.func @quantize_per_axis
//  CHECK-SAME:   (%[[X:.*]]: tensor<2x8xf32>)
//       CHECK:   %[[Q:.*]] = quant.qcast %[[X]] : tensor<2x8xf32> to tensor<2x8x!quant.uniform<u4:f32:0, {5.000000e-01:1,2.500000e-01:2}>>
//       CHECK:   %[[D:.*]] = quant.dcast %[[Q]] : tensor<2x8x!quant.uniform<u4:f32:0, {5.000000e-01:1,2.500000e-01:2}>> to tensor<2x8xf32>
//       CHECK:   return %[[D]]
func.func @quantize_per_axis(%x: tensor<2x8xf32>) -> tensor<2x8xf32> {
  %s = arith.constant dense<[0.5, 0.25]> : tensor<2xf32>
  %z = arith.constant dense<[1, 2]> : tensor<2xi32>
  %q = qf.quantize %x scales(%s : tensor<2xf32>) zero_points(%z : tensor<2xi32>) : tensor<2x8xf32> -> !qf.qtensor<2x8xf32, #qf.scheme<u4, axis = 0, asym>>
  %d = qf.dequantize %q : !qf.qtensor<2x8xf32, #qf.scheme<u4, axis = 0, asym>> -> tensor<2x8xf32>
  return %d : tensor<2x8xf32>
}

// -----

// A quantized constant becomes its integer codes and a storage cast; the
// codes are unpacked from the blob (i4: 0x21 holds 1 then 2; 0xF7 holds 7
// then -1).
// CHECK-LABEL: func.func @constant_i4
//       CHECK:   %[[C:.*]] = arith.constant dense<[1, 2, 7, -1]> : tensor<4xi4>
//       CHECK:   %[[Q:.*]] = quant.scast %[[C]] : tensor<4xi4> to tensor<4x!quant.uniform<i4:f32, 2.500000e-01>>
//       CHECK:   quant.dcast %[[Q]]
func.func @constant_i4() -> tensor<4xf32> {
  %w = qf.constant dense<"0x21F700000000000000000000000000000000803E000000000000000000000000"> : tensor<32xi8> -> !qf.qtensor<4xf32, #qf.scheme<i4>>
  %d = qf.dequantize %w : !qf.qtensor<4xf32, #qf.scheme<i4>> -> tensor<4xf32>
  return %d : tensor<4xf32>
}

// -----

// Groups along one axis become a sub-channel type.
// CHECK-LABEL: func.func @quantize_groups
//       CHECK:   quant.qcast %{{.*}} : tensor<2x4xf32> to tensor<2x4x!quant.uniform<i8:f32:{0:1, 1:2}, {{\{}}{5.000000e-01, 2.500000e-01}, {1.000000e+00, 2.000000e+00}}>>
func.func @quantize_groups(%x: tensor<2x4xf32>) -> tensor<2x4xf32> {
  %s = arith.constant dense<[[0.5, 0.25], [1.0, 2.0]]> : tensor<2x2xf32>
  %q = qf.quantize %x scales(%s : tensor<2x2xf32>) : tensor<2x4xf32> -> !qf.qtensor<2x4xf32, #qf.scheme<i8, axis = 1, group = 2>>
  %d = qf.dequantize %q : !qf.qtensor<2x4xf32, #qf.scheme<i8, axis = 1, group = 2>> -> tensor<2x4xf32>
  return %d : tensor<2x4xf32>
}

// -----

// A quantize that nothing dequantizes converts too.
// CHECK-LABEL: func.func @unused
//       CHECK:   quant.qcast
func.func @unused(%x: tensor<4xf32>) {
  %s = arith.constant dense<0.5> : tensor<f32>
  %q = qf.quantize %x scales(%s : tensor<f32>) : tensor<4xf32> -> !qf.qtensor<4xf32, #qf.scheme<i8>>
  return
}
