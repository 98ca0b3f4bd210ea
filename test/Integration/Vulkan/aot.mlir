// The AOT route: qforge-translate --target=vulkan writes an x86 object with
// the SPIR-V kernels embedded, whose launches call qforge's Vulkan runtime
// (qfvk*); linked with QForgeRuntimeVulkan and the loader it gives the same
// bits as the x86 object of the same module (int8 GEMM, u8 activations with
// zero points, raw i32 and scaled f32 results, shapes off the tiles).
// REQUIRES: vulkan, cc
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python %qforge_src_root/examples/cuda-check/gen.py 13 70 100 u i32 > %t/raw.mlir
// RUN: %python %qforge_src_root/examples/cuda-check/gen.py 13 70 100 s f32 > %t/f32.mlir
// RUN: qforge-translate %t/raw.mlir --emit=object --target=vulkan -o %t/raw-vk.o
// RUN: llvm-nm %t/raw-vk.o | FileCheck %s --check-prefix=SYMS
// SYMS-DAG: T _mlir_ciface_gemm
// SYMS-DAG: U qfvkLaunchKernel
// SYMS-DAG: U qfvkModuleLoad
// SYMS-NOT: mgpu
// RUN: qforge-translate %t/raw.mlir --emit=object -o %t/raw-x86.o
// RUN: qforge-translate %t/raw.mlir --emit=header -o %t/gemm.h
// RUN: %cxx -DM=13 -DN=70 -DK=100 -I%t -x c %qforge_src_root/examples/cuda-check/main.c -x none %t/raw-vk.o %qforge_obj_root/lib/Runtime/libQForgeRuntimeVulkan.a -lvulkan -lm -o %t/raw-vk
// RUN: %cxx -DM=13 -DN=70 -DK=100 -I%t -x c %qforge_src_root/examples/cuda-check/main.c -x none %t/raw-x86.o -lm -o %t/raw-x86
// RUN: %t/raw-vk %t/raw-vk.bin && %t/raw-x86 %t/raw-x86.bin && cmp %t/raw-vk.bin %t/raw-x86.bin
// RUN: qforge-translate %t/f32.mlir --emit=object --target=vulkan -o %t/f32-vk.o
// RUN: qforge-translate %t/f32.mlir --emit=object -o %t/f32-x86.o
// RUN: mkdir -p %t/f32 && qforge-translate %t/f32.mlir --emit=header -o %t/f32/gemm.h
// RUN: %cxx -DRESULT_F32 -DM=13 -DN=70 -DK=100 -I%t/f32 -x c %qforge_src_root/examples/cuda-check/main.c -x none %t/f32-vk.o %qforge_obj_root/lib/Runtime/libQForgeRuntimeVulkan.a -lvulkan -lm -o %t/f32-vk
// RUN: %cxx -DRESULT_F32 -DM=13 -DN=70 -DK=100 -I%t/f32 -x c %qforge_src_root/examples/cuda-check/main.c -x none %t/f32-x86.o -lm -o %t/f32-x86
// RUN: %t/f32-vk %t/f32-vk.bin && %t/f32-x86 %t/f32-x86.bin && cmp %t/f32-vk.bin %t/f32-x86.bin
