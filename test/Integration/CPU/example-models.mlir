// The three example models, imported from ONNX and run in fp32 on the CPU
// path: their figures match what the training scripts recorded (top-1 on
// the 10k Fashion-MNIST test images within 0.1 point; bits per character
// on the held-out fortunes text within 0.01). The CNN also runs with its
// convolutions as im2col + matmul (--conv-as-matmul), the form quantization
// uses.
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python %qforge_src_root/examples/models/fashion_data.py %t/fashion
// RUN: %python %qforge_src_root/examples/models/char_data.py %t/char

// RUN: qforge-import %qforge_src_root/examples/models/fashion_mlp.onnx --batch 10000 -o %t/mlp.mlir
// RUN: qforge-run %t/mlp.mlir --input %t/fashion/test_x.npy --output %t/mlp.npy
// RUN: %python %S/Inputs/example_figure.py accuracy %t/mlp.npy %t/fashion/test_y.npy %qforge_src_root/examples/models/fashion_mlp.json top1_accuracy_percent 0.1 | FileCheck %s --check-prefix=MLP
// MLP: accuracy measured 88.{{[0-9]+}} recorded 88.0200

// RUN: qforge-import %qforge_src_root/examples/models/fashion_cnn.onnx --batch 10000 -o %t/cnn.mlir
// RUN: qforge-run %t/cnn.mlir --input %t/fashion/test_x.npy --output %t/cnn.npy
// RUN: %python %S/Inputs/example_figure.py accuracy %t/cnn.npy %t/fashion/test_y.npy %qforge_src_root/examples/models/fashion_cnn.json fp32_top1 0.1 | FileCheck %s --check-prefix=CNN
// RUN: qforge-import %qforge_src_root/examples/models/fashion_cnn.onnx --batch 10000 --conv-as-matmul -o %t/cnn-mm.mlir
// RUN: qforge-run %t/cnn-mm.mlir --input %t/fashion/test_x.npy --output %t/cnn-mm.npy
// RUN: %python %S/Inputs/example_figure.py accuracy %t/cnn-mm.npy %t/fashion/test_y.npy %qforge_src_root/examples/models/fashion_cnn.json fp32_top1 0.1 | FileCheck %s --check-prefix=CNN
// CNN: accuracy measured 91.{{[0-9]+}} recorded 91.4800

// RUN: qforge-import %qforge_src_root/examples/models/char_transformer.onnx --batch 1024 -o %t/tr.mlir
// RUN: FileCheck %s --check-prefix=TR-IR < %t/tr.mlir
// RUN: qforge-run %t/tr.mlir --input %t/char/test_x.npy --output %t/tr.npy
// RUN: %python %S/Inputs/example_figure.py bpc %t/tr.npy %t/char/test_y.npy %qforge_src_root/examples/models/char_transformer.json fp32_bpc 0.01 | FileCheck %s --check-prefix=TR
// TR-IR: func.func @main(%arg0: tensor<1024x64xi64>) -> tensor<1024x64x97xf32>
// TR: bpc measured 2.{{[0-9]+}} recorded 2.2689
