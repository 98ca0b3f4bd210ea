// qforge-import: Concat, Slice, Gather, Squeeze, Unsqueeze, Cast and Shape,
// on values and on constant data (evaluated at import time).
// RUN: rm -rf %t && mkdir -p %t

// Concat of values and a constant; Slice with negative and clamped
// bounds, axes and steps; Squeeze / Unsqueeze with axes as inputs.
// RUN: %python -c "import sys; sys.path.insert(0, '%S/Inputs'); from onnx_case import *; a = rnd(2, 3, 4); b = rnd(2, 2, 4, seed=1); c = rnd(2, 1, 4, seed=2); case('%t/cs', [node('Concat', ['a', 'b', 'c'], ['y0'], name='cat', axis=1), node('Slice', ['a', 'st', 'en', 'ax', 'sp'], ['y1'], name='slice'), node('Slice', ['y0', 'st2', 'en2'], ['y2'], name='slice_clamp'), node('Unsqueeze', ['c', 'uax'], ['u'], name='unsq'), node('Squeeze', ['u', 'sax'], ['y3'], name='sq')], {'a': a, 'b': b}, {'y0': np.concatenate([a, b, c], 1), 'y1': a[:, 0:3:2, -3:], 'y2': np.concatenate([a, b, c], 1)[1:100, -4:-1], 'y3': np.expand_dims(c, (0, 2)).squeeze((0, 2))}, inits=[const('c', c), const('st', np.array([0, -3], np.int64)), const('en', np.array([3, 99], np.int64)), const('ax', np.array([1, -1], np.int64)), const('sp', np.array([2, 1], np.int64)), const('st2', np.array([1, -4], np.int64)), const('en2', np.array([100, -1], np.int64)), const('uax', np.array([0, 2], np.int64)), const('sax', np.array([0, 2], np.int64))])"
// RUN: qforge-import %t/cs.onnx -o %t/cs.mlir
// RUN: FileCheck %s --check-prefix=CS < %t/cs.mlir
// RUN: qforge-run %t/cs.mlir --input %t/cs.in0.npy,%t/cs.in1.npy --compare %t/cs.ref0.npy,%t/cs.ref1.npy,%t/cs.ref2.npy,%t/cs.ref3.npy
// CS-LABEL: func.func @main
// CS:       tensor.insert_slice {{.*}} into tensor<2x6x4xf32>
// CS:       tensor.extract_slice {{.*}}[0, 0, 1] [2, 2, 3] [1, 2, 1]
// The constant c is unsqueezed and squeezed at import time.
// CS-NOT:   tensor<1x2x1x1x4xf32>

// Squeeze and Unsqueeze with axes attributes (opset 11), Squeeze of every
// unit dimension.
// RUN: %python -c "import sys; sys.path.insert(0, '%S/Inputs'); from onnx_case import *; x = rnd(3, 1, 4); case('%t/sq11', [node('Unsqueeze', ['x'], ['u'], name='unsq', axes=[0, -1]), node('Squeeze', ['u'], ['y0'], name='sq_all'), node('Squeeze', ['x'], ['y1'], name='sq1', axes=[1])], {'x': x}, {'y0': x.reshape(3, 4), 'y1': x.reshape(3, 4)}, opset=11)"
// RUN: qforge-import %t/sq11.onnx -o %t/sq11.mlir
// RUN: qforge-run %t/sq11.mlir --input %t/sq11.in0.npy --compare %t/sq11.ref0.npy,%t/sq11.ref1.npy

// Gather: an embedding lookup with int64 token ids from the graph input
// (negative ids count from the end), and along axis 1 with constant
// indices.
// RUN: %python -c "import sys; sys.path.insert(0, '%S/Inputs'); from onnx_case import *; e = rnd(10, 4); t = np.array([[0, 3, 9], [-1, 5, 2]], np.int64); x = rnd(2, 5, 3, seed=1); ix = np.array([4, 0, -2], np.int64); case('%t/ga', [node('Gather', ['emb', 't'], ['y0'], name='embed'), node('Gather', ['x', 'ix'], ['y1'], name='pick', axis=1)], {'t': t, 'x': x}, {'y0': e[t], 'y1': x[:, ix]}, inits=[const('emb', e), const('ix', ix)])"
// RUN: qforge-import %t/ga.onnx -o %t/ga.mlir
// RUN: FileCheck %s --check-prefix=GA < %t/ga.mlir
// RUN: qforge-run %t/ga.mlir --input %t/ga.in0.npy,%t/ga.in1.npy --compare %t/ga.ref0.npy,%t/ga.ref1.npy
// GA-LABEL: func.func @main
// GA-SAME:    %arg0: tensor<2x3xi64>
// GA:         linalg.generic
// GA:         arith.index_cast
// GA:         tensor.extract

