// Compile-only CUDA checks, everywhere: the int8 matmul becomes a dp4a
// kernel (PTX embedded in the host module) and host code that moves the
// operands and launches it through the mgpu* runtime functions.
// RUN: qforge-opt %s --qf-lower-to-nvvm="chip=sm_90 features=+ptx80 format=isa" | FileCheck %s --check-prefix=PTX90
// RUN: qforge-opt %s --qf-lower-to-nvvm="chip=sm_90 features=+ptx80 format=isa" | FileCheck %s --check-prefix=HOST
// RUN: qforge-opt %s --qf-lower-to-nvvm="chip=sm_80 features=+ptx70 format=isa" | FileCheck %s --check-prefix=PTX80
// PTX90: gpu.binary @qf_cuda_kernels
// PTX90-SAME: chip = "sm_90"
// PTX90-SAME: .target sm_90
// PTX90-SAME: dp4a.s32.s32
// PTX90-SAME: dp4a.u32.s32
// HOST-DAG: llvm.call @mgpuMemAlloc
// HOST-DAG: llvm.call @mgpuMemcpy
// HOST-DAG: gpu.launch_func <%{{.*}} : !llvm.ptr> @qf_cuda_kernels::@__qf_cuda_gemm_5x80x36_s8_kernel
// HOST-DAG: gpu.launch_func <%{{.*}} : !llvm.ptr> @qf_cuda_kernels::@__qf_cuda_gemm_5x80x36_u8_kernel
// PTX80: .target sm_80

// With the CUDA toolkit, ptxas assembles the kernels into cubins.
// RUN: %if ptxas %{ qforge-opt %s --qf-lower-to-nvvm="chip=sm_80 features=+ptx70 format=bin" | FileCheck %s --check-prefix=CUBIN %}
// RUN: %if ptxas %{ qforge-opt %s --qf-lower-to-nvvm="chip=sm_90 features=+ptx80 format=bin" | FileCheck %s --check-prefix=CUBIN %}
// CUBIN: gpu.binary @qf_cuda_kernels {{.*}}bin = "\7FELF

func.func @gemm(%x: tensor<5x36xf32>) -> (tensor<5x80xf32>, tensor<5x80xi32>) {
  %wf = arith.constant dense<0.75> : tensor<80x36xf32>
  %w = qf.quantize %wf : tensor<80x36xf32> -> !qf.qtensor<80x36xf32, #qf.scheme<i8, axis = 0>>
  %a = qf.quantize %x : tensor<5x36xf32> -> !qf.qtensor<5x36xf32, #qf.scheme<i8, axis = 0>>
  %y = qf.matmul %a, %w transpose_rhs acc(i32) : !qf.qtensor<5x36xf32, #qf.scheme<i8, axis = 0>>, !qf.qtensor<80x36xf32, #qf.scheme<i8, axis = 0>> -> tensor<5x80xf32>
  %u = qf.quantize %x : tensor<5x36xf32> -> !qf.qtensor<5x36xf32, #qf.scheme<u8, asym>>
  %r = qf.matmul %u, %w transpose_rhs acc(i32) : !qf.qtensor<5x36xf32, #qf.scheme<u8, asym>>, !qf.qtensor<80x36xf32, #qf.scheme<i8, axis = 0>> -> tensor<5x80xi32>
  return %y, %r : tensor<5x80xf32>, tensor<5x80xi32>
}
