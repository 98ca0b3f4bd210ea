// RUN: qforge-opt %s -canonicalize -convert-qf-to-x86 -split-input-file | FileCheck %s
// RUN: qforge-opt %s -canonicalize -convert-qf-to-x86 -split-input-file | FileCheck %s --check-prefix=CONST
// RUN: qforge-opt %s -canonicalize -convert-qf-to-x86 -split-input-file -qf-define-x86-kernels | FileCheck %s --check-prefix=KERNEL

// An int8 matmul with constant weights becomes a call to a VNNI kernel: the
// weights (quantized at compile time by -canonicalize) are repacked (16 columns x 4 K per 64 bytes), the
// activation codes are the first M*K bytes of their blob, and an epilogue
// applies zero points and scales.
// The packed weights (all codes 3) and the column sums (36 * 3).
// CONST-DAG: arith.constant dense<3> : tensor<2880xi8>
// CONST-DAG: arith.constant dense<108> : tensor<80xi32>
// CHECK-LABEL: func.func @int8_constant_weights
//  CHECK-SAME:   (%[[X:.*]]: tensor<5x36xf32>)
//       CHECK:   %[[CODES:.*]] = tensor.extract_slice %{{.*}}[0] [180] [1] : tensor<224xi8> to tensor<180xi8>
//       CHECK:   %[[A:.*]] = tensor.expand_shape %[[CODES]] {{\[}}[0, 1]] output_shape [5, 36]
//       CHECK:   %[[ABUF:.*]] = bufferization.to_buffer %[[A]] read_only
//       CHECK:   %[[WBUF:.*]] = bufferization.to_buffer %{{.*}} read_only : tensor<2880xi8>
//       CHECK:   %[[C:.*]] = memref.alloc() : memref<5x80xi32>
//       CHECK:   call @__qf_vnni_gemm_5x80x36_s8(%[[ABUF]], %[[WBUF]], %[[C]])
//       CHECK:   %[[RAW:.*]] = bufferization.to_tensor %[[C]] restrict writable
//       CHECK:   linalg.generic {{.*}} ins(%[[RAW]], %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} : tensor<5x80xi32>, tensor<80xi32>, tensor<5xi32>, tensor<5xf32>, tensor<80xf32>)
//       CHECK:   func.func private @__qf_vnni_gemm_5x80x36_s8(memref<5x36xi8>, memref<2880xi8>, memref<5x80xi32>) attributes {qf.x86_kernel = array<i64: 5, 80, 36, 1>}
// KERNEL-LABEL: func.func private @__qf_vnni_gemm_5x80x36_s8
//   KERNEL-NOT:   qf.x86_kernel
// KERNEL-COUNT-16: llvm.call_intrinsic "llvm.x86.avx512.vpdpbusd.512"
func.func @int8_constant_weights(%x: tensor<5x36xf32>) -> tensor<5x80xf32> {
  %s = arith.constant dense<0.5> : tensor<80xf32>
  %wf = arith.constant dense<1.5> : tensor<80x36xf32>
  %w = qf.quantize %wf scales(%s : tensor<80xf32>) : tensor<80x36xf32> -> !qf.qtensor<80x36xf32, #qf.scheme<i8, axis = 0>>
  %a = qf.quantize %x : tensor<5x36xf32> -> !qf.qtensor<5x36xf32, #qf.scheme<i8, axis = 0>>
  %y = qf.matmul %a, %w transpose_rhs acc(i32) : !qf.qtensor<5x36xf32, #qf.scheme<i8, axis = 0>>, !qf.qtensor<80x36xf32, #qf.scheme<i8, axis = 0>> -> tensor<5x80xf32>
  return %y : tensor<5x80xf32>
}

// -----

// Weights that are not constant, or not int8, take the reference lowering.
// CHECK-LABEL: func.func @negative_runtime_weights
//   CHECK-NOT:   __qf_vnni_gemm
//       CHECK:   linalg.generic
func.func @negative_runtime_weights(%a: !qf.qtensor<4x32xf32, #qf.scheme<i8>>, %w: !qf.qtensor<32x16xf32, #qf.scheme<i8, axis = 1>>) -> tensor<4x16xf32> {
  %y = qf.matmul %a, %w acc(i32) : !qf.qtensor<4x32xf32, #qf.scheme<i8>>, !qf.qtensor<32x16xf32, #qf.scheme<i8, axis = 1>> -> tensor<4x16xf32>
  return %y : tensor<4x16xf32>
}

// CHECK-LABEL: func.func @negative_int4_weights
//   CHECK-NOT:   __qf_vnni_gemm
func.func @negative_int4_weights(%a: !qf.qtensor<4x32xf32, #qf.scheme<i8>>) -> tensor<4x16xf32> {
  %wf = arith.constant dense<0.25> : tensor<32x16xf32>
  %w = qf.quantize %wf : tensor<32x16xf32> -> !qf.qtensor<32x16xf32, #qf.scheme<i4, axis = 1>>
  %y = qf.matmul %a, %w acc(i32) : !qf.qtensor<4x32xf32, #qf.scheme<i8>>, !qf.qtensor<32x16xf32, #qf.scheme<i4, axis = 1>> -> tensor<4x16xf32>
  return %y : tensor<4x16xf32>
}
