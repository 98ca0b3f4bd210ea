// qforge-import: malformed models are rejected with a message naming the
// node (or tensor) and the problem, exit 1 and write no output file, and
// never crash. Each case here crashed, was accepted or was misread before.
// RUN: rm -rf %t && mkdir -p %t

// Inputs are taken by position: an empty name for a required input is an
// error (Relu(""), Gemm(A, "", C) which once used C as B), an extra input
// is an error, and an omitted optional one (Gemm's C) is accepted.
// RUN: %python -c "import sys; sys.path.insert(0, '%S/Inputs'); from onnx_case import *; x = rnd(2, 3); case('%t/empty_in', [node('Relu', [''], ['y'], name='relu_empty')], {'x': x}, {'y': x})"
// RUN: not qforge-import %t/empty_in.onnx -o %t/empty_in.mlir 2>&1 | FileCheck %s --check-prefix=EMPTYIN
// RUN: test ! -e %t/empty_in.mlir
// EMPTYIN: qforge-import: error: node 'relu_empty' (Relu): input 0 is required but its name is empty
// RUN: %python -c "import sys; sys.path.insert(0, '%S/Inputs'); from onnx_case import *; a = rnd(2, 3); c = rnd(2, 3); case('%t/gemm_gap', [node('Gemm', ['a', '', 'c'], ['y'], name='gemm_gap')], {'a': a, 'c': c}, {'y': a})"
// RUN: not qforge-import %t/gemm_gap.onnx -o %t/gemm_gap.mlir 2>&1 | FileCheck %s --check-prefix=GEMMGAP
// RUN: test ! -e %t/gemm_gap.mlir
// GEMMGAP: qforge-import: error: node 'gemm_gap' (Gemm): input 1 is required but its name is empty
// RUN: %python -c "import sys; sys.path.insert(0, '%S/Inputs'); from onnx_case import *; x = rnd(2, 3); case('%t/extra', [node('Softmax', ['x', 'x'], ['y'], name='sm_extra')], {'x': x}, {'y': x})"
// RUN: not qforge-import %t/extra.onnx -o %t/extra.mlir 2>&1 | FileCheck %s --check-prefix=EXTRA
// RUN: test ! -e %t/extra.mlir
// EXTRA: qforge-import: error: node 'sm_extra' (Softmax): expects 1 input, has 2
// RUN: %python -c "import sys; sys.path.insert(0, '%S/Inputs'); from onnx_case import *; x = rnd(2, 3); case('%t/extra2', [node('Transpose', ['x', 'x'], ['y'], name='tr_extra')], {'x': x}, {'y': x.T})"
// RUN: not qforge-import %t/extra2.onnx -o %t/extra2.mlir 2>&1 | FileCheck %s --check-prefix=EXTRA2
// EXTRA2: qforge-import: error: node 'tr_extra' (Transpose): expects 1 input, has 2
// RUN: %python -c "import sys; sys.path.insert(0, '%S/Inputs'); from onnx_case import *; a = rnd(2, 3); b = rnd(3, 4); case('%t/gemm_noc', [node('Gemm', ['a', 'b', ''], ['y'], name='gemm_noc', alpha=2.0)], {'a': a, 'b': b}, {'y': 2 * a @ b})"
// RUN: qforge-import %t/gemm_noc.onnx -o %t/gemm_noc.mlir
// RUN: qforge-run %t/gemm_noc.mlir --input %t/gemm_noc.in0.npy,%t/gemm_noc.in1.npy --compare %t/gemm_noc.ref0.npy --rtol 1e-5 --atol 1e-5

