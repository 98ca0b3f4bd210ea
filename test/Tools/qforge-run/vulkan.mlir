// qforge-run --target vulkan: without a Vulkan driver, a clear error and
// exit code 1; an unknown target environment is rejected.
// RUN: env VK_ICD_FILENAMES=/nonexistent VK_DRIVER_FILES=/nonexistent not qforge-run %s --target vulkan 2>&1 | FileCheck %s --check-prefix=NODEV
// NODEV: qforge-run: error: --target vulkan: no Vulkan instance: vkCreateInstance failed
// NODEV-NOT: Stack dump
// RUN: %if vulkan %{ not qforge-run %s --target vulkan --target-env vulkan9 2>&1 | FileCheck %s --check-prefix=ENV %}
// ENV: qforge-run: error: {{.*}}vulkan.mlir: lowering to the LLVM dialect failed:
// ENV: invalid SPIR-V target environment 'vulkan9'
// RUN: %if vulkan %{ qforge-run %s --target vulkan --print-ir | FileCheck %s --check-prefix=IR %}
// IR: gpu.binary @qf_vulkan_kernels

func.func @main(%x: tensor<2x16xf32>) -> tensor<2x8xi32> {
  %wf = arith.constant dense<1.5> : tensor<8x16xf32>
  %w = qf.quantize %wf : tensor<8x16xf32> -> !qf.qtensor<8x16xf32, #qf.scheme<i4, axis = 0>>
  %a = qf.quantize %x : tensor<2x16xf32> -> !qf.qtensor<2x16xf32, #qf.scheme<u8, asym>>
  %y = qf.matmul %a, %w transpose_rhs acc(i32) : !qf.qtensor<2x16xf32, #qf.scheme<u8, asym>>, !qf.qtensor<8x16xf32, #qf.scheme<i4, axis = 0>> -> tensor<2x8xi32>
  return %y : tensor<2x8xi32>
}
