// -qf-mark-quantizable: choosing layers by glob patterns and a JSON recipe,
// and what -qf-quantize-weights, -qf-instrument and -qf-allocate-bits make
// of the marks; then every error.
// RUN: rm -rf %t && split-file %s %t
// RUN: qforge-opt %t/model.mlir -qf-mark-quantizable="exclude=head.*" | FileCheck %s --check-prefix=MARK
// RUN: qforge-opt %t/model.mlir -qf-mark-quantizable="include=blocks.0.* exclude=*.fc1.*" | FileCheck %s --check-prefix=INCL
// RUN: qforge-opt %t/model.mlir -qf-mark-quantizable=recipe=%t/recipe.json -qf-instrument -qf-quantize-weights=bits=4 | FileCheck %s --check-prefix=RECIPE
// RUN: qforge-opt %t/model.mlir -qf-mark-quantizable=recipe=%t/recipe.json -qf-quantize-weights -qf-allocate-bits=budget=19 | FileCheck %s --check-prefix=ALLOC

// MARK-LABEL: func.func @model
// MARK:       linalg.matmul {qf.quantizable = {layer = "blocks.0.q.MatMul"}}
// MARK:       linalg.matmul {qf.quantizable = {layer = "blocks.0.fc1.MatMul"}}
// MARK:       linalg.matmul {qf.quantizable = false}
// MARK:       linalg.matmul ins(%arg0, %arg1
// MARK-NOT:   qf.quantizable

// INCL:       {qf.quantizable = {layer = "blocks.0.q.MatMul"}}
// INCL:       {qf.quantizable = false}
// INCL:       {qf.quantizable = false}

// The recipe excludes the head, puts fc1 at 8 bits and q in groups of 2.
// RECIPE-LABEL: func.func @model
// RECIPE:       qf.observe %arg0 {name = "blocks.0.q.MatMul.input"}
// RECIPE:       qf.quantize {{.*}} -> !qf.qtensor<4x4xf32, #qf.scheme<i4, axis = 0, group = 2>>
// RECIPE:       qf.observe {{.*}} {name = "blocks.0.fc1.MatMul.input"}
// RECIPE:       qf.quantize {{.*}} {qf.fixed_width} : tensor<4x4xf32> -> !qf.qtensor<4x4xf32, #qf.scheme<i8, axis = 1>>
// RECIPE-NOT:   qf.observe
// RECIPE:       linalg.matmul {qf.quantizable = false}

// -qf-allocate-bits leaves the fixed 8-bit layer alone (the budget of 19
// bits per weight, scales included, is spent on the other).
// ALLOC: qf.alloc_bits = 3.040000e+02 {{.*}} #qf.scheme<i3, axis = 0, group = 2>
// ALLOC: {qf.fixed_width} : tensor<4x4xf32> -> !qf.qtensor<4x4xf32, #qf.scheme<i8, axis = 1>>

// RUN: qforge-opt %t/nomatch.mlir -qf-mark-quantizable="exclude=decoder.*" -verify-diagnostics
// RUN: qforge-opt %t/missing.mlir -qf-mark-quantizable=recipe=%t/missing.json -verify-diagnostics
// RUN: qforge-opt %t/badjson.mlir -qf-mark-quantizable=recipe=%t/bad.json -verify-diagnostics
// RUN: qforge-opt %t/badkey.mlir -qf-mark-quantizable=recipe=%t/badkey.json -verify-diagnostics
// RUN: qforge-opt %t/badbits.mlir -qf-mark-quantizable=recipe=%t/badbits.json -verify-diagnostics
// RUN: qforge-opt %t/none.mlir -qf-mark-quantizable -verify-diagnostics

