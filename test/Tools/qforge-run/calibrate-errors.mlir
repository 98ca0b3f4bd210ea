// qforge-run --calibrate: bad data, options that do not go with it, a model
// with nothing to observe, an unwritable output. Each exits 1 with one
// message and writes no calibration file.
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python -c "import numpy as np; np.save('%t/x.npy', np.zeros((10, 3), np.float32)); np.save('%t/bad.npy', np.zeros((10, 5), np.float32)); np.save('%t/f64.npy', np.zeros((10, 3)))"
// RUN: not qforge-run %S/../../Dialect/QF/Transforms/Inputs/calib-model.mlir --calibrate %t/a.safetensors 2>&1 | FileCheck %s --check-prefix=COUNT
// RUN: not qforge-run %S/../../Dialect/QF/Transforms/Inputs/calib-model.mlir --calibrate %t/a.safetensors --input %t/bad.npy 2>&1 | FileCheck %s --check-prefix=SHAPE
// RUN: not qforge-run %S/../../Dialect/QF/Transforms/Inputs/calib-model.mlir --calibrate %t/a.safetensors --input %t/f64.npy 2>&1 | FileCheck %s --check-prefix=DTYPE
// RUN: not qforge-run %S/../../Dialect/QF/Transforms/Inputs/calib-model.mlir --calibrate %t/a.safetensors --input %t/x.npy --output %t/y.npy 2>&1 | FileCheck %s --check-prefix=CONFLICT
// RUN: not qforge-run %s --calibrate %t/a.safetensors --input %t/x.npy 2>&1 | FileCheck %s --check-prefix=NOTHING
// RUN: not qforge-run %S/../../Dialect/QF/Transforms/Inputs/calib-model.mlir --calibrate %t/nodir/a.safetensors --input %t/x.npy 2>&1 | FileCheck %s --check-prefix=WRITE
// RUN: not qforge-run %S/../../Dialect/QF/Transforms/Inputs/calib-model.mlir --calibrate %t/a.safetensors --input %t/x.npy --progress sometimes 2>&1 | FileCheck %s --check-prefix=PROGRESS
// RUN: test ! -e %t/a.safetensors

// COUNT: qforge-run: error: @main has 1 argument(s), but 0 data file(s) were given
// SHAPE: qforge-run: error: {{.*}}bad.npy: argument 0 of @main is tensor<4x3xf32>, so the data must be N x 3 float32 samples, got 10x5 float32
// DTYPE: qforge-run: error: {{.*}}f64.npy: argument 0 of @main is tensor<4x3xf32>, so the data must be N x 3 float32 samples, got 10x3 float64
// CONFLICT: qforge-run: error: --calibrate cannot be combined with --output
// NOTHING: qforge-run: error: {{.*}}calibrate-errors.mlir: @main has no matmul with constant weights to observe
// WRITE: qforge-run: error: {{.*}}nodir/a.safetensors: cannot create a temporary file next to it: No such file or directory
// PROGRESS: qforge-run: error: --progress must be auto, on or off

func.func @main(%x: tensor<4x3xf32>) -> tensor<4x3xf32> {
  return %x : tensor<4x3xf32>
}
