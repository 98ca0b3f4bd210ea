// RUN: rm -rf %t && mkdir -p %t/ok %t/bad
// RUN: %python -c "import numpy as np; np.save('%t/ok/l1.input.npy', np.eye(4, dtype=np.float32)); np.save('%t/bad/l1.input.npy', np.ones((2, 5), np.float32))"
// With X = I (H = I / 4, no correlations) GPTQ has no error to spread and
// gives round-to-nearest's codes and scales; its qf.round_error is
// tr(ΔW H ΔWᵀ) = ||ΔW||² / 4.
// RUN: qforge-opt %s -qf-round | grep -o 'qf.constant dense<[^>]*>' > %t/rtn.txt
// RUN: qforge-opt %s -qf-round="method=gptq calibration=%t/ok" | grep -o 'qf.constant dense<[^>]*>' > %t/gptq.txt
// RUN: diff %t/rtn.txt %t/gptq.txt
// RUN: qforge-opt %s -qf-round | FileCheck %s --check-prefix=RTN
// RUN: qforge-opt %s -qf-round="method=gptq calibration=%t/ok" | FileCheck %s --check-prefix=GPTQ
// RUN: not qforge-opt %s -qf-round="method=gptq calibration=%t/bad" 2>&1 | FileCheck %s --check-prefix=SHAPE
// RUN: not qforge-opt %s -qf-round="method=gptq calibration=%t/none" 2>&1 | FileCheck %s --check-prefix=MISSING
// RUN: not qforge-opt %s -qf-round="method=gptq" 2>&1 | FileCheck %s --check-prefix=NODIR
// RUN: not qforge-opt %s -qf-round="method=obq" 2>&1 | FileCheck %s --check-prefix=METHOD
// RUN: not qforge-opt %s -qf-round="method=adaround" 2>&1 | FileCheck %s --check-prefix=NODIR-ADA
// AdaRound with H = I / 4 learns to round every weight to its nearest
// code: the same blob as round-to-nearest.
// RUN: qforge-opt %s -qf-round="method=adaround calibration=%t/ok iterations=200" | grep -o 'qf.constant dense<[^>]*>' > %t/ada.txt
// RUN: diff %t/rtn.txt %t/ada.txt
// RUN: qforge-opt %S/Inputs/round-unobserved.mlir -qf-round="method=gptq calibration=%t/ok" -verify-diagnostics

// RTN: qf.constant {{.*}}qf.round_error = {{[0-9.e+-]+}} : f64
// GPTQ: qf.constant {{.*}}qf.round_error = {{[0-9.e+-]+}} : f64
// SHAPE: error: qf-round: activations of 'l1.input': {{.*}}l1.input.npy: expected float32 activations with last dimension 4, got 2x5 float32
// MISSING: error: qf-round: activations of 'l1.input': {{.*}}none{{/|\\}}l1.input.npy
// NODIR: qf-round: method=gptq needs the Hessian of 'l1.input': run -qf-attach-calibration first, or give calibration=<dir> with the observed activations (<name>.npy)
// NODIR-ADA: qf-round: method=adaround needs the Hessian of 'l1.input': run -qf-attach-calibration first
// METHOD: qf-round: method must be rtn, gptq or adaround, got 'obq'
func.func @layer(%x: tensor<2x4xf32>) -> tensor<2x3xf32> {
  %w = arith.constant dense<[[0.3, -0.7, 0.1], [1.2, 0.05, -0.4], [-0.9, 0.6, 0.25], [0.15, -1.1, 0.8]]> : tensor<4x3xf32>
  %q = qf.quantize %w : tensor<4x3xf32> -> !qf.qtensor<4x3xf32, #qf.scheme<i3, axis = 1>>
  %o = qf.observe %x {name = "l1.input"} : tensor<2x4xf32>
  %y = qf.matmul %o, %q acc(f32) : tensor<2x4xf32>, !qf.qtensor<4x3xf32, #qf.scheme<i3, axis = 1>> -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}
