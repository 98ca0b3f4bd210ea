// The CNN and the char transformer through `qforge quantize` and `qforge
// eval`: the CNN under an average of 3 bits per weight (its convolutions as
// im2col matmuls, widths chosen by predicted output error, GPTQ) keeps its
// top-1 on 1000 test images within 3 points of fp32; the transformer at
// 4 bits (GPTQ) stays within 0.15 bits per character of fp32 on 256
// held-out windows. 128 calibration samples each.
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python %qforge_src_root/examples/models/fashion_data.py %t/fm --calib 128
// RUN: %python %qforge_src_root/examples/models/char_data.py %t/char
// RUN: %python -c "import numpy as np; d = '%t/'; np.save(d + 'fx.npy', np.load(d + 'fm/test_x.npy')[:1000]); np.save(d + 'fy.npy', np.load(d + 'fm/test_y.npy')[:1000]); np.save(d + 'cx.npy', np.load(d + 'char/calib_x.npy')[:128]); np.save(d + 'tx.npy', np.load(d + 'char/test_x.npy')[:256]); np.save(d + 'ty.npy', np.load(d + 'char/test_y.npy')[:256])"
// RUN: qforge quantize %qforge_src_root/examples/models/fashion_cnn.onnx --calib %t/fm/calib_x.npy --budget 3 --batch 100 -o %t/cnn | FileCheck %s --check-prefix=CNN
// RUN: qforge eval %t/cnn --data %t/fx.npy --labels %t/fy.npy > %t/cnn-q.txt
// RUN: qforge eval %qforge_src_root/examples/models/fashion_cnn.onnx --batch 100 --data %t/fx.npy --labels %t/fy.npy > %t/cnn-f.txt
// RUN: %python %S/Inputs/compare_eval.py accuracy %t/cnn-f.txt %t/cnn-q.txt 0.03 | FileCheck %s --check-prefix=CNN-ACC
// RUN: qforge quantize %qforge_src_root/examples/models/char_transformer.onnx --calib %t/cx.npy --bits 4 --batch 64 -o %t/tr | FileCheck %s --check-prefix=TR
// RUN: qforge eval %t/tr --data %t/tx.npy --labels %t/ty.npy > %t/tr-q.txt
// RUN: qforge eval %qforge_src_root/examples/models/char_transformer.onnx --batch 64 --data %t/tx.npy --labels %t/ty.npy > %t/tr-f.txt
// RUN: %python %S/Inputs/compare_eval.py bits_per_token %t/tr-f.txt %t/tr-q.txt 0.15 | FileCheck %s --check-prefix=TR-BPT

// CNN: conv1.Conv #qf.scheme<i{{[0-9]}}, axis = 1>
// CNN: bits per weight on average, weights rounded with gptq
// CNN-ACC: accuracy fp32 0.{{[0-9]+}} quantized 0.{{[0-9]+}}: ok
// TR: 13 observed tensors
// TR: blocks.0.q.MatMul #qf.scheme<i4, axis = 1>
// TR: head.MatMul #qf.scheme<i4, axis = 1>
// TR-BPT: bits_per_token fp32 2.{{[0-9]+}} quantized 2.{{[0-9]+}}: ok
