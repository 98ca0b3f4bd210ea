// Every failure prints one clear message and exits 1; nothing crashes.
// RUN: rm -rf %t && split-file %s %t
// RUN: %python -c "import numpy as np; a = np.ones((4, 8), np.float32); np.save('%t/a.npy', a); np.save('%t/b.npy', np.ones((8, 3), np.float32)); np.save('%t/a64.npy', a.astype(np.float64)); np.save('%t/ref44.npy', np.ones((4, 4), np.float32)); np.save('%t/trunc.npy', a); f = open('%t/trunc.npy', 'r+b'); f.truncate(128 + 100); f.close(); open('%t/garbage.npy', 'wb').write(b'PK\x03\x04 certainly not an array')"

// Entry functions.
// RUN: not qforge-run %t/main.mlir --entry nope 2>&1 | FileCheck %s --check-prefix=NO-ENTRY
// NO-ENTRY: qforge-run: error: {{.*}}main.mlir: no public function @nope; public functions: @main, @memref_arg, @scalar_arg, @dynamic, @narrow_int, @tensor_result_of_memref{{$}}
// RUN: not qforge-run %t/main.mlir --entry helper 2>&1 | FileCheck %s --check-prefix=PRIVATE
// PRIVATE: error: {{.*}}main.mlir: @helper is private; public functions: @main,
// RUN: not qforge-run %t/two.mlir 2>&1 | FileCheck %s --check-prefix=AMBIGUOUS
// AMBIGUOUS: error: {{.*}}two.mlir: no public function @main; public functions: @first, @second (choose one with --entry)
// RUN: qforge-run %t/single.mlir | FileCheck %s --check-prefix=SINGLE
// SINGLE: result 0: tensor<2xf32>

// Arguments and results that cannot cross the boundary, naming the argument.
// RUN: not qforge-run %t/main.mlir --entry memref_arg 2>&1 | FileCheck %s --check-prefix=MEMREF
// MEMREF: error: {{.*}}main.mlir: argument 1 of @memref_arg has type memref<4xf32>: only ranked tensors with static shapes are supported
// RUN: not qforge-run %t/main.mlir --entry scalar_arg 2>&1 | FileCheck %s --check-prefix=SCALAR
// SCALAR: error: {{.*}}main.mlir: argument 0 of @scalar_arg has type f32: only ranked tensors with static shapes are supported
// RUN: not qforge-run %t/main.mlir --entry dynamic 2>&1 | FileCheck %s --check-prefix=DYNAMIC
// DYNAMIC: error: {{.*}}main.mlir: argument 0 of @dynamic has type tensor<?x4xf32>: dynamic shapes are not supported
// RUN: not qforge-run %t/main.mlir --entry narrow_int 2>&1 | FileCheck %s --check-prefix=I4
// I4: error: {{.*}}main.mlir: argument 0 of @narrow_int has type tensor<4xi4>: element type i4 is not supported (supported: f32, f16, bf16, f64, i8, i16, i32, i64, i1)
// RUN: not qforge-run %t/main.mlir --entry tensor_result_of_memref 2>&1 | FileCheck %s --check-prefix=RESULT
// RESULT: error: {{.*}}main.mlir: result 0 of @tensor_result_of_memref has type memref<2xf32>: only ranked tensors with static shapes are supported

