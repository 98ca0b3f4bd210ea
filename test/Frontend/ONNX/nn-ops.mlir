// qforge-import: Conv, MaxPool, AveragePool and GlobalAveragePool against
// direct numpy loops (Inputs/onnx_case.py: conv_ref, pool_ref).
// RUN: rm -rf %t && mkdir -p %t

// Conv: bias, pads, strides and dilations; groups (2 and depthwise);
// auto_pad SAME_UPPER; a 1-D convolution.
// RUN: %python -c "import sys; sys.path.insert(0, '%S/Inputs'); from onnx_case import *; x = rnd(2, 4, 7, 6); w = rnd(3, 4, 3, 3, seed=1); b = rnd(3, seed=2); wg = rnd(6, 2, 3, 2, seed=3); wd = rnd(4, 1, 3, 3, seed=4); ws = rnd(2, 4, 3, 3, seed=5); case('%t/conv', [node('Conv', ['x', 'w', 'b'], ['y0'], name='conv_bias_pad', pads=[1, 1, 1, 1], kernel_shape=[3, 3]), node('Conv', ['x', 'w'], ['y1'], name='conv_stride_dil', strides=[2, 1], dilations=[1, 2], pads=[0, 2, 1, 0]), node('Conv', ['x', 'wg'], ['y2'], name='conv_group2', group=2, pads=[1, 0, 1, 1]), node('Conv', ['x', 'wd'], ['y3'], name='conv_depthwise', group=4, pads=[1, 1, 1, 1]), node('Conv', ['x', 'ws'], ['y4'], name='conv_same', auto_pad='SAME_UPPER', strides=[2, 2])], {'x': x}, {'y0': conv_ref(x, w, b, pads=(1, 1, 1, 1)), 'y1': conv_ref(x, w, strides=(2, 1), dilations=(1, 2), pads=(0, 2, 1, 0)), 'y2': conv_ref(x, wg, group=2, pads=(1, 0, 1, 1)), 'y3': conv_ref(x, wd, group=4, pads=(1, 1, 1, 1)), 'y4': conv_ref(x, ws, strides=(2, 2), pads=(1, 0, 1, 1))}, inits=[const('w', w), const('b', b), const('wg', wg), const('wd', wd), const('ws', ws)])"
// RUN: qforge-import %t/conv.onnx -o %t/conv.mlir
// RUN: FileCheck %s --check-prefix=CONV < %t/conv.mlir
// RUN: qforge-run %t/conv.mlir --input %t/conv.in0.npy --compare %t/conv.ref0.npy,%t/conv.ref1.npy,%t/conv.ref2.npy,%t/conv.ref3.npy,%t/conv.ref4.npy --rtol 1e-5 --atol 1e-5
// The same convolutions with --conv-as-matmul: group-1 convolutions with
// constant weights become an im2col gather and a linalg.matmul; grouped
// ones stay convolutions.
// RUN: qforge-import %t/conv.onnx --conv-as-matmul -o %t/conv-mm.mlir
// RUN: FileCheck %s --check-prefix=IM2COL < %t/conv-mm.mlir
// RUN: qforge-run %t/conv-mm.mlir --input %t/conv.in0.npy --compare %t/conv.ref0.npy,%t/conv.ref1.npy,%t/conv.ref2.npy,%t/conv.ref3.npy,%t/conv.ref4.npy --rtol 1e-5 --atol 1e-5
// IM2COL-LABEL: func.func @main
// IM2COL:       linalg.generic {{.*}} ins({{.*}} : tensor<2x4x9x8xf32>) outs({{.*}} : tensor<2x7x6x4x3x3xf32>)
// IM2COL:       linalg.matmul ins({{.*}} : tensor<84x36xf32>, tensor<36x3xf32>)
// IM2COL:       linalg.transpose {{.*}} permutation = [0, 3, 1, 2]
// IM2COL:       linalg.conv_2d_ngchw_gfchw
// IM2COL-NOT:   linalg.conv_2d_nchw_fchw
// CONV-LABEL: func.func @main
// CONV:       tensor.insert_slice {{.*}} into tensor<2x4x9x8xf32>
// CONV:       linalg.conv_2d_nchw_fchw
// CONV:       linalg.conv_2d_nchw_fchw {dilations = dense<[1, 2]> : tensor<2xi64>, strides = dense<[2, 1]> : tensor<2xi64>}
// CONV:       linalg.conv_2d_ngchw_gfchw
// RUN: %python -c "import sys; sys.path.insert(0, '%S/Inputs'); from onnx_case import *; x = rnd(2, 3, 9); w = rnd(4, 3, 3, seed=1); case('%t/conv1d', [node('Conv', ['x', 'w'], ['y'], name='conv1d', pads=[1, 1], strides=[2])], {'x': x}, {'y': conv_ref(x[:, :, None, :], w[:, :, None, :], strides=(1, 2), pads=(0, 1, 0, 1))[:, :, 0, :]}, inits=[const('w', w)])"
// RUN: qforge-import %t/conv1d.onnx -o %t/conv1d.mlir
// RUN: qforge-run %t/conv1d.mlir --input %t/conv1d.in0.npy --compare %t/conv1d.ref0.npy --rtol 1e-5 --atol 1e-5
// RUN: qforge-import %t/conv1d.onnx --conv-as-matmul -o %t/conv1d-mm.mlir
// RUN: qforge-run %t/conv1d-mm.mlir --input %t/conv1d.in0.npy --compare %t/conv1d.ref0.npy --rtol 1e-5 --atol 1e-5

