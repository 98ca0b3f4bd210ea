// qforge-import: errors of the operators beyond the MLP set. Each exits 1
// with one message naming the node and the problem, and writes nothing.
// RUN: rm -rf %t && mkdir -p %t

// RUN: %python -c "import sys; sys.path.insert(0, '%S/Inputs'); from onnx_case import *; x = rnd(2, 6); case('%t/SLICE', [node('Slice', ['x', 'st', 'en', 'ax', 'sp'], ['y'], name='rev')], {'x': x}, {'y': x[:, ::-1]}, inits=[const('st', np.array([-1], np.int64)), const('en', np.array([-100], np.int64)), const('ax', np.array([1], np.int64)), const('sp', np.array([-1], np.int64))])"
// RUN: not qforge-import %t/SLICE.onnx -o %t/SLICE.mlir 2>&1 | FileCheck %s --check-prefix=SLICE
// RUN: test ! -e %t/SLICE.mlir
// SLICE: qforge-import: error: node 'rev' (Slice): negative steps are supported on constant data only

// RUN: %python -c "import sys; sys.path.insert(0, '%S/Inputs'); from onnx_case import *; x = rnd(1, 4, 5, 5); case('%t/GROUP', [node('Conv', ['x', 'w'], ['y'], name='conv', group=3)], {'x': x}, {'y': x}, inits=[const('w', rnd(6, 2, 3, 3))])"
// RUN: not qforge-import %t/GROUP.onnx -o %t/GROUP.mlir 2>&1 | FileCheck %s --check-prefix=GROUP
// RUN: test ! -e %t/GROUP.mlir
// GROUP: qforge-import: error: node 'conv' (Conv): group 3 does not fit 4 input channels, 6 output channels and W of shape 6x2x3x3

// RUN: %python -c "import sys; sys.path.insert(0, '%S/Inputs'); from onnx_case import *; x = rnd(1, 1, 3, 3); case('%t/WINDOW', [node('MaxPool', ['x'], ['y'], name='pool', kernel_shape=[5, 5])], {'x': x}, {'y': x})"
// RUN: not qforge-import %t/WINDOW.onnx -o %t/WINDOW.mlir 2>&1 | FileCheck %s --check-prefix=WINDOW
// RUN: test ! -e %t/WINDOW.mlir
// WINDOW: qforge-import: error: node 'pool' (MaxPool): the window (extent 5) is larger than the padded input (3)

// RUN: %python -c "import sys; sys.path.insert(0, '%S/Inputs'); from onnx_case import *; x = rnd(2, 8); case('%t/LN', [node('LayerNormalization', ['x', 'g'], ['y'], name='ln')], {'x': x}, {'y': x}, inits=[const('g', rnd(4))], opset=17)"
// RUN: not qforge-import %t/LN.onnx -o %t/LN.mlir 2>&1 | FileCheck %s --check-prefix=LN
// RUN: test ! -e %t/LN.mlir
// LN: qforge-import: error: node 'ln' (LayerNormalization): Scale of shape 4 does not broadcast to 8

// RUN: %python -c "import sys; sys.path.insert(0, '%S/Inputs'); from onnx_case import *; x = rnd(2, 8); case('%t/LNOUT', [node('LayerNormalization', ['x', 'g'], ['y', 'mean'], name='ln')], {'x': x}, {'y': x}, inits=[const('g', rnd(8))], opset=17)"
// RUN: not qforge-import %t/LNOUT.onnx -o %t/LNOUT.mlir 2>&1 | FileCheck %s --check-prefix=LNOUT
// RUN: test ! -e %t/LNOUT.mlir
// LNOUT: qforge-import: error: node 'ln' (LayerNormalization): output 1 ('mean') is not supported; only the first output is

// RUN: %python -c "import sys; sys.path.insert(0, '%S/Inputs'); from onnx_case import *; x = rnd(2, 8); case('%t/REDUCE', [node('ReduceMean', ['x'], ['y'], name='mean', axes=[1, -1])], {'x': x}, {'y': x})"
// RUN: not qforge-import %t/REDUCE.onnx -o %t/REDUCE.mlir 2>&1 | FileCheck %s --check-prefix=REDUCE
// RUN: test ! -e %t/REDUCE.mlir
// REDUCE: qforge-import: error: node 'mean' (ReduceMean): axis -1 is out of range or repeated for rank 2

