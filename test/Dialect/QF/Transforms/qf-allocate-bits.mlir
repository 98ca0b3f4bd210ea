// RUN: qforge-opt %s -split-input-file -qf-allocate-bits="budget=6" | FileCheck %s --check-prefix=B6
// RUN: qforge-opt %s -split-input-file -qf-allocate-bits="budget=4" | FileCheck %s --check-prefix=B4
// RUN: not qforge-opt %s -split-input-file -qf-allocate-bits="budget=3" 2>/dev/null | FileCheck %s --check-prefix=B3
// RUN: not qforge-opt %s -split-input-file -qf-allocate-bits="budget=3" 2>&1 | FileCheck %s --check-prefix=B3-ERR
// RUN: qforge-opt %s -split-input-file -qf-allocate-bits="budget=4 candidates=2,8" | FileCheck %s --check-prefix=C28
// RUN: not qforge-opt %s -split-input-file -qf-allocate-bits="budget=2.4" 2>&1 | FileCheck %s --check-prefix=BAD-BUDGET
// RUN: not qforge-opt %s -qf-allocate-bits="budget=4 objective=hessian" 2>&1 | FileCheck %s --check-prefix=BAD-OBJ
// RUN: not qforge-opt %s -qf-allocate-bits="budget=4 rounding=adaround" 2>&1 | FileCheck %s --check-prefix=BAD-ROUNDING
// RUN: not qforge-opt %s -qf-allocate-bits="budget=4 rounding=gptq" 2>&1 | FileCheck %s --check-prefix=GPTQ-LOCAL
// RUN: not qforge-opt %s -qf-allocate-bits="budget=4 objective=propagated" 2>&1 | FileCheck %s --check-prefix=PROPAGATED
// RUN: not qforge-opt %s -qf-allocate-bits="budget=4 candidates=4,9" 2>&1 | FileCheck %s --check-prefix=BAD-WIDTH
// RUN: not qforge-opt %s -qf-allocate-bits="budget=4 candidates=4g0" 2>&1 | FileCheck %s --check-prefix=BAD-GROUP
// RUN: not qforge-opt %s -split-input-file -qf-allocate-bits="budget=12 candidates=4g3" 2>&1 | FileCheck %s --check-prefix=NO-FIT
// RUN: qforge-opt %s -split-input-file -qf-allocate-bits="budget=12 candidates=2,4g2" | FileCheck %s --check-prefix=GROUPS
// RUN: not qforge-opt %s -qf-allocate-bits 2>&1 | FileCheck %s --check-prefix=NO-BUDGET
// RUN: qforge-opt %s -split-input-file -qf-allocate-bits="budget=4" -qf-round | FileCheck %s --check-prefix=ROUND

