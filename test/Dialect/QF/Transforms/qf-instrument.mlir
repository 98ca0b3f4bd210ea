// RUN: qforge-opt %s -qf-instrument -mlir-print-debuginfo | FileCheck %s
// RUN: qforge-opt %s -qf-instrument -qf-expose-observed | FileCheck %s --check-prefix=EXPOSE
// RUN: qforge-opt %s -qf-instrument=outputs=true | FileCheck %s --check-prefix=OUT
// RUN: qforge-opt %S/Inputs/expose-called.mlir -split-input-file -qf-expose-observed -verify-diagnostics

// Matmul inputs are observed under the op's location name (the ONNX node
// name), or matmul<i>; a second op with the same name gets "#2"; an
// already observed input and runtime weights are left alone.
// CHECK-LABEL: func.func @mlp
//       CHECK:   %[[O1:.*]] = qf.observe %arg0 {name = "fc1.input"}
//       CHECK:   linalg.matmul ins(%[[O1]], %{{.*}} : tensor<2x4xf32>, tensor<4x3xf32>)
//       CHECK:   %[[O2:.*]] = qf.observe %{{.*}} {name = "fc1.input#2"}
//       CHECK:   %[[O3:.*]] = qf.observe %{{.*}} {name = "matmul0.input"}
//       CHECK:   qf.matmul %[[O3]]
//       CHECK:   %[[O4:.*]] = qf.observe %arg0 {name = "mine"}
//   CHECK-NOT:   qf.observe
//       CHECK:   return
// EXPOSE-LABEL: func.func @mlp
//  EXPOSE-SAME: -> (tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x4xf32> {qf.name = "fc1.input"}, tensor<2x3xf32> {qf.name = "fc1.input#2"}, tensor<2x4xf32> {qf.name = "matmul0.input"}, tensor<2x4xf32> {qf.name = "mine"})
//       EXPOSE:   %[[A:.*]] = qf.observe %arg0 {name = "fc1.input"}
//       EXPOSE:   %[[B:.*]] = qf.observe %{{.*}} {name = "fc1.input#2"}
//       EXPOSE:   %[[C:.*]] = qf.observe %arg0 {name = "matmul0.input"}
//       EXPOSE:   %[[D:.*]] = qf.observe %arg0 {name = "mine"}
//       EXPOSE:   return %{{[0-9]+}}, %{{[0-9]+}}, %{{[0-9]+}}, %{{[0-9]+}}, %{{[0-9]+}}, %[[A]], %[[B]], %[[C]], %[[D]] :
func.func @mlp(%x: tensor<2x4xf32>, %rw: tensor<4x3xf32>) -> (tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>) {
  %w = arith.constant dense<0.5> : tensor<4x3xf32>
  %w2 = arith.constant dense<0.25> : tensor<3x3xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<2x3xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<2x3xf32>) -> tensor<2x3xf32>
  %y1 = linalg.matmul ins(%x, %w : tensor<2x4xf32>, tensor<4x3xf32>) outs(%init : tensor<2x3xf32>) -> tensor<2x3xf32> loc("fc1")
  %y2 = linalg.matmul ins(%y1, %w2 : tensor<2x3xf32>, tensor<3x3xf32>) outs(%init : tensor<2x3xf32>) -> tensor<2x3xf32> loc("fc1")
  %q = qf.quantize %w : tensor<4x3xf32> -> !qf.qtensor<4x3xf32, #qf.scheme<i8, axis = 1>>
  %y3 = qf.matmul %x, %q acc(f32) : tensor<2x4xf32>, !qf.qtensor<4x3xf32, #qf.scheme<i8, axis = 1>> -> tensor<2x3xf32>
  %o = qf.observe %x {name = "mine"} : tensor<2x4xf32>
  %y4 = qf.matmul %o, %q acc(f32) : tensor<2x4xf32>, !qf.qtensor<4x3xf32, #qf.scheme<i8, axis = 1>> -> tensor<2x3xf32>
  %y5 = linalg.matmul ins(%x, %rw : tensor<2x4xf32>, tensor<4x3xf32>) outs(%init : tensor<2x3xf32>) -> tensor<2x3xf32>
  return %y1, %y2, %y3, %y4, %y5 : tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>
}

// Exporters' node names become file-name-safe layer names: "/" and other
// characters become ".", leading and trailing ones are dropped.
// CHECK-LABEL: func.func @exported
//       CHECK:   qf.observe %arg0 {name = "blocks.0.q.MatMul.input"}
//       CHECK:   qf.observe %arg0 {name = "head.MatMul.0.input"}
func.func @exported(%x: tensor<2x4xf32>) -> (tensor<2x3xf32>, tensor<2x3xf32>) {
  %w = arith.constant dense<0.5> : tensor<4x3xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<2x3xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<2x3xf32>) -> tensor<2x3xf32>
  %y1 = linalg.matmul ins(%x, %w : tensor<2x4xf32>, tensor<4x3xf32>) outs(%init : tensor<2x3xf32>) -> tensor<2x3xf32> loc("/blocks.0/q/MatMul")
  %y2 = linalg.matmul ins(%x, %w : tensor<2x4xf32>, tensor<4x3xf32>) outs(%init : tensor<2x3xf32>) -> tensor<2x3xf32> loc("//head/MatMul:0//")
  return %y1, %y2 : tensor<2x3xf32>, tensor<2x3xf32>
}

// With outputs=true the results are observed too, and their users read the
// observed value.
// OUT-LABEL: func.func @exported
//       OUT:   %[[I:.*]] = qf.observe %arg0 {name = "blocks.0.q.MatMul.input"}
//       OUT:   %[[Y:.*]] = linalg.matmul ins(%[[I]],
//       OUT:   %[[O:.*]] = qf.observe %[[Y]] {name = "blocks.0.q.MatMul.output"}
//       OUT:   qf.observe %{{.*}} {name = "head.MatMul.0.output"}
//       OUT:   return %[[O]],
