// RUN: rm -rf %t && mkdir -p %t/ok %t/zero %t/bad
// RUN: %python -c "import numpy as np; x = np.linspace(-2.54, 1.0, 32, dtype=np.float32).reshape(8, 4); np.save('%t/ok/l1.input.npy', x); np.save('%t/zero/l1.input.npy', np.zeros((8, 4), np.float32)); np.save('%t/bad/l1.input.npy', x.astype(np.float64))"
// RUN: qforge-opt %s -qf-quantize-activations="calibration=%t/ok" | FileCheck %s
// RUN: qforge-opt %s -qf-quantize-activations="calibration=%t/ok method=percentile percentile=0.5" | FileCheck %s --check-prefix=PCT
// RUN: not qforge-opt %s -qf-quantize-activations="calibration=%t/zero" 2>&1 | FileCheck %s --check-prefix=ZERO
// RUN: not qforge-opt %s -qf-quantize-activations="calibration=%t/bad" 2>&1 | FileCheck %s --check-prefix=DTYPE
// RUN: not qforge-opt %s -qf-quantize-activations="calibration=%t/none" 2>&1 | FileCheck %s --check-prefix=MISSING
// RUN: not qforge-opt %s -qf-quantize-activations 2>&1 | FileCheck %s --check-prefix=NODIR
// RUN: not qforge-opt %s -qf-quantize-activations="calibration=%t/ok method=kl" 2>&1 | FileCheck %s --check-prefix=METHOD
// RUN: qforge-opt %s -qf-quantize-activations=method=dynamic | FileCheck %s --check-prefix=DYN
// RUN: qforge-opt %s -qf-quantize-activations=method=dynamic -convert-qf-to-linalg | FileCheck %s --check-prefix=DYN-LOWERED

// method=dynamic: per-row scales from the data at run time; no calibration.
// DYN: %[[Q:.*]] = qf.quantize %{{.*}} : tensor<8x4xf32> -> !qf.qtensor<8x4xf32, #qf.scheme<i8, axis = 0>>
// DYN: qf.matmul %[[Q]], %{{.*}} acc(i32) : !qf.qtensor<8x4xf32, #qf.scheme<i8, axis = 0>>, !qf.qtensor<4x3xf32, #qf.scheme<i4, axis = 1>> -> tensor<8x3xf32>
// DYN-LOWERED-NOT: qf.

// min/max: the largest |x| is 2.54, so the scale is 2.54 / 127 = 0.02
// (as f32); the matmul accumulates the int8 products in i32.
// CHECK-LABEL: func.func @layer
//       CHECK:   %[[O:.*]] = qf.observe %arg0 {name = "l1.input"}
//       CHECK:   %[[S:.*]] = arith.constant dense<2.000000e-02> : tensor<f32>
//       CHECK:   %[[Q:.*]] = qf.quantize %[[O]] scales(%[[S]] : tensor<f32>) : tensor<8x4xf32> -> !qf.qtensor<8x4xf32, #qf.scheme<i8>>
//       CHECK:   qf.matmul %[[Q]], %{{.*}} acc(i32) {qf.activation_scale = 2.000000e-02 : f32} : !qf.qtensor<8x4xf32, #qf.scheme<i8>>, !qf.qtensor<4x3xf32, #qf.scheme<i4, axis = 1>> -> tensor<8x3xf32>
// A float-weight matmul (fp8 weights) is left alone.
//       CHECK:   qf.matmul %[[O]], %{{.*}} acc(f32) : tensor<8x4xf32>, !qf.qtensor<4x3xf32, #qf.scheme<f8E4M3FN>>
// percentile=0.5: 16 of the 32 |x| are <= 0.8858; the first bin edge (bins
// of 2.54 / 2048) above it is 715 x 0.00124023 = 0.88677, / 127 = 0.0069824.
// PCT: qf.activation_scale = 0.00698242197 : f32
// ZERO: error: qf-quantize-activations: activations of 'l1.input' are all zero (or not finite): no scale
// DTYPE: error: qf-quantize-activations: activations of 'l1.input': {{.*}}l1.input.npy: expected float32 activations with last dimension 4, got 8x4 float64
// MISSING: error: qf-quantize-activations: activations of 'l1.input': {{.*}}l1.input.npy
// NODIR: qf-quantize-activations: no statistics for 'l1.input': run -qf-attach-calibration first, or give calibration=<dir> with the observed activations (<name>.npy)
// METHOD: qf-quantize-activations: method must be minmax, percentile, mse, entropy or dynamic, got 'kl'
func.func @layer(%x: tensor<8x4xf32>, %w: !qf.qtensor<4x3xf32, #qf.scheme<i4, axis = 1>>, %f: !qf.qtensor<4x3xf32, #qf.scheme<f8E4M3FN>>) -> (tensor<8x3xf32>, tensor<8x3xf32>) {
  %o = qf.observe %x {name = "l1.input"} : tensor<8x4xf32>
  %y = qf.matmul %o, %w acc(f32) : tensor<8x4xf32>, !qf.qtensor<4x3xf32, #qf.scheme<i4, axis = 1>> -> tensor<8x3xf32>
  %z = qf.matmul %o, %f acc(f32) : tensor<8x4xf32>, !qf.qtensor<4x3xf32, #qf.scheme<f8E4M3FN>> -> tensor<8x3xf32>
  return %y, %z : tensor<8x3xf32>, tensor<8x3xf32>
}
