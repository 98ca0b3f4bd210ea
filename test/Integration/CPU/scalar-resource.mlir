// Constants held as dense_resource blobs (as qforge-import writes weights)
// compile and run on x86 at every rank. A 0-d resource used to abort the
// compiler in finalize-memref-to-llvm (upstream reads a rank-0 global's value
// with getSplatValue, which a resource does not support); the x86 pipeline
// now turns the initial value of rank-0 memref.globals into a dense literal.
// Every result is exact in binary and compared exactly (printed, and
// against numpy arrays with zero tolerance).
// RUN: rm -rf %t && split-file %s %t
// RUN: %python -c "import numpy as np; f = np.float32; s = lambda n, *v: np.save('%t/' + n + '.npy', np.array(*v)); s('x', [1.5, -2.0, 3.0, 0.25], f); s('i', [1, -3, 7, 2147483647], np.int32); s('m', [[0.5, 0.25, -1], [10, 0, -6]], f); s('f32', [0.75, -1, 1.5, 0.125], f); s('i32', [-6, -10, 0, 2147483640], np.int32); s('f16', [2.25, -3, 4.5, 0.375], f); s('one', [0.375, -0.5, 0.75, 0.0625], f); s('mat', [[1.5, 2.25, 2], [14, 5, 0]], f); s('b', [10, -128, 0, 3], np.int8); s('i8', [7, 125, -3, 0], np.int8)"
// RUN: qforge-run %t/ok.mlir --entry scalar_f32 --input %t/x.npy | FileCheck %s --check-prefix=F32
// RUN: qforge-run %t/ok.mlir --entry scalar_f32 --input %t/x.npy --compare %t/f32.npy --rtol 0 --atol 0 | FileCheck %s --check-prefix=EXACT4
// F32:      result 0: tensor<4xf32>
// F32-NEXT: [0.75, -1, 1.5, 0.125]{{$}}
// RUN: qforge-run %t/ok.mlir --entry scalar_i32 --input %t/i.npy | FileCheck %s --check-prefix=I32
// RUN: qforge-run %t/ok.mlir --entry scalar_i32 --input %t/i.npy --compare %t/i32.npy --rtol 0 --atol 0 | FileCheck %s --check-prefix=EXACT4
// I32:      result 0: tensor<4xi32>
// I32-NEXT: [-6, -10, 0, 2147483640]{{$}}
// RUN: qforge-run %t/ok.mlir --entry scalar_f16 --input %t/x.npy | FileCheck %s --check-prefix=F16
// RUN: qforge-run %t/ok.mlir --entry scalar_f16 --input %t/x.npy --compare %t/f16.npy --rtol 0 --atol 0 | FileCheck %s --check-prefix=EXACT4
// F16:      result 0: tensor<4xf32>
// F16-NEXT: [2.25, -3, 4.5, 0.375]{{$}}
// RUN: qforge-run %t/ok.mlir --entry scalar_i1_i8 --input %t/b.npy | FileCheck %s --check-prefix=I1I8
// RUN: qforge-run %t/ok.mlir --entry scalar_i1_i8 --input %t/b.npy --compare %t/i8.npy --rtol 0 --atol 0 | FileCheck %s --check-prefix=EXACT4
// I1I8:      result 0: tensor<4xi8>
// I1I8-NEXT: [7, 125, -3, 0]{{$}}
// RUN: qforge-run %t/ok.mlir --entry one_element --input %t/x.npy | FileCheck %s --check-prefix=ONE
// RUN: qforge-run %t/ok.mlir --entry one_element --input %t/x.npy --compare %t/one.npy --rtol 0 --atol 0 | FileCheck %s --check-prefix=EXACT4
// ONE:      result 0: tensor<4xf32>
// ONE-NEXT: [0.375, -0.5, 0.75, 0.0625]{{$}}
// RUN: qforge-run %t/ok.mlir --entry matrix --input %t/m.npy | FileCheck %s --check-prefix=MAT
// RUN: qforge-run %t/ok.mlir --entry matrix --input %t/m.npy --compare %t/mat.npy --rtol 0 --atol 0 | FileCheck %s --check-prefix=EXACT6
// MAT:      result 0: tensor<2x3xf32>
// MAT-NEXT: {{^}}{{\[}}[1.5, 2.25, 2],{{$}}
// MAT-NEXT: {{^}} [14, 5, 0]]{{$}}
// EXACT4: all 4 elements match (rtol=0 atol=0); max abs error 0,
// EXACT6: all 6 elements match (rtol=0 atol=0); max abs error 0,

