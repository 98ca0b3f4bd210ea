// Every failure prints one clear message, exits 1 and writes no output.
// RUN: rm -rf %t && mkdir -p %t
// RUN: not qforge-translate %s --emit=assembly -o %t/out 2>&1 | FileCheck %s --check-prefix=EMIT
// EMIT: qforge-translate: error: --emit must be llvm-ir, object or header, not 'assembly'
// RUN: not qforge-translate %s --emit=object --cpu pentium9 -o %t/out 2>&1 | FileCheck %s --check-prefix=CPU
// CPU: qforge-translate: error: unknown CPU 'pentium9' (try e.g. x86-64-v3, x86-64-v4, znver4, sapphirerapids, or host)
// RUN: not qforge-translate %t/missing.mlir --emit=object -o %t/out 2>&1 | FileCheck %s --check-prefix=MISSING
// MISSING: qforge-translate: error: {{.*}}missing.mlir: cannot open: No such file or directory
// RUN: not qforge-translate %s --emit=header -o %t/no/such/dir/out.h 2>&1 | FileCheck %s --check-prefix=WRITE
// WRITE: qforge-translate: error: {{.*}}/no/such/dir/out.h: cannot write: No such file or directory
// RUN: not ls %t/out

// Lowering diagnostics are reported with their location.
// RUN: not qforge-translate %s --emit=object -o %t/out 2>&1 | FileCheck %s --check-prefix=LOWER
// LOWER:      qforge-translate: error: {{.*}}errors.mlir: lowering to the LLVM dialect failed:
// LOWER-NEXT: errors.mlir:[[@LINE+4]]:8: error: op was not bufferized

func.func @main(%a: tensor<2x4xf32>) -> tensor<2x2x2xf32> {
  %e = tensor.empty() : tensor<2x2x2xf32>
  %r = linalg.pack %a inner_dims_pos = [1] inner_tiles = [2] into %e : tensor<2x4xf32> -> tensor<2x2x2xf32>
  return %r : tensor<2x2x2xf32>
}
