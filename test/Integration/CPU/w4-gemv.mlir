// The weight-only int4 path (group 128 along K) against an independent numpy
// model of the same quantization. On AVX-512 machines the x86 pipeline runs
// it on the nibble-unpacking kernel, which sums in another order than the
// reference: a float path, checked within a tolerance.
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python %S/Inputs/w4_gemv.py %t 3 48 512 128
// RUN: qforge-run %t/model.mlir --input %t/x.npy --compare %t/y.npy --rtol 1e-4 --atol 1e-4 | FileCheck %s
// RUN: qforge-run %t/model.mlir --num-threads 2 --input %t/x.npy --compare %t/y.npy --rtol 1e-4 --atol 1e-4 | FileCheck %s
// CHECK: all 144 elements match
// RUN: %python %S/Inputs/w4_gemv.py %t 1 32 256 256
// RUN: qforge-run %t/model.mlir --input %t/x.npy --compare %t/y.npy --rtol 1e-4 --atol 1e-4 | FileCheck %s --check-prefix=ONE
// ONE: all 32 elements match

// The kernel is used: the lowered module calls it.
// RUN: qforge-opt %t/model.mlir --qf-lower-to-x86="cpu=znver4" | FileCheck %s --check-prefix=KERNEL
// KERNEL: llvm.call @__qf_w4_gemv_1x32x256_g256
