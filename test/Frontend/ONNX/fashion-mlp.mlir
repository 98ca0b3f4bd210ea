// The Fashion-MNIST MLP example (examples/models/fashion_mlp.py): imported
// with the 10k test images as one batch, run on this CPU, its top-1
// accuracy matches the fp32 figure the training script recorded in
// fashion_mlp.json to within 0.1 point.
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python %qforge_src_root/examples/models/fashion_data.py %t/data
// RUN: qforge-import %qforge_src_root/examples/models/fashion_mlp.onnx --batch 10000 -o %t/mlp.mlir
// RUN: FileCheck %s < %t/mlp.mlir
// RUN: qforge-run %t/mlp.mlir --input %t/data/test_x.npy --output %t/logits.npy
// RUN: %python -c "import json, numpy as np; want = json.load(open('%qforge_src_root/examples/models/fashion_mlp.json'))['top1_accuracy_percent']; got = float((np.load('%t/logits.npy').argmax(1) == np.load('%t/data/test_y.npy')).mean() * 100); print(f'top-1 {got:.2f}%% (recorded {want:.2f}%%)'); assert abs(got - want) <= 0.1, (got, want)" | FileCheck %s --check-prefix=ACC
// CHECK-LABEL: func.func @main
// CHECK-SAME:    tensor<10000x784xf32>) -> tensor<10000x10xf32>
// CHECK-DAG:   arith.constant dense_resource<fc1.weight> : tensor<784x256xf32>
// CHECK-DAG:   arith.constant dense_resource<fc2.weight> : tensor<256x128xf32>
// CHECK-DAG:   arith.constant dense_resource<fc3.weight> : tensor<128x10xf32>
// ACC: top-1 {{[0-9.]+}}% (recorded {{[0-9.]+}}%)
