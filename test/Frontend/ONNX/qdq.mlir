// qforge-import: QDQ models. QuantizeLinear, DequantizeLinear,
// MatMulInteger and QLinearMatMul become qf ops with ONNX's semantics (ties
// to even, saturation, per-axis parameters), checked against numpy.
// RUN: rm -rf %t && mkdir -p %t

// A quantize / dequantize pair per tensor (uint8, zero point 128: values
// beyond the range saturate, .5 ties go to even) and per axis (int8,
// symmetric).
// RUN: %python -c "import sys; sys.path.insert(0, '%S/Inputs'); from onnx_case import *; x = np.concatenate([rnd(2, 3, 4, lo=-8.0, hi=8.0).reshape(-1)[:20], np.array([0.025, 0.075, -0.125, 100.0], np.float32)]).reshape(2, 3, 4); s = np.float32(0.05); z = np.uint8(128); sa = np.array([0.1, 0.02, 0.5], np.float32); za = np.zeros(3, np.int8); case('%t/qd', [node('QuantizeLinear', ['x', 's', 'z'], ['q'], name='quant'), node('DequantizeLinear', ['q', 's', 'z'], ['y0'], name='dequant'), node('QuantizeLinear', ['x', 'sa', 'za'], ['qa'], name='quant_axis', axis=1), node('DequantizeLinear', ['qa', 'sa', 'za'], ['y1'], name='dequant_axis', axis=1)], {'x': x}, {'y0': dequantize_ref(quantize_ref(x, s, z, np.uint8), s, z), 'y1': dequantize_ref(quantize_ref(x, sa, za, np.int8), sa, za)}, inits=[const('s', s), const('z', z), const('sa', sa), const('za', za)])"
// RUN: qforge-import %t/qd.onnx -o %t/qd.mlir
// RUN: FileCheck %s --check-prefix=QD < %t/qd.mlir
// RUN: qforge-run %t/qd.mlir --input %t/qd.in0.npy --compare %t/qd.ref0.npy,%t/qd.ref1.npy --rtol 0 --atol 0
// QD-LABEL: func.func @main
// QD:       qf.quantize {{.*}} -> !qf.qtensor<2x3x4xf32, #qf.scheme<u8, asym>>
// QD:       qf.dequantize
// QD:       qf.quantize {{.*}} -> !qf.qtensor<2x3x4xf32, #qf.scheme<i8, axis = 1>>

// QDQ weights: int8 per-column codes as a qf.constant, dequantized into a
// MatMul, plus an int32 bias dequantized at import time.
// RUN: %python -c "import sys; sys.path.insert(0, '%S/Inputs'); from onnx_case import *; x = rnd(3, 6); wq = np.random.default_rng(1).integers(-128, 128, (6, 4)).astype(np.int8); sw = np.array([0.01, 0.02, 0.005, 0.04], np.float32); zw = np.zeros(4, np.int8); bq = np.array([100, -7, 0, 2000], np.int32); sb = np.float32(0.001); w = dequantize_ref(wq, sw, zw); case('%t/w', [node('DequantizeLinear', ['wq', 'sw', 'zw'], ['w'], name='weights', axis=1), node('DequantizeLinear', ['bq', 'sb'], ['b'], name='bias'), node('MatMul', ['x', 'w'], ['m'], name='fc'), node('Add', ['m', 'b'], ['y'], name='add')], {'x': x}, {'y': x @ w + (bq * sb).astype(np.float32)}, inits=[const('wq', wq), const('sw', sw), const('zw', zw), const('bq', bq), const('sb', sb)])"
// RUN: qforge-import %t/w.onnx -o %t/w.mlir
// RUN: FileCheck %s --check-prefix=W < %t/w.mlir
// RUN: qforge-run %t/w.mlir --input %t/w.in0.npy --compare %t/w.ref0.npy --rtol 1e-5 --atol 1e-6
// W-LABEL: func.func @main
// W:       qf.constant {{.*}} -> !qf.qtensor<6x4xf32, #qf.scheme<i8, axis = 1>>
// W:       qf.dequantize
// W:       linalg.matmul
// W:       arith.constant dense<[1.000000e-01, -{{.*}}, 0.000000e+00, 2.000000e+00]> : tensor<4xf32>

