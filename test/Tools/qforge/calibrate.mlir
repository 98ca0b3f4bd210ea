// `qforge calibrate`: a calibration run straight from the ONNX model (it is
// imported at --batch first); the file equals qforge-run --calibrate's on
// the imported model at another batch size and attaches to the model at
// the batch size of evaluation. Errors exit 1 and write nothing.
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python %qforge_src_root/examples/models/fashion_data.py %t/data --calib 100
// RUN: qforge calibrate %qforge_src_root/examples/models/fashion_mlp.onnx --calib %t/data/calib_x.npy -o %t/a.safetensors | FileCheck %s
// RUN: qforge-import %qforge_src_root/examples/models/fashion_mlp.onnx --batch 32 --mlir-print-debuginfo -o %t/m32.mlir
// RUN: qforge-run %t/m32.mlir --calibrate %t/b.safetensors --input %t/data/calib_x.npy --progress off
// RUN: cmp %t/a.safetensors %t/b.safetensors
// RUN: qforge import %qforge_src_root/examples/models/fashion_mlp.onnx --batch 7 -o %t/m7.mlir
// RUN: qforge-opt %t/m7.mlir -qf-instrument -qf-attach-calibration=file=%t/a.safetensors -o /dev/null
// CHECK: calibrated 100 samples in 2 batch(es) of 64: 3 observed tensors -> {{.*}}a.safetensors

// RUN: not qforge calibrate %qforge_src_root/examples/models/fashion_mlp.onnx --calib %t/data/test_y.npy -o %t/c.safetensors 2>&1 | FileCheck %s --check-prefix=DATA
// RUN: not qforge calibrate %t/missing.onnx --calib %t/data/calib_x.npy -o %t/c.safetensors 2>&1 | FileCheck %s --check-prefix=MODEL
// RUN: test ! -e %t/c.safetensors
// DATA: qforge calibrate: error: {{.*}}test_y.npy: argument 0 of @main is tensor<64x784xf32>, so the data must be N x 784 float32 samples, got 10000 int64
// MODEL: qforge calibrate: error: cannot read '{{.*}}missing.onnx': No such file or directory
