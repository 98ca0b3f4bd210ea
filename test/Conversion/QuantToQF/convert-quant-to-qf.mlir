// RUN: qforge-opt %s -convert-quant-to-qf -split-input-file | FileCheck %s
// Round trip: quant -> qf -> quant gives back the original types.
// RUN: qforge-opt %s -convert-quant-to-qf -convert-qf-to-quant -split-input-file | FileCheck %s --check-prefix=BACK

// CHECK-LABEL: func.func @per_tensor
//  CHECK-SAME:   (%[[X:.*]]: tensor<4x8xf32>)
//   CHECK-DAG:   %[[S:.*]] = arith.constant dense<5.000000e-01> : tensor<f32>
//   CHECK-DAG:   %[[Z:.*]] = arith.constant dense<3> : tensor<i32>
//       CHECK:   %[[Q:.*]] = qf.quantize %[[X]] scales(%[[S]] : tensor<f32>) zero_points(%[[Z]] : tensor<i32>) : tensor<4x8xf32> -> !qf.qtensor<4x8xf32, #qf.scheme<i8, asym>>
//       CHECK:   %[[D:.*]] = qf.dequantize %[[Q]] : !qf.qtensor<4x8xf32, #qf.scheme<i8, asym>> -> tensor<4x8xf32>
//       CHECK:   return %[[D]]
// BACK-LABEL: func.func @per_tensor
//       BACK:   quant.qcast %{{.*}} : tensor<4x8xf32> to tensor<4x8x!quant.uniform<i8:f32, 5.000000e-01:3>>
//       BACK:   quant.dcast
func.func @per_tensor(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %q = quant.qcast %x : tensor<4x8xf32> to tensor<4x8x!quant.uniform<i8:f32, 0.5:3>>
  %d = quant.dcast %q : tensor<4x8x!quant.uniform<i8:f32, 0.5:3>> to tensor<4x8xf32>
  return %d : tensor<4x8xf32>
}

// -----

// Zero points that are all 0 make a symmetric scheme.
// CHECK-LABEL: func.func @per_axis
//       CHECK:   %[[S:.*]] = arith.constant dense<[5.000000e-01, 2.500000e-01]> : tensor<2xf32>
//   CHECK-NOT:   zero_points
//       CHECK:   qf.quantize %{{.*}} scales(%[[S]] : tensor<2xf32>) : tensor<2x8xf16> -> !qf.qtensor<2x8xf16, #qf.scheme<u4, axis = 0>>
// BACK-LABEL: func.func @per_axis
//       BACK:   tensor<2x8x!quant.uniform<u4:f16:0, {5.000000e-01,2.500000e-01}>>
func.func @per_axis(%x: tensor<2x8xf16>) -> tensor<2x8xf16> {
  %q = quant.qcast %x : tensor<2x8xf16> to tensor<2x8x!quant.uniform<u4:f16:0, {0.5, 0.25}>>
  %d = quant.dcast %q : tensor<2x8x!quant.uniform<u4:f16:0, {0.5, 0.25}>> to tensor<2x8xf16>
  return %d : tensor<2x8xf16>
}

// -----

// Sub-channel blocks along one axis are qf groups.
// CHECK-LABEL: func.func @sub_channel
//   CHECK-DAG:   arith.constant dense<{{\[}}[5.000000e-01, 2.500000e-01], [1.000000e+00, 2.000000e+00]]> : tensor<2x2xf32>
//   CHECK-DAG:   arith.constant dense<{{\[}}[1, 2], [3, 4]]> : tensor<2x2xi32>
//       CHECK:   -> !qf.qtensor<2x4xf32, #qf.scheme<i8, axis = 1, group = 2, asym>>
// BACK-LABEL: func.func @sub_channel
//       BACK:   !quant.uniform<i8:f32:{0:1, 1:2}, {{\{}}{5.000000e-01:1, 2.500000e-01:2}, {1.000000e+00:3, 2.000000e+00:4}}>
!sub = !quant.uniform<i8:f32:{0:1, 1:2}, {{0.5:1, 0.25:2}, {1.0:3, 2.0:4}}>
func.func @sub_channel(%x: tensor<2x4xf32>) -> tensor<2x4xf32> {
  %q = quant.qcast %x : tensor<2x4xf32> to tensor<2x4x!sub>
  %d = quant.dcast %q : tensor<2x4x!sub> to tensor<2x4xf32>
  return %d : tensor<2x4xf32>
}

// -----

// One quantize, several dequantize users.
// CHECK-LABEL: func.func @two_users
//       CHECK:   %[[Q:.*]] = qf.quantize
//       CHECK:   qf.dequantize %[[Q]]
//       CHECK:   qf.dequantize %[[Q]]
func.func @two_users(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
  %q = quant.qcast %x : tensor<4xf32> to tensor<4x!quant.uniform<i4:f32, 0.25>>
  %a = quant.dcast %q : tensor<4x!quant.uniform<i4:f32, 0.25>> to tensor<4xf32>
  %b = quant.dcast %q : tensor<4x!quant.uniform<i4:f32, 0.25>> to tensor<4xf32>
  return %a, %b : tensor<4xf32>, tensor<4xf32>
}