// Only the rank-0 globals become literals; the others keep their blob.
// RUN: qforge-opt %t/ok.mlir --qf-lower-to-x86 | FileCheck %s --check-prefix=IR
// IR-DAG: llvm.mlir.global private constant @{{.*}}(5.000000e-01 : f32) {{.*}} : f32
// IR-DAG: llvm.mlir.global private constant @{{.*}}(-7 : i32) {{.*}} : i32
// IR-DAG: llvm.mlir.global private constant @{{.*}}(1.500000e+00 : f16) {{.*}} : f16
// IR-DAG: llvm.mlir.global private constant @{{.*}}(true) {{.*}} : i1
// IR-DAG: llvm.mlir.global private constant @{{.*}}(-3 : i8) {{.*}} : i8
// IR-DAG: llvm.mlir.global private constant @{{.*}}(dense_resource<quarter_1xf32> : tensor<1xf32>) {{.*}} : !llvm.array<1 x f32>
// IR-DAG: llvm.mlir.global private constant @{{.*}}(dense_resource<m_2x3xf32> : tensor<2x3xf32>) {{.*}} : !llvm.array<2 x array<3 x f32>>

// A scalar resource whose blob is missing or has the wrong size is an error,
// not a crash; so is a wrong-size blob of higher rank (reported by the LLVM
// translation).
// RUN: not qforge-run %t/missing.mlir 2>&1 | FileCheck %s --check-prefix=MISSING
// MISSING: error: scalar constant dense_resource<s> : 'tensor<f32>' has no data (the resource is missing from the module's dialect_resources)
// RUN: not qforge-run %t/short.mlir 2>&1 | FileCheck %s --check-prefix=SHORT
// SHORT: error: scalar constant dense_resource<s> : 'tensor<f32>' holds 2 bytes, but its type needs 4
// RUN: not qforge-run %t/short-matrix.mlir 2>&1 | FileCheck %s --check-prefix=SHORT-MAT
// SHORT-MAT: error: raw data size does not match element type size

//--- ok.mlir
#v = affine_map<(i) -> (i)>
#s = affine_map<(i) -> ()>
#z = affine_map<(i) -> (0)>

