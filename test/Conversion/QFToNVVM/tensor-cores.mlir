// The CUDA kernel choice and the tensor-core kernels, compile-only
// (everywhere): mma.sync m16n8k32 for M >= 16 and K % 16 == 0 (int8 rows,
// or nibble-packed 4-bit weights), dp4a otherwise or below sm_80; W4A16
// (f16 activations, 4-bit weights) on mma.sync m16n8k16.
// RUN: qforge-opt %s --canonicalize --convert-qf-to-nvvm | FileCheck %s
// RUN: qforge-opt %s --canonicalize --convert-qf-to-nvvm=tensor-cores=false | FileCheck %s --check-prefix=DP4A
// RUN: qforge-opt %s --qf-lower-to-nvvm="chip=sm_90 features=+ptx80 format=isa" | FileCheck %s --check-prefix=PTX90
// RUN: qforge-opt %s --qf-lower-to-nvvm="chip=sm_80 features=+ptx70 format=isa" | FileCheck %s --check-prefix=PTX80
// RUN: qforge-opt %s --qf-lower-to-nvvm="chip=sm_75 features=+ptx70 format=isa" | FileCheck %s --check-prefix=PTX75 --implicit-check-not=mma.sync
// RUN: %if ptxas %{ qforge-opt %s --qf-lower-to-nvvm="chip=sm_80 features=+ptx70 format=bin" | FileCheck %s --check-prefix=CUBIN %}
// RUN: %if ptxas %{ qforge-opt %s --qf-lower-to-nvvm="chip=sm_90 features=+ptx80 format=bin" | FileCheck %s --check-prefix=CUBIN %}

