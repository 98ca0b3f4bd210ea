// RUN: qforge-opt %s -canonicalize -convert-qf-to-spirv -split-input-file | FileCheck %s

// Integer activations x constant 4-bit weights in groups of 4 along K: the
// codes go to a Vulkan kernel stub (repacked weights: 8 codes per i32 word: one per column,
// zero points and centered sums per group and column, activation zero point
// per row), the scales are applied on the host, group by group.
// CHECK-LABEL: func.func @grouped
// CHECK-SAME: (%[[A:.*]]: tensor<{{[0-9]+}}xi8>)
// CHECK: %[[CODES:.*]] = tensor.extract_slice %[[A]][0] [24] [1] : tensor<{{[0-9]+}}xi8> to tensor<24xi8>
// CHECK-DAG: %[[W:.*]] = arith.constant dense<{{.*}}> : tensor<5xi32>
// CHECK-DAG: %[[ZW:.*]] = arith.constant dense<0> : tensor<10xi32>
// CHECK: %[[OUT:.*]] = memref.alloc() : memref<30xi32>
// CHECK: call @__qf_vk_gemm_3x5x8_g4_ws4_au8(%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %[[OUT]]) : (memref<24xi8>, memref<5xi32>, memref<10xi32>, memref<10xi32>, memref<3xi32>, memref<30xi32>) -> ()
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "reduction"]
// CHECK: arith.sitofp
// CHECK: arith.mulf
// CHECK: arith.addf
// CHECK: func.func private @__qf_vk_gemm_3x5x8_g4_ws4_au8(memref<24xi8>, memref<5xi32>, memref<10xi32>, memref<10xi32>, memref<3xi32>, memref<30xi32>) attributes {qf.vulkan_kernel = array<i64: 3, 5, 8, 4, 4, 1, 0, 1>}
func.func @grouped(%a: !qf.qtensor<3x8xf32, #qf.scheme<u8, asym>>) -> tensor<3x5xf32> {
  %wf = arith.constant dense<[[1.0, -2.0, 3.0, -4.0, 5.0], [0.5, 0.25, -0.5, 1.5, -2.5],
                              [2.0, 2.0, -1.0, 0.0, 1.0], [-3.0, 1.0, 0.5, 0.25, 2.0],
                              [1.0, 1.0, 1.0, 1.0, 1.0], [-1.0, 0.0, 1.0, 2.0, -2.0],
                              [0.1, 0.2, 0.3, 0.4, 0.5], [4.0, -4.0, 2.0, -2.0, 0.0]]> : tensor<8x5xf32>
  %w = qf.quantize %wf : tensor<8x5xf32> -> !qf.qtensor<8x5xf32, #qf.scheme<i4, axis = 0, group = 4>>
  %y = qf.matmul %a, %w acc(i32) : !qf.qtensor<3x8xf32, #qf.scheme<u8, asym>>, !qf.qtensor<8x5xf32, #qf.scheme<i4, axis = 0, group = 4>> -> tensor<3x5xf32>
  return %y : tensor<3x5xf32>
}

// -----

// Asymmetric 8-bit weights: code - zero point may not fit in 8 bits, so the
// kernel is the wide one (no packed dot product).
// CHECK-LABEL: func.func @wide
// CHECK: call @__qf_vk_gemm_2x3x4_g4_wu8_as8_wide
// CHECK: attributes {qf.vulkan_kernel = array<i64: 2, 3, 4, 4, 8, 0, 1, 0>}
func.func @wide(%a: !qf.qtensor<2x4xf32, #qf.scheme<i8, axis = 0>>) -> tensor<2x3xf32> {
  %wf = arith.constant dense<[[1.0, -2.0, 3.0], [0.5, 0.25, -0.5], [2.0, 9.0, -1.0], [-3.0, 1.0, 0.5]]> : tensor<4x3xf32>
  %w = qf.quantize %wf : tensor<4x3xf32> -> !qf.qtensor<4x3xf32, #qf.scheme<u8, axis = 1, asym>>
  %y = qf.matmul %a, %w acc(i32) : !qf.qtensor<2x4xf32, #qf.scheme<i8, axis = 0>>, !qf.qtensor<4x3xf32, #qf.scheme<u8, axis = 1, asym>> -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}

// -----

// Weight-only (f32 activations): the kernel dequantizes the weights and
// accumulates in the reference's order, writing the f32 result directly.
// CHECK-LABEL: func.func @weight_only
// CHECK-SAME: (%[[X:.*]]: tensor<2x4xf32>)
// CHECK: %[[XF:.*]] = tensor.collapse_shape %[[X]] {{\[}}[0, 1]] : tensor<2x4xf32> into tensor<8xf32>
// CHECK: call @__qf_vk_wgemm_2x3x4_g4_ws4(%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}) : (memref<8xf32>, memref<3xi32>, memref<3xi32>, memref<3xf32>, memref<6xf32>) -> ()
// CHECK: tensor.expand_shape
// CHECK: attributes {qf.vulkan_float_kernel = array<i64: 2, 3, 4, 4, 4, 1>}
func.func @weight_only(%x: tensor<2x4xf32>) -> tensor<2x3xf32> {
  %wf = arith.constant dense<[[1.0, -2.0, 3.0], [0.5, 0.25, -0.5], [2.0, 9.0, -1.0], [-3.0, 1.0, 0.5]]> : tensor<4x3xf32>
  %w = qf.quantize %wf : tensor<4x3xf32> -> !qf.qtensor<4x3xf32, #qf.scheme<i4, axis = 1>>
  %y = qf.matmul %x, %w acc(f32) : tensor<2x4xf32>, !qf.qtensor<4x3xf32, #qf.scheme<i4, axis = 1>> -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}

// -----

// f16 activations stay on the host: the reference lowering, no kernel.
// CHECK-LABEL: func.func @half
// CHECK-NOT: __qf_vk_
// CHECK: linalg.generic
func.func @half(%x: tensor<2x4xf16>) -> tensor<2x3xf16> {
  %wf = arith.constant dense<[[1.0, -2.0, 3.0], [0.5, 0.25, -0.5], [2.0, 9.0, -1.0], [-3.0, 1.0, 0.5]]> : tensor<4x3xf16>
  %w = qf.quantize %wf : tensor<4x3xf16> -> !qf.qtensor<4x3xf16, #qf.scheme<i4, axis = 1>>
  %y = qf.matmul %x, %w acc(f32) : tensor<2x4xf16>, !qf.qtensor<4x3xf16, #qf.scheme<i4, axis = 1>> -> tensor<2x3xf16>
  return %y : tensor<2x3xf16>
}