// RUN: %python -c "import sys; sys.path.insert(0, '%S/Inputs'); from onnx_case import *; x = rnd(2, 8); case('%t/GATHER', [node('Gather', ['e', 'i'], ['y'], name='lookup')], {'x': x}, {'y': x}, inits=[const('e', rnd(4, 3)), const('i', np.array([1, 4], np.int64))])"
// RUN: not qforge-import %t/GATHER.onnx -o %t/GATHER.mlir 2>&1 | FileCheck %s --check-prefix=GATHER
// RUN: test ! -e %t/GATHER.mlir
// GATHER: qforge-import: error: node 'lookup' (Gather): index 4 out of range for axis of size 4

// RUN: %python -c "import sys; sys.path.insert(0, '%S/Inputs'); from onnx_case import *; x = rnd(2, 8); case('%t/RESHAPE', [node('Cast', ['x'], ['s'], name='to_int', to=7), node('Reshape', ['x', 's'], ['y'], name='rs')], {'x': x}, {'y': x})"
// RUN: not qforge-import %t/RESHAPE.onnx -o %t/RESHAPE.mlir 2>&1 | FileCheck %s --check-prefix=RESHAPE
// RUN: test ! -e %t/RESHAPE.mlir
// RESHAPE: qforge-import: error: node 'rs' (Reshape): input 's' must be a constant int64 tensor (an initializer or computed from constants)

// RUN: %python -c "import sys; sys.path.insert(0, '%S/Inputs'); from onnx_case import *; x = rnd(2, 8); case('%t/QOUT', [node('QuantizeLinear', ['x', 's'], ['y'], name='q')], {'x': x}, {'y': x}, inits=[const('s', np.float32(0.1))])"
// RUN: not qforge-import %t/QOUT.onnx -o %t/QOUT.mlir 2>&1 | FileCheck %s --check-prefix=QOUT
// RUN: test ! -e %t/QOUT.mlir
// QOUT: qforge-import: error: output 'y': a quantized tensor (the codes of a QuantizeLinear) cannot be a graph output; dequantize it first

// RUN: %python -c "import sys; sys.path.insert(0, '%S/Inputs'); from onnx_case import *; x = rnd(2, 8); case('%t/QMIS', [node('QuantizeLinear', ['x', 's'], ['q'], name='q'), node('DequantizeLinear', ['q', 's2'], ['y'], name='dq')], {'x': x}, {'y': x}, inits=[const('s', np.float32(0.1)), const('s2', np.float32(0.2))])"
// RUN: not qforge-import %t/QMIS.onnx -o %t/QMIS.mlir 2>&1 | FileCheck %s --check-prefix=QMIS
// RUN: test ! -e %t/QMIS.mlir
// QMIS: qforge-import: error: node 'dq' (DequantizeLinear): input 'q' was quantized with another scale or zero point than this node gives

// RUN: %python -c "import sys; sys.path.insert(0, '%S/Inputs'); from onnx_case import *; x = rnd(2, 8); case('%t/QSCALE', [node('QuantizeLinear', ['x', 's'], ['q'], name='q'), node('DequantizeLinear', ['q', 's'], ['y'], name='dq')], {'x': x}, {'y': x}, inits=[const('s', np.float32(0.0))])"
// RUN: not qforge-import %t/QSCALE.onnx -o %t/QSCALE.mlir 2>&1 | FileCheck %s --check-prefix=QSCALE
// RUN: test ! -e %t/QSCALE.mlir
// QSCALE: qforge-import: error: node 'q' (QuantizeLinear): scale 0.000000 is not finite and positive

// RUN: %python -c "import sys; sys.path.insert(0, '%S/Inputs'); from onnx_case import *; x = rnd(2, 8); case('%t/QUSE', [node('QuantizeLinear', ['x', 's'], ['q'], name='q'), node('Relu', ['q'], ['y'], name='relu')], {'x': x}, {'y': x}, inits=[const('s', np.float32(0.1))])"
// RUN: not qforge-import %t/QUSE.onnx -o %t/QUSE.mlir 2>&1 | FileCheck %s --check-prefix=QUSE
// RUN: test ! -e %t/QUSE.mlir
// QUSE: qforge-import: error: node 'relu' (Relu): input 'q' is quantized (the output of a QuantizeLinear or QLinearMatMul); only DequantizeLinear, MatMulInteger and QLinearMatMul take it

// RUN: %python -c "import sys; sys.path.insert(0, '%S/Inputs'); from onnx_case import *; x = rnd(2, 8); case('%t/OPSET', [node('Relu', ['x'], ['y'], name='relu')], {'x': x}, {'y': x}, opset=30)"
// RUN: not qforge-import %t/OPSET.onnx -o %t/OPSET.mlir 2>&1 | FileCheck %s --check-prefix=OPSET
// RUN: test ! -e %t/OPSET.mlir
// OPSET: qforge-import: error: opset 30 of ai.onnx is not supported (need 7 to 21)
