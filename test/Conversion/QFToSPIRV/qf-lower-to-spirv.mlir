// The whole Vulkan pipeline on one quantized matmul: the kernel is SPIR-V
// embedded in a gpu.binary, the host code calls the GPU runtime, and the
// dumped module passes spirv-val for Vulkan 1.3 (DotProduct needs SPIR-V
// 1.6) and for Vulkan 1.0 with the basic target. Two kernels: int8
// activations x 2-bit weights, and weight-only 3-bit weights in groups.
// REQUIRES: spirv-val
// RUN: rm -rf %t && qforge-opt %s --qf-lower-to-spirv="dump-dir=%t/dot" | FileCheck %s
// RUN: spirv-val --target-env vulkan1.3 %t/dot/qf_vulkan_kernels.spv
// RUN: spirv-dis %t/dot/qf_vulkan_kernels.spv | FileCheck %s --check-prefix=DIS
// RUN: qforge-opt %s --qf-lower-to-spirv="target-env=vulkan-basic dump-dir=%t/basic" -o /dev/null
// RUN: spirv-val --target-env vulkan1.0 %t/basic/qf_vulkan_kernels.spv

// CHECK-NOT: gpu.module
// CHECK-NOT: spirv.module
// CHECK: llvm.call @mgpuStreamCreate
// CHECK: llvm.call @mgpuMemAlloc
// CHECK: llvm.call @mgpuMemcpy
// CHECK: gpu.launch_func <%{{.*}} : !llvm.ptr> @qf_vulkan_kernels::@__qf_vk_gemm_4x6x12_g12_ws2_as8_kernel
// CHECK: gpu.launch_func <%{{.*}} : !llvm.ptr> @qf_vulkan_kernels::@__qf_vk_wgemm_3x5x12_g4_wu3_kernel
// CHECK: gpu.binary @qf_vulkan_kernels [#gpu.object<#spirv.target_env<#spirv.vce<v1.6, [{{.*}}DotProduct

// The weight-only kernel's float multiplies and adds must not be fused.
// DIS: OpCapability DotProduct
// DIS: OpEntryPoint GLCompute %{{.*}} "__qf_vk_gemm_4x6x12_g12_ws2_as8_kernel"
// DIS: OpEntryPoint GLCompute %{{.*}} "__qf_vk_wgemm_3x5x12_g4_wu3_kernel"
// DIS: OpDecorate %{{.*}} NoContraction
// DIS: OpSDot
func.func @main(%a: !qf.qtensor<4x12xf32, #qf.scheme<i8, axis = 0>>) -> tensor<4x6xf32> {
  %wf = arith.constant dense<0.75> : tensor<12x6xf32>
  %w = qf.quantize %wf : tensor<12x6xf32> -> !qf.qtensor<12x6xf32, #qf.scheme<i2, axis = 1>>
  %y = qf.matmul %a, %w acc(i32) : !qf.qtensor<4x12xf32, #qf.scheme<i8, axis = 0>>, !qf.qtensor<12x6xf32, #qf.scheme<i2, axis = 1>> -> tensor<4x6xf32>
  return %y : tensor<4x6xf32>
}

func.func @weight_only(%x: tensor<3x12xf32>) -> tensor<3x5xf32> {
  %wf = arith.constant dense<-1.25> : tensor<12x5xf32>
  %w = qf.quantize %wf : tensor<12x5xf32> -> !qf.qtensor<12x5xf32, #qf.scheme<u3, axis = 0, group = 4, asym>>
  %y = qf.matmul %x, %w acc(f32) : tensor<3x12xf32>, !qf.qtensor<12x5xf32, #qf.scheme<u3, axis = 0, group = 4, asym>> -> tensor<3x5xf32>
  return %y : tensor<3x5xf32>
}