// 4-bit weights, 16 x 16 x 32: the tensor-core kernel with nibble-packed
// weights. Every row is k % 15 - 7 for k = 0..31, so byte j < 16 of a row
// holds w[j] (low nibble) and w[j + 16] (high nibble): A9 = (-7, -6),
// BA = (-6, -5), ..., 97 = (7, -7), A9 = (-7, -6).
// CHECK-LABEL: func.func @w4_mma
// CHECK: arith.constant dense<"0xA9BACBDCEDFE0F1021324354657697A9A9BA
// CHECK-SAME: tensor<256xi8>
// CHECK: call @__qf_cuda_gemm_16x16x32_s8_mma_w4({{.*}}) : (memref<16x32xi8>, memref<256xi8>, memref<16x16xi32>)
// DP4A-LABEL: func.func @w4_mma
// DP4A: call @__qf_cuda_gemm_16x16x32_s8({{.*}}) : (memref<16x32xi8>, memref<512xi8>, memref<16x16xi32>)
func.func @w4_mma(%x: tensor<16x32xf32>) -> tensor<16x16xi32> {
  %wf = arith.constant dense<[[-7.0,-6.0,-5.0,-4.0,-3.0,-2.0,-1.0,0.0,1.0,2.0,3.0,4.0,5.0,6.0,7.0,-7.0,-6.0,-5.0,-4.0,-3.0,-2.0,-1.0,0.0,1.0,2.0,3.0,4.0,5.0,6.0,7.0,-7.0,-6.0],[-7.0,-6.0,-5.0,-4.0,-3.0,-2.0,-1.0,0.0,1.0,2.0,3.0,4.0,5.0,6.0,7.0,-7.0,-6.0,-5.0,-4.0,-3.0,-2.0,-1.0,0.0,1.0,2.0,3.0,4.0,5.0,6.0,7.0,-7.0,-6.0],[-7.0,-6.0,-5.0,-4.0,-3.0,-2.0,-1.0,0.0,1.0,2.0,3.0,4.0,5.0,6.0,7.0,-7.0,-6.0,-5.0,-4.0,-3.0,-2.0,-1.0,0.0,1.0,2.0,3.0,4.0,5.0,6.0,7.0,-7.0,-6.0],[-7.0,-6.0,-5.0,-4.0,-3.0,-2.0,-1.0,0.0,1.0,2.0,3.0,4.0,5.0,6.0,7.0,-7.0,-6.0,-5.0,-4.0,-3.0,-2.0,-1.0,0.0,1.0,2.0,3.0,4.0,5.0,6.0,7.0,-7.0,-6.0],[-7.0,-6.0,-5.0,-4.0,-3.0,-2.0,-1.0,0.0,1.0,2.0,3.0,4.0,5.0,6.0,7.0,-7.0,-6.0,-5.0,-4.0,-3.0,-2.0,-1.0,0.0,1.0,2.0,3.0,4.0,5.0,6.0,7.0,-7.0,-6.0],[-7.0,-6.0,-5.0,-4.0,-3.0,-2.0,-1.0,0.0,1.0,2.0,3.0,4.0,5.0,6.0,7.0,-7.0,-6.0,-5.0,-4.0,-3.0,-2.0,-1.0,0.0,1.0,2.0,3.0,4.0,5.0,6.0,7.0,-7.0,-6.0],[-7.0,-6.0,-5.0,-4.0,-3.0,-2.0,-1.0,0.0,1.0,2.0,3.0,4.0,5.0,6.0,7.0,-7.0,-6.0,-5.0,-4.0,-3.0,-2.0,-1.0,0.0,1.0,2.0,3.0,4.0,5.0,6.0,7.0,-7.0,-6.0],[-7.0,-6.0,-5.0,-4.0,-3.0,-2.0,-1.0,0.0,1.0,2.0,3.0,4.0,5.0,6.0,7.0,-7.0,-6.0,-5.0,-4.0,-3.0,-2.0,-1.0,0.0,1.0,2.0,3.0,4.0,5.0,6.0,7.0,-7.0,-6.0],[-7.0,-6.0,-5.0,-4.0,-3.0,-2.0,-1.0,0.0,1.0,2.0,3.0,4.0,5.0,6.0,7.0,-7.0,-6.0,-5.0,-4.0,-3.0,-2.0,-1.0,0.0,1.0,2.0,3.0,4.0,5.0,6.0,7.0,-7.0,-6.0],[-7.0,-6.0,-5.0,-4.0,-3.0,-2.0,-1.0,0.0,1.0,2.0,3.0,4.0,5.0,6.0,7.0,-7.0,-6.0,-5.0,-4.0,-3.0,-2.0,-1.0,0.0,1.0,2.0,3.0,4.0,5.0,6.0,7.0,-7.0,-6.0],[-7.0,-6.0,-5.0,-4.0,-3.0,-2.0,-1.0,0.0,1.0,2.0,3.0,4.0,5.0,6.0,7.0,-7.0,-6.0,-5.0,-4.0,-3.0,-2.0,-1.0,0.0,1.0,2.0,3.0,4.0,5.0,6.0,7.0,-7.0,-6.0],[-7.0,-6.0,-5.0,-4.0,-3.0,-2.0,-1.0,0.0,1.0,2.0,3.0,4.0,5.0,6.0,7.0,-7.0,-6.0,-5.0,-4.0,-3.0,-2.0,-1.0,0.0,1.0,2.0,3.0,4.0,5.0,6.0,7.0,-7.0,-6.0],[-7.0,-6.0,-5.0,-4.0,-3.0,-2.0,-1.0,0.0,1.0,2.0,3.0,4.0,5.0,6.0,7.0,-7.0,-6.0,-5.0,-4.0,-3.0,-2.0,-1.0,0.0,1.0,2.0,3.0,4.0,5.0,6.0,7.0,-7.0,-6.0],[-7.0,-6.0,-5.0,-4.0,-3.0,-2.0,-1.0,0.0,1.0,2.0,3.0,4.0,5.0,6.0,7.0,-7.0,-6.0,-5.0,-4.0,-3.0,-2.0,-1.0,0.0,1.0,2.0,3.0,4.0,5.0,6.0,7.0,-7.0,-6.0],[-7.0,-6.0,-5.0,-4.0,-3.0,-2.0,-1.0,0.0,1.0,2.0,3.0,4.0,5.0,6.0,7.0,-7.0,-6.0,-5.0,-4.0,-3.0,-2.0,-1.0,0.0,1.0,2.0,3.0,4.0,5.0,6.0,7.0,-7.0,-6.0],[-7.0,-6.0,-5.0,-4.0,-3.0,-2.0,-1.0,0.0,1.0,2.0,3.0,4.0,5.0,6.0,7.0,-7.0,-6.0,-5.0,-4.0,-3.0,-2.0,-1.0,0.0,1.0,2.0,3.0,4.0,5.0,6.0,7.0,-7.0,-6.0]]> : tensor<16x32xf32>
  %w = qf.quantize %wf : tensor<16x32xf32> -> !qf.qtensor<16x32xf32, #qf.scheme<i4, axis = 0>>
  %a = qf.quantize %x : tensor<16x32xf32> -> !qf.qtensor<16x32xf32, #qf.scheme<i8, axis = 0>>
  %y = qf.matmul %a, %w transpose_rhs acc(i32) : !qf.qtensor<16x32xf32, #qf.scheme<i8, axis = 0>>, !qf.qtensor<16x32xf32, #qf.scheme<i4, axis = 0>> -> tensor<16x16xi32>
  return %y : tensor<16x16xi32>
}