// Computed shapes are bounded like input shapes (2^31 elements): a
// broadcast, a MatMul and a Gemm of small inputs may exceed it.
// RUN: %python -c "import sys; sys.path.insert(0, '%S/Inputs'); from onnx_case import *; a = np.zeros((65536, 1), np.float32); b = np.zeros((1, 65536), np.float32); y = np.zeros(1, np.float32); case('%t/big', [node('Add', ['a', 'b'], ['s'], name='big_add')], {'a': a, 'b': b}, {'s': y}); case('%t/bigmm', [node('MatMul', ['a', 'b'], ['m'], name='big_mm')], {'a': a, 'b': b}, {'m': y}); case('%t/biggemm', [node('Gemm', ['a', 'b'], ['g'], name='big_gemm')], {'a': a, 'b': b}, {'g': y})"
// RUN: not qforge-import %t/big.onnx -o %t/big.mlir 2>&1 | FileCheck %s --check-prefix=BIGADD
// RUN: test ! -e %t/big.mlir
// BIGADD: qforge-import: error: node 'big_add' (Add): result shape 65536x65536 is too large (more than 2147483648 elements)
// RUN: not qforge-import %t/bigmm.onnx -o %t/bigmm.mlir 2>&1 | FileCheck %s --check-prefix=BIGMM
// RUN: test ! -e %t/bigmm.mlir
// BIGMM: qforge-import: error: node 'big_mm' (MatMul): result shape 65536x65536 is too large
// RUN: not qforge-import %t/biggemm.onnx -o %t/biggemm.mlir 2>&1 | FileCheck %s --check-prefix=BIGGEMM
// BIGGEMM: qforge-import: error: node 'big_gemm' (Gemm): result shape 65536x65536 is too large

// An empty input whose other dimensions multiply past the bound is
// rejected (Flatten of it once built tensor<0x-1xf32>).
// RUN: %python -c "import sys; sys.path.insert(0, '%S/Inputs'); from onnx_case import *; x = np.zeros((0, 4), np.float32); case('%t/huge0', [node('Flatten', ['x'], ['y'], name='fl')], {'x': x}, {'y': x}, input_shapes={'x': [0, 100000, 100000]})"
// RUN: not qforge-import %t/huge0.onnx -o %t/huge0.mlir 2>&1 | FileCheck %s --check-prefix=HUGE0
// HUGE0: qforge-import: error: input 'x': shape too large

// Reshape: a target product that overflows int64 is caught; a 0 copying a
// zero-sized input dimension is accepted.
// RUN: %python -c "import sys; sys.path.insert(0, '%S/Inputs'); from onnx_case import *; x = rnd(2, 3); case('%t/rs_ovf', [node('Reshape', ['x', 's'], ['y'], name='rs_ovf')], {'x': x}, {'y': x}, inits=[const('s', np.array([2, 1 << 62], np.int64))])"
// RUN: not qforge-import %t/rs_ovf.onnx -o %t/rs_ovf.mlir 2>&1 | FileCheck %s --check-prefix=RSOVF
// RUN: test ! -e %t/rs_ovf.mlir
// RSOVF: qforge-import: error: node 'rs_ovf' (Reshape): target shape too large (more than 2147483648 elements)
// RUN: %python -c "import sys; sys.path.insert(0, '%S/Inputs'); from onnx_case import *; x = np.zeros((0, 3), np.float32); case('%t/rs_zero', [node('Reshape', ['x', 's'], ['y'], name='rs_zero')], {'x': x}, {'y': x.reshape(0, 1, 3)}, inits=[const('s', np.array([0, 1, 3], np.int64))])"
// RUN: qforge-import %t/rs_zero.onnx | FileCheck %s --check-prefix=RSZERO
// RSZERO: -> tensor<0x1x3xf32>

