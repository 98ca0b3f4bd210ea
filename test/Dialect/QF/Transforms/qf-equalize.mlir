// -qf-equalize on the small two-layer model of Inputs/calib-model.mlir with
// statistics from a calibration run: AWQ and SmoothQuant scale the weights
// and insert X * (1/s) before each observe; the float function is
// unchanged (checked by running both on the same random input); then the
// option errors.
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python -c "import numpy as np; g = np.random.default_rng(0); x = g.standard_normal((64, 3)).astype(np.float32) * np.array([0.1, 1.0, 8.0], np.float32); np.save('%t/x.npy', x); np.save('%t/x4.npy', x[:4])"
// RUN: qforge-run %S/Inputs/calib-model.mlir --calibrate %t/cal.safetensors --input %t/x.npy --progress off
// RUN: qforge-opt %S/Inputs/calib-model.mlir -qf-instrument -qf-attach-calibration=file=%t/cal.safetensors -qf-equalize="bits=2 grid=10" -o %t/awq.mlir
// RUN: FileCheck %s --check-prefix=AWQ < %t/awq.mlir
// RUN: qforge-opt %S/Inputs/calib-model.mlir -qf-instrument -qf-attach-calibration=file=%t/cal.safetensors -qf-equalize=method=smoothquant -o %t/sq.mlir
// RUN: FileCheck %s --check-prefix=SQ < %t/sq.mlir
// RUN: qforge-run %S/Inputs/calib-model.mlir --input %t/x4.npy --output %t/ref.npy
// RUN: qforge-run %t/awq.mlir --input %t/x4.npy --compare %t/ref.npy --rtol 1e-5 --atol 1e-5
// RUN: qforge-run %t/sq.mlir --input %t/x4.npy --compare %t/ref.npy --rtol 1e-5 --atol 1e-5
// With a ReLU producing fc2's input, the scaling is folded into it.
// RUN: qforge-run %S/Inputs/calib-model-relu.mlir --calibrate %t/cal-relu.safetensors --input %t/x.npy --progress off
// RUN: qforge-opt %S/Inputs/calib-model-relu.mlir -qf-instrument -qf-attach-calibration=file=%t/cal-relu.safetensors -qf-equalize=method=smoothquant -o %t/relu.mlir
// RUN: FileCheck %s --check-prefix=FOLD < %t/relu.mlir
// RUN: qforge-run %S/Inputs/calib-model-relu.mlir --input %t/x4.npy --output %t/ref-relu.npy
// RUN: qforge-run %t/relu.mlir --input %t/x4.npy --compare %t/ref-relu.npy --rtol 1e-5 --atol 1e-5
// After equalization GPTQ and min/max activation ranges still work from
// the transformed statistics; other range methods need a new calibration.
// RUN: qforge-opt %t/awq.mlir -qf-quantize-weights=bits=2 -qf-round=method=gptq -o /dev/null
// RUN: qforge-opt %t/sq.mlir -qf-quantize-weights=bits=8 -qf-quantize-activations -qf-round -o /dev/null
// RUN: not qforge-opt %t/sq.mlir -qf-quantize-weights=bits=8 -qf-quantize-activations=method=mse 2>&1 | FileCheck %s --check-prefix=NOHIST

// AWQ-LABEL: func.func @main
// AWQ:       %[[INV:.*]] = arith.constant dense<[{{.*}}]> : tensor<3xf32>
// AWQ:       %[[X:.*]] = linalg.generic {{.*}} ins(%arg0, %[[INV]] : tensor<4x3xf32>, tensor<3xf32>)
// AWQ:       arith.mulf
// AWQ:       qf.observe %[[X]] {name = "fc1.input", qf.calibration = {{{.*}}}, qf.equalized = {alpha = {{.*}} : f64, method = "awq"}}
// AWQ-NOT:   histogram =
// SQ:        qf.observe {{.*}} {name = "fc1.input", qf.calibration = {{{.*}}}, qf.equalized = {alpha = 5.000000e-01 : f64, method = "smoothquant"}}
// FOLD-LABEL: func.func @main
// FOLD:       linalg.generic {{.*}} ins(%arg0, %{{.*}} : tensor<4x3xf32>, tensor<3xf32>)
// FOLD:       linalg.matmul
// FOLD:       linalg.generic {{.*}} ins(%{{.*}}, %{{.*}} : tensor<4x4xf32>, tensor<4xf32>)
// FOLD-NEXT:  ^bb0
// FOLD-NEXT:    arith.maximumf
// FOLD-NEXT:    arith.mulf
// FOLD:       qf.observe
// FOLD-NOT:   linalg.generic
// NOHIST: qf-quantize-activations: the statistics of 'fc1.input' have no histogram (they were transformed by -qf-equalize); use method=minmax, or calibrate the equalized model

// RUN: split-file %s %t/split
// RUN: qforge-opt %t/split/method.mlir -qf-equalize=method=gptq -verify-diagnostics
// RUN: qforge-opt %t/split/alpha.mlir -qf-equalize="method=smoothquant alpha=1.5" -verify-diagnostics

//--- method.mlir
// expected-error @+1 {{qf-equalize: method must be awq or smoothquant, got 'gptq'}}
module {
}

//--- alpha.mlir
// expected-error @+1 {{qf-equalize: alpha must be in [0, 1]}}
module {
}
