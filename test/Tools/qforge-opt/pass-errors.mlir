// qforge-opt prints a failing pass's error without dumping the module
// (--mlir-print-op-on-diagnostic defaults to false); the flag brings the
// op back.
// RUN: not qforge-opt %s -qf-mark-quantizable="exclude=decoder.*" 2>&1 | FileCheck %s
// RUN: not qforge-opt %s -qf-mark-quantizable="exclude=decoder.*" --mlir-print-op-on-diagnostic 2>&1 | FileCheck %s --check-prefix=OP
// CHECK: error: qf-mark-quantizable: pattern 'decoder.*' matches no layer (layers: fc)
// CHECK-NOT: see current operation
// OP: see current operation
func.func @f(%x: tensor<2x4xf32>) -> tensor<2x4xf32> {
  %w = arith.constant dense<0.5> : tensor<4x4xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<2x4xf32>
  %i = linalg.fill ins(%zero : f32) outs(%e : tensor<2x4xf32>) -> tensor<2x4xf32>
  %y = linalg.matmul ins(%x, %w : tensor<2x4xf32>, tensor<4x4xf32>) outs(%i : tensor<2x4xf32>) -> tensor<2x4xf32> loc("fc")
  return %y : tensor<2x4xf32>
}
