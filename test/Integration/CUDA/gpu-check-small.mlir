// The int8 GEMM checks of scripts/gpu-check.sh, run where a GPU is: the
// CUDA build must match the x86 build bit for bit.
// REQUIRES: ptxas
// RUN: rm -rf %t && bash %qforge_src_root/scripts/gpu-check.sh build %t %qforge_obj_root
// RUN: bash %qforge_src_root/scripts/gpu-check.sh run %t | FileCheck %s
// CHECK: PASS s8_small
// CHECK: PASS u8_small
// CHECK: PASS u8_f32
// CHECK: PASS s8_gemv
// CHECK: PASS s8_mid
// CHECK: PASS bench