func.func @scalar_f32(%x: tensor<4xf32>) -> tensor<4xf32> {
  %c = arith.constant dense_resource<half_f32> : tensor<f32>
  %e = tensor.empty() : tensor<4xf32>
  %r = linalg.generic {indexing_maps = [#v, #s, #v], iterator_types = ["parallel"]} ins(%x, %c : tensor<4xf32>, tensor<f32>) outs(%e : tensor<4xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %m = arith.mulf %a, %b : f32
    linalg.yield %m : f32
  } -> tensor<4xf32>
  return %r : tensor<4xf32>
}

func.func @scalar_i32(%x: tensor<4xi32>) -> tensor<4xi32> {
  %c = arith.constant dense_resource<minus7_i32> : tensor<i32>
  %e = tensor.empty() : tensor<4xi32>
  %r = linalg.generic {indexing_maps = [#v, #s, #v], iterator_types = ["parallel"]} ins(%x, %c : tensor<4xi32>, tensor<i32>) outs(%e : tensor<4xi32>) {
  ^bb0(%a: i32, %b: i32, %o: i32):
    %m = arith.addi %a, %b : i32
    linalg.yield %m : i32
  } -> tensor<4xi32>
  return %r : tensor<4xi32>
}

func.func @scalar_f16(%x: tensor<4xf32>) -> tensor<4xf32> {
  %c = arith.constant dense_resource<one_and_half_f16> : tensor<f16>
  %e = tensor.empty() : tensor<4xf32>
  %r = linalg.generic {indexing_maps = [#v, #s, #v], iterator_types = ["parallel"]} ins(%x, %c : tensor<4xf32>, tensor<f16>) outs(%e : tensor<4xf32>) {
  ^bb0(%a: f32, %b: f16, %o: f32):
    %w = arith.extf %b : f16 to f32
    %m = arith.mulf %a, %w : f32
    linalg.yield %m : f32
  } -> tensor<4xf32>
  return %r : tensor<4xf32>
}

func.func @scalar_i1_i8(%x: tensor<4xi8>) -> tensor<4xi8> {
  %c = arith.constant dense_resource<true_i1> : tensor<i1>
  %d = arith.constant dense_resource<minus3_i8> : tensor<i8>
  %e = tensor.empty() : tensor<4xi8>
  %r = linalg.generic {indexing_maps = [#v, #s, #s, #v], iterator_types = ["parallel"]} ins(%x, %c, %d : tensor<4xi8>, tensor<i1>, tensor<i8>) outs(%e : tensor<4xi8>) {
  ^bb0(%a: i8, %b: i1, %k: i8, %o: i8):
    %m = arith.addi %a, %k : i8
    %sel = arith.select %b, %m, %a : i8
    linalg.yield %sel : i8
  } -> tensor<4xi8>
  return %r : tensor<4xi8>
}

func.func @one_element(%x: tensor<4xf32>) -> tensor<4xf32> {
  %c = arith.constant dense_resource<quarter_1xf32> : tensor<1xf32>
  %e = tensor.empty() : tensor<4xf32>
  %r = linalg.generic {indexing_maps = [#v, #z, #v], iterator_types = ["parallel"]} ins(%x, %c : tensor<4xf32>, tensor<1xf32>) outs(%e : tensor<4xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %m = arith.mulf %a, %b : f32
    linalg.yield %m : f32
  } -> tensor<4xf32>
  return %r : tensor<4xf32>
}

func.func @matrix(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %c = arith.constant dense_resource<m_2x3xf32> : tensor<2x3xf32>
  %e = tensor.empty() : tensor<2x3xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"]} ins(%x, %c : tensor<2x3xf32>, tensor<2x3xf32>) outs(%e : tensor<2x3xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %m = arith.addf %a, %b : f32
    linalg.yield %m : f32
  } -> tensor<2x3xf32>
  return %r : tensor<2x3xf32>
}

{-#
  dialect_resources: {
    builtin: {
      half_f32: "0x040000000000003F",
      minus7_i32: "0x04000000F9FFFFFF",
      one_and_half_f16: "0x02000000003E",
      true_i1: "0x0100000001",
      minus3_i8: "0x01000000FD",
      quarter_1xf32: "0x040000000000803E",
      m_2x3xf32: "0x040000000000803F0000004000004040000080400000A0400000C040"
    }
  }
#-}

//--- missing.mlir
func.func @main(%x: tensor<2xf32>) -> tensor<2xf32> {
  %c = arith.constant dense_resource<s> : tensor<f32>
  %e = tensor.empty() : tensor<2xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(i) -> (i)>, affine_map<(i) -> ()>, affine_map<(i) -> (i)>], iterator_types = ["parallel"]} ins(%x, %c : tensor<2xf32>, tensor<f32>) outs(%e : tensor<2xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %m = arith.mulf %a, %b : f32
    linalg.yield %m : f32
  } -> tensor<2xf32>
  return %r : tensor<2xf32>
}

//--- short.mlir
func.func @main(%x: tensor<2xf32>) -> tensor<2xf32> {
  %c = arith.constant dense_resource<s> : tensor<f32>
  %e = tensor.empty() : tensor<2xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(i) -> (i)>, affine_map<(i) -> ()>, affine_map<(i) -> (i)>], iterator_types = ["parallel"]} ins(%x, %c : tensor<2xf32>, tensor<f32>) outs(%e : tensor<2xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %m = arith.mulf %a, %b : f32
    linalg.yield %m : f32
  } -> tensor<2xf32>
  return %r : tensor<2xf32>
}
{-#
  dialect_resources: {
    builtin: {
      s: "0x040000000000"
    }
  }
#-}

//--- short-matrix.mlir
func.func @main(%x: tensor<2x2xf32>) -> tensor<2x2xf32> {
  %c = arith.constant dense_resource<s> : tensor<2x2xf32>
  %e = tensor.empty() : tensor<2x2xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"]} ins(%x, %c : tensor<2x2xf32>, tensor<2x2xf32>) outs(%e : tensor<2x2xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %m = arith.addf %a, %b : f32
    linalg.yield %m : f32
  } -> tensor<2x2xf32>
  return %r : tensor<2x2xf32>
}
{-#
  dialect_resources: {
    builtin: {
      s: "0x040000000000803F00000040"
    }
  }
#-}
