// qforge-import: unary math (Erf, Gelu, Sqrt, Exp, Log, Neg, Abs,
// Reciprocal), Pow, batched MatMul, reductions and LayerNormalization (and
// its decomposed form) against numpy.
// RUN: rm -rf %t && mkdir -p %t

// Unary operators, and Gelu (opset 20) exact and with the tanh form.
// RUN: %python -c "import sys, math; sys.path.insert(0, '%S/Inputs'); from onnx_case import *; x = rnd(3, 5, lo=0.1, hi=3.0); erf = np.vectorize(math.erf); case('%t/un', [node('Erf', ['x'], ['a'], name='erf'), node('Sqrt', ['x'], ['b'], name='sqrt'), node('Exp', ['x'], ['c'], name='exp'), node('Log', ['x'], ['d'], name='log'), node('Neg', ['x'], ['e'], name='neg'), node('Abs', ['e'], ['f'], name='abs'), node('Reciprocal', ['x'], ['g'], name='recip')], {'x': x}, {'a': erf(x), 'b': np.sqrt(x), 'c': np.exp(x), 'd': np.log(x), 'e': -x, 'f': x, 'g': 1 / x})"
// RUN: qforge-import %t/un.onnx -o %t/un.mlir
// RUN: FileCheck %s --check-prefix=UNARY < %t/un.mlir
// RUN: qforge-run %t/un.mlir --input %t/un.in0.npy --compare %t/un.ref0.npy,%t/un.ref1.npy,%t/un.ref2.npy,%t/un.ref3.npy,%t/un.ref4.npy,%t/un.ref5.npy,%t/un.ref6.npy --rtol 1e-5 --atol 1e-6
// UNARY: math.erf
// UNARY: math.sqrt
// UNARY: math.exp
// UNARY: math.log
// UNARY: arith.negf
// UNARY: math.absf
// UNARY: arith.divf
// RUN: %python -c "import sys, math; sys.path.insert(0, '%S/Inputs'); from onnx_case import *; x = rnd(4, 6, lo=-4.0, hi=4.0).astype(np.float64); erf = np.vectorize(math.erf); case('%t/gelu', [node('Gelu', ['x'], ['a'], name='gelu'), node('Gelu', ['x'], ['b'], name='gelu_tanh', approximate='tanh')], {'x': x.astype(np.float32)}, {'a': 0.5 * x * (1 + erf(x / math.sqrt(2))), 'b': 0.5 * x * (1 + np.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x ** 3)))}, opset=20)"
// RUN: qforge-import %t/gelu.onnx -o %t/gelu.mlir
// RUN: qforge-run %t/gelu.mlir --input %t/gelu.in0.npy --compare %t/gelu.ref0.npy,%t/gelu.ref1.npy --rtol 1e-5 --atol 1e-6

// Pow: x^2 and x^0.5 become a product and a square root; other exponents
// (here a broadcast vector) math.powf.
// RUN: %python -c "import sys; sys.path.insert(0, '%S/Inputs'); from onnx_case import *; x = rnd(2, 3, lo=0.5, hi=2.0); e = np.array([1.5, -0.5, 3.0], np.float32); case('%t/pow', [node('Pow', ['x', 'two'], ['a'], name='square'), node('Pow', ['x', 'half'], ['b'], name='root'), node('Pow', ['x', 'e'], ['c'], name='general')], {'x': x}, {'a': x * x, 'b': np.sqrt(x), 'c': x.astype(np.float64) ** e}, inits=[const('two', np.float32(2)), const('half', np.array([0.5], np.float32)), const('e', e)])"
// RUN: qforge-import %t/pow.onnx -o %t/pow.mlir
// RUN: FileCheck %s --check-prefix=POW < %t/pow.mlir
// RUN: qforge-run %t/pow.mlir --input %t/pow.in0.npy --compare %t/pow.ref0.npy,%t/pow.ref1.npy,%t/pow.ref2.npy --rtol 1e-5 --atol 1e-6
// POW-LABEL: func.func @main
// POW:   arith.mulf
// POW:   math.sqrt
// POW:   math.powf

// MatMul with numpy semantics: 3-D x 2-D (one linalg.matmul over all rows),
// 4-D x 4-D and broadcast batch dimensions (batched generic), vectors.
// RUN: %python -c "import sys; sys.path.insert(0, '%S/Inputs'); from onnx_case import *; a = rnd(2, 3, 4); w = rnd(4, 5, seed=1); q = rnd(2, 2, 3, 4, seed=2); k = rnd(2, 2, 4, 3, seed=3); kb = rnd(1, 4, 3, seed=4); v = rnd(4, seed=5); case('%t/mm', [node('MatMul', ['a', 'w'], ['y0'], name='proj'), node('MatMul', ['q', 'k'], ['y1'], name='scores'), node('MatMul', ['q', 'kb'], ['y2'], name='bcast'), node('MatMul', ['a', 'v'], ['y3'], name='matvec'), node('MatMul', ['v', 'w'], ['y4'], name='vecmat')], {'a': a, 'q': q, 'k': k, 'kb': kb, 'v': v}, {'y0': a @ w, 'y1': q @ k, 'y2': q @ kb, 'y3': a @ v, 'y4': v @ w}, inits=[const('w', w)])"
// RUN: qforge-import %t/mm.onnx -o %t/mm.mlir
// RUN: FileCheck %s --check-prefix=MM < %t/mm.mlir
// RUN: qforge-run %t/mm.mlir --input %t/mm.in0.npy,%t/mm.in1.npy,%t/mm.in2.npy,%t/mm.in3.npy,%t/mm.in4.npy --compare %t/mm.ref0.npy,%t/mm.ref1.npy,%t/mm.ref2.npy,%t/mm.ref3.npy,%t/mm.ref4.npy --rtol 1e-5 --atol 1e-5
// MM-LABEL: func.func @main
// MM:       tensor.expand_shape {{.*}} into tensor<6x4xf32>
// MM:       linalg.matmul {{.*}} -> tensor<6x5xf32>
// MM:       linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]