// Wrongly typed attributes are errors, not silently their defaults.
// RUN: %python -c "import sys; sys.path.insert(0, '%S/Inputs'); from onnx_case import *; x = rnd(2, 3); case('%t/attr_sm', [node('Softmax', ['x'], ['y'], name='sm_f', axis=1.5)], {'x': x}, {'y': x})"
// RUN: not qforge-import %t/attr_sm.onnx -o %t/attr_sm.mlir 2>&1 | FileCheck %s --check-prefix=ATTRSM
// RUN: test ! -e %t/attr_sm.mlir
// ATTRSM: qforge-import: error: node 'sm_f' (Softmax): attribute 'axis' must be INT, got FLOAT
// RUN: %python -c "import sys; sys.path.insert(0, '%S/Inputs'); from onnx_case import *; a = rnd(2, 3); b = rnd(3, 4); case('%t/attr_gemm', [node('Gemm', ['a', 'b'], ['y'], name='gemm_i', alpha=2)], {'a': a, 'b': b}, {'y': a @ b})"
// RUN: not qforge-import %t/attr_gemm.onnx -o %t/attr_gemm.mlir 2>&1 | FileCheck %s --check-prefix=ATTRGEMM
// ATTRGEMM: qforge-import: error: node 'gemm_i' (Gemm): attribute 'alpha' must be FLOAT, got INT
// RUN: %python -c "import sys; sys.path.insert(0, '%S/Inputs'); from onnx_case import *; x = rnd(2, 3); case('%t/attr_perm', [node('Transpose', ['x'], ['y'], name='tr_i', perm=1)], {'x': x}, {'y': x.T})"
// RUN: not qforge-import %t/attr_perm.onnx -o %t/attr_perm.mlir 2>&1 | FileCheck %s --check-prefix=ATTRPERM
// ATTRPERM: qforge-import: error: node 'tr_i' (Transpose): attribute 'perm' must be INTS, got INT
// RUN: %python -c "import sys; sys.path.insert(0, '%S/Inputs'); from onnx_case import *; x = rnd(2, 3); case('%t/attr_cf', [node('Constant', [], ['k'], name='k_int', value_float=2), node('Add', ['x', 'k'], ['y'], name='add')], {'x': x}, {'y': x + 2})"
// RUN: not qforge-import %t/attr_cf.onnx -o %t/attr_cf.mlir 2>&1 | FileCheck %s --check-prefix=ATTRCF
// ATTRCF: qforge-import: error: node 'k_int' (Constant): attribute 'value_float' must be FLOAT, got INT
// RUN: %python -c "import sys; sys.path.insert(0, '%S/Inputs'); from onnx_case import *; x = rnd(2, 3); case('%t/attr_ci', [node('Constant', [], ['s'], name='s_f', value_ints=[6.0]), node('Reshape', ['x', 's'], ['y'], name='rs')], {'x': x}, {'y': x.reshape(6)})"
// RUN: not qforge-import %t/attr_ci.onnx -o %t/attr_ci.mlir 2>&1 | FileCheck %s --check-prefix=ATTRCI
// ATTRCI: qforge-import: error: node 's_f' (Constant): attribute 'value_ints' must be INTS, got FLOATS

// Transpose with an empty perm on a rank-2 input.
// RUN: %python -c "import sys; sys.path.insert(0, '%S/Inputs'); from onnx_case import *; x = rnd(2, 3); n = node('Transpose', ['x'], ['y'], name='tr_empty'); n.attribute.append(onnx.AttributeProto(name='perm', type=onnx.AttributeProto.INTS)); case('%t/perm0', [n], {'x': x}, {'y': x})"
// RUN: not qforge-import %t/perm0.onnx -o %t/perm0.mlir 2>&1 | FileCheck %s --check-prefix=PERM0
// RUN: test ! -e %t/perm0.mlir
// PERM0: qforge-import: error: node 'tr_empty' (Transpose): perm [] is not a permutation of 2 dimensions

// A scalar result declared with rank 1.
// RUN: %python -c "import sys; sys.path.insert(0, '%S/Inputs'); from onnx_case import *; x = np.array(1.5, np.float32); case('%t/rank0', [node('Identity', ['x'], ['y'], name='id')], {'x': x}, {'y': np.zeros(1, np.float32)})"
// RUN: not qforge-import %t/rank0.onnx -o %t/rank0.mlir 2>&1 | FileCheck %s --check-prefix=RANK0
// RUN: test ! -e %t/rank0.mlir
// RANK0: qforge-import: error: output 'y': computed shape scalar, declared 1