//--- model.mlir
func.func @model(%x: tensor<2x4xf32>, %rw: tensor<4x4xf32>) -> (tensor<2x4xf32>, tensor<2x4xf32>) {
  %wq = arith.constant dense<[[0.5, -1.0, 0.25, 2.0], [1.0, 0.5, -0.5, 0.0], [-0.25, 0.75, 1.0, -1.0], [0.1, 0.2, 0.3, 0.4]]> : tensor<4x4xf32>
  %w1 = arith.constant dense<[[1.0, -1.0, 0.5, 0.25], [0.5, 0.5, -2.0, 1.0], [-2.0, 1.0, 0.25, 0.0], [0.25, 0.0, 1.0, -1.0]]> : tensor<4x4xf32>
  %wh = arith.constant dense<0.5> : tensor<4x4xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<2x4xf32>
  %i = linalg.fill ins(%zero : f32) outs(%e : tensor<2x4xf32>) -> tensor<2x4xf32>
  %q = linalg.matmul ins(%x, %wq : tensor<2x4xf32>, tensor<4x4xf32>) outs(%i : tensor<2x4xf32>) -> tensor<2x4xf32> loc("/blocks.0/q/MatMul")
  %h = linalg.matmul ins(%q, %w1 : tensor<2x4xf32>, tensor<4x4xf32>) outs(%i : tensor<2x4xf32>) -> tensor<2x4xf32> loc("/blocks.0/fc1/MatMul")
  %y = linalg.matmul ins(%h, %wh : tensor<2x4xf32>, tensor<4x4xf32>) outs(%i : tensor<2x4xf32>) -> tensor<2x4xf32> loc("/head/MatMul")
  %r = linalg.matmul ins(%x, %rw : tensor<2x4xf32>, tensor<4x4xf32>) outs(%i : tensor<2x4xf32>) -> tensor<2x4xf32>
  return %y, %r : tensor<2x4xf32>, tensor<2x4xf32>
}

//--- recipe.json
{
  "exclude": ["head.*"],
  "layers": [
    {"match": "*.fc1.*", "bits": 8},
    {"match": "blocks.*", "group": 2}
  ]
}

//--- bad.json
{"exclude": ["head.*"

//--- badkey.json
{"exclude": [], "layer": []}

//--- badbits.json
{"layers": [{"match": "*", "bits": 9}]}

//--- nomatch.mlir
// expected-error @+1 {{qf-mark-quantizable: pattern 'decoder.*' matches no layer (layers: fc)}}
module {
  func.func @f(%x: tensor<2x4xf32>) -> tensor<2x4xf32> {
    %w = arith.constant dense<0.5> : tensor<4x4xf32>
    %zero = arith.constant 0.0 : f32
    %e = tensor.empty() : tensor<2x4xf32>
    %i = linalg.fill ins(%zero : f32) outs(%e : tensor<2x4xf32>) -> tensor<2x4xf32>
    %y = linalg.matmul ins(%x, %w : tensor<2x4xf32>, tensor<4x4xf32>) outs(%i : tensor<2x4xf32>) -> tensor<2x4xf32> loc("fc")
    return %y : tensor<2x4xf32>
  }
}

//--- missing.mlir
// expected-error-re @+1 {{qf-mark-quantizable: {{.*}}missing.json: cannot open: No such file or directory}}
module {
  func.func @f(%x: tensor<2x4xf32>) -> tensor<2x4xf32> {
    return %x : tensor<2x4xf32>
  }
}

//--- badjson.mlir
// expected-error-re @+1 {{qf-mark-quantizable: {{.*}}bad.json: invalid JSON: {{.*}}}}
module {
  func.func @f(%x: tensor<2x4xf32>) -> tensor<2x4xf32> {
    return %x : tensor<2x4xf32>
  }
}

//--- badkey.mlir
// expected-error-re @+1 {{qf-mark-quantizable: {{.*}}badkey.json: unknown key 'layer' (expected include, exclude, layers)}}
module {
  func.func @f(%x: tensor<2x4xf32>) -> tensor<2x4xf32> {
    return %x : tensor<2x4xf32>
  }
}

//--- badbits.mlir
// expected-error-re @+1 {{qf-mark-quantizable: {{.*}}badbits.json: layers[0]: bits must be 1..8, got 9}}
module {
  func.func @f(%x: tensor<2x4xf32>) -> tensor<2x4xf32> {
    return %x : tensor<2x4xf32>
  }
}

//--- none.mlir
// expected-error @+1 {{qf-mark-quantizable: the module has no matmul with constant weights}}
module {
  func.func @f(%x: tensor<2x4xf32>) -> tensor<2x4xf32> {
    return %x : tensor<2x4xf32>
  }
}
