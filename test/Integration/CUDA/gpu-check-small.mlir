// The integer GEMM checks of scripts/gpu-check.sh (dp4a and tensor-core
// kernels, 8- and 4-bit weights), run where a GPU is: the CUDA build must
// match the x86 build bit for bit.
// REQUIRES: ptxas
// RUN: rm -rf %t && bash %qforge_src_root/scripts/gpu-check.sh build %t %qforge_obj_root
// RUN: bash %qforge_src_root/scripts/gpu-check.sh run %t | FileCheck %s
// CHECK: PASS s8_small
// CHECK: PASS u8_small
// CHECK: PASS u8_f32
// CHECK: PASS s8_gemv
// CHECK: PASS w4_gemv
// CHECK: PASS mma_s8_mid
// CHECK: PASS mma_s8_tails
// CHECK: PASS mma_u8_tails
// CHECK: PASS mma_u8_f32
// CHECK: PASS mma_w4_s8
// CHECK: PASS mma_w4_u8_f32
// CHECK: PASS mma_w4_splitk
// CHECK: PASS mma_u8_splitk_f32
// CHECK: PASS h_w4_channel
// CHECK: PASS h_w4_g128
// CHECK: PASS h_w4_g128_f16scales
// CHECK: PASS h_w4_ktail
// CHECK-NOT: FAIL
// CHECK: kernel {{.*}} ms per call (CUDA events)