// ReduceMean / ReduceSum / ReduceMax: axes as an attribute (opset 13) and
// as an input (opset 18), keepdims 0 and 1, all axes by default.
// RUN: %python -c "import sys; sys.path.insert(0, '%S/Inputs'); from onnx_case import *; x = rnd(2, 3, 4); case('%t/red13', [node('ReduceMean', ['x'], ['a'], name='mean', axes=[-1]), node('ReduceSum', ['x', 'ax'], ['b'], name='sum', keepdims=0), node('ReduceMax', ['x'], ['c'], name='max', axes=[0, 2], keepdims=0), node('ReduceMean', ['x'], ['d'], name='mean_all')], {'x': x}, {'a': x.mean(-1, keepdims=True), 'b': x.sum(1), 'c': x.max((0, 2)), 'd': x.mean(keepdims=True)}, inits=[const('ax', np.array([1], np.int64))])"
// RUN: qforge-import %t/red13.onnx -o %t/red13.mlir
// RUN: qforge-run %t/red13.mlir --input %t/red13.in0.npy --compare %t/red13.ref0.npy,%t/red13.ref1.npy,%t/red13.ref2.npy,%t/red13.ref3.npy --rtol 1e-5 --atol 1e-6
// RUN: %python -c "import sys; sys.path.insert(0, '%S/Inputs'); from onnx_case import *; x = rnd(2, 3, 4); case('%t/red18', [node('ReduceMean', ['x', 'ax'], ['a'], name='mean'), node('ReduceMax', ['x', 'ax'], ['b'], name='max', keepdims=0)], {'x': x}, {'a': x.mean((0, 2), keepdims=True), 'b': x.max((0, 2))}, inits=[const('ax', np.array([0, -1], np.int64))], opset=18)"
// RUN: qforge-import %t/red18.onnx -o %t/red18.mlir
// RUN: qforge-run %t/red18.mlir --input %t/red18.in0.npy --compare %t/red18.ref0.npy,%t/red18.ref1.npy --rtol 1e-5 --atol 1e-6

// LayerNormalization (opset 17) over the last axis with a bias, over the
// last two without one; and the decomposed form exporters emit before
// opset 17 (ReduceMean, Sub, Pow, Add, Sqrt, Div, Mul, Add).
// RUN: %python -c "import sys; sys.path.insert(0, '%S/Inputs'); from onnx_case import *; x = rnd(2, 3, 8).astype(np.float64); g = rnd(8, seed=1); bb = rnd(8, seed=2); g2 = rnd(3, 8, seed=3); ln = lambda x, ax, e: (x - x.mean(ax, keepdims=True)) / np.sqrt(x.var(ax, keepdims=True) + e); case('%t/ln', [node('LayerNormalization', ['x', 'g', 'b'], ['y'], name='ln', epsilon=1e-5), node('LayerNormalization', ['x', 'g2'], ['z'], name='ln2', axis=-2, epsilon=1e-3)], {'x': x.astype(np.float32)}, {'y': ln(x, -1, 1e-5) * g + bb, 'z': ln(x, (1, 2), 1e-3) * g2}, inits=[const('g', g), const('b', bb), const('g2', g2)], opset=17)"
// RUN: qforge-import %t/ln.onnx -o %t/ln.mlir
// RUN: qforge-run %t/ln.mlir --input %t/ln.in0.npy --compare %t/ln.ref0.npy,%t/ln.ref1.npy --rtol 1e-4 --atol 1e-5
// RUN: %python -c "import sys; sys.path.insert(0, '%S/Inputs'); from onnx_case import *; x = rnd(4, 16).astype(np.float64); g = rnd(16, seed=1); bb = rnd(16, seed=2); y = (x - x.mean(-1, keepdims=True)) / np.sqrt(x.var(-1, keepdims=True) + 1e-5) * g + bb; case('%t/lnd', [node('ReduceMean', ['x'], ['m'], name='mean', axes=[-1]), node('Sub', ['x', 'm'], ['d'], name='center'), node('Pow', ['d', 'two'], ['sq'], name='square'), node('ReduceMean', ['sq'], ['v'], name='var', axes=[-1]), node('Add', ['v', 'eps'], ['ve'], name='add_eps'), node('Sqrt', ['ve'], ['sd'], name='std'), node('Div', ['d', 'sd'], ['n'], name='normalize'), node('Mul', ['n', 'g'], ['s'], name='scale'), node('Add', ['s', 'b'], ['y'], name='shift')], {'x': x.astype(np.float32)}, {'y': y}, inits=[const('two', np.float32(2)), const('eps', np.float32(1e-5)), const('g', g), const('b', bb)])"
// RUN: qforge-import %t/lnd.onnx -o %t/lnd.mlir
// RUN: qforge-run %t/lnd.mlir --input %t/lnd.in0.npy --compare %t/lnd.ref0.npy --rtol 1e-4 --atol 1e-5