// MatMulInteger: uint8 codes from the graph input (qf.from_blob) with a
// zero point, int8 constant weights with per-column zero points; the int32
// result cast to float and scaled, as dynamically quantized models do.
// RUN: %python -c "import sys; sys.path.insert(0, '%S/Inputs'); from onnx_case import *; g = np.random.default_rng(2); a = g.integers(0, 256, (3, 8)).astype(np.uint8); bq = g.integers(-128, 128, (8, 5)).astype(np.int8); za = np.uint8(131); zb = np.array([0, 3, -5, 0, 127], np.int8); acc = (a.astype(np.int64) - 131) @ (bq.astype(np.int64) - zb.astype(np.int64)); case('%t/mi', [node('MatMulInteger', ['a', 'bq', 'za', 'zb'], ['acc'], name='mmi'), node('Cast', ['acc'], ['f'], name='to_float', to=1), node('Mul', ['f', 'scale'], ['y'], name='rescale')], {'a': a}, {'y': acc.astype(np.float32) * np.float32(0.5)}, inits=[const('bq', bq), const('za', za), const('zb', zb), const('scale', np.float32(0.5))])"
// RUN: qforge-import %t/mi.onnx -o %t/mi.mlir
// RUN: FileCheck %s --check-prefix=MI < %t/mi.mlir
// RUN: qforge-run %t/mi.mlir --input %t/mi.in0.npy --compare %t/mi.ref0.npy --rtol 0 --atol 0
// MI-LABEL: func.func @main
// MI-SAME:    %arg0: tensor<3x8xi8>
// MI:       qf.from_blob {{.*}} -> !qf.qtensor<3x8xf32, #qf.scheme<u8, asym>>
// MI:       qf.constant {{.*}} -> !qf.qtensor<8x5xf32, #qf.scheme<i8, axis = 1, asym>>
// MI:       qf.matmul {{.*}} acc(i32) {{.*}} -> tensor<3x5xi32>
// MI:       arith.sitofp

// QLinearMatMul: activations quantized by a QuantizeLinear (uint8), int8
// weights per column, the result requantized to uint8 and dequantized.
// qf computes sa * (sb[n] * acc) in f32, then quantizes with y's scale.
// RUN: %python -c "import sys; sys.path.insert(0, '%S/Inputs'); from onnx_case import *; g = np.random.default_rng(3); x = rnd(4, 16, lo=-1.0, hi=1.0); sa, za = np.float32(0.01), np.uint8(100); bq = g.integers(-128, 128, (16, 3)).astype(np.int8); sb = np.array([0.002, 0.004, 0.001], np.float32); zb = np.zeros(3, np.int8); sy, zy = np.float32(0.02), np.uint8(10); qa = quantize_ref(x, sa, za, np.uint8); acc = ((qa.astype(np.int64) - 100) @ bq.astype(np.int64)).astype(np.float32); f = (sa * (sb * acc)).astype(np.float32); qy = quantize_ref(f, sy, zy, np.uint8); case('%t/ql', [node('QuantizeLinear', ['x', 'sa', 'za'], ['qa'], name='quant'), node('QLinearMatMul', ['qa', 'sa', 'za', 'bq', 'sb', 'zb', 'sy', 'zy'], ['qy'], name='qlmm'), node('DequantizeLinear', ['qy', 'sy', 'zy'], ['y'], name='dequant')], {'x': x}, {'y': dequantize_ref(qy, sy, zy)}, inits=[const('sa', sa), const('za', za), const('bq', bq), const('sb', sb), const('zb', zb), const('sy', sy), const('zy', zy)])"
// RUN: qforge-import %t/ql.onnx -o %t/ql.mlir
// RUN: FileCheck %s --check-prefix=QL < %t/ql.mlir
// RUN: qforge-run %t/ql.mlir --input %t/ql.in0.npy --compare %t/ql.ref0.npy --rtol 0 --atol 0
// QL-LABEL: func.func @main
// QL:       qf.quantize
// QL:       qf.matmul {{.*}} acc(i32) {{.*}} -> tensor<4x3xf32>
// QL:       qf.quantize {{.*}} -> !qf.qtensor<4x3xf32, #qf.scheme<u8, asym>>
// QL:       qf.dequantize
