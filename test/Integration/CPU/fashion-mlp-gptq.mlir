// Calibration-driven GPTQ on the Fashion-MNIST MLP, all with qforge tools:
// observe the matmul inputs, run the float model on 512 calibration images
// to write them, then round 2-bit per-column weights by GPTQ with their
// Hessians, and by round-to-nearest for comparison; run both on the 10k
// test images. Checked: GPTQ keeps top-1 within 1.5 points of fp32 and
// beats RTN by at least 2 points (measured: 86.96% vs 82.46%, fp32 88.02%).
// The same calibration run gives static int8 activation scales (min/max):
// W8A8 keeps top-1 within 0.5 points of fp32 (measured 87.98%).
// RUN: rm -rf %t && mkdir -p %t/cal
// RUN: %python %qforge_src_root/examples/models/fashion_data.py %t/data
// RUN: qforge-import %qforge_src_root/examples/models/fashion_mlp.onnx --batch 512 --mlir-print-debuginfo -o %t/m512.mlir
// RUN: qforge-opt %t/m512.mlir -qf-instrument -qf-expose-observed -o %t/calib.mlir
// RUN: FileCheck %s --check-prefix=CALIB < %t/calib.mlir
// RUN: qforge-run %t/calib.mlir --input %t/data/calib_x.npy --output %t/cal/logits.npy,%t/cal/fc1.input.npy,%t/cal/fc2.input.npy,%t/cal/fc3.input.npy
// RUN: qforge-import %qforge_src_root/examples/models/fashion_mlp.onnx --batch 10000 --mlir-print-debuginfo -o %t/m.mlir
// RUN: qforge-opt %t/m.mlir -qf-instrument -qf-quantize-weights=bits=2 -qf-round="method=gptq calibration=%t/cal" -o %t/gptq.mlir
// RUN: qforge-opt %t/m.mlir -qf-instrument -qf-quantize-weights=bits=2 -qf-round -o %t/rtn.mlir
// RUN: qforge-opt %t/m.mlir -qf-instrument -qf-quantize-weights=bits=8 -qf-quantize-activations="calibration=%t/cal" -qf-round -o %t/w8a8.mlir
// RUN: FileCheck %s --check-prefix=W8A8 < %t/w8a8.mlir
// RUN: qforge-run %t/gptq.mlir --input %t/data/test_x.npy --output %t/gptq.npy
// RUN: qforge-run %t/w8a8.mlir --input %t/data/test_x.npy --output %t/w8a8.npy
// RUN: qforge-run %t/rtn.mlir --input %t/data/test_x.npy --output %t/rtn.npy
// RUN: %python %S/Inputs/fashion_mlp_gptq.py %qforge_src_root/examples/models/fashion_mlp.json %t | FileCheck %s --check-prefix=ACC

// CALIB: func.func @main(%arg0: tensor<512x784xf32>{{.*}}) -> (tensor<512x10xf32>, tensor<512x784xf32> {qf.name = "fc1.input"}, tensor<512x256xf32> {qf.name = "fc2.input"}, tensor<512x128xf32> {qf.name = "fc3.input"})
// W8A8-COUNT-3: qf.matmul {{.*}} acc(i32) {qf.activation_scale = {{.*}}} : !qf.qtensor<10000x{{[0-9]+}}xf32, #qf.scheme<i8>>, !qf.qtensor<{{[0-9x]+}}xf32, #qf.scheme<i8, axis = 1>>
// ACC: fp32 {{[0-9.]+}}% gptq-w2 {{[0-9.]+}}% rtn-w2 {{[0-9.]+}}% w8a8 {{[0-9.]+}}%
// ACC: ok