// Fewer than 16 rows: dp4a, the 4-bit codes as int8 rows.
// CHECK-LABEL: func.func @w4_few_rows
// CHECK: call @__qf_cuda_gemm_8x16x32_s8({{.*}}) : (memref<8x32xi8>, memref<512xi8>, memref<8x16xi32>)
func.func @w4_few_rows(%x: tensor<8x32xf32>) -> tensor<8x16xi32> {
  %wf = arith.constant dense<0.5> : tensor<16x32xf32>
  %w = qf.quantize %wf : tensor<16x32xf32> -> !qf.qtensor<16x32xf32, #qf.scheme<i4, axis = 0>>
  %a = qf.quantize %x : tensor<8x32xf32> -> !qf.qtensor<8x32xf32, #qf.scheme<i8, axis = 0>>
  %y = qf.matmul %a, %w transpose_rhs acc(i32) : !qf.qtensor<8x32xf32, #qf.scheme<i8, axis = 0>>, !qf.qtensor<16x32xf32, #qf.scheme<i4, axis = 0>> -> tensor<8x16xi32>
  return %y : tensor<8x16xi32>
}

// K % 16 != 0: rows are not 16-byte aligned for cp.async, so dp4a.
// CHECK-LABEL: func.func @k_not_16
// CHECK: call @__qf_cuda_gemm_32x16x36_s8({{.*}})
func.func @k_not_16(%x: tensor<32x36xf32>) -> tensor<32x16xi32> {
  %wf = arith.constant dense<0.5> : tensor<16x36xf32>
  %w = qf.quantize %wf : tensor<16x36xf32> -> !qf.qtensor<16x36xf32, #qf.scheme<i8, axis = 0>>
  %a = qf.quantize %x : tensor<32x36xf32> -> !qf.qtensor<32x36xf32, #qf.scheme<i8, axis = 0>>
  %y = qf.matmul %a, %w transpose_rhs acc(i32) : !qf.qtensor<32x36xf32, #qf.scheme<i8, axis = 0>>, !qf.qtensor<16x36xf32, #qf.scheme<i8, axis = 0>> -> tensor<32x16xi32>
  return %y : tensor<32x16xi32>
}

// u8 activations on tensor cores: the kernel flips them to s8 (minus 128),
// the epilogue adds (zero point - 128) * column sum back.
// CHECK-LABEL: func.func @u8_mma
// CHECK: call @__qf_cuda_gemm_40x80x96_u8_mma({{.*}}) : (memref<40x96xi8>, memref<7680xi8>, memref<40x80xi32>)
// CHECK: linalg.generic
// CHECK: arith.constant -128 : i32
// DP4A-LABEL: func.func @u8_mma
// DP4A: call @__qf_cuda_gemm_40x80x96_u8({{.*}})
// DP4A-NOT: -128 : i32
// DP4A: return
func.func @u8_mma(%x: tensor<40x96xf32>) -> tensor<40x80xi32> {
  %wf = arith.constant dense<0.75> : tensor<80x96xf32>
  %w = qf.quantize %wf : tensor<80x96xf32> -> !qf.qtensor<80x96xf32, #qf.scheme<i8, axis = 0>>
  %a = qf.quantize %x : tensor<40x96xf32> -> !qf.qtensor<40x96xf32, #qf.scheme<u8, asym>>
  %y = qf.matmul %a, %w transpose_rhs acc(i32) : !qf.qtensor<40x96xf32, #qf.scheme<u8, asym>>, !qf.qtensor<80x96xf32, #qf.scheme<i8, axis = 0>> -> tensor<40x80xi32>
  return %y : tensor<40x80xi32>
}