// Two 4x16 weights with per-tensor f32 scales: each candidate stores 64
// codes plus a 32-bit scale, so widths 2, 3, 4, 8 cost 160, 224, 288 and 544
// bits. %b is a splat of 0.5, exact at every width (error 0): it gets the
// cheapest width, 2 bits, and %a gets the widest width the rest of the
// budget pays for. Budget 6 (768 bits): 160 + 544 = 704 fits, %a gets 8 bits.
// Budget 4 (512 bits): 8 bits no longer fits, %a gets 4 bits (448). Budget 3
// (384 bits): %a gets 3 bits, exactly 384. With candidates 2 and 8 only and
// budget 4, %a falls back to 2 bits.
//
// B6-LABEL: func.func @two_layers
//   B6: qf.quantize {{.*}}qf.alloc_bits = 5.440000e+02 : f64{{.*}} -> !qf.qtensor<4x16xf32, #qf.scheme<i8>>
//   B6: qf.quantize {{.*}}qf.alloc_bits = 1.600000e+02 : f64, qf.alloc_error = 0.000000e+00 : f64{{.*}} -> !qf.qtensor<4x16xf32, #qf.scheme<i2>>
// B4-LABEL: func.func @two_layers
//   B4: qf.quantize {{.*}} -> !qf.qtensor<4x16xf32, #qf.scheme<i4>>
//   B4: qf.quantize {{.*}} -> !qf.qtensor<4x16xf32, #qf.scheme<i2>>
// B3-LABEL: func.func @two_layers
//   B3: qf.quantize {{.*}} -> !qf.qtensor<4x16xf32, #qf.scheme<i3>>
//   B3: qf.quantize {{.*}} -> !qf.qtensor<4x16xf32, #qf.scheme<i2>>
// C28-LABEL: func.func @two_layers
//   C28: qf.quantize {{.*}} -> !qf.qtensor<4x16xf32, #qf.scheme<i2>>
//   C28: qf.quantize {{.*}} -> !qf.qtensor<4x16xf32, #qf.scheme<i2>>
// Groups along K are offered only to %a, whose user is a qf.matmul: 4-bit
// codes with groups of 2 cost 256 + 32 x 32 = 1280 bits, and with %b at 2
// bits (160) they fit the budget of 12 x 128 = 1536.
// GROUPS-LABEL: func.func @two_layers
//   GROUPS: qf.quantize {{.*}} -> !qf.qtensor<4x16xf32, #qf.scheme<i4, axis = 0, group = 2>>
//   GROUPS: qf.quantize {{.*}} -> !qf.qtensor<4x16xf32, #qf.scheme<i2>>
// The choice feeds qf-round, which rounds at the chosen width.
// ROUND-LABEL: func.func @two_layers
//   ROUND: qf.constant {{.*}} -> !qf.qtensor<4x16xf32, #qf.scheme<i4>>
//   ROUND: qf.constant {{.*}} -> !qf.qtensor<4x16xf32, #qf.scheme<i2>>
//   ROUND: qf.matmul {{.*}} !qf.qtensor<4x16xf32, #qf.scheme<i4>>
func.func @two_layers(%x: tensor<2x4xf32>, %y: tensor<2x4xf32>) -> (tensor<2x16xf32>, tensor<4x16xf32>) {
  %a = arith.constant dense<[[0.443, 1.192, -0.47, -0.423, 0.402, 0.523, -1.159, -0.537, 1.268, 0.095, -0.544, 0.083, 0.868, -0.526, -1.288, 0.803], [0.608, -0.432, -0.276, 0.844, 0.339, -1.487, 0.001, 0.855, -0.138, -0.521, 0.455, 1.066, -1.05, -0.793, 0.734, 0.212], [-0.546, -0.137, 1.342, -0.164, -1.241, 0.304, 0.467, -0.335, -0.681, 1.044, 0.791, -1.156, -0.246, 0.521, 0.023, -0.941], [0.294, 1.407, -0.58, -0.682, 0.353, 0.377, -0.798, -0.589, 1.42, 0.236, -0.821, 0.036, 0.574, -0.309, -1.226, 0.826]]> : tensor<4x16xf32>
  %b = arith.constant dense<0.5> : tensor<4x16xf32>
  %qa = qf.quantize %a : tensor<4x16xf32> -> !qf.qtensor<4x16xf32, #qf.scheme<i8>>
  %qb = qf.quantize %b : tensor<4x16xf32> -> !qf.qtensor<4x16xf32, #qf.scheme<i8>>
  %ya = qf.matmul %x, %qa acc(f32) : tensor<2x4xf32>, !qf.qtensor<4x16xf32, #qf.scheme<i8>> -> tensor<2x16xf32>
  %db = qf.dequantize %qb : !qf.qtensor<4x16xf32, #qf.scheme<i8>> -> tensor<4x16xf32>
  return %ya, %db : tensor<2x16xf32>, tensor<4x16xf32>
}

// -----

