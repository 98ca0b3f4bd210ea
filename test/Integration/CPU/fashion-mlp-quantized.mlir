// The Fashion-MNIST MLP (examples/models), imported from ONNX, its weights
// quantized (weight-only) and rounded by qforge, run on the 10k test images.
// Checked: 8-bit per-column weights lose at most 0.2 points of top-1
// against the fp32 figure recorded by the training script, 4-bit at most
// 1.0; and the mixed widths that qf-allocate-bits picks for an average of
// 4.0 bits per weight (scales included) score at least as well as uniform
// 4-bit, which stores slightly more (4.04 bits per weight).
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python %qforge_src_root/examples/models/fashion_data.py %t/data
// RUN: qforge-import %qforge_src_root/examples/models/fashion_mlp.onnx --batch 10000 -o %t/mlp.mlir
// RUN: qforge-opt %t/mlp.mlir -qf-quantize-weights=bits=8 -qf-round -o %t/w8.mlir
// RUN: qforge-opt %t/mlp.mlir -qf-quantize-weights=bits=4 -qf-round -o %t/w4.mlir
// RUN: qforge-opt %t/mlp.mlir -qf-quantize-weights -qf-allocate-bits=budget=4 -qf-round -o %t/mixed4.mlir
// RUN: FileCheck %s < %t/w4.mlir
// RUN: FileCheck %s --check-prefix=MIXED < %t/mixed4.mlir
// RUN: qforge-run %t/w8.mlir --input %t/data/test_x.npy --output %t/w8.npy
// RUN: qforge-run %t/w4.mlir --input %t/data/test_x.npy --output %t/w4.npy
// RUN: qforge-run %t/mixed4.mlir --input %t/data/test_x.npy --output %t/mixed4.npy
// RUN: %python %S/Inputs/fashion_mlp_accuracy.py %qforge_src_root/examples/models/fashion_mlp.json %t | FileCheck %s --check-prefix=ACC

// The three layers become weight-only qf.matmuls on rounded constants.
// CHECK-COUNT-3: qf.matmul %{{.*}}, %{{.*}} acc(f32) : tensor<10000x{{[0-9]+}}xf32>, !qf.qtensor<{{[0-9x]+}}xf32, #qf.scheme<i4, axis = 1>>
// CHECK-NOT: linalg.matmul
// MIXED-COUNT-3: qf.constant {{.*}}qf.round_error
// ACC: fp32 {{[0-9.]+}}% w8 {{[0-9.]+}}% w4 {{[0-9.]+}}% mixed@4.0 {{[0-9.]+}}%
// ACC: ok