// The odd grid (values need one more bit than the codes) stays on the host.
// CHECK-LABEL: func.func @odd_grid
// CHECK-NOT: call @__qf_cuda_gemm
// CHECK: return
func.func @odd_grid(%x: tensor<16x32xf32>) -> tensor<16x16xi32> {
  %wf = arith.constant dense<0.5> : tensor<16x32xf32>
  %w = qf.quantize %wf : tensor<16x32xf32> -> !qf.qtensor<16x32xf32, #qf.scheme<i3, axis = 0, grid = odd>>
  %a = qf.quantize %x : tensor<16x32xf32> -> !qf.qtensor<16x32xf32, #qf.scheme<i8, axis = 0>>
  %y = qf.matmul %a, %w transpose_rhs acc(i32) : !qf.qtensor<16x32xf32, #qf.scheme<i8, axis = 0>>, !qf.qtensor<16x32xf32, #qf.scheme<i3, axis = 0, grid = odd>> -> tensor<16x16xi32>
  return %y : tensor<16x16xi32>
}

// W4A16: f16 activations with 4-bit weights in groups of 128 along K: the
// f16 tensor-core kernel, weights as 16 B per 32 K per row, f32 scales per
// (column, group), f16 result straight from the kernel (no host epilogue).
// CHECK-LABEL: func.func @w4a16
// CHECK: call @__qf_cuda_gemm_40x96x256_f16_w4_g128({{.*}}) : (memref<40x256xf16>, memref<12288xi8>, memref<192xf32>, memref<40x96xf16>)
// CHECK-NEXT: bufferization.to_tensor
// CHECK-NEXT: return
// DP4A-LABEL: func.func @w4a16
// DP4A-NOT: call @__qf_cuda_gemm
// DP4A: return
func.func @w4a16(%x: tensor<40x256xf16>) -> tensor<40x96xf16> {
  %wf = arith.constant dense<0.75> : tensor<96x256xf16>
  %w = qf.quantize %wf : tensor<96x256xf16> -> !qf.qtensor<96x256xf16, #qf.scheme<i4, axis = 1, group = 128>>
  %y = qf.matmul %x, %w transpose_rhs acc(f32) : tensor<40x256xf16>, !qf.qtensor<96x256xf16, #qf.scheme<i4, axis = 1, group = 128>> -> tensor<40x96xf16>
  return %y : tensor<40x96xf16>
}