// Input files: wrong shape, wrong dtype, truncated, garbage, missing.
// RUN: not qforge-run %t/main.mlir --input %t/b.npy,%t/b.npy 2>&1 | FileCheck %s --check-prefix=SHAPE
// SHAPE: qforge-run: error: {{.*}}b.npy: wrong input for argument 0 of @main: expected 4x8 float32 (tensor<4x8xf32>), got 8x3 float32
// RUN: not qforge-run %t/main.mlir --input %t/a.npy,%t/a.npy 2>&1 | FileCheck %s --check-prefix=SHAPE1
// SHAPE1: error: {{.*}}a.npy: wrong input for argument 1 of @main: expected 8x3 float32 (tensor<8x3xf32>), got 4x8 float32
// RUN: not qforge-run %t/main.mlir --input %t/a64.npy,%t/b.npy 2>&1 | FileCheck %s --check-prefix=DTYPE
// DTYPE: error: {{.*}}a64.npy: wrong input for argument 0 of @main: expected 4x8 float32 (tensor<4x8xf32>), got 4x8 float64
// RUN: not qforge-run %t/main.mlir --input %t/trunc.npy,%t/b.npy 2>&1 | FileCheck %s --check-prefix=TRUNC
// TRUNC: error: {{.*}}trunc.npy: truncated: header says 4x8 float32 (128 bytes of data), file has 100
// RUN: not qforge-run %t/main.mlir --input %t/garbage.npy,%t/b.npy 2>&1 | FileCheck %s --check-prefix=GARBAGE
// GARBAGE: error: {{.*}}garbage.npy: not a .npy file (bad magic string)
// RUN: not qforge-run %t/main.mlir --input %t/a.npy,%t/missing.npy 2>&1 | FileCheck %s --check-prefix=MISSING
// MISSING: error: {{.*}}missing.npy: cannot open: No such file or directory
// RUN: not qforge-run %t/main.mlir --input %t/a.npy,%t/b.npy --compare %t/ref44.npy 2>&1 | FileCheck %s --check-prefix=REF
// REF: error: {{.*}}ref44.npy: wrong reference for result 0 of @main: expected shape 4x3 (tensor<4x3xf32>), got 4x4 float32
// RUN: not qforge-run %t/main.mlir --input %t/a.npy,%t/b.npy --compare %t/trunc.npy 2>&1 | FileCheck %s --check-prefix=TRUNC

// Counts and option clashes.
// RUN: not qforge-run %t/main.mlir --input %t/a.npy 2>&1 | FileCheck %s --check-prefix=COUNT-IN
// COUNT-IN: error: @main has 2 arguments, but 1 --input file was given
// RUN: not qforge-run %t/main.mlir --output %t/x.npy,%t/y.npy 2>&1 | FileCheck %s --check-prefix=COUNT-OUT
// COUNT-OUT: error: @main has 1 result, but 2 --output files were given
// RUN: not qforge-run %t/main.mlir --compare %t/x.npy,%t/y.npy 2>&1 | FileCheck %s --check-prefix=COUNT-CMP
// COUNT-CMP: error: @main has 1 result, but 2 --compare files were given
// RUN: not qforge-run %t/main.mlir --input %t/a.npy,%t/b.npy --seed 3 2>&1 | FileCheck %s --check-prefix=SEED
// SEED: error: --seed makes random inputs; it cannot be combined with --input
// RUN: not qforge-run %t/main.mlir --cpu not-a-cpu 2>&1 | FileCheck %s --check-prefix=CPU
// CPU: error: unknown CPU 'not-a-cpu' (try e.g. x86-64-v3, x86-64-v4, znver4, sapphirerapids, or host)

// Output files that cannot be written leave nothing behind.
// RUN: not qforge-run %t/main.mlir --output %t/no/such/dir/out.npy 2>&1 | FileCheck %s --check-prefix=WRITE
// WRITE: error: {{.*}}out.npy: cannot create a temporary file next to it: No such file or directory

