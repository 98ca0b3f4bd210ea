// -qf-allocate-bits with float-format candidates: fp8 (e4m3, the op's own
// per-column f32 scales), nvfp4 (e2m1, an e4m3 scale per 16 along K and an
// f32 tensor scale) and mxfp4 (e2m1, an e8m0 scale per 32 along K). A
// 16x8 weight used by a weight-only matmul: 128 codes; fp8 costs
// 128 x 8 + 8 x 32 = 1280 bits, nvfp4 128 x 4 + 8 x 8 + 32 = 608 bits, 2-bit
// integers 128 x 2 + 8 x 32 = 512 bits. Budget 5 (640 bits) takes nvfp4,
// budget 10 fp8; mxfp4's group of 32 does not divide K = 16. The result
// runs through the lowering (qforge-run) and -qf-analyze-error reports it.
// RUN: qforge-opt %s -qf-allocate-bits="budget=10 candidates=2,fp8,nvfp4" | FileCheck %s --check-prefix=FP8
// RUN: qforge-opt %s -qf-allocate-bits="budget=5 candidates=2,fp8,nvfp4,mxfp4" | FileCheck %s --check-prefix=NV
// RUN: qforge-opt %s -qf-allocate-bits="budget=5 candidates=2,fp8,nvfp4" -qf-analyze-error -o %t.mlir 2>&1 | FileCheck %s --check-prefix=REPORT
// RUN: qforge-run %t.mlir --seed 1
// RUN: not qforge-opt %s -qf-allocate-bits="budget=5 candidates=mxfp4" 2>&1 | FileCheck %s --check-prefix=MX
// RUN: not qforge-opt %s -qf-allocate-bits="budget=5 candidates=fp4" 2>&1 | FileCheck %s --check-prefix=BAD