// The W4A16 weight layout: rows k % 15 - 7 again; word t of a row holds
// code + 8 of k = 2t, 2t+8, 2t+16, 2t+24 in nibbles 0-3 and of those k + 1
// in nibbles 4-7: t = 0 is (1, 9, 2, 10, 2, 10, 3, 11) from the lowest
// nibble = 0xB3A2A291, bytes 91 A2 A2 B3; t = 1 is 0xD5C4C4B3. The scales
// (7 / 7 = 1) are f16 values, so the kernel dequantizes in f16 (_hs).
// CHECK-LABEL: func.func @w4a16_layout
// CHECK: arith.constant dense<"0x91A2A2B3B3C4C4D5
// CHECK-SAME: tensor<256xi8>
// CHECK: call @__qf_cuda_gemm_16x16x32_f16_w4_hs(
func.func @w4a16_layout(%x: tensor<16x32xf16>) -> tensor<16x16xf16> {
  %wf = arith.constant dense<[[-7.0,-6.0,-5.0,-4.0,-3.0,-2.0,-1.0,0.0,1.0,2.0,3.0,4.0,5.0,6.0,7.0,-7.0,-6.0,-5.0,-4.0,-3.0,-2.0,-1.0,0.0,1.0,2.0,3.0,4.0,5.0,6.0,7.0,-7.0,-6.0],[-7.0,-6.0,-5.0,-4.0,-3.0,-2.0,-1.0,0.0,1.0,2.0,3.0,4.0,5.0,6.0,7.0,-7.0,-6.0,-5.0,-4.0,-3.0,-2.0,-1.0,0.0,1.0,2.0,3.0,4.0,5.0,6.0,7.0,-7.0,-6.0],[-7.0,-6.0,-5.0,-4.0,-3.0,-2.0,-1.0,0.0,1.0,2.0,3.0,4.0,5.0,6.0,7.0,-7.0,-6.0,-5.0,-4.0,-3.0,-2.0,-1.0,0.0,1.0,2.0,3.0,4.0,5.0,6.0,7.0,-7.0,-6.0],[-7.0,-6.0,-5.0,-4.0,-3.0,-2.0,-1.0,0.0,1.0,2.0,3.0,4.0,5.0,6.0,7.0,-7.0,-6.0,-5.0,-4.0,-3.0,-2.0,-1.0,0.0,1.0,2.0,3.0,4.0,5.0,6.0,7.0,-7.0,-6.0],[-7.0,-6.0,-5.0,-4.0,-3.0,-2.0,-1.0,0.0,1.0,2.0,3.0,4.0,5.0,6.0,7.0,-7.0,-6.0,-5.0,-4.0,-3.0,-2.0,-1.0,0.0,1.0,2.0,3.0,4.0,5.0,6.0,7.0,-7.0,-6.0],[-7.0,-6.0,-5.0,-4.0,-3.0,-2.0,-1.0,0.0,1.0,2.0,3.0,4.0,5.0,6.0,7.0,-7.0,-6.0,-5.0,-4.0,-3.0,-2.0,-1.0,0.0,1.0,2.0,3.0,4.0,5.0,6.0,7.0,-7.0,-6.0],[-7.0,-6.0,-5.0,-4.0,-3.0,-2.0,-1.0,0.0,1.0,2.0,3.0,4.0,5.0,6.0,7.0,-7.0,-6.0,-5.0,-4.0,-3.0,-2.0,-1.0,0.0,1.0,2.0,3.0,4.0,5.0,6.0,7.0,-7.0,-6.0],[-7.0,-6.0,-5.0,-4.0,-3.0,-2.0,-1.0,0.0,1.0,2.0,3.0,4.0,5.0,6.0,7.0,-7.0,-6.0,-5.0,-4.0,-3.0,-2.0,-1.0,0.0,1.0,2.0,3.0,4.0,5.0,6.0,7.0,-7.0,-6.0],[-7.0,-6.0,-5.0,-4.0,-3.0,-2.0,-1.0,0.0,1.0,2.0,3.0,4.0,5.0,6.0,7.0,-7.0,-6.0,-5.0,-4.0,-3.0,-2.0,-1.0,0.0,1.0,2.0,3.0,4.0,5.0,6.0,7.0,-7.0,-6.0],[-7.0,-6.0,-5.0,-4.0,-3.0,-2.0,-1.0,0.0,1.0,2.0,3.0,4.0,5.0,6.0,7.0,-7.0,-6.0,-5.0,-4.0,-3.0,-2.0,-1.0,0.0,1.0,2.0,3.0,4.0,5.0,6.0,7.0,-7.0,-6.0],[-7.0,-6.0,-5.0,-4.0,-3.0,-2.0,-1.0,0.0,1.0,2.0,3.0,4.0,5.0,6.0,7.0,-7.0,-6.0,-5.0,-4.0,-3.0,-2.0,-1.0,0.0,1.0,2.0,3.0,4.0,5.0,6.0,7.0,-7.0,-6.0],[-7.0,-6.0,-5.0,-4.0,-3.0,-2.0,-1.0,0.0,1.0,2.0,3.0,4.0,5.0,6.0,7.0,-7.0,-6.0,-5.0,-4.0,-3.0,-2.0,-1.0,0.0,1.0,2.0,3.0,4.0,5.0,6.0,7.0,-7.0,-6.0],[-7.0,-6.0,-5.0,-4.0,-3.0,-2.0,-1.0,0.0,1.0,2.0,3.0,4.0,5.0,6.0,7.0,-7.0,-6.0,-5.0,-4.0,-3.0,-2.0,-1.0,0.0,1.0,2.0,3.0,4.0,5.0,6.0,7.0,-7.0,-6.0],[-7.0,-6.0,-5.0,-4.0,-3.0,-2.0,-1.0,0.0,1.0,2.0,3.0,4.0,5.0,6.0,7.0,-7.0,-6.0,-5.0,-4.0,-3.0,-2.0,-1.0,0.0,1.0,2.0,3.0,4.0,5.0,6.0,7.0,-7.0,-6.0],[-7.0,-6.0,-5.0,-4.0,-3.0,-2.0,-1.0,0.0,1.0,2.0,3.0,4.0,5.0,6.0,7.0,-7.0,-6.0,-5.0,-4.0,-3.0,-2.0,-1.0,0.0,1.0,2.0,3.0,4.0,5.0,6.0,7.0,-7.0,-6.0],[-7.0,-6.0,-5.0,-4.0,-3.0,-2.0,-1.0,0.0,1.0,2.0,3.0,4.0,5.0,6.0,7.0,-7.0,-6.0,-5.0,-4.0,-3.0,-2.0,-1.0,0.0,1.0,2.0,3.0,4.0,5.0,6.0,7.0,-7.0,-6.0]]> : tensor<16x32xf16>
  %w = qf.quantize %wf : tensor<16x32xf16> -> !qf.qtensor<16x32xf16, #qf.scheme<i4, axis = 0>>
  %y = qf.matmul %x, %w transpose_rhs acc(f32) : tensor<16x32xf16>, !qf.qtensor<16x32xf16, #qf.scheme<i4, axis = 0>> -> tensor<16x16xf16>
  return %y : tensor<16x16xf16>
}