// MaxPool and AveragePool: pads, strides, dilations, ceil_mode and
// count_include_pad; GlobalAveragePool.
// RUN: %python -c "import sys; sys.path.insert(0, '%S/Inputs'); from onnx_case import *; x = rnd(2, 3, 7, 8); case('%t/pool', [node('MaxPool', ['x'], ['y0'], name='max_2x2', kernel_shape=[2, 2], strides=[2, 2]), node('MaxPool', ['x'], ['y1'], name='max_pad_ceil', kernel_shape=[3, 3], strides=[2, 2], pads=[1, 1, 1, 1], ceil_mode=1), node('MaxPool', ['x'], ['y2'], name='max_dil', kernel_shape=[2, 2], dilations=[2, 2]), node('AveragePool', ['x'], ['y3'], name='avg_pad', kernel_shape=[3, 3], pads=[1, 1, 1, 1]), node('AveragePool', ['x'], ['y4'], name='avg_incl', kernel_shape=[3, 3], pads=[1, 1, 1, 1], count_include_pad=1, strides=[2, 2]), node('AveragePool', ['x'], ['y5'], name='avg_ceil', kernel_shape=[2, 2], strides=[2, 2], ceil_mode=1), node('GlobalAveragePool', ['x'], ['y6'], name='gap')], {'x': x}, {'y0': pool_ref(x, 'max', (2, 2), strides=(2, 2)), 'y1': pool_ref(x, 'max', (3, 3), strides=(2, 2), pads=(1, 1, 1, 1), ceil=True), 'y2': pool_ref(x, 'max', (2, 2), dilations=(2, 2)), 'y3': pool_ref(x, 'avg', (3, 3), pads=(1, 1, 1, 1)), 'y4': pool_ref(x, 'avg', (3, 3), strides=(2, 2), pads=(1, 1, 1, 1), count_include_pad=True), 'y5': pool_ref(x, 'avg', (2, 2), strides=(2, 2), ceil=True), 'y6': x.mean((2, 3), keepdims=True)}, opset=12)"
// RUN: qforge-import %t/pool.onnx -o %t/pool.mlir
// RUN: FileCheck %s --check-prefix=POOL < %t/pool.mlir
// RUN: qforge-run %t/pool.mlir --input %t/pool.in0.npy --compare %t/pool.ref0.npy,%t/pool.ref1.npy,%t/pool.ref2.npy,%t/pool.ref3.npy,%t/pool.ref4.npy,%t/pool.ref5.npy,%t/pool.ref6.npy --rtol 1e-5 --atol 1e-6
// POOL-LABEL: func.func @main
// POOL:       linalg.pooling_nchw_max
// POOL:       linalg.pooling_nchw_sum
// POOL:       linalg.reduce
