// qforge-import: MatMul and Gemm (alpha, beta, transA, transB, C broadcast)
// against numpy. Weights come in as initializers (dense_resource).
// RUN: rm -rf %t && mkdir -p %t

// RUN: %python -c "import sys; sys.path.insert(0, '%S/Inputs'); from onnx_case import *; a = rnd(3, 4); b = rnd(4, 5); case('%t/mm', [node('MatMul', ['a', 'b'], ['y'], name='mm')], {'a': a, 'b': b}, {'y': a @ b})"
// RUN: qforge-import %t/mm.onnx -o %t/mm.mlir
// RUN: qforge-run %t/mm.mlir --input %t/mm.in0.npy,%t/mm.in1.npy --compare %t/mm.ref0.npy --rtol 1e-5 --atol 1e-5

// Gemm with every attribute; C of shape [5] broadcast over the rows.
// RUN: %python -c "import sys; sys.path.insert(0, '%S/Inputs'); from onnx_case import *; a = rnd(4, 3); w = rnd(5, 4, seed=1); c = rnd(5, seed=2); case('%t/g1', [node('Gemm', ['a', 'w', 'c'], ['y'], name='fc', alpha=0.5, beta=2.0, transA=1, transB=1)], {'a': a}, {'y': 0.5 * (a.T @ w.T) + 2.0 * c}, inits=[const('w', w), const('c', c)])"
// RUN: qforge-import %t/g1.onnx -o %t/g1.mlir
// RUN: FileCheck %s --check-prefix=G1 < %t/g1.mlir
// RUN: qforge-run %t/g1.mlir --input %t/g1.in0.npy --compare %t/g1.ref0.npy --rtol 1e-5 --atol 1e-5
// G1-LABEL: func.func @main
// G1-SAME:      (%{{.*}}: tensor<4x3xf32>) -> tensor<3x5xf32>
// Constant B with transB = 1 is transposed at import (the matmul takes a
// constant, as weight quantization needs); A is transposed in the code.
// G1-DAG:   arith.constant dense_resource<w> : tensor<4x5xf32>
// G1-DAG:   arith.constant dense<[{{.*}}]> : tensor<5xf32>
// G1-DAG:   linalg.transpose
// G1:       linalg.matmul
// G1:       dialect_resources
// G1:       w: "0x04

// Gemm without C, and with C of shape [3, 1]; node names become locations.
// RUN: %python -c "import sys; sys.path.insert(0, '%S/Inputs'); from onnx_case import *; a = rnd(3, 4); w = rnd(4, 2, seed=3); case('%t/g2', [node('Gemm', ['a', 'w'], ['y'], name='no_bias')], {'a': a}, {'y': a @ w}, inits=[const('w', w)])"
// RUN: qforge-import %t/g2.onnx -o %t/g2.mlir --mlir-print-debuginfo
// RUN: FileCheck %s --check-prefix=G2 < %t/g2.mlir
// RUN: qforge-run %t/g2.mlir --input %t/g2.in0.npy --compare %t/g2.ref0.npy --rtol 1e-5 --atol 1e-5
// G2: linalg.matmul {{.*}} loc(#[[LOC:.*]])
// G2: #[[LOC]] = loc("no_bias"(
// RUN: %python -c "import sys; sys.path.insert(0, '%S/Inputs'); from onnx_case import *; a = rnd(3, 4); w = rnd(4, 2, seed=3); c = rnd(3, 1, seed=4); case('%t/g3', [node('Gemm', ['a', 'w', 'c'], ['y'], name='col_bias')], {'a': a, 'c': c}, {'y': a @ w + c}, inits=[const('w', w)])"
// RUN: qforge-import %t/g3.onnx -o %t/g3.mlir
// RUN: qforge-run %t/g3.mlir --input %t/g3.in0.npy,%t/g3.in1.npy --compare %t/g3.ref0.npy --rtol 1e-5 --atol 1e-5

// Gemm with transB = 1 on a B that arrives at run time: transposed in the
// code.
// RUN: %python -c "import sys; sys.path.insert(0, '%S/Inputs'); from onnx_case import *; a = rnd(3, 4); b = rnd(2, 4, seed=5); case('%t/g4', [node('Gemm', ['a', 'b'], ['y'], name='runtime_b', transB=1)], {'a': a, 'b': b}, {'y': a @ b.T})"
// RUN: qforge-import %t/g4.onnx -o %t/g4.mlir
// RUN: qforge-run %t/g4.mlir --input %t/g4.in0.npy,%t/g4.in1.npy --compare %t/g4.ref0.npy --rtol 1e-5 --atol 1e-5
