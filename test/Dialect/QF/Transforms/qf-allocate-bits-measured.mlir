// -qf-allocate-bits{objective=measured}: every candidate's error comes from
// a table of measured output errors ({"layers": {NAME: {CANDIDATE: error}}},
// what `qforge quantize --alloc-objective measured` measures), keyed by the
// layer's name (its matmul's location name) and the candidate as written. Two 4x16 weights with
// per-tensor f32 scales: widths 2 and 4 cost 160 and 288 bits. With a budget
// of 3.5 bits per weight (448 bits) one layer gets 4 bits: the table decides
// which, against the weights themselves (%b is exact at every width).
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python -c "import json; json.dump({'layers': {'la': {'2': 1.0, '4': 0.9}, 'lb': {'2': 5.0, '4': 0.1}}}, open('%t/t.json', 'w'))"
// RUN: qforge-opt %s -qf-allocate-bits="budget=3.5 candidates=2,4 objective=measured errors=%t/t.json" | FileCheck %s
// CHECK: qf.quantize {{.*}} {qf.alloc_bits = 1.600000e+02 : f64, qf.alloc_error = 1.000000e+00 : f64, qf.alloc_objective = "measured"} : tensor<4x16xf32> -> !qf.qtensor<4x16xf32, #qf.scheme<i2>>
// CHECK: qf.quantize {{.*}} {qf.alloc_bits = 2.880000e+02 : f64, qf.alloc_error = 1.000000e-01 : f64, qf.alloc_objective = "measured"} : tensor<4x16xf32> -> !qf.qtensor<4x16xf32, #qf.scheme<i4>>
//
// Errors: no table; a missing or malformed file; a table without the layer
// or without a candidate's error.
// RUN: not qforge-opt %s -qf-allocate-bits="budget=3.5 objective=measured" 2>&1 | FileCheck %s --check-prefix=NOFILE
// NOFILE: error: qf-allocate-bits: objective=measured needs errors=FILE (the measured output error of every layer and candidate)
// RUN: not qforge-opt %s -qf-allocate-bits="budget=3.5 objective=measured errors=%t/none.json" 2>&1 | FileCheck %s --check-prefix=MISSING
// MISSING: error: qf-allocate-bits: {{.*}}none.json: {{.*}}
// RUN: echo '{"layers": [1, 2' > %t/bad.json
// RUN: not qforge-opt %s -qf-allocate-bits="budget=3.5 objective=measured errors=%t/bad.json" 2>&1 | FileCheck %s --check-prefix=BADJSON
// BADJSON: error: qf-allocate-bits: {{.*}}bad.json: not JSON:
// RUN: echo '{"layers": [1, 2]}' > %t/shape.json
// RUN: not qforge-opt %s -qf-allocate-bits="budget=3.5 objective=measured errors=%t/shape.json" 2>&1 | FileCheck %s --check-prefix=SHAPE
// SHAPE: error: qf-allocate-bits: {{.*}}shape.json: expected {"layers": {NAME: {CANDIDATE: error, ...}, ...}}
// RUN: %python -c "import json; json.dump({'layers': {'la': {'2': 1.0, '4': 0.9}}}, open('%t/nolayer.json', 'w')); json.dump({'layers': {'la': {'2': 1.0, '4': 0.9}, 'lb': {'2': 5.0}}}, open('%t/nocand.json', 'w'))"
// RUN: qforge-opt %s -qf-allocate-bits="budget=3.5 candidates=2,4 objective=measured errors=%t/nolayer.json" -verify-diagnostics -o /dev/null
// RUN: not qforge-opt %s -qf-allocate-bits="budget=3.5 candidates=2,4 objective=measured errors=%t/nocand.json" 2>&1 | FileCheck %s --check-prefix=NOCAND
// NOCAND: error: qf-allocate-bits: {{.*}}nocand.json has no measured error (a number >= 0) for candidate '4' of layer 'lb'

func.func @two_layers(%x: tensor<2x4xf32>) -> (tensor<2x16xf32>, tensor<2x16xf32>) {
  %a = arith.constant dense<[[0.9, -0.7, 0.3, 0.1, -0.5, 0.6, 0.2, -0.8, 0.4, -0.1, 0.7, -0.3, 0.5, 0.05, -0.9, 0.25],
                             [0.15, -0.35, 0.55, -0.75, 0.95, -0.05, 0.45, -0.65, 0.85, -0.25, 0.35, -0.45, 0.65, -0.85, 0.1, -0.2],
                             [0.3, 0.6, -0.9, 0.2, -0.4, 0.8, -0.1, 0.5, -0.7, 0.9, -0.3, 0.1, -0.6, 0.4, -0.8, 0.7],
                             [-0.2, 0.4, -0.6, 0.8, -0.15, 0.35, -0.55, 0.75, -0.95, 0.05, 0.25, -0.45, 0.65, -0.85, 0.3, -0.1]]> : tensor<4x16xf32>
  %b = arith.constant dense<0.5> : tensor<4x16xf32>
  %qa = qf.quantize %a : tensor<4x16xf32> -> !qf.qtensor<4x16xf32, #qf.scheme<i8>>
  // expected-error @+1 {{has no measured errors for layer 'lb'}}
  %qb = qf.quantize %b : tensor<4x16xf32> -> !qf.qtensor<4x16xf32, #qf.scheme<i8>>
  %ya = qf.matmul %x, %qa acc(f32) : tensor<2x4xf32>, !qf.qtensor<4x16xf32, #qf.scheme<i8>> -> tensor<2x16xf32> loc("la")
  %yb = qf.matmul %x, %qb acc(f32) : tensor<2x4xf32>, !qf.qtensor<4x16xf32, #qf.scheme<i8>> -> tensor<2x16xf32> loc("lb")
  return %ya, %yb : tensor<2x16xf32>, tensor<2x16xf32>
}