// FP8: qf.quantize {{.*}}qf.alloc_bits = 1.280000e+03 : f64{{.*}} -> !qf.qtensor<16x8xf32, #qf.scheme<f8E4M3FN, axis = 1>>
// NV:  qf.quantize {{.*}}qf.alloc_bits = 6.080000e+02 : f64{{.*}} -> !qf.qtensor<16x8xf32, #qf.scheme<f4E2M1FN, axis = 0, group = 16, scale = f8E4M3FN, tensor_scale>>
// REPORT: remark: qf-analyze-error: layer0: #qf.scheme<f4E2M1FN, axis = 0, group = 16, scale = f8E4M3FN, tensor_scale>, 4.750 bits/weight
// MX: qf-allocate-bits: none of the candidates fits this weight
// BAD: qf-allocate-bits: bad candidate 'fp4': expected a width 1..8 (a suffix o for the odd grid, n for the narrow one), optionally followed by t for one scale per tensor (e.g. 3t) or by g and a group size (e.g. 4g128), and by :f16 or :bf16 for 16-bit scales (e.g. 3:f16); binary, ternary; or fp8, mxfp4, nvfp4
// Integer grids: binary (i1, odd grid) costs 128 + 8 x 32 = 384 bits, the
// only candidate within a budget of 3; ternary (i2, narrow) and 2o (i2, odd)
// cost 512 bits. The results run through the lowering.
// RUN: qforge-opt %s -qf-allocate-bits="budget=3 candidates=binary,ternary,2o" -o %t.bin.mlir
// RUN: FileCheck %s --check-prefix=BIN < %t.bin.mlir
// RUN: qforge-run %t.bin.mlir --seed 1
// RUN: qforge-opt %s -qf-allocate-bits="budget=4 candidates=ternary" | FileCheck %s --check-prefix=TERN
// RUN: qforge-opt %s -qf-allocate-bits="budget=4 candidates=2o" -o %t.odd.mlir
// RUN: FileCheck %s --check-prefix=ODD < %t.odd.mlir
// RUN: qforge-run %t.odd.mlir --seed 1
// RUN: not qforge-opt %s -qf-allocate-bits="budget=5 candidates=1n" 2>&1 | FileCheck %s --check-prefix=BADNARROW
// BIN: qf.quantize {{.*}}qf.alloc_bits = 3.840000e+02 : f64{{.*}} -> !qf.qtensor<16x8xf32, #qf.scheme<i1, grid = odd, axis = 1>>
// TERN: qf.quantize {{.*}}qf.alloc_bits = 5.120000e+02 : f64{{.*}} -> !qf.qtensor<16x8xf32, #qf.scheme<i2, grid = narrow, axis = 1>>
// ODD: qf.quantize {{.*}}qf.alloc_bits = 5.120000e+02 : f64{{.*}} -> !qf.qtensor<16x8xf32, #qf.scheme<i2, grid = odd, axis = 1>>
// BADNARROW: qf-allocate-bits: bad candidate '1n'
// Integer candidates with 16-bit scales: 2:f16 costs 128 x 2 + 8 x 16 =
// 384 bits (3 bits per weight), so a budget of 3 fits it and not 2-bit
// codes with f32 scales (512 bits); 4g8:bf16 is 128 x 4 + 2 x 8 x 16 = 768
// bits. Both run through the lowering.
// RUN: qforge-opt %s -qf-allocate-bits="budget=3 candidates=2,2:f16" -o %t.f16.mlir
// RUN: FileCheck %s --check-prefix=F16 < %t.f16.mlir
// RUN: qforge-run %t.f16.mlir --seed 1
// RUN: qforge-opt %s -qf-allocate-bits="budget=6 candidates=2,4g8:bf16,8" -o %t.bf16.mlir
// RUN: FileCheck %s --check-prefix=BF16 < %t.bf16.mlir
// RUN: qforge-run %t.bf16.mlir --seed 1
// RUN: not qforge-opt %s -qf-allocate-bits="budget=5 candidates=3:f8" 2>&1 | FileCheck %s --check-prefix=BADSCALE
// RUN: not qforge-opt %s -qf-allocate-bits="budget=5 candidates=fp8:f16" 2>&1 | FileCheck %s --check-prefix=BADFLOAT
// F16: qf.quantize {{.*}}qf.alloc_bits = 3.840000e+02 : f64{{.*}} -> !qf.qtensor<16x8xf32, #qf.scheme<i2, axis = 1, scale = f16>>
// BF16: qf.quantize {{.*}}qf.alloc_bits = 7.680000e+02 : f64{{.*}} -> !qf.qtensor<16x8xf32, #qf.scheme<i4, axis = 0, group = 8, scale = bf16>>
// BADSCALE: qf-allocate-bits: bad candidate '3:f8'
// BADFLOAT: qf-allocate-bits: bad candidate 'fp8:f16'
// One scale per tensor: 3t costs 128 x 3 + 32 = 416 bits (3.25 bits per
// weight), 3 with per-column scales 128 x 3 + 8 x 32 = 640 bits, so a
// budget of 3.5 takes 3t (2ot: the odd grid, 288 bits, is worse). A group
// and a per-tensor scale together are rejected. It runs through the
// lowering.
// RUN: qforge-opt %s -qf-allocate-bits="budget=3.5 candidates=3,3t,2ot" -o %t.pt.mlir
// RUN: FileCheck %s --check-prefix=PERTENSOR < %t.pt.mlir
// RUN: qforge-run %t.pt.mlir --seed 1
// RUN: not qforge-opt %s -qf-allocate-bits="budget=5 candidates=3tg8" 2>&1 | FileCheck %s --check-prefix=BADPT
// PERTENSOR: qf.quantize {{.*}}qf.alloc_bits = 4.160000e+02 : f64{{.*}} -> !qf.qtensor<16x8xf32, #qf.scheme<i3>>
// BADPT: qf-allocate-bits: bad candidate '3tg8'
func.func @main(%x: tensor<2x16xf32>) -> tensor<2x8xf32> {
  %w = arith.constant dense<[[0.5, -1.0, 0.25, 2.0, 1.0, 0.5, -0.5, 0.0], [-0.25, 0.75, 1.0, -1.0, 0.1, 0.2, 0.3, 0.4],
                              [1.5, -0.5, 0.0, 0.75, -1.25, 0.3, 0.9, -0.1], [0.05, -0.6, 1.1, 0.2, -0.8, 0.6, 0.0, 1.0],
                              [0.5, -1.0, 0.25, 2.0, 1.0, 0.5, -0.5, 0.0], [-0.25, 0.75, 1.0, -1.0, 0.1, 0.2, 0.3, 0.4],
                              [1.5, -0.5, 0.0, 0.75, -1.25, 0.3, 0.9, -0.1], [0.05, -0.6, 1.1, 0.2, -0.8, 0.6, 0.0, 1.0],
                              [0.4, -1.1, 0.35, 1.9, 1.2, 0.4, -0.6, 0.1], [-0.35, 0.65, 1.2, -0.9, 0.2, 0.1, 0.4, 0.3],
                              [1.4, -0.4, 0.1, 0.85, -1.15, 0.2, 0.8, -0.2], [0.15, -0.5, 1.0, 0.3, -0.7, 0.5, 0.1, 0.9],
                              [0.6, -0.9, 0.15, 2.1, 0.9, 0.6, -0.4, -0.1], [-0.15, 0.85, 0.9, -1.1, 0.0, 0.3, 0.2, 0.5],
                              [1.6, -0.6, -0.1, 0.65, -1.35, 0.4, 1.0, 0.0], [-0.05, -0.7, 1.2, 0.1, -0.9, 0.7, -0.1, 1.1]]> : tensor<16x8xf32>
  %q = qf.quantize %w : tensor<16x8xf32> -> !qf.qtensor<16x8xf32, #qf.scheme<i8, axis = 1>>
  %y = qf.matmul %x, %q acc(f32) : tensor<2x16xf32>, !qf.qtensor<16x8xf32, #qf.scheme<i8, axis = 1>> -> tensor<2x8xf32>
  return %y : tensor<2x8xf32>
}