// Cast float -> int64 (truncating toward zero) -> float, and int64 ids ->
// float; folded on constant data.
// RUN: %python -c "import sys; sys.path.insert(0, '%S/Inputs'); from onnx_case import *; x = rnd(2, 5, lo=-9.0, hi=9.0); t = np.array([[1, -2, 7]], np.int64); case('%t/cast', [node('Cast', ['x'], ['i'], name='to_int', to=7), node('Cast', ['i'], ['y0'], name='to_float', to=1), node('Cast', ['t'], ['y1'], name='ids_to_float', to=1), node('Cast', ['k'], ['kf'], name='const_cast', to=1), node('Add', ['y1', 'kf'], ['y2'], name='add')], {'x': x, 't': t}, {'y0': np.trunc(x), 'y1': t.astype(np.float32), 'y2': t.astype(np.float32) + 3}, inits=[const('k', np.array([3], np.int64))])"
// RUN: qforge-import %t/cast.onnx -o %t/cast.mlir
// RUN: FileCheck %s --check-prefix=CAST < %t/cast.mlir
// RUN: qforge-run %t/cast.mlir --input %t/cast.in0.npy,%t/cast.in1.npy --compare %t/cast.ref0.npy,%t/cast.ref1.npy,%t/cast.ref2.npy
// CAST-LABEL: func.func @main
// CAST:       arith.fptosi {{.*}} f32 to i64
// CAST:       arith.sitofp {{.*}} i64 to f32
// CAST:       arith.constant dense<3.000000e+00> : tensor<1xf32>

// The chain exporters emit for x.view(batch, -1) with a dynamic batch:
// Shape -> Gather -> Unsqueeze -> Concat -> Reshape, all evaluated at
// import time (--batch 2 fixes the batch), plus Shape with start / end
// (opset 15) and integer arithmetic on shapes.
// RUN: %python -c "import sys; sys.path.insert(0, '%S/Inputs'); from onnx_case import *; x = rnd(2, 3, 4); case('%t/shape', [node('Shape', ['x'], ['s'], name='shape'), node('Gather', ['s', 'zero'], ['n'], name='batch_dim', axis=0), node('Unsqueeze', ['n', 'ax0'], ['n1'], name='unsq'), node('Concat', ['n1', 'minus1'], ['target'], name='cat', axis=0), node('Reshape', ['x', 'target'], ['y0'], name='flatten'), node('Shape', ['x'], ['tail'], name='tail', start=-2), node('Mul', ['tail', 'two'], ['t2'], name='double'), node('Slice', ['t2', 'zs', 'os'], ['d'], name='first'), node('Concat', ['n1', 'd', 'minus1'], ['t3'], name='cat2', axis=0), node('Reshape', ['x', 't3'], ['y1'], name='regroup')], {'x': x}, {'y0': x.reshape(2, 12), 'y1': x.reshape(2, 6, 2)}, inits=[const('zero', np.array(0, np.int64)), const('ax0', np.array([0], np.int64)), const('minus1', np.array([-1], np.int64)), const('two', np.array(2, np.int64)), const('zs', np.array([0], np.int64)), const('os', np.array([1], np.int64))], input_shapes={'x': ['N', 3, 4]}, opset=15)"
// RUN: qforge-import %t/shape.onnx --batch 2 -o %t/shape.mlir
// RUN: FileCheck %s --check-prefix=SHAPE < %t/shape.mlir
// RUN: qforge-run %t/shape.mlir --input %t/shape.in0.npy --compare %t/shape.ref0.npy,%t/shape.ref1.npy
// SHAPE-LABEL: func.func @main
// SHAPE-NOT:   i64
// SHAPE:       return {{.*}} : tensor<2x12xf32>, tensor<2x6x2xf32>
