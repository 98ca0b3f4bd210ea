// qforge-import: Flatten, Reshape (constant shape with 0 and -1),
// Transpose, Identity and Constant against numpy.
// RUN: rm -rf %t && mkdir -p %t

// RUN: %python -c "import sys; sys.path.insert(0, '%S/Inputs'); from onnx_case import *; x = rnd(2, 3, 4); case('%t/fl', [node('Flatten', ['x'], ['a'], name='fl_default'), node('Flatten', ['x'], ['b'], name='fl_axis2', axis=2), node('Flatten', ['x'], ['c'], name='fl_axis0', axis=0), node('Flatten', ['x'], ['d'], name='fl_neg', axis=-1)], {'x': x}, {'a': x.reshape(2, 12), 'b': x.reshape(6, 4), 'c': x.reshape(1, 24), 'd': x.reshape(6, 4)})"
// RUN: qforge-import %t/fl.onnx -o %t/fl.mlir
// RUN: FileCheck %s --check-prefix=FLAT < %t/fl.mlir
// RUN: qforge-run %t/fl.mlir --input %t/fl.in0.npy --compare %t/fl.ref0.npy,%t/fl.ref1.npy,%t/fl.ref2.npy,%t/fl.ref3.npy
// FLAT-LABEL: func.func @main
// FLAT:   tensor.collapse_shape
// FLAT:   tensor.expand_shape

// Reshape by an initializer [0, -1] and by a Constant node [4, -1, 3].
// RUN: %python -c "import sys; sys.path.insert(0, '%S/Inputs'); from onnx_case import *; x = rnd(2, 3, 4); case('%t/rs', [node('Reshape', ['x', 'shape1'], ['a'], name='rs_zero'), node('Constant', [], ['shape2'], name='shape_const', value=const('v', np.array([4, -1, 3], np.int64))), node('Reshape', ['a', 'shape2'], ['b'], name='rs_infer')], {'x': x}, {'a': x.reshape(2, 12), 'b': x.reshape(4, 2, 3)}, inits=[const('shape1', np.array([0, -1], np.int64))])"
// RUN: qforge-import %t/rs.onnx -o %t/rs.mlir
// RUN: qforge-run %t/rs.mlir --input %t/rs.in0.npy --compare %t/rs.ref0.npy,%t/rs.ref1.npy

// Transpose with a permutation and with the default (reversed) one.
// RUN: %python -c "import sys; sys.path.insert(0, '%S/Inputs'); from onnx_case import *; x = rnd(2, 3, 4); case('%t/tr', [node('Transpose', ['x'], ['a'], name='tr_perm', perm=[2, 0, 1]), node('Transpose', ['x'], ['b'], name='tr_rev')], {'x': x}, {'a': x.transpose(2, 0, 1), 'b': x.transpose()})"
// RUN: qforge-import %t/tr.onnx -o %t/tr.mlir
// RUN: FileCheck %s --check-prefix=TR < %t/tr.mlir
// RUN: qforge-run %t/tr.mlir --input %t/tr.in0.npy --compare %t/tr.ref0.npy,%t/tr.ref1.npy
// TR: linalg.transpose {{.*}} permutation = [2, 0, 1]
// TR: linalg.transpose {{.*}} permutation = [2, 1, 0]

// Identity, and float Constant nodes (value and value_float) used by Add
// and Mul: 12 elements become a dense_resource, a scalar a literal.
// RUN: %python -c "import sys; sys.path.insert(0, '%S/Inputs'); from onnx_case import *; x = rnd(2, 12); c = rnd(12, seed=5); case('%t/ic', [node('Identity', ['x'], ['i'], name='id'), node('Constant', [], ['c'], name='bias', value=const('c', c)), node('Constant', [], ['h'], name='half', value_float=0.5), node('Add', ['i', 'c'], ['s'], name='add'), node('Mul', ['s', 'h'], ['y'], name='scale')], {'x': x}, {'y': (x + c) * np.float32(0.5)})"
// RUN: qforge-import %t/ic.onnx -o %t/ic.mlir
// RUN: FileCheck %s --check-prefix=CONST < %t/ic.mlir
// RUN: qforge-run %t/ic.mlir --input %t/ic.in0.npy --compare %t/ic.ref0.npy --rtol 1e-6 --atol 1e-6
// CONST-DAG: arith.constant dense_resource<c> : tensor<12xf32>
// CONST-DAG: arith.constant dense<5.000000e-01> : tensor<f32>
