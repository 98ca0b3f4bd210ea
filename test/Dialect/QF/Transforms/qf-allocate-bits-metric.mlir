// qf-allocate-bits{objective=propagated} with the other gains of a
// calibration run: metric=kl prices every candidate with the KL gain (the
// KL divergence of the model's softmax per unit of layer objective), and
// float-format candidates use the multiplicative-noise gain of the fp4
// e2m1 probe (--sensitivity-float), or, without it, the additive gain with
// a warning. Input: Inputs/calib-model.mlir, whose fc2 feeds the output, so
// both of its MSE gains are 1.
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python -c "import numpy as np; g = np.random.default_rng(0); np.save('%t/x.npy', g.standard_normal((64, 3)).astype(np.float32))"
// RUN: qforge-run %S/Inputs/calib-model.mlir --calibrate %t/cal.safetensors --input %t/x.npy --sensitivity --sensitivity-float --progress off
// RUN: qforge-run %S/Inputs/calib-model.mlir --calibrate %t/cal-int.safetensors --input %t/x.npy --sensitivity --progress off
// RUN: qforge-opt %S/Inputs/calib-model.mlir -qf-instrument -qf-attach-calibration=file=%t/cal.safetensors -qf-quantize-weights -o %t/q.mlir
// RUN: qforge-opt %S/Inputs/calib-model.mlir -qf-instrument -qf-attach-calibration=file=%t/cal-int.safetensors -qf-quantize-weights -o %t/q-int.mlir
// RUN: FileCheck %s --check-prefix=GAIN < %t/q.mlir
// RUN: FileCheck %s --check-prefix=GAIN-INT < %t/q-int.mlir
//
// With a budget that takes 8 bits everywhere under both metrics, each
// layer's predicted error under metric=kl is its MSE one times
// gain_kl / gain.
// RUN: qforge-opt %t/q.mlir -qf-allocate-bits="budget=20 objective=propagated" -o %t/mse.mlir
// RUN: qforge-opt %t/q.mlir -qf-allocate-bits="budget=20 objective=propagated metric=kl" -o %t/kl.mlir
// RUN: %python %S/Inputs/check_alloc_gains.py %t/q.mlir %t/mse.mlir %t/kl.mlir gain_kl gain | FileCheck %s --check-prefix=RATIO
// RATIO: 2 layers priced with gain_kl / gain
//
// fp8 candidates: the multiplicative gain when measured, else the additive
// gain and a warning.
// RUN: qforge-opt %t/q.mlir -qf-allocate-bits="budget=20 objective=propagated candidates=fp8" -o %t/fp8.mlir 2>&1 | count 0
// RUN: qforge-opt %t/q-int.mlir -qf-allocate-bits="budget=20 objective=propagated candidates=fp8" -o %t/fp8-int.mlir 2>&1 | FileCheck %s --check-prefix=WARN
// RUN: %python %S/Inputs/check_alloc_gains.py %t/q.mlir %t/fp8-int.mlir %t/fp8.mlir gain_mult gain | FileCheck %s --check-prefix=MULT
// MULT: 2 layers priced with gain_mult / gain
// -qf-analyze-error predicts float-format layers with the same gain.
// RUN: qforge-opt %t/fp8.mlir -qf-analyze-error=report=%t/fp8.json -o /dev/null 2>/dev/null
// RUN: %python -c "import json, re; g = [float(v) for v in re.findall(r'gain_mult = ([0-9.eE+-]+) : f64', open('%t/q.mlir').read())]; r = json.load(open('%t/fp8.json')); print([l['scheme'] for l in r['layers']], [abs(l['gain'] - x) <= 1e-12 * x for l, x in zip(r['layers'], g)])" | FileCheck %s --check-prefix=ANALYZE
// ANALYZE: ['#qf.scheme<f8E4M3FN, axis = 1>', '#qf.scheme<f8E4M3FN, axis = 1>'] [True, True]
// WARN: warning: qf-allocate-bits: float-format candidates are priced with the additive-noise gain: the calibration has no multiplicative (fp4 probe) gain; calibrate with --sensitivity-float
//
// Errors: an unknown metric; metric=kl on a calibration without KL gains
// (the attribute as older calibration files give it); --sensitivity-float
// alone.
// RUN: not qforge-opt %t/q.mlir -qf-allocate-bits="budget=20 objective=propagated metric=nll" 2>&1 | FileCheck %s --check-prefix=METRIC
// METRIC: error: qf-allocate-bits: metric must be mse or kl, got 'nll'
// RUN: %python -c "import re, sys; s = open('%t/q-int.mlir').read(); s = re.sub(r'gain_kl = [^,]*, ', '', s); s = s.replace('    %%1 = qf.quantize', '    // expected-error @+1 {{metric=kl needs the KL gain}}\n    %%1 = qf.quantize', 1); open('%t/nokl.mlir', 'w').write(s)"
// RUN: qforge-opt %t/nokl.mlir -qf-allocate-bits="budget=20 objective=propagated metric=kl" -verify-diagnostics -o /dev/null
// RUN: not qforge-run %S/Inputs/calib-model.mlir --calibrate %t/x.safetensors --input %t/x.npy --sensitivity-float 2>&1 | FileCheck %s --check-prefix=FLOAT
// FLOAT: qforge-run: error: --sensitivity-float needs --sensitivity

// GAIN: name = "fc1.input", qf.calibration = {{{.*}}gain_kl = {{[0-9.eE+-]+}} : f64, gain_mult = {{[0-9.eE+-]+}} : f64, gain_mult_kl = {{[0-9.eE+-]+}} : f64, gain_mult_probe = {{[0-9.eE+-]+}} : f64, gain_probe
// GAIN: name = "fc2.input", qf.calibration = {{{.*}}gain = {{(9.99999|1.0000)[0-9]*}}{{(E-1)?}} : f64, gain_bits = 4 : i64, gain_kl = {{[0-9.eE+-]+}} : f64, gain_mult = {{(9.99999|1.0000)[0-9]*}}{{(E-1)?}} : f64
// GAIN-INT: name = "fc1.input", qf.calibration = {{{.*}}gain_kl = {{[0-9.eE+-]+}} : f64, gain_probe
// GAIN-INT-NOT: gain_mult
