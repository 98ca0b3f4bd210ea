// qforge-translate --target=cuda: an x86 host object with the sm_90 cubin
// embedded, whose launches call qforge's CUDA runtime (mgpu*).
// REQUIRES: ptxas
// RUN: qforge-translate %s --emit=object --target=cuda --chip=sm_90 -o %t.o
// RUN: llvm-nm %t.o | FileCheck %s
// CHECK-DAG: T _mlir_ciface_gemm
// CHECK-DAG: U mgpuLaunchKernel
// CHECK-DAG: U mgpuModuleLoad
// CHECK-DAG: U mgpuMemcpy
// RUN: not qforge-translate %s --emit=object --target=tpu -o %t.bad.o 2>&1 | FileCheck %s --check-prefix=BAD
// BAD: qforge-translate: error: --target must be x86, cuda or vulkan, not 'tpu'

func.func @gemm(%x: tensor<8x64xf32>) -> tensor<8x32xi32> {
  %wf = arith.constant dense<3.0> : tensor<32x64xf32>
  %w = qf.quantize %wf : tensor<32x64xf32> -> !qf.qtensor<32x64xf32, #qf.scheme<i8, axis = 0>>
  %a = qf.quantize %x : tensor<8x64xf32> -> !qf.qtensor<8x64xf32, #qf.scheme<i8, axis = 0>>
  %y = qf.matmul %a, %w transpose_rhs acc(i32) : !qf.qtensor<8x64xf32, #qf.scheme<i8, axis = 0>>, !qf.qtensor<32x64xf32, #qf.scheme<i8, axis = 0>> -> tensor<8x32xi32>
  return %y : tensor<8x32xi32>
}
