// qforge-import: Add, Sub, Mul, Div with numpy broadcasting of static
// shapes, against numpy.
// RUN: rm -rf %t && mkdir -p %t

// Same shapes, a trailing vector, a [3, 1] column, a scalar (an
// initializer) and a [1, 3, 1] tensor of the same rank, in one graph.
// RUN: %python -c "import sys; sys.path.insert(0, '%S/Inputs'); from onnx_case import *; a = rnd(2, 3, 4); v = rnd(4, seed=1); col = rnd(3, 1, seed=2); s = rnd(seed=3, lo=1.0); t = rnd(1, 3, 1, seed=4, lo=0.5); case('%t/ew', [node('Add', ['a', 'a'], ['s0'], name='add_same'), node('Sub', ['s0', 'v'], ['s1'], name='sub_vec'), node('Mul', ['col', 's1'], ['s2'], name='mul_col'), node('Div', ['s2', 's'], ['s3'], name='div_scalar'), node('Div', ['s3', 't'], ['y'], name='div_bcast')], {'a': a, 'v': v, 'col': col, 't': t}, {'y': (col * (a + a - v)) / s / t}, inits=[const('s', s)])"
// RUN: qforge-import %t/ew.onnx -o %t/ew.mlir
// RUN: FileCheck %s < %t/ew.mlir
// RUN: qforge-run %t/ew.mlir --input %t/ew.in0.npy,%t/ew.in1.npy,%t/ew.in2.npy,%t/ew.in3.npy --compare %t/ew.ref0.npy --rtol 1e-5 --atol 1e-5
// CHECK-DAG: #[[ID:.*]] = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK-DAG: #[[VEC:.*]] = affine_map<(d0, d1, d2) -> (d2)>
// CHECK-DAG: #[[COL:.*]] = affine_map<(d0, d1, d2) -> (d1, 0)>
// CHECK-DAG: #[[SCALAR:.*]] = affine_map<(d0, d1, d2) -> ()>
// CHECK-LABEL: func.func @main
// CHECK:   arith.addf
// CHECK:   indexing_maps = [#[[ID]], #[[VEC]], #[[ID]]]
// CHECK:   arith.subf
// CHECK:   indexing_maps = [#[[COL]], #[[ID]], #[[ID]]]
// CHECK:   arith.mulf
// CHECK:   indexing_maps = [#[[ID]], #[[SCALAR]], #[[ID]]]
// CHECK:   arith.divf

// Broadcasting both ways: [4, 1] with [1, 5] gives [4, 5].
// RUN: %python -c "import sys; sys.path.insert(0, '%S/Inputs'); from onnx_case import *; a = rnd(4, 1); b = rnd(1, 5, seed=1); case('%t/both', [node('Mul', ['a', 'b'], ['y'], name='outer')], {'a': a, 'b': b}, {'y': a * b})"
// RUN: qforge-import %t/both.onnx -o %t/both.mlir
// RUN: qforge-run %t/both.mlir --input %t/both.in0.npy,%t/both.in1.npy --compare %t/both.ref0.npy --rtol 1e-6 --atol 1e-6