// Modules: missing, unparsable, with an op the pipeline cannot lower, calling
// a function nobody defines, and in the LLVM dialect without signatures.
// RUN: not qforge-run %t/nonexistent.mlir 2>&1 | FileCheck %s --check-prefix=NO-FILE
// NO-FILE: qforge-run: error: {{.*}}nonexistent.mlir: cannot open: No such file or directory
// RUN: not qforge-run %t/garbage.mlir 2>&1 | FileCheck %s --check-prefix=PARSE
// PARSE:      qforge-run: error: {{.*}}garbage.mlir: cannot parse the module:
// PARSE-NEXT: garbage.mlir:1:1: error: custom op 'this' is unknown
// RUN: not qforge-run %t/garbage.npy 2>&1 | FileCheck %s --check-prefix=BINARY
// BINARY: qforge-run: error: {{.*}}garbage.npy: cannot parse the module:
// RUN: not qforge-run %t/unsupported.mlir 2>&1 | FileCheck %s --check-prefix=LOWER
// LOWER:      qforge-run: error: {{.*}}unsupported.mlir: lowering to the LLVM dialect failed:
// LOWER-NEXT: unsupported.mlir:3:8: error: op was not bufferized
// RUN: not qforge-run %t/external.mlir 2>&1 | FileCheck %s --check-prefix=EXTERNAL
// EXTERNAL: qforge-run: error: {{.*}}external.mlir: the module calls @nowhere, which is defined neither in the module nor in this process or libmlir_c_runner_utils
// RUN: qforge-opt %t/single.mlir --qf-lower-to-x86 -o %t/lowered-elsewhere.mlir
// RUN: not qforge-run %t/lowered-elsewhere.mlir 2>&1 | FileCheck %s --check-prefix=LLVM
// LLVM: error: {{.*}}lowered-elsewhere.mlir: no function @main with a recorded qforge.signature (an LLVM dialect module can be run only if qforge lowered it)

//--- main.mlir
func.func @main(%a: tensor<4x8xf32>, %b: tensor<8x3xf32>) -> tensor<4x3xf32> {
  %zero = arith.constant 0.0 : f32
  %init = tensor.empty() : tensor<4x3xf32>
  %acc = linalg.fill ins(%zero : f32) outs(%init : tensor<4x3xf32>) -> tensor<4x3xf32>
  %r = linalg.matmul ins(%a, %b : tensor<4x8xf32>, tensor<8x3xf32>)
                     outs(%acc : tensor<4x3xf32>) -> tensor<4x3xf32>
  return %r : tensor<4x3xf32>
}
func.func @memref_arg(%a: tensor<4xf32>, %b: memref<4xf32>) { return }
func.func @scalar_arg(%a: f32) -> tensor<1xf32> {
  %r = tensor.from_elements %a : tensor<1xf32>
  return %r : tensor<1xf32>
}
func.func @dynamic(%a: tensor<?x4xf32>) -> tensor<?x4xf32> { return %a : tensor<?x4xf32> }
func.func @narrow_int(%a: tensor<4xi4>) -> tensor<4xi4> { return %a : tensor<4xi4> }
func.func @tensor_result_of_memref(%a: tensor<2xf32>) -> memref<2xf32> {
  %m = bufferization.to_buffer %a : tensor<2xf32> to memref<2xf32>
  return %m : memref<2xf32>
}
func.func private @helper(%a: tensor<4xf32>) -> tensor<4xf32> { return %a : tensor<4xf32> }

//--- two.mlir
func.func @first(%a: tensor<2xf32>) -> tensor<2xf32> { return %a : tensor<2xf32> }
func.func @second(%a: tensor<2xf32>) -> tensor<2xf32> { return %a : tensor<2xf32> }

//--- single.mlir
func.func @only(%a: tensor<2xf32>) -> tensor<2xf32> { return %a : tensor<2xf32> }

//--- unsupported.mlir
func.func @main(%a: tensor<2x4xf32>) -> tensor<2x2x2xf32> {
  %e = tensor.empty() : tensor<2x2x2xf32>
  %r = linalg.pack %a inner_dims_pos = [1] inner_tiles = [2] into %e : tensor<2x4xf32> -> tensor<2x2x2xf32>
  return %r : tensor<2x2x2xf32>
}

//--- external.mlir
func.func private @nowhere(tensor<4xf32>) -> tensor<4xf32>
func.func @main(%a: tensor<4xf32>) -> tensor<4xf32> {
  %r = func.call @nowhere(%a) : (tensor<4xf32>) -> tensor<4xf32>
  return %r : tensor<4xf32>
}

//--- garbage.mlir
this is not MLIR
