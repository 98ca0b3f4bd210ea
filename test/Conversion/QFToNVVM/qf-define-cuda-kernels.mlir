// qf-define-cuda-kernels on hand-written stubs: the kernel and launch shape
// per variant ({M, N, K, signed activations, variant}: 0 dp4a, 1 mma with
// int8 weights, 2 mma with nibble-packed weights).
// RUN: qforge-opt %s --split-input-file --qf-define-cuda-kernels --verify-diagnostics | FileCheck %s

// Few output tiles (32 x 256: 2 of 128 x 128) and 16 K tiles: 4 K slices
// (grid z) whose sums are added atomically into a zeroed output.
// CHECK-LABEL: func.func private @__qf_cuda_gemm_32x256x1024_s8_mma(
// CHECK: gpu.memset
// CHECK: gpu.launch_func async {{.*}} @qf_cuda_kernels::@__qf_cuda_gemm_32x256x1024_s8_mma_kernel blocks in (%c2, %c1, %c4) threads in (%c256, %c1{{.*}}, %c1{{.*}})
// CHECK-LABEL: func.func private @__qf_cuda_gemm_256x256x256_u8_mma_w4(
// CHECK-NOT: gpu.memset
// CHECK: gpu.launch_func async {{.*}} @qf_cuda_kernels::@__qf_cuda_gemm_256x256x256_u8_mma_w4_kernel blocks in (%c2, %c2{{.*}}, %c1) threads in (%c256,
// CHECK-LABEL: func.func private @__qf_cuda_gemm_5x80x36_s8(
// CHECK: gpu.launch_func async {{.*}} @qf_cuda_kernels::@__qf_cuda_gemm_5x80x36_s8_kernel blocks in (%c1, %c5, %c1{{.*}}) threads in (%c128,
// The kernels: split-K adds atomically; the 4-bit one reads 128 B of
// packed weights per row (K / 2) into 48-byte shared rows (32 + padding).
// CHECK: gpu.func @__qf_cuda_gemm_32x256x1024_s8_mma_kernel({{.*}}) workgroup(%{{.*}} : memref<2x128x80xi8, #gpu.address_space<workgroup>> {llvm.align = 16 : i64}, %{{.*}} : memref<2x128x80xi8, #gpu.address_space<workgroup>> {llvm.align = 16 : i64})
// CHECK: nvgpu.mma.sync
// CHECK: memref.atomic_rmw addi
// CHECK: gpu.func @__qf_cuda_gemm_256x256x256_u8_mma_w4_kernel(%{{.*}}: memref<256x256xi8>, %{{.*}}: memref<32768xi8>, %{{.*}}: memref<256x256xi32>) workgroup(%{{.*}} : memref<2x128x80xi8, #gpu.address_space<workgroup>> {llvm.align = 16 : i64}, %{{.*}} : memref<2x128x48xi8, #gpu.address_space<workgroup>> {llvm.align = 16 : i64})
// CHECK-NOT: memref.atomic_rmw
// CHECK: vector.store
// CHECK: gpu.func @__qf_cuda_gemm_5x80x36_s8_kernel
// CHECK: nvvm.dot.accumulate.4way
func.func private @__qf_cuda_gemm_32x256x1024_s8_mma(memref<32x1024xi8>, memref<262144xi8>, memref<32x256xi32>) attributes {qf.cuda_kernel = array<i64: 32, 256, 1024, 1, 1>}
func.func private @__qf_cuda_gemm_256x256x256_u8_mma_w4(memref<256x256xi8>, memref<32768xi8>, memref<256x256xi32>) attributes {qf.cuda_kernel = array<i64: 256, 256, 256, 0, 2>}
func.func private @__qf_cuda_gemm_5x80x36_s8(memref<5x36xi8>, memref<2880xi8>, memref<5x80xi32>) attributes {qf.cuda_kernel = array<i64: 5, 80, 36, 1, 0>}

// -----

// W4A16 (variant 3; the fourth entry is the scale group, 128 = 2 K tiles):
// f16 operands in shared memory (64 + 8 halves per row), scales loaded per
// K tile, f16 results.
// CHECK-LABEL: func.func private @__qf_cuda_gemm_40x96x256_f16_w4_g128(
// CHECK: gpu.launch_func async {{.*}} blocks in (%c1, %c1{{.*}}, %c1{{.*}}) threads in (%c256,
// CHECK: gpu.func @__qf_cuda_gemm_40x96x256_f16_w4_g128_kernel(%{{.*}}: memref<40x256xf16>, %{{.*}}: memref<12288xi8>, %{{.*}}: memref<192xf32>, %{{.*}}: memref<40x96xf16>) workgroup(%{{.*}} : memref<2x128x72xf16, #gpu.address_space<workgroup>>
// CHECK: memref.load %{{.*}} : memref<192xf32>
// CHECK: nvgpu.mma.sync({{.*}}) {mmaShape = [16, 8, 16]} : (vector<4x2xf16>, vector<2x2xf16>, vector<2x2xf32>) -> vector<2x2xf32>
// CHECK: arith.truncf {{.*}} : vector<2xf32> to vector<2xf16>
func.func private @__qf_cuda_gemm_40x96x256_f16_w4_g128(memref<40x256xf16>, memref<12288xi8>, memref<192xf32>, memref<40x96xf16>) attributes {qf.cuda_kernel = array<i64: 40, 96, 256, 128, 3>}

// -----

// Variant 4: the same with scales that are f16 values, dequantized in f16
// (one f16 multiply per register pair).
// CHECK-LABEL: func.func private @__qf_cuda_gemm_40x96x256_f16_w4_hs(
// CHECK: gpu.func @__qf_cuda_gemm_40x96x256_f16_w4_hs_kernel(
// CHECK: arith.truncf %{{.*}} : f32 to f16
// CHECK: arith.mulf %{{.*}}, %{{.*}} : vector<2xf16>
// CHECK: nvgpu.mma.sync
func.func private @__qf_cuda_gemm_40x96x256_f16_w4_hs(memref<40x256xf16>, memref<12288xi8>, memref<96xf32>, memref<40x96xf16>) attributes {qf.cuda_kernel = array<i64: 40, 96, 256, 0, 4>}

// -----

// expected-error @below {{malformed qf.cuda_kernel}}
func.func private @bad_group(memref<40x256xf16>, memref<12288xi8>, memref<192xf32>, memref<40x96xf16>) attributes {qf.cuda_kernel = array<i64: 40, 96, 256, 96, 3>}

// -----

// expected-error @below {{malformed qf.cuda_kernel}}
func.func private @bad(memref<5x36xi8>, memref<2880xi8>, memref<5x80xi32>) attributes {qf.cuda_kernel = array<i64: 5, 80, 36, 1, 7>}

// -----

// expected-error @below {{qf.cuda_kernel does not match the stub's argument types}}
func.func private @mismatch(memref<5x36xi8>, memref<100xi8>, memref<5x80xi32>) attributes {qf.cuda_kernel = array<i64: 5, 80, 36, 1, 0>}