// A negative dimension is not a symbolic one (not even with --batch).
// RUN: %python -c "import sys; sys.path.insert(0, '%S/Inputs'); from onnx_case import *; x = rnd(2, 3); case('%t/negdim', [node('Relu', ['x'], ['y'], name='r')], {'x': x}, {'y': x}, input_shapes={'x': [-2, 3]})"
// RUN: not qforge-import %t/negdim.onnx --batch 2 -o %t/negdim.mlir 2>&1 | FileCheck %s --check-prefix=NEGDIM
// RUN: test ! -e %t/negdim.mlir
// NEGDIM: qforge-import: error: input 'x': dimension 0 is negative (-2)

// Names defined twice: an initializer, a node output.
// RUN: %python -c "import sys; sys.path.insert(0, '%S/Inputs'); from onnx_case import *; x = rnd(2, 3); case('%t/dupinit', [node('Add', ['x', 'w'], ['y'], name='add')], {'x': x}, {'y': x}, inits=[const('w', rnd(2, 3)), const('w', rnd(3))])"
// RUN: not qforge-import %t/dupinit.onnx -o %t/dupinit.mlir 2>&1 | FileCheck %s --check-prefix=DUPINIT
// RUN: test ! -e %t/dupinit.mlir
// DUPINIT: qforge-import: error: initializer 'w' is defined twice
// RUN: %python -c "import sys; sys.path.insert(0, '%S/Inputs'); from onnx_case import *; x = rnd(2, 3); case('%t/dupout', [node('Relu', ['x'], ['y'], name='r1'), node('Tanh', ['x'], ['y'], name='r2')], {'x': x}, {'y': x})"
// RUN: not qforge-import %t/dupout.onnx -o %t/dupout.mlir 2>&1 | FileCheck %s --check-prefix=DUPOUT
// RUN: test ! -e %t/dupout.mlir
// DUPOUT: qforge-import: error: node 'r2' (Tanh): output 'y' is already defined

// --batch: 0 means off, a negative size is an error that says so.
// RUN: not qforge-import %t/dupout.onnx --batch -1 -o %t/batch.mlir 2>&1 | FileCheck %s --check-prefix=BATCH
// RUN: test ! -e %t/batch.mlir
// BATCH: qforge-import: error: --batch must be a positive size (or 0, the default, to leave symbolic dimensions unset), got -1

// Reshape and Flatten of a 0-d tensor build valid IR (expand_shape with
// an empty reassociation).
// RUN: %python -c "import sys; sys.path.insert(0, '%S/Inputs'); from onnx_case import *; x = np.array(1.5, np.float32); case('%t/scalar', [node('Reshape', ['x', 's'], ['a'], name='rs'), node('Flatten', ['x'], ['b'], name='fl', axis=0)], {'x': x}, {'a': x.reshape(1, 1, 1), 'b': x.reshape(1, 1)}, inits=[const('s', np.array([1, 1, 1], np.int64))])"
// RUN: qforge-import %t/scalar.onnx -o %t/scalar.mlir
// RUN: FileCheck %s --check-prefix=SCALAR < %t/scalar.mlir
// RUN: qforge-run %t/scalar.mlir --input %t/scalar.in0.npy --compare %t/scalar.ref0.npy,%t/scalar.ref1.npy
// SCALAR: tensor.expand_shape {{.*}} [] {{.*}} : tensor<f32> into tensor<1xf32>

// No temporary file is left behind by any of the failures above.
// RUN: %python -c "import glob; assert not glob.glob('%t/*.tmp-*'), glob.glob('%t/*.tmp-*')"
