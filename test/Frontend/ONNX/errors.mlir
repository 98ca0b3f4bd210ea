// qforge-import errors: each exits 1 with one clear message and leaves no
// output file (the output is written to a temporary file, then renamed).
// RUN: rm -rf %t && mkdir -p %t

// Every unsupported operator is listed, with its op type and node name
// (an operator of another domain too); nothing is written.
// RUN: %python -c "import sys; sys.path.insert(0, '%S/Inputs'); from onnx_case import *; x = rnd(1, 1, 4, 4); case('%t/unsup', [node('LpNormalization', ['x'], ['c'], name='lpnorm1'), node('Relu', ['c'], ['r'], name='relu1'), node('MaxRoiPool', ['r', 'w'], ['p'], name='roipool1', pooled_shape=[2, 2]), node('Scaler', ['p'], ['y'], name='scale1', domain='ai.onnx.ml')], {'x': x}, {'y': np.zeros((1, 1, 2, 2), np.float32)}, inits=[const('w', rnd(1, 1, 3, 3))])"
// RUN: not qforge-import %t/unsup.onnx -o %t/unsup.mlir 2>&1 | FileCheck %s --check-prefix=UNSUP
// RUN: test ! -e %t/unsup.mlir
// UNSUP:      qforge-import: error: 3 unsupported operators (op type, node):
// UNSUP-NEXT:   LpNormalization 'lpnorm1'
// UNSUP-NEXT:   MaxRoiPool 'roipool1'
// UNSUP-NEXT:   Scaler 'scale1' (domain 'ai.onnx.ml')
// UNSUP-NOT:  Relu

// A dynamic dimension names the input; --batch fixes a symbolic first one.
// RUN: %python -c "import sys; sys.path.insert(0, '%S/Inputs'); from onnx_case import *; x = rnd(2, 4); case('%t/dyn', [node('Relu', ['x'], ['y'], name='r')], {'x': x}, {'y': np.maximum(x, 0)}, input_shapes={'x': ['N', 4]})"
// RUN: not qforge-import %t/dyn.onnx -o %t/dyn.mlir 2>&1 | FileCheck %s --check-prefix=DYN
// RUN: test ! -e %t/dyn.mlir
// DYN: qforge-import: error: input 'x': dimension 0 'N' is dynamic (only static shapes are supported; --batch N sets a symbolic first dimension)
// RUN: qforge-import %t/dyn.onnx --batch 2 -o %t/dyn.mlir
// RUN: qforge-run %t/dyn.mlir --input %t/dyn.in0.npy --compare %t/dyn.ref0.npy
// RUN: %python -c "import sys; sys.path.insert(0, '%S/Inputs'); from onnx_case import *; x = rnd(2, 4); case('%t/dyn2', [node('Relu', ['x'], ['y'], name='r')], {'x': x}, {'y': np.maximum(x, 0)}, input_shapes={'x': [2, 'K']})"
// RUN: not qforge-import %t/dyn2.onnx --batch 2 -o %t/dyn2.mlir 2>&1 | FileCheck %s --check-prefix=DYN2
// DYN2: qforge-import: error: input 'x': dimension 1 'K' is dynamic (only static shapes are supported)

// Other element types than float32: a graph input, and an initializer used
// as a value.
// RUN: %python -c "import sys; sys.path.insert(0, '%S/Inputs'); from onnx_case import *; x = rnd(2, 4).astype(np.float64); case('%t/f64', [node('Relu', ['x'], ['y'], name='r')], {'x': x}, {'y': np.maximum(x, 0)})"
// RUN: not qforge-import %t/f64.onnx -o %t/f64.mlir 2>&1 | FileCheck %s --check-prefix=F64
// RUN: test ! -e %t/f64.mlir
// F64: qforge-import: error: input 'x': element type DOUBLE is not supported (float32, int64, int32, int8, uint8)
// RUN: %python -c "import sys; sys.path.insert(0, '%S/Inputs'); from onnx_case import *; x = rnd(2, 4); case('%t/i32', [node('Add', ['x', 'k'], ['y'], name='add_k')], {'x': x}, {'y': x}, inits=[const('k', np.ones(4, np.int32))])"
// RUN: not qforge-import %t/i32.onnx -o %t/i32.mlir 2>&1 | FileCheck %s --check-prefix=I32
// RUN: test ! -e %t/i32.mlir
// I32: qforge-import: error: node 'add_k' (Add): input B must be a float32 tensor, got element type i32

// Truncated, garbage and missing files.
// RUN: %python -c "d = open('%t/dyn.onnx', 'rb').read(); open('%t/trunc.onnx', 'wb').write(d[:len(d) // 2])"
// RUN: not qforge-import %t/trunc.onnx -o %t/trunc.mlir 2>&1 | FileCheck %s --check-prefix=TRUNC
// RUN: test ! -e %t/trunc.mlir
// TRUNC: qforge-import: error: {{.*}}trunc.onnx: not a valid ONNX model (protobuf parse failed; truncated or corrupt file?)
// RUN: %python -c "import random; random.seed(1); open('%t/garbage.onnx', 'wb').write(bytes(random.randrange(256) for _ in range(4096)))"
// RUN: not qforge-import %t/garbage.onnx -o %t/garbage.mlir 2>&1 | FileCheck %s --check-prefix=GARBAGE
// RUN: test ! -e %t/garbage.mlir
// GARBAGE: qforge-import: error: {{.*}}garbage.onnx: not a valid ONNX model
// RUN: not qforge-import %t/missing.onnx -o %t/missing.mlir 2>&1 | FileCheck %s --check-prefix=MISSING
// RUN: test ! -e %t/missing.mlir
// MISSING: qforge-import: error: cannot read '{{.*}}missing.onnx': No such file or directory

// Shape errors name the node.
// RUN: %python -c "import sys; sys.path.insert(0, '%S/Inputs'); from onnx_case import *; a = rnd(2, 3); b = rnd(4, 5); case('%t/mm', [node('MatMul', ['a', 'b'], ['y'], name='bad_mm')], {'a': a, 'b': b}, {'y': np.zeros((2, 5), np.float32)})"
// RUN: not qforge-import %t/mm.onnx -o %t/mm.mlir 2>&1 | FileCheck %s --check-prefix=MM
// MM: qforge-import: error: node 'bad_mm' (MatMul): inner dimensions differ: 2x3 x 4x5
// RUN: %python -c "import sys; sys.path.insert(0, '%S/Inputs'); from onnx_case import *; a = rnd(2, 3); b = rnd(4, 3); case('%t/bc', [node('Add', ['a', 'b'], ['y'], name='bad_add')], {'a': a, 'b': b}, {'y': np.zeros((2, 3), np.float32)})"
// RUN: not qforge-import %t/bc.onnx -o %t/bc.mlir 2>&1 | FileCheck %s --check-prefix=BC
// BC: qforge-import: error: node 'bad_add' (Add): shapes do not broadcast: 2x3 4x3
// RUN: %python -c "import sys; sys.path.insert(0, '%S/Inputs'); from onnx_case import *; x = rnd(2, 3, 4); case('%t/sm', [node('Softmax', ['x'], ['y'], name='sm_axis1', axis=1)], {'x': x}, {'y': x})"
// RUN: not qforge-import %t/sm.onnx -o %t/sm.mlir 2>&1 | FileCheck %s --check-prefix=SM
// SM: qforge-import: error: node 'sm_axis1' (Softmax): only the last axis is supported (rank 3)

// No temporary file is left behind by any of the failures above.
// RUN: %python -c "import glob; assert not glob.glob('%t/*.tmp-*'), glob.glob('%t/*.tmp-*')"
