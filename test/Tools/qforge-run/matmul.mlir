// A float matmul on .npy inputs: printed results, --compare passing and
// failing (exit 1 with a summary), tolerances, and --output read back by
// numpy. The inputs are small integers and halves, so f32 results are exact.
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python -c "import numpy as np; a = (np.add.outer(np.arange(4), np.arange(8)) %% 3 - 1).astype(np.float32); b = (np.multiply.outer(np.arange(8), np.arange(3)) %% 4 - 1.5).astype(np.float32); np.save('%t/a.npy', a); np.save('%t/b.npy', b); np.save('%t/ref.npy', a @ b); np.save('%t/ref64.npy', a.astype(np.float64) @ b); c = a @ b; c[1, 2] += 0.5; c[3, 0] -= 1.0; np.save('%t/bad.npy', c)"

// RUN: qforge-run %s --input %t/a.npy,%t/b.npy | FileCheck %s --check-prefix=PRINT
// PRINT:      result 0: tensor<4x3xf32>
// PRINT-NEXT: {{\[\[}}1.5, -0.5, 1.5],
// PRINT-NEXT:  [-1.5, -0.5, 0.5],
// PRINT-NEXT:  [0, 1, -2],
// PRINT-NEXT:  [1.5, -0.5, 1.5]]

// Repeated --input flags work as well as a comma-separated list; a float64
// reference is compared by value.
// RUN: qforge-run %s --input %t/a.npy --input %t/b.npy --compare %t/ref.npy | FileCheck %s --check-prefix=MATCH
// RUN: qforge-run %s --input %t/a.npy --input %t/b.npy --compare %t/ref64.npy | FileCheck %s --check-prefix=MATCH
// MATCH: result 0 of @main matches {{.*}}ref{{(64)?}}.npy: all 12 elements match (rtol=1e-05 atol=1e-08); max abs error 0, max rel error 0

// RUN: not qforge-run %s --input %t/a.npy,%t/b.npy --compare %t/bad.npy 2>&1 | FileCheck %s --check-prefix=MISMATCH
// MISMATCH:      qforge-run: error: result 0 of @main differs from {{.*}}bad.npy: 2 of 12 elements differ (rtol=1e-05 atol=1e-08); max abs error 1 at [3, 0], max rel error 2 at [3, 0]
// MISMATCH-NEXT:   [1, 2]: got 0.5, expected 1
// MISMATCH-NEXT:   [3, 0]: got 1.5, expected 0.5
// MISMATCH-NOT:  {{.}}

// RUN: not qforge-run %s --input %t/a.npy,%t/b.npy --compare %t/bad.npy --atol 0.6 2>&1 | FileCheck %s --check-prefix=ATOL
// ATOL: 1 of 12 elements differ (rtol=1e-05 atol=0.6)
// ATOL-NEXT: [3, 0]: got 1.5, expected 0.5
// RUN: qforge-run %s --input %t/a.npy,%t/b.npy --compare %t/bad.npy --rtol 2 | FileCheck %s --check-prefix=RTOL
// RTOL: all 12 elements match (rtol=2 atol=1e-08); max abs error 1 at [3, 0], max rel error 2 at [3, 0]

// --output writes a file numpy reads back equal, and nothing else.
// RUN: qforge-run %s --input %t/a.npy,%t/b.npy --output %t/out.npy | count 0
// RUN: %python -c "import numpy as np, os; out = np.load('%t/out.npy'); ref = np.load('%t/ref.npy'); assert out.dtype == np.float32 and out.shape == (4, 3), out; assert np.array_equal(out, ref), (out, ref); assert sorted(os.listdir('%t')) == ['a.npy', 'b.npy', 'bad.npy', 'out.npy', 'ref.npy', 'ref64.npy'], os.listdir('%t')"

// Outputs are written even when the comparison fails.
// RUN: not qforge-run %s --input %t/a.npy,%t/b.npy --output %t/out2.npy --compare %t/bad.npy 2>/dev/null
// RUN: %python -c "import numpy as np; assert np.array_equal(np.load('%t/out2.npy'), np.load('%t/ref.npy'))"

// --print-ir prints the lowered module instead of the results; it records
// the signature, so qforge-run can run it again. Bytecode runs too.
// RUN: qforge-run %s --print-ir > %t/lowered.mlir
// RUN: FileCheck %s --check-prefix=IR < %t/lowered.mlir
// IR: llvm.func @_mlir_ciface_main(%{{.*}}: !llvm.ptr, %{{.*}}: !llvm.ptr, %{{.*}}: !llvm.ptr) attributes {{{.*}}qforge.matmul_ops = 192 : i64, qforge.signature = (tensor<4x8xf32>, tensor<8x3xf32>) -> tensor<4x3xf32>
// IR-NOT: result 0
// RUN: qforge-run %t/lowered.mlir --input %t/a.npy,%t/b.npy --compare %t/ref.npy | FileCheck %s --check-prefix=MATCH
// RUN: qforge-run %t/lowered.mlir --bench 1 | FileCheck %s --check-prefix=LOWERED-BENCH
// LOWERED-BENCH: GOPS: {{.*}} (192 matmul ops per run, at the median)
// RUN: qforge-opt %s --emit-bytecode -o %t/main.mlirbc
// RUN: qforge-run %t/main.mlirbc --input %t/a.npy,%t/b.npy --compare %t/ref.npy | FileCheck %s --check-prefix=MATCH

func.func @main(%a: tensor<4x8xf32>, %b: tensor<8x3xf32>) -> tensor<4x3xf32> {
  %zero = arith.constant 0.0 : f32
  %init = tensor.empty() : tensor<4x3xf32>
  %acc = linalg.fill ins(%zero : f32) outs(%init : tensor<4x3xf32>) -> tensor<4x3xf32>
  %r = linalg.matmul ins(%a, %b : tensor<4x8xf32>, tensor<8x3xf32>)
                     outs(%acc : tensor<4x3xf32>) -> tensor<4x3xf32>
  return %r : tensor<4x3xf32>
}