// Quantizes of the same constant are tied (same width); a quantize whose
// result leaves the function keeps its type and is not counted. With 4
// per-row f32 scales, widths 2, 3, 4, 8 cost 256, 320, 384 and 640 bits per
// tensor; the tied pair at 4 bits costs 768, the budget 6 x 128 exactly.
// At 3 bits per weight even 2-bit codes (512 bits) do not fit.
// B3-ERR: error: qf-allocate-bits: a budget of 3 bits per weight (384 bits for 128 weights) cannot be met: budget 384{{.*}} is below the cheapest allocation (512
// B6-LABEL: func.func @tied_and_fixed
//   B6: %[[Q1:.*]] = qf.quantize {{.*}} -> !qf.qtensor<4x16xf32, #qf.scheme<i4, axis = 0>>
//   B6: %[[Q2:.*]] = qf.quantize {{.*}} -> !qf.qtensor<4x16xf32, #qf.scheme<i4, axis = 0>>
//   B6: %[[Q3:.*]] = qf.quantize %{{[a-z_0-9]+}} : tensor<4x16xf32> -> !qf.qtensor<4x16xf32, #qf.scheme<i8>>
//   B6-NOT: qf.alloc_bits
//   B6: return
func.func @tied_and_fixed(%x: tensor<2x4xf32>) -> (tensor<2x16xf32>, tensor<2x16xf32>, !qf.qtensor<4x16xf32, #qf.scheme<i8>>) {
  %a = arith.constant dense<[[0.443, 1.192, -0.47, -0.423, 0.402, 0.523, -1.159, -0.537, 1.268, 0.095, -0.544, 0.083, 0.868, -0.526, -1.288, 0.803], [0.608, -0.432, -0.276, 0.844, 0.339, -1.487, 0.001, 0.855, -0.138, -0.521, 0.455, 1.066, -1.05, -0.793, 0.734, 0.212], [-0.546, -0.137, 1.342, -0.164, -1.241, 0.304, 0.467, -0.335, -0.681, 1.044, 0.791, -1.156, -0.246, 0.521, 0.023, -0.941], [0.294, 1.407, -0.58, -0.682, 0.353, 0.377, -0.798, -0.589, 1.42, 0.236, -0.821, 0.036, 0.574, -0.309, -1.226, 0.826]]> : tensor<4x16xf32>
  %q1 = qf.quantize %a : tensor<4x16xf32> -> !qf.qtensor<4x16xf32, #qf.scheme<i8, axis = 0>>
  %q2 = qf.quantize %a : tensor<4x16xf32> -> !qf.qtensor<4x16xf32, #qf.scheme<i8, axis = 0>>
  %q3 = qf.quantize %a : tensor<4x16xf32> -> !qf.qtensor<4x16xf32, #qf.scheme<i8>>
  %y1 = qf.matmul %x, %q1 acc(f32) : tensor<2x4xf32>, !qf.qtensor<4x16xf32, #qf.scheme<i8, axis = 0>> -> tensor<2x16xf32>
  %y2 = qf.matmul %x, %q2 acc(f32) : tensor<2x4xf32>, !qf.qtensor<4x16xf32, #qf.scheme<i8, axis = 0>> -> tensor<2x16xf32>
  return %y1, %y2, %q3 : tensor<2x16xf32>, tensor<2x16xf32>, !qf.qtensor<4x16xf32, #qf.scheme<i8>>
}

// -----

// BAD-BUDGET: error: qf-allocate-bits: a budget of 2.4 bits per weight (307.2 bits for 128 weights) cannot be met: budget 307.2{{.*}} is below the cheapest allocation (320
// BAD-OBJ: qf-allocate-bits: objective must be local, propagated or measured, got 'hessian'
// BAD-ROUNDING: error: qf-allocate-bits: rounding must be rtn or gptq, got 'adaround'
// GPTQ-LOCAL: error: qf-allocate-bits: rounding=gptq needs objective=propagated (GPTQ needs the Hessian)
// PROPAGATED: qf-allocate-bits: objective=propagated needs the gain and Hessian of this weight's observed input: calibrate with --sensitivity, then -qf-instrument and -qf-attach-calibration before -qf-quantize-weights
// BAD-WIDTH: qf-allocate-bits: bad candidate '9': expected a width 1..8 (a suffix o for the odd grid, n for the narrow one)
// BAD-GROUP: qf-allocate-bits: bad candidate '4g0'
// NO-FIT: error: qf-allocate-bits: none of the candidates fits this weight (each group must divide K; widths must suit the format)
// NO-BUDGET: qf-allocate-bits: budget must be a positive number of bits per weight, got 0
