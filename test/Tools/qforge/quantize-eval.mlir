// `qforge quantize` and `qforge eval`: the MLP quantized under a budget of 3
// bits per weight (layer gains measured, propagated objective, GPTQ) into a
// new directory, evaluated on labelled data; the float transformer
// evaluated in bits per token, equal to metrics.py's figure on the same
// outputs. Errors leave no directory behind.
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python %qforge_src_root/examples/models/fashion_data.py %t/fm --calib 100
// RUN: qforge quantize %qforge_src_root/examples/models/fashion_mlp.onnx --calib %t/fm/calib_x.npy --budget 3 --batch 100 -o %t/q | FileCheck %s --check-prefix=Q
// RUN: ls %t/q | FileCheck %s --check-prefix=FILES
// RUN: qforge eval %t/q --data %t/fm/calib_x.npy --labels %t/fm/calib_y.npy | FileCheck %s --check-prefix=EVAL
// RUN: qforge eval %qforge_src_root/examples/models/fashion_mlp.onnx --batch 100 --data %t/fm/calib_x.npy --labels %t/fm/calib_y.npy | FileCheck %s --check-prefix=EVAL
// Q: calibrated 100 samples in 1 batch(es) of 100: 3 observed tensors -> {{.*}}q/calibration.safetensors
// Q: layer scheme bits/w pred. error
// Q: fc1 #qf.scheme<i{{[0-9]}}, axis = 1> {{[0-9.]+}} {{[0-9.e+-]+}}
// Q: fc3
// Q: bits per weight on average, weights rounded with gptq -> {{.*}}q
// FILES: calibration.safetensors
// FILES: model.h
// FILES: model.mlir
// FILES: model.o
// FILES: report.json
// The object and header build a C program (as qforge-translate's do).
// RUN: %python -c "import sys; h = open('%t/q/model.h').read(); assert '_mlir_ciface_main' in h and 'qforge_memref_2d_f32' in h; print('header ok')" | FileCheck %s --check-prefix=HEADER
// HEADER: header ok
// EVAL: accuracy: 0.{{[0-9][0-9][0-9][0-9]$}}
// EVAL: latency: {{.*}} ms per batch of 100 ({{.*}} us per sample), 100 samples

// RUN: %python %qforge_src_root/examples/models/char_data.py %t/char
// RUN: %python -c "import numpy as np; np.save('%t/tx.npy', np.load('%t/char/test_x.npy')[:8]); np.save('%t/ty.npy', np.load('%t/char/test_y.npy')[:8])"
// RUN: qforge eval %qforge_src_root/examples/models/char_transformer.onnx --batch 8 --data %t/tx.npy --labels %t/ty.npy > %t/bpt.txt
// RUN: qforge-import %qforge_src_root/examples/models/char_transformer.onnx --batch 8 -o %t/tr.mlir
// RUN: qforge-run %t/tr.mlir --input %t/tx.npy --output %t/tr.npy
// RUN: %python -c "import sys; sys.path.insert(0, '%qforge_src_root/examples/models'); import numpy as np, metrics; a = float(open('%t/bpt.txt').read().split()[1]); b = metrics.bits_per_char(np.load('%t/tr.npy'), np.load('%t/ty.npy')); assert abs(a - b) < 1e-4, (a, b); print('same')" | FileCheck %s --check-prefix=SAME
// SAME: same

// RUN: not qforge quantize %qforge_src_root/examples/models/fashion_mlp.onnx --calib %t/fm/calib_x.npy -o %t/q 2>&1 | FileCheck %s --check-prefix=EXISTS
// RUN: not qforge quantize %qforge_src_root/examples/models/fashion_mlp.onnx --calib %t/fm/calib_x.npy --method best -o %t/q2 2>&1 | FileCheck %s --check-prefix=METHOD
// RUN: not qforge quantize %qforge_src_root/examples/models/fashion_mlp.onnx --calib %t/fm/test_y.npy -o %t/q3 2>&1 | FileCheck %s --check-prefix=DATA
// RUN: not qforge quantize %qforge_src_root/examples/models/fashion_mlp.onnx --calib %t/fm/calib_x.npy --budget 0.01 --batch 100 -o %t/q4 2>&1 | FileCheck %s --check-prefix=BUDGET
// RUN: not qforge eval %t/q --data %t/fm/calib_x.npy --labels %t/fm/test_y.npy 2>&1 | FileCheck %s --check-prefix=LABELS
// RUN: not ls %t/q2 %t/q3 %t/q4
// RUN: %python -c "import glob; assert not glob.glob('%t/*.tmp*'), glob.glob('%t/*.tmp*')"
// EXISTS: qforge quantize: error: {{.*}}q exists; give a new directory
// METHOD: qforge quantize: error: --method must be rtn, gptq or adaround, got 'best'
// DATA: qforge quantize: error: {{.*}}test_y.npy: argument 0 of @main is tensor<64x784xf32>, so the data must be N x 784 float32 samples, got 10000 int64
// BUDGET: error: qf-allocate-bits: a budget of 0.01 bits per weight
// LABELS: qforge eval: error: {{.*}}test_y.npy: 10000 int64 for 100 samples
