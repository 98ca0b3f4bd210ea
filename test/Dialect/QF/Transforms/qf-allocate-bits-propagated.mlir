// -qf-allocate-bits{objective=propagated} with gains from a calibration run
// with --sensitivity. The last layer of calib-model.mlir feeds the output
// directly, so its gain is 1 (the output error is its own error); the
// choice's error is gain x tr(ΔW H ΔWᵀ).
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python -c "import numpy as np; g = np.random.default_rng(0); np.save('%t/x.npy', g.standard_normal((64, 3)).astype(np.float32))"
// RUN: qforge-run %S/Inputs/calib-model.mlir --calibrate %t/cal.safetensors --input %t/x.npy --sensitivity --progress off
// RUN: qforge-opt %S/Inputs/calib-model.mlir -qf-instrument -qf-attach-calibration=file=%t/cal.safetensors -o %t/attached.mlir
// RUN: FileCheck %s --check-prefix=GAIN < %t/attached.mlir
// RUN: qforge-opt %t/attached.mlir -qf-quantize-weights -qf-allocate-bits="budget=20 objective=propagated" | FileCheck %s
// GAIN: qf.observe %arg0 {name = "fc1.input", qf.calibration = {{{.*}}gain = {{[0-9.e+-]+}} : f64, gain_bits = 4 : i64, gain_probe = {{[0-9.e+-]+}} : f64
// GAIN: qf.observe {{.*}} {name = "fc2.input", qf.calibration = {{{.*}}gain = {{(9.99999|1.0000)[0-9]*}}{{(e-01)?}} : f64, gain_bits = 4 : i64
// CHECK-COUNT-2: qf.quantize {{.*}} {qf.alloc_bits = {{.*}}, qf.alloc_error = {{.*}}}
