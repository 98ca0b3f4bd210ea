// Bad input never crashes a tool: truncated text and bytecode, absurd widths
// and shapes all end with a diagnostic and exit code 1.
// RUN: %python %S/Inputs/truncate.py qforge-opt %S/ops.mlir %t.text | FileCheck %s
// RUN: %python %S/Inputs/truncate.py qforge-opt %S/ops.mlir %t.bc --bytecode | FileCheck %s
// CHECK: ok: {{[0-9]+}} truncations, none crashed

// RUN: not qforge-opt %s -split-input-file 2>&1 | FileCheck %s --check-prefix=DIAG
// DIAG: element width 0 is out of range [1, 8]
func.func private @zero_bits() -> !qf.qtensor<4xf32, #qf.scheme<u0>>
// -----
// DIAG: integer bitwidth is limited to 16777215 bits
func.func private @billion_bits() -> !qf.qtensor<4xf32, #qf.scheme<i1000000000>>
// -----
// DIAG: group size -4 must be positive
func.func private @negative_group() -> !qf.qtensor<4xf32, #qf.scheme<i4, axis = 0, group = -4>>
// -----
// DIAG: integer value too large
func.func private @huge_group() -> !qf.qtensor<4xf32, #qf.scheme<i4, axis = 0, group = 99999999999999999999999>>
// -----
// DIAG: axis 7 is out of range for a tensor of rank 1
func.func private @axis_out_of_range() -> !qf.qtensor<4xf32, #qf.scheme<i4, axis = 7>>
// -----
// DIAG: expressed type must be f32, f16 or bf16, got 'i8'
func.func private @wrong_element() -> !qf.qtensor<4xi8, #qf.scheme<i4>>
// -----
// DIAG: is too large
func.func private @huge_shape() -> !qf.qtensor<9223372036854775807x2xf32, #qf.scheme<i4>>
// -----
// DIAG: is too large
func.func @huge_constant() {
  %0 = qf.constant dense<0> : tensor<16xi8> -> !qf.qtensor<100000000000000x100000000000000xf32, #qf.scheme<i1>>
  return
}
