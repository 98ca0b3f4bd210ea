// -qf-attach-calibration: a calibration run (qforge-run --calibrate) over 10
// samples of a small model, attached to the instrumented model; then the
// errors: no file, a missing, corrupt or foreign file, another model, and a
// module that observes nothing. Each error leaves the module unchanged.
// RUN: rm -rf %t && split-file %s %t
// RUN: %python -c "import numpy as np; np.save('%t/x.npy', np.arange(30, dtype=np.float32).reshape(10, 3) / 7 - 2)"
// RUN: qforge-run %S/Inputs/calib-model.mlir --calibrate %t/cal.safetensors --input %t/x.npy | FileCheck %s --check-prefix=SUMMARY
// RUN: qforge-opt %S/Inputs/calib-model.mlir -qf-instrument -qf-attach-calibration=file=%t/cal.safetensors | FileCheck %s
// RUN: qforge-opt %S/Inputs/calib-model.mlir -qf-instrument -qf-attach-calibration=file=%t/cal.safetensors -qf-quantize-weights=bits=4 -qf-round=method=gptq | FileCheck %s --check-prefix=GPTQ

// SUMMARY: calibrated 10 samples in 3 batch(es) of 4: 2 observed tensors
// CHECK-LABEL: func.func @main
// CHECK: qf.observe %arg0 {name = "fc1.input", qf.calibration = {abs_max = 2.1428570747375488 : f64, gram = dense_resource<fc1.input.gram> : tensor<3x3xf64>, histogram = dense_resource<fc1.input.histogram> : tensor<2048xi64>, histogram_upper = 4.000000e+00 : f64, max = 2.1428570747375488 : f64, max_abs = dense_resource<fc1.input.max_abs> : tensor<3xf64>, mean_abs = dense_resource<fc1.input.mean_abs> : tensor<3xf64>, mean_sq = dense_resource<fc1.input.mean_sq> : tensor<3xf64>, min = -2.000000e+00 : f64, nans = 0 : i64, rows = 10 : i64}}
// CHECK: qf.observe %{{.*}} {name = "fc2.input", qf.calibration = {{{.*}}gram = dense_resource<fc2.input.gram> : tensor<4x4xf64>{{.*}}rows = 10 : i64}}
// GPTQ-COUNT-2: qf.constant {{.*}} {qf.round_error = {{.*}}}

// RUN: qforge-opt %t/observed.mlir -qf-attach-calibration -verify-diagnostics
// RUN: qforge-opt %t/missing.mlir -qf-attach-calibration=file=%t/missing.safetensors -verify-diagnostics
// RUN: %python -c "d = open('%t/cal.safetensors', 'rb').read(); open('%t/trunc.safetensors', 'wb').write(d[:len(d) // 2])"
// RUN: qforge-opt %t/truncated.mlir -qf-attach-calibration=file=%t/trunc.safetensors -verify-diagnostics
// RUN: %python -c "import json, struct; h = json.dumps({'__metadata__': {'format': 'pt'}, 'w': {'dtype': 'F32', 'shape': [1], 'data_offsets': [0, 4]}}).encode(); open('%t/foreign.safetensors', 'wb').write(struct.pack('<Q', len(h)) + h + bytes(4))"
// RUN: qforge-opt %t/foreign.mlir -qf-attach-calibration=file=%t/foreign.safetensors -verify-diagnostics
// RUN: qforge-opt %S/Inputs/calib-model-other.mlir -qf-instrument -o %t/other-instrumented.mlir
// RUN: cat %t/other-header.mlir %t/other-instrumented.mlir > %t/other.mlir
// RUN: qforge-opt %t/other.mlir -qf-attach-calibration=file=%t/cal.safetensors -verify-diagnostics
// RUN: qforge-opt %t/nothing.mlir -qf-attach-calibration=file=%t/cal.safetensors -verify-diagnostics

//--- observed.mlir
// expected-error @+1 {{qf-attach-calibration: file=<calibration .safetensors> is required}}
module {
  func.func @f(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
    %o = qf.observe %x {name = "fc1.input"} : tensor<2x3xf32>
    return %o : tensor<2x3xf32>
  }
}

//--- missing.mlir
// expected-error-re @+1 {{qf-attach-calibration: {{.*}}missing.safetensors: cannot open: No such file or directory}}
module {
  func.func @f(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
    %o = qf.observe %x {name = "fc1.input"} : tensor<2x3xf32>
    return %o : tensor<2x3xf32>
  }
}

//--- truncated.mlir
// expected-error-re @+1 {{qf-attach-calibration: {{.*}}trunc.safetensors: tensor '{{.*}}': data_offsets [{{.*}}] lie outside the {{[0-9]+}} data bytes (truncated?)}}
module {
  func.func @f(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
    %o = qf.observe %x {name = "fc1.input"} : tensor<2x3xf32>
    return %o : tensor<2x3xf32>
  }
}

//--- foreign.mlir
// expected-error-re @+1 {{qf-attach-calibration: {{.*}}foreign.safetensors: not a qforge calibration file (metadata 'format' is not 'qforge-calibration')}}
module {
  func.func @f(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
    %o = qf.observe %x {name = "fc1.input"} : tensor<2x3xf32>
    return %o : tensor<2x3xf32>
  }
}

//--- other-header.mlir
// expected-error-re @+2 {{qf-attach-calibration: {{.*}}cal.safetensors was made for another model (model fingerprint {{[0-9a-f]+}}, this module's is {{[0-9a-f]+}}): observed names, channel counts or weights differ}}

//--- nothing.mlir
// expected-error @+1 {{qf-attach-calibration: the module observes nothing (run -qf-instrument first)}}
module {
  func.func @f(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
    return %x : tensor<2x3xf32>
  }
}
