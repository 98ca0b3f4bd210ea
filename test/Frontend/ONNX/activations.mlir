// qforge-import: Relu, Tanh, Sigmoid and Softmax (last axis, as
// linalg.softmax) against numpy.
// RUN: rm -rf %t && mkdir -p %t

// RUN: %python -c "import sys; sys.path.insert(0, '%S/Inputs'); from onnx_case import *; x = rnd(3, 7, lo=-5.0, hi=5.0); e = np.exp(x - x.max(-1, keepdims=True)); case('%t/act', [node('Relu', ['x'], ['r'], name='relu'), node('Tanh', ['x'], ['t'], name='tanh'), node('Sigmoid', ['x'], ['s'], name='sigmoid'), node('Softmax', ['x'], ['p'], name='softmax')], {'x': x}, {'r': np.maximum(x, 0), 't': np.tanh(x), 's': 1 / (1 + np.exp(-x)), 'p': e / e.sum(-1, keepdims=True)})"
// RUN: qforge-import %t/act.onnx -o %t/act.mlir
// RUN: FileCheck %s < %t/act.mlir
// RUN: qforge-run %t/act.mlir --input %t/act.in0.npy --compare %t/act.ref0.npy,%t/act.ref1.npy,%t/act.ref2.npy,%t/act.ref3.npy --rtol 1e-5 --atol 1e-6
// CHECK-LABEL: func.func @main
// CHECK-SAME:    -> (tensor<3x7xf32>, tensor<3x7xf32>, tensor<3x7xf32>, tensor<3x7xf32>)
// CHECK:   arith.maximumf
// CHECK:   math.tanh
// CHECK:   math.exp
// CHECK:   linalg.softmax dimension(1)

// Softmax of a 3-D tensor with axis = 2 written out, and with opset 11's
// default axis (1) on a 2-D tensor, which is also the last axis.
// RUN: %python -c "import sys; sys.path.insert(0, '%S/Inputs'); from onnx_case import *; x = rnd(2, 3, 4); e = np.exp(x - x.max(-1, keepdims=True)); case('%t/sm3', [node('Softmax', ['x'], ['p'], name='sm', axis=2)], {'x': x}, {'p': e / e.sum(-1, keepdims=True)})"
// RUN: qforge-import %t/sm3.onnx -o %t/sm3.mlir
// RUN: qforge-run %t/sm3.mlir --input %t/sm3.in0.npy --compare %t/sm3.ref0.npy --rtol 1e-5 --atol 1e-6
// RUN: %python -c "import sys; sys.path.insert(0, '%S/Inputs'); from onnx_case import *; x = rnd(2, 6); e = np.exp(x - x.max(-1, keepdims=True)); case('%t/sm11', [node('Softmax', ['x'], ['p'], name='sm')], {'x': x}, {'p': e / e.sum(-1, keepdims=True)}, opset=11)"
// RUN: qforge-import %t/sm11.onnx -o %t/sm11.mlir
// RUN: qforge-run %t/sm11.mlir --input %t/sm11.in0.npy --compare %t/sm11.ref0.npy --rtol 1e-5 --atol 1e-6
