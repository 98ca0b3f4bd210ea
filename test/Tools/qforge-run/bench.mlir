// --bench N: warm-up runs, then N timed runs; median and min time, and GOPS
// from the matmul-like ops counted before lowering: linalg.matmul
// (2*4*3*8 = 192), linalg.batch_matmul (2*2*3*5*4 = 240), a transposed
// matmul (2*3*5*4 = 120), and a matmul in a function called twice
// (2 * 192). Elementwise ops do not count. Timings are not checked.
// RUN: qforge-run %s --bench 5 | FileCheck %s
// CHECK:      bench @main: 5 timed runs after 1 warm-up run
// CHECK-NEXT:   median: {{[0-9.e+-]+}} ms
// CHECK-NEXT:   min: {{[0-9.e+-]+}} ms
// CHECK-NEXT:   GOPS: {{[0-9.e+-]+}} (936 matmul ops per run, at the median)
// CHECK-NOT:  result

// RUN: qforge-run %s --bench 30 --entry no_matmul | FileCheck %s --check-prefix=NONE
// NONE:      bench @no_matmul: 30 timed runs after 3 warm-up runs
// NONE:        GOPS: n/a (no matmul ops counted)

// Benchmarking still writes outputs and compares results.
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python -c "import numpy as np; np.save('%t/x.npy', np.arange(4, dtype=np.float32))"
// RUN: qforge-run %s --entry no_matmul --input %t/x.npy --bench 3 --output %t/y.npy | FileCheck %s --check-prefix=OUT
// OUT: bench @no_matmul: 3 timed runs after 1 warm-up run
// RUN: %python -c "import numpy as np; assert np.array_equal(np.load('%t/y.npy'), 2 * np.arange(4, dtype=np.float32))"

// Inputs are only read, even by a function that updates its argument in
// place: every timed run sees the same input.
// RUN: qforge-run %s --entry in_place --input %t/x.npy --bench 4 --output %t/z.npy
// RUN: %python -c "import numpy as np; x = np.arange(4, dtype=np.float32); assert np.array_equal(np.load('%t/z.npy'), 2 * x); assert np.array_equal(np.load('%t/x.npy'), x)"

func.func private @project(%a: tensor<4x8xf32>, %b: tensor<8x3xf32>) -> tensor<4x3xf32> {
  %zero = arith.constant 0.0 : f32
  %init = tensor.empty() : tensor<4x3xf32>
  %acc = linalg.fill ins(%zero : f32) outs(%init : tensor<4x3xf32>) -> tensor<4x3xf32>
  %r = linalg.matmul ins(%a, %b : tensor<4x8xf32>, tensor<8x3xf32>)
                     outs(%acc : tensor<4x3xf32>) -> tensor<4x3xf32>
  return %r : tensor<4x3xf32>
}

func.func @main(%a: tensor<4x8xf32>, %b: tensor<8x3xf32>, %c: tensor<2x3x4xf32>,
                %d: tensor<2x4x5xf32>, %e: tensor<3x4xf32>, %f: tensor<5x4xf32>)
    -> (tensor<4x3xf32>, tensor<2x3x5xf32>, tensor<3x5xf32>, tensor<4x3xf32>) {
  %zero = arith.constant 0.0 : f32
  %0 = func.call @project(%a, %b) : (tensor<4x8xf32>, tensor<8x3xf32>) -> tensor<4x3xf32>
  %1 = func.call @project(%a, %b) : (tensor<4x8xf32>, tensor<8x3xf32>) -> tensor<4x3xf32>
  %sum = linalg.add ins(%0, %1 : tensor<4x3xf32>, tensor<4x3xf32>) outs(%0 : tensor<4x3xf32>) -> tensor<4x3xf32>

  %init0 = tensor.empty() : tensor<4x3xf32>
  %acc0 = linalg.fill ins(%zero : f32) outs(%init0 : tensor<4x3xf32>) -> tensor<4x3xf32>
  %mm = linalg.matmul ins(%a, %b : tensor<4x8xf32>, tensor<8x3xf32>)
                      outs(%acc0 : tensor<4x3xf32>) -> tensor<4x3xf32>

  %init1 = tensor.empty() : tensor<2x3x5xf32>
  %acc1 = linalg.fill ins(%zero : f32) outs(%init1 : tensor<2x3x5xf32>) -> tensor<2x3x5xf32>
  %bmm = linalg.batch_matmul ins(%c, %d : tensor<2x3x4xf32>, tensor<2x4x5xf32>)
                             outs(%acc1 : tensor<2x3x5xf32>) -> tensor<2x3x5xf32>

  %init2 = tensor.empty() : tensor<3x5xf32>
  %acc2 = linalg.fill ins(%zero : f32) outs(%init2 : tensor<3x5xf32>) -> tensor<3x5xf32>
  %mmt = linalg.matmul
      indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (n, k)>,
                       affine_map<(m, n, k) -> (m, n)>]
      ins(%e, %f : tensor<3x4xf32>, tensor<5x4xf32>)
      outs(%acc2 : tensor<3x5xf32>) -> tensor<3x5xf32>
  return %sum, %bmm, %mmt, %mm : tensor<4x3xf32>, tensor<2x3x5xf32>, tensor<3x5xf32>, tensor<4x3xf32>
}

func.func @no_matmul(%x: tensor<4xf32>) -> tensor<4xf32> {
  %e = tensor.empty() : tensor<4xf32>
  %r = linalg.add ins(%x, %x : tensor<4xf32>, tensor<4xf32>) outs(%e : tensor<4xf32>) -> tensor<4xf32>
  return %r : tensor<4xf32>
}

func.func @in_place(%x: tensor<4xf32>) -> tensor<4xf32> {
  %r = linalg.add ins(%x, %x : tensor<4xf32>, tensor<4xf32>) outs(%x : tensor<4xf32>) -> tensor<4xf32>
  return %r : tensor<4xf32>
}