// An odd N (the kernel stores column pairs) stays on the host.
// CHECK-LABEL: func.func @w4a16_odd_n
// CHECK-NOT: call @__qf_cuda_gemm
// CHECK: return
func.func @w4a16_odd_n(%x: tensor<16x32xf16>) -> tensor<16x15xf16> {
  %wf = arith.constant dense<0.75> : tensor<15x32xf16>
  %w = qf.quantize %wf : tensor<15x32xf16> -> !qf.qtensor<15x32xf16, #qf.scheme<i4, axis = 0>>
  %y = qf.matmul %x, %w transpose_rhs acc(f32) : tensor<16x32xf16>, !qf.qtensor<15x32xf16, #qf.scheme<i4, axis = 0>> -> tensor<16x15xf16>
  return %y : tensor<16x15xf16>
}

// Groups of 32 (not a multiple of the 64-wide K tile) stay on the host.
// CHECK-LABEL: func.func @w4a16_group32
// CHECK-NOT: call @__qf_cuda_gemm
// CHECK: return
func.func @w4a16_group32(%x: tensor<40x256xf16>) -> tensor<40x96xf16> {
  %wf = arith.constant dense<0.75> : tensor<96x256xf16>
  %w = qf.quantize %wf : tensor<96x256xf16> -> !qf.qtensor<96x256xf16, #qf.scheme<i4, axis = 1, group = 32>>
  %y = qf.matmul %x, %w transpose_rhs acc(f32) : tensor<40x256xf16>, !qf.qtensor<96x256xf16, #qf.scheme<i4, axis = 1, group = 32>> -> tensor<40x96xf16>
  return %y : tensor<40x96xf16>
}

// The PTX: tensor-core instructions on sm_80 and sm_90, shared memory
// aligned for cp.async / ldmatrix; dp4a only on sm_75.
// PTX90: gpu.binary @qf_cuda_kernels
// PTX90-SAME: .target sm_90
// PTX90-SAME: .shared .align 16
// PTX90-SAME: cp.async.cg.shared.global
// PTX90-SAME: cp.async.wait_group
// PTX90-SAME: ldmatrix.sync.aligned.m8n8.x4.shared.b16
// PTX90-SAME: mma.sync.aligned.m16n8k32.row.col.satfinite.s32.s8.s8.s32
// PTX90-SAME: mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32
// PTX80: .target sm_80
// PTX80-SAME: mma.sync.aligned.m16n8k32.row.col.satfinite.s32.s8.s8.s32
// PTX75: .target sm_75
// PTX75-SAME: dp4a.s32.s32
// CUBIN: gpu.binary @qf_cuda_kernels {{.*}}bin = "\7FELF
